"""The OpenAPI description of the query parameters and error responses the API shares.

The parameters are those of `InitiativeFilterSet`; their allowed values come from the same
sources it uses (model choices, the ORDERINGS whitelist), so the schema cannot drift from it.
"""

from django.conf import settings
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse

from ..filters import ORDERINGS
from ..models import Initiative

LANGUAGE_CODES = [code for code, _name in settings.LANGUAGES]
BBOX_PATTERN = r"^\s*-?\d+(\.\d+)?\s*(,\s*-?\d+(\.\d+)?\s*){3}$"


def _many(name, description, enum=None):
    return OpenApiParameter(name, str, many=True, explode=True, style="form", enum=enum, description=description)


LANGUAGE_PARAMETER = OpenApiParameter(
    "lang",
    str,
    enum=LANGUAGE_CODES,
    description=_(
        "Language of names and labels (country names, sectors, themes…). Without it, the request's "
        "Accept-Language header decides; Portuguese when it says nothing."
    ),
)

FILTER_PARAMETERS = [
    OpenApiParameter(
        "q",
        str,
        description=_(
            "Free-text search in names, territory, descriptions, managing organisation and municipality names; "
            "case, accents and punctuation are ignored and every word must match."
        ),
    ),
    _many(
        "country",
        _("ISO 3166-1 alpha-2 country code, either case (BR, co). Repeat the parameter for several countries."),
    ),
    _many("region", _("ISO 3166-2 code of a region (BR-CE, CO-ANT); see /api/regions/. Repeatable.")),
    _many("kind", _("Kind of initiative. Repeatable."), enum=Initiative.Kind.values),
    _many("family", _("Sector family slug (every sector of the family); see /api/families/. Repeatable.")),
    _many("sector", _("Sector slug; see /api/sectors/. Repeatable.")),
    _many("theme", _("Theme slug; see /api/themes/. Repeatable.")),
    _many("program", _("Programme slug; see /api/programs/. Repeatable.")),
    _many("route", _("Rota slug (Rotas de Integração Nacional); see /api/routes/. Repeatable.")),
    OpenApiParameter("status", str, enum=Initiative.Status.values, description=_("Active or inactive initiatives.")),
    OpenApiParameter(
        "bbox",
        {"type": "string", "pattern": BBOX_PATTERN},
        description=_(
            "Only initiatives located inside the box min_lon,min_lat,max_lon,max_lat (decimal degrees, WGS 84), "
            "e.g. -75,-35,-33,6."
        ),
    ),
    OpenApiParameter(
        "ordering",
        str,
        enum=list(ORDERINGS),
        description=_("Sort order: name, country or creation date; a leading '-' reverses it. By name by default."),
    ),
]

# Each operation's description, shown under its summary on the docs page; translated, unlike the
# views' docstrings, which drf-spectacular would otherwise show in English whatever the language.
DESCRIPTIONS = {
    "list": _(
        "The published initiatives matching the filters: the same selection as the catalogue's list page and "
        "map for the same query string. Filters of different names combine with AND; repeated values of one "
        "filter (country=BR&country=CO) with OR."
    ),
    "detail": _(
        "Everything public about one initiative: texts and their translations, regions and municipalities, "
        "sectors, themes, programme and Rota. An initiative that is not published answers 404."
    ),
    "vocabulary": _("Every term, with its number of published initiatives."),
    "regions": _("Every first-level region (ISO 3166-2), with its number of published initiatives."),
    "countries": _(
        "The 33 countries of Latin America and the Caribbean, and any other that has a published initiative, "
        "with their names in the requested language and their number of published initiatives."
    ),
    "export": _(
        "Every initiative that /api/initiatives/ gives for the same filters (unpaginated, in the same order), "
        "as a file to download. Text that a spreadsheet would take for a formula starts with an apostrophe. "
        "The columns are those the catalogue's importer reads back."
    ),
    "geojson": _(
        "The located initiatives that /api/initiatives/ gives for the same filters, as a GeoJSON "
        "FeatureCollection (RFC 7946). Each feature has its slug, name, kind, country, territory and location "
        "precision; url_template gives its page, country_names the countries' names, and unlocated counts "
        "the initiatives without a point."
    ),
    "geojson_full": _(
        "The slim GeoJSON's collection for GIS tools (QGIS, ogr2ogr), which read each feature on its own: every "
        "feature also has its page (url), its sectors and families, its regions (ISO 3166-2) and its Rota."
    ),
}

