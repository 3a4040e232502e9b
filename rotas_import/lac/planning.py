"""Step 4 for initiatives of any LAC country: match countries, regions, sectors and themes, check
the points, find each row's initiative (by slug, else by country and folded name) and write down
what would change. Shares reading, the issues, the plan's shape, applying and the record with the
polo importer."""

import math

from django.utils.translation import gettext as _
from django_countries import countries

from initiatives.models import Initiative, Sector, Theme
from initiatives.reference import country_points

from ..issues import Issues
from ..models import ImportRecord
from ..plan import ImportPlan, NewTerm, PlannedChange
from ..planning import keep_claimed, planned_update, unique_slug
from ..reading import Sheet
from ..values import fold
from .matching import Catalogue, match_regions, match_terms
from .rows import coordinate, initiative_rows, typed_values

# The vocabularies' names as staff read them, in the active language.
VOCABULARY_NAMES = {
    "sectors": lambda: Sector._meta.verbose_name_plural,
    "themes": lambda: Theme._meta.verbose_name_plural,
}
LAC_BOX = {"lat": (-60.0, 33.0), "lon": (-120.0, -25.0)}
MAX_KM_FROM_COUNTRY = 4000
ENGLISH_SPEAKING = {"AG", "BB", "BS", "BZ", "DM", "GD", "GY", "JM", "KN", "LC", "TT", "VC"}


def distance_km(lat1, lon1, lat2, lon2) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 6371 * 2 * math.asin(math.sqrt(a))


def in_box(lat, lon) -> bool:
    return LAC_BOX["lat"][0] <= lat <= LAC_BOX["lat"][1] and LAC_BOX["lon"][0] <= lon <= LAC_BOX["lon"][1]


def plan_initiatives(sheets: list[Sheet], *, create_new_terms=False, new_sector_families=None) -> ImportPlan:
    issues = Issues()
    rows, read, skipped, layout = initiative_rows(sheets, issues)
    catalogue = Catalogue()
    by_slug = {
        i.slug: i for i in Initiative.objects.filter(slug__in=[r.raw.get("slug") for r in rows if r.raw.get("slug")])
    }
    keys = {fold(r.raw.get("name", "")) for r in rows}
    by_key: dict[tuple[str, str], list[Initiative]] = {}
    for i in Initiative.objects.filter(name_key__in=keys, route__isnull=True).prefetch_related(
        "regions", "sectors", "themes"
    ):
        by_key.setdefault((str(i.country), i.name_key), []).append(i)
    taken_slugs = set(Initiative.objects.values_list("slug", flat=True))
    new_terms: dict[str, dict[str, NewTerm]] = {"sectors": {}, "themes": {}}
    seen, changes = {}, []
    for row in rows:
        change = plan_row(row, catalogue, issues, by_slug, by_key, taken_slugs, new_terms, seen)
        if change is not None:
            changes.append(change)
    check_new_terms(new_terms, catalogue, issues, create_new_terms, new_sector_families or {})
    keep_claimed(changes, issues)
    return ImportPlan(
        ImportRecord.Kind.INITIATIVES, layout if rows else "", read, skipped, changes, issues.errors, issues.warnings,
        options={"create_new_terms": create_new_terms, "new_sector_families": new_sector_families or {}},
        new_terms={relation: sorted(terms.values(), key=lambda t: t.slug) for relation, terms in new_terms.items()},
    )  # fmt: skip


def check_new_terms(new_terms, catalogue: Catalogue, issues: Issues, create_new_terms: bool, families: dict) -> None:
    """Unknown sectors and themes are errors until staff accept them; an accepted new sector
    needs its family. Each new sector gets the closest known names, to catch a misspelling."""
    for relation, terms in new_terms.items():
        for term in terms.values():
            if relation == "sectors":
                term.closest = catalogue.sector_index.closest(term.name)
                term.family = families.get(term.slug, "")
                if term.family not in catalogue.family_slugs:
                    term.family = ""
            if not create_new_terms:
                message = _("“%(name)s” is not one of the catalogue's %(vocabulary)s.") % {
                    "name": term.name, "vocabulary": VOCABULARY_NAMES[relation]()
                }  # fmt: skip
                if term.closest:
                    message += " " + _("Closest: %(names)s.") % {"names": ", ".join(term.closest)}
                message += " " + _("Import again with “Create new sectors and themes” (--create-new-terms) to add it.")
                issues.error(message, term.sheet, term.row, term.column)
            elif relation == "sectors" and not term.family:
                issues.error(
                    _("Choose the family of the new sector “%(name)s” (--new-sector-family “%(name)s=FAMILY”).")
                    % {"name": term.name},
                    term.sheet, term.row, term.column,
                )  # fmt: skip


