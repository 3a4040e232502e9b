"""The two-level sector classification: families and the sectors (value chains) under them.

Shipped as reference data (data/classification/), checked before anything is written, and
read back as one index of every name and synonym in the three languages, folded, so a file's
"Café", "coffee" or "cafeicultura" all mean the sector Coffee, and a family's name ("Agroindustria")
means that family's general sector. The loader, the admin and the importers share these rules.
"""

import csv
import difflib
from dataclasses import dataclass, field
from pathlib import Path

from django.utils.translation import gettext as _

from .text import fold

DATA_DIR = Path(__file__).resolve().parent / "data" / "classification"
NAME_FIELDS = ("name_pt_br", "name_es", "name_en")
SUGGESTIONS = 3


class ClassificationError(ValueError):
    """The classification's data is inconsistent; every problem is listed, each naming its term."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


def synonyms_of(text: str) -> list[str]:
    return [s.strip() for s in (text or "").split(";") if s.strip()]


def read_rows(name: str) -> list[dict]:
    with open(DATA_DIR / name, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def _terms(row: dict) -> list[str]:
    return [row["slug"], *(row.get(f, "") for f in NAME_FIELDS), *synonyms_of(row.get("synonyms", ""))]


def check(families: list[dict], sectors: list[dict]) -> None:
    """Raise ClassificationError unless every term has its three names, every sector a known
    family, every family one general sector, and no word means two different sectors."""
    problems = []
    family_slugs = {row["slug"] for row in families}
    for kind, rows in ((_("family"), families), (_("sector"), sectors)):
        for row in rows:
            for name_field in NAME_FIELDS:
                if not (row.get(name_field) or "").strip():
                    problems.append(
                        _("The %(kind)s “%(slug)s” has no %(field)s.")
                        % {"kind": kind, "slug": row["slug"], "field": name_field}
                    )
    general = {}
    for row in sectors:
        if row.get("family") not in family_slugs:
            problems.append(
                _("The sector “%(slug)s” is under no family (“%(family)s” is not one).")
                % {"slug": row["slug"], "family": row.get("family", "")}
            )
        elif row.get("general"):
            general.setdefault(row["family"], []).append(row["slug"])
    for slug in sorted(family_slugs):
        if len(general.get(slug, [])) != 1:
            problems.append(
                _("The family “%(slug)s” needs exactly one general sector; it has %(sectors)s.")
                % {"slug": slug, "sectors": ", ".join(general.get(slug, [])) or _("none")}
            )
    claims: dict[str, tuple[str, str]] = {}  # folded word -> (the sector it means, who claimed it first)
    reported: set[tuple[str, str]] = set()

    def claim(word: str, target: str, owner: str) -> None:
        key = fold(word)
        if not key:
            return
        previous = claims.setdefault(key, (target, owner))
        if previous[0] != target and (key, owner) not in reported:
            reported.add((key, owner))
            problems.append(
                _("“%(word)s” is claimed by two sectors: “%(first)s” and “%(second)s”.")
                % {"word": word, "first": previous[1], "second": owner}
            )

    for row in sectors:
        for word in _terms(row):
            claim(word, row["slug"], row["slug"])
    for row in families:
        target = (general.get(row["slug"]) or [row["slug"]])[0]
        for word in _terms(row):
            claim(word, target, _("family %(slug)s") % {"slug": row["slug"]})
    if problems:
        raise ClassificationError(problems)


def shipped_rows() -> tuple[list[dict], list[dict]]:
    return read_rows("families.csv"), read_rows("sectors.csv")


def cluster_map_fields(row: dict) -> dict:
    return {"cluster_category": row["cluster_category"], "isic_section": row["isic_section"]}


# -- the index the importers and the admin use -------------------------------------------------


@dataclass
class SectorIndex:
    """Folded word -> sector id, for every sector's and family's names, synonyms and slug."""

    ids: dict[str, int] = field(default_factory=dict)
    words: dict[str, str] = field(default_factory=dict)  # folded word -> a display name of its sector

    def add(self, word: str, sector_id: int, label: str) -> None:
        key = fold(word)
        if key and key not in self.ids:
            self.ids[key] = sector_id
            self.words[key] = label

    def match(self, text: str) -> int | None:
        return self.ids.get(fold(text))

    def closest(self, text: str, n: int = SUGGESTIONS) -> list[str]:
        """The names of the n sectors whose words are nearest to `text`, nearest first."""
        found = []
        for key in difflib.get_close_matches(fold(text), self.ids, n=len(self.ids), cutoff=0):
            label = self.words[key]
            if label not in found:
                found.append(label)
            if len(found) == n:
                break
        return found


def sector_index(sector_model, family_model, exclude_sector=None, exclude_family=None) -> SectorIndex:
    """Sectors' own words first, then each family's words for its general sector."""
    index = SectorIndex()
    sectors = sector_model.objects.select_related("family")
    if exclude_sector is not None:
        sectors = sectors.exclude(pk=exclude_sector)
    general = {}
    # Classified sectors first: a word of theirs wins over a sector of no family left by an older
    # catalogue (a free-text "Health" created before the classification).
    for sector in sorted(sectors, key=lambda sector: sector.family_id is None):
        for word in [*sector.all_names(), sector.slug]:
            index.add(word, sector.pk, sector.display_name)
        if sector.is_general and sector.family_id:
            general[sector.family_id] = sector
    families = family_model.objects.all()
    if exclude_family is not None:
        families = families.exclude(pk=exclude_family)
    for family in families:
        sector = general.get(family.pk)
        if sector is not None:
            for word in [*family.all_names(), family.slug]:
                index.add(word, sector.pk, sector.display_name)
    return index


def claimed_elsewhere(term, Sector, SectorFamily) -> str:  # noqa: N803 (the models, passed in)
    """For the admin: a message naming the first word of `term` (a sector, or a family through its
    general sector) that already means another sector, or ''."""
    if isinstance(term, Sector):
        index = sector_index(Sector, SectorFamily, exclude_sector=term.pk)
        own = {term.pk}
    else:
        index = sector_index(Sector, SectorFamily, exclude_family=term.pk)
        own = (
            set(Sector.objects.filter(family=term, is_general=True).values_list("pk", flat=True)) if term.pk else set()
        )
    for word in [*term.all_names(), term.slug]:
        found = index.match(word)
        if found is not None and found not in own:
            return _("“%(word)s” already means the sector “%(sector)s”.") % {
                "word": word,
                "sector": index.words[fold(word)],
            }
    return ""


def sector_choices_by_family(sectors) -> list[tuple[str, list[tuple[int, str]]]]:
    """The sectors as (family name, [(id, sector name)…]) in the active language, for forms that
    offer the sectors grouped rather than as one long list."""
    groups: dict[str, list[tuple[int, str]]] = {}
    for sector in sectors.select_related("family"):
        family = str(sector.family.display_name) if sector.family_id else _("Other sectors")
        groups.setdefault(family, []).append((sector.pk, str(sector.display_name)))
    return [
        (family, sorted(options, key=lambda option: fold(option[1])))
        for family, options in sorted(groups.items(), key=lambda group: fold(group[0]))
    ]