ERROR_DETAIL = {
    "type": "object",
    "properties": {"detail": {"type": "string"}},
    "required": ["detail"],
}
VALIDATION_ERRORS = {
    "type": "object",
    "description": _("One list of messages per invalid query parameter."),
    "additionalProperties": {"type": "array", "items": {"type": "string"}},
}

RETRY_AFTER = OpenApiParameter(
    "Retry-After",
    int,
    location=OpenApiParameter.HEADER,
    response=[429],
    description=_("Seconds to wait before the next request."),
)


def error_responses(*codes: int) -> dict:
    """The documented error responses, by status code, all JSON."""
    known = {
        400: OpenApiResponse(VALIDATION_ERRORS, description=_("Invalid query parameters, each with its message.")),
        404: OpenApiResponse(ERROR_DETAIL, description=_("No published initiative or page with this address.")),
        429: OpenApiResponse(ERROR_DETAIL, description=_("Too many requests: wait the seconds in Retry-After.")),
    }
    return {(code, "application/json"): known[code] for code in codes}


STRINGS = {"type": "array", "items": {"type": "string"}}
SLIM_PROPERTIES = {
    "slug": {"type": "string"},
    "name": {"type": "string"},
    "kind": {"type": "string", "enum": Initiative.Kind.values},
    "country": {"type": "string", "description": "ISO 3166-1 alpha-2"},
    "territory": {"type": "string"},
    "precision": {"type": "string", "enum": Initiative.Precision.values},
}
FULL_PROPERTIES = {
    **SLIM_PROPERTIES,
    "url": {"type": "string", "format": "uri"},
    "sectors": STRINGS,
    "families": STRINGS,
    "regions": {**STRINGS, "description": "ISO 3166-2"},
    "route": {"type": "string", "nullable": True},
}


def feature_collection(full: bool) -> dict:
    """The GeoJSON FeatureCollection of initiatives/api/geojson.py (RFC 7946), slim or full."""
    properties = FULL_PROPERTIES if full else SLIM_PROPERTIES
    point = {
        "type": "object",
        "properties": {
            "type": {"type": "string", "enum": ["Point"]},
            "coordinates": {"type": "array", "items": {"type": "number"}, "minItems": 2, "maxItems": 2},
        },
        "required": ["type", "coordinates"],
    }
    feature = {
        "type": "object",
        "properties": {
            "type": {"type": "string", "enum": ["Feature"]},
            "geometry": point,
            "properties": {"type": "object", "properties": properties, "required": list(properties)},
        },
        "required": ["type", "geometry", "properties"],
    }
    return {
        "type": "object",
        "properties": {
            "type": {"type": "string", "enum": ["FeatureCollection"]},
            "url_template": {"type": "string"},
            "country_names": {"type": "object", "additionalProperties": {"type": "string"}},
            "unlocated": {"type": "integer"},
            "features": {"type": "array", "items": feature},
        },
        "required": ["type", "url_template", "country_names", "unlocated", "features"],
    }


GEOJSON_ERRORS = {
    (400, "application/json"): OpenApiResponse(
        {"type": "object", "properties": {"errors": VALIDATION_ERRORS}, "required": ["errors"]},
        description=_("Invalid query parameters, each with its message."),
    ),
    **error_responses(429),
}


# The schema's own texts, in the language of `?lang=` (drf-spectacular generates under it); the
# same sentences as the docs page, so both read alike.
TITLE = format_lazy("{}: {}", _("LAC catalogue"), _("Open data API"))
DESCRIPTION = format_lazy(
    "{} {}",
    _(
        "The published initiatives, with the same filters as the catalogue's pages, as JSON, CSV or Excel. "
        "Read-only and open to other sites; anonymous clients are rate-limited."
    ),
    _("Too many requests: wait the seconds in Retry-After."),
)
# drf-spectacular names each operation's tag after the path's first segment.
TAGS = {
    "initiatives": _("Initiatives"),
    "initiatives.csv": _("Initiatives"),
    "initiatives.xlsx": _("Initiatives"),
    "initiatives.geojson": _("Initiatives"),
    "initiatives.full.geojson": _("Initiatives"),
    "countries": _("Countries"),
    "regions": _("Regions"),
    "families": _("Sector families"),
    "sectors": _("Sectors"),
    "themes": _("Themes"),
    "programs": _("Programmes"),
    "routes": _("Rotas of the Rotas de Integração Nacional"),
}


def localize_schema(result, generator, request, public):
    """Postprocessing hook: the title, description and tags in the active language."""
    result["info"]["title"] = str(TITLE)
    result["info"]["description"] = str(DESCRIPTION)
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            operation["tags"] = [str(TAGS.get(tag, tag)) for tag in operation.get("tags", [])]
    return result
