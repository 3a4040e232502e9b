"""Cell values cleaned the same way by every importer."""

import re
from functools import lru_cache

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator

from initiatives.text import fold as fold_text

SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*://", re.IGNORECASE)
URL_MAX_LENGTH = 500
validate_url = URLValidator(schemes=["http", "https"])


def clean_url(value: str) -> str:
    """'gov.br/mdr/…' -> 'https://gov.br/mdr/…'; '' when it is not a web address."""
    value = value.strip()
    if not value:
        return ""
    if not SCHEME.match(value):
        value = "https://" + value
    try:
        validate_url(value)
    except ValidationError:
        return ""
    return value if len(value) <= URL_MAX_LENGTH else ""


# The same few names (Rotas, polos, UFs, municipalities) recur on thousands of rows: fold each once.
fold = lru_cache(maxsize=100_000)(fold_text)