def plan_row(
    row, catalogue: Catalogue, issues: Issues, by_slug, by_key, taken_slugs, new_terms, seen
) -> PlannedChange | None:
    raw = row.raw

    def error(key, message):
        issues.error(message, row.sheet, row.row, row.columns.get(key, ""))

    errors_before = len(issues.errors)
    name = raw.get("name", "")
    if not name:
        error("name", _("The name is missing."))
    country = catalogue.countries.get(fold(raw.get("country", "")))
    if country is None:
        error("country", _("“%(value)s” is not a Latin American or Caribbean country (give its ISO code or its name).")
              % {"value": raw.get("country", "")})  # fmt: skip
    values = typed_values(row, issues)
    language = values.get("language") or default_language(country)
    regions = match_regions(raw.get("region", ""), country, catalogue, error) if country else []
    sectors = match_terms(raw.get("sector", ""), catalogue.sectors, "sectors", row, "sector", new_terms, language)
    themes = match_terms(raw.get("themes", ""), catalogue.themes, "themes", row, "themes", new_terms, language)
    if country:
        values |= locate(raw, values.get("location_precision"), country, regions, error)
    if len(issues.errors) > errors_before:
        return None
    slug = raw.get("slug", "")
    identity = slug or (country, fold(name))
    if identity in seen:
        error("name", _("This is the same initiative as row %(row)s.") % {"row": seen[identity]})
        return None
    seen[identity] = row.row
    current = by_slug.get(slug) if slug else None
    if current is None and not slug:
        matches = by_key.get((country, fold(name)), [])
        if len(matches) > 1:
            error("name", _("Several initiatives of this country have this name; add their slug column to say which."))
            return None
        current = matches[0] if matches else None
    m2m = {"regions": sorted(r.pk for r in regions) if "region" in raw else None,
           "sectors": sectors if "sector" in raw else None, "themes": themes if "themes" in raw else None}  # fmt: skip
    m2m = {k: v for k, v in m2m.items() if v is not None}
    values |= {"country": country}
    where = {"name": name, "sheet": row.sheet, "row": row.row}
    if current is None:
        values |= {
            "name": name, "slug": slug or unique_slug(name, country, taken_slugs), "is_published": True,
            "status": Initiative.Status.ACTIVE.value, "kind": values.get("kind") or Initiative.Kind.CLUSTER.value,
            "language": language,
        }  # fmt: skip
        taken_slugs.add(values["slug"])
        values = {k: v for k, v in values.items() if v is not None or k in ("year_started", "member_count")}
        return PlannedChange("created", slug=values["slug"], values=values, relations=m2m, **where)
    if slug and name:
        values["name"] = name
    if "latitude" not in raw and "longitude" not in raw:
        # A file without coordinates (an edited export of a few columns) leaves the point alone.
        for key in ("latitude", "longitude", "location_precision"):
            values.pop(key, None)
    values = {k: v for k, v in values.items() if not (k in ("kind", "language", "location_precision") and v is None)}
    return planned_update(current, values, m2m, {}, **where)


def default_language(country: str) -> str:
    return "pt-br" if country == "BR" else "en" if country in ENGLISH_SPEAKING else "es"


def locate(raw: dict, precision: str | None, country: str, regions: list, error) -> dict:
    """The row's point when given (and plausible), else its region's, else its country's."""
    lat_text, lon_text = raw.get("latitude", ""), raw.get("longitude", "")
    if lat_text or lon_text:
        lat, lon = coordinate(lat_text), coordinate(lon_text)
        if lat is None or lon is None:
            error("latitude" if lat is None else "longitude", _("Give both latitude and longitude as decimal numbers."))
            return {}
        if not in_box(lat, lon):
            if in_box(lon, lat):
                error("latitude", _("(%(lat)s, %(lon)s) is outside Latin America and the Caribbean; latitude and "
                                    "longitude look swapped.") % {"lat": lat, "lon": lon})  # fmt: skip
            else:
                error(
                    "latitude",
                    _("(%(lat)s, %(lon)s) is outside Latin America and the Caribbean.") % {"lat": lat, "lon": lon},
                )
            return {}
        reference = country_points()[country]
        km = distance_km(lat, lon, reference.latitude, reference.longitude)
        if km > MAX_KM_FROM_COUNTRY:
            error("latitude", _("(%(lat)s, %(lon)s) is %(km)s km from %(capital)s: too far to be in %(country)s.")
                  % {"lat": lat, "lon": lon, "km": f"{km:,.0f}", "capital": reference.capital, "country": countries.name(country)})  # fmt: skip
            return {}
        return {"latitude": lat, "longitude": lon, "location_precision": precision or Initiative.Precision.EXACT.value}
    located = [r for r in regions if r.latitude is not None]
    if located:
        return {"latitude": located[0].latitude, "longitude": located[0].longitude,
                "location_precision": Initiative.Precision.REGION.value}  # fmt: skip
    point = country_points()[country]
    return {
        "latitude": point.latitude,
        "longitude": point.longitude,
        "location_precision": Initiative.Precision.COUNTRY.value,
    }
