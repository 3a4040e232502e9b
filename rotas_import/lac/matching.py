"""Step 3 for initiatives: match a row's country, regions, sectors and themes to the catalogue.
Sectors are matched by any name or synonym of a sector or of its family (the classification);
an unknown sector or theme is kept as a new term for staff to confirm."""

from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import override
from django_countries import countries

from initiatives.classification import sector_index
from initiatives.models import Region, Sector, SectorFamily, Theme
from initiatives.reference import country_points

from ..plan import NewTerm
from ..values import fold


def country_names() -> dict[str, str]:
    """Folded code or name (Portuguese, Spanish, English, official) -> ISO code, for LAC countries."""
    import pycountry

    names = {}
    for code in country_points():
        record = pycountry.countries.get(alpha_2=code)
        spellings = [
            code,
            record.alpha_3,
            record.name,
            getattr(record, "official_name", ""),
            getattr(record, "common_name", ""),
        ]
        for language in ("pt-br", "es", "en"):
            with override(language):
                spellings.append(str(countries.name(code)))
        for spelling in spellings:
            if spelling:
                names.setdefault(fold(spelling), code)
    return names


def vocabulary_index(model) -> dict[str, int]:
    index = {}
    for term in model.objects.all():
        for spelling in [*term.all_names(), term.slug]:
            index.setdefault(fold(spelling), term.pk)
    return index


class Catalogue:
    """The lookup tables a plan needs, loaded once."""

    def __init__(self):
        self.countries = country_names()
        self.regions = {r.code: r for r in Region.objects.all()}
        self.region_names: dict[tuple[str, str], Region] = {}
        for region in self.regions.values():
            short = region.name.split("(")[0]
            for spelling in (region.name, short):
                self.region_names.setdefault((str(region.country), fold(spelling)), region)
        # Any name or synonym of a sector or of a family (its general sector), in any language.
        self.sector_index = sector_index(Sector, SectorFamily)
        self.sectors = self.sector_index.ids
        self.themes = vocabulary_index(Theme)
        self.family_slugs = set(SectorFamily.objects.values_list("slug", flat=True))


def match_regions(value: str, country: str, catalogue: Catalogue, error) -> list:
    found = []
    for part in (p.strip() for p in value.split(";")):
        if not part:
            continue
        region = catalogue.regions.get(part.upper()) or catalogue.region_names.get((country, fold(part)))
        if region is None:
            error("region", _("“%(value)s” is not a region of %(country)s (give its ISO 3166-2 code or its name).")
                  % {"value": part, "country": countries.name(country)})  # fmt: skip
        elif str(region.country) != country:
            error("region", _("%(region)s is a region of %(other)s, not of %(country)s.")
                  % {"region": region.code, "other": countries.name(region.country), "country": countries.name(country)})  # fmt: skip
        else:
            found.append(region)
    return found


def match_terms(value: str, index: dict[str, int], relation: str, row, key: str, new_terms, language: str) -> list:
    """Ids of the known terms; unknown ones become 'new:<slug>', listed for staff to confirm."""
    ids = []
    for part in (p.strip() for p in value.split(";")):
        if not part:
            continue
        pk = index.get(fold(part))
        if pk is None:
            slug = slugify(part)[:200] or "term"
            new_terms[relation].setdefault(
                slug,
                NewTerm(slug, part, language, row.sheet, row.row, row.columns.get(key, "")),
            )  # fmt: skip
            ids.append(f"new:{slug}")
        else:
            ids.append(pk)
    return sorted(set(ids), key=str)
