"""Text folding shared by search and the importers: case, accents and punctuation ignored."""

import re
import unicodedata

_NON_ALNUM = re.compile(r"[^0-9a-z]+")


def fold(text: str | None) -> str:
    """'São João d'Aliança' -> 'sao joao d alianca'. Stable across databases and Python versions."""
    if not text:
        return ""
    decomposed = unicodedata.normalize("NFKD", str(text))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _NON_ALNUM.sub(" ", stripped.casefold()).strip()


def search_terms(query: str | None) -> list[str]:
    """The folded words of a visitor's query, each of which must appear in a match."""
    return fold(query).split()


# A cell starting with one of these is a formula to a spreadsheet (CSV injection, OWASP): exports
# prefix such text with an apostrophe, and the importer takes it off again.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
