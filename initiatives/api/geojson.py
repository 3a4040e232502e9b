"""The map's points: filtered initiatives as a GeoJSON FeatureCollection, cached per catalogue version.

Built from `values_list()` rows (no model instance per row) over the selection layer's queryset, so
the map shows what the list shows. The serialised bytes are cached under the catalogue version plus
the selection's key, so a cache hit costs no database query and any edit (signals bump the version)
makes the next request rebuild. The ETag is derived from that key: a conditional request that still
matches gets a 304 without reading the cached body.

The shape, for the map and for other sites that read this endpoint (CORS):

    {"type": "FeatureCollection",
     "url_template": "https://…/en/initiatives/{slug}/",  # a feature's page: {slug} replaced by its slug
     "country_names": {"BR": "Brazil", …},                 # the features' country codes, named
     "unlocated": 3,                                       # matches without a point, not in "features"
     "features": [{"type": "Feature",
                   "geometry": {"type": "Point", "coordinates": [lon, lat]},
                   "properties": {"slug", "name", "kind", "country", "territory", "precision"}}, …]}

The page URL and the country's name are not repeated in every feature: repeated, they made up a
quarter of the body (docs/performance.md).

GIS tools (QGIS, ogr2ogr) read a feature's properties alone, so /api/initiatives.full.geojson, the
same collection, adds to each feature what the map does not need: "url" (its page), "sectors" and
"families" (slugs), "regions" (ISO 3166-2 codes) and "route" (the Rota's slug, or null). Flat
values and arrays of strings only: GDAL maps them to plain and list fields. The map's feed stays slim.
"""

import gzip
import hashlib
import re

import orjson
from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse, HttpResponseNotModified, JsonResponse
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.http import parse_etags
from django.views.decorators.http import require_safe
from django_countries import countries

from ..cache import versioned_key
from ..models import Initiative
from ..selection import InvalidSelection, Selection, normalise, requested_language
from ..translation import suffix
from .throttling import over_anon_budget

# ~1 m at the equator: more digits only make the response bigger.
DIGITS = 5
CACHE_SECONDS = 60 * 60
POINT_FIELDS = ("kind", "country", "territory", "location_precision", "longitude", "latitude")
# Part of the cache key: bodies cached by code that wrote another shape are never served after a deploy.
SHAPE = "2"
ROWS_PER_FETCH = 2000
# Three containers a feature: a batch of 100 is freed before the garbage collector's youngest generation
# (700 new containers) fills, so its features are not scanned and promoted.
FEATURES_PER_DUMP = 100
# Level 4: the higher levels save little for the time they add (docs/performance.md).
GZIP_LEVEL = 4
ACCEPTS_GZIP = re.compile(r"\bgzip\b")  # as Django's GZipMiddleware reads Accept-Encoding


def cache_key(selection: Selection, language: str, host: str, full: bool = False) -> str:
    """The selection's key (?q=! or ?utm=1 share the entry of the plain collection), in its order."""
    variant = "full" if full else "slim"
    return versioned_key("geojson", SHAPE, variant, language, host, selection.cache_key(ordered=True))


def row_name(name: str, translated: str, original_language: str, language: str) -> str:
    """`translation.localized()`'s choice on plain values (a call per row is too slow at the map's
    scale): the original in its own language, else the translation, else the original.
    tests/initiatives/test_geojson.py checks that both agree."""
    if language == (original_language or settings.LANGUAGE_CODE) or not translated:
        return name
    return translated


def etag_for(key: str, gzipped: bool = False) -> str:
    return '"' + hashlib.sha256(key.encode()).hexdigest()[:32] + ("-gzip" if gzipped else "") + '"'


def full_properties(ids: list[int]) -> dict[int, dict]:
    """The full variant's extra properties of these initiatives: two queries per batch of rows."""
    extra = {pk: {"sectors": [], "families": [], "regions": []} for pk in ids}
    sectors = Initiative.sectors.through.objects.filter(initiative_id__in=ids).order_by("sector__slug")
    for pk, sector, family in sectors.values_list("initiative_id", "sector__slug", "sector__family__slug"):
        extra[pk]["sectors"].append(sector)
        if family and family not in extra[pk]["families"]:
            extra[pk]["families"].append(family)
    regions = Initiative.regions.through.objects.filter(initiative_id__in=ids).order_by("region__code")
    for pk, code in regions.values_list("initiative_id", "region__code"):
        extra[pk]["regions"].append(code)
    for properties in extra.values():
        properties["families"].sort()
    return extra


def with_full_properties(rows):
    """(row, extra properties) per row, the extras read a fetch's worth of rows at a time."""
    batch = []
    for row in rows:
        batch.append(row)
        if len(batch) == ROWS_PER_FETCH:
            extra = full_properties([r[0] for r in batch])
            yield from ((r, extra[r[0]]) for r in batch)
            batch = []
    if batch:
        extra = full_properties([r[0] for r in batch])
        yield from ((r, extra[r[0]]) for r in batch)


def geojson_body(selection: Selection, language: str, base_url: str, full: bool = False) -> bytes:
    """Validate the filters and serialise the FeatureCollection (raises InvalidSelection).

    The features are serialised with orjson a small batch at a time as the rows arrive, so neither
    the rows nor every feature dict are ever held together: the cyclic garbage collector, which so
    many live containers would keep waking, has little to scan. (A batch, not a feature, per
    `dumps()`: each call has its own overhead.)"""
    queryset = selection.clean(strict=True).queryset
    with translation.override(language):
        url_template = base_url + Initiative.detail_url_template()
        all_country_names = dict(countries)

    serialised = []  # each batch's features, comma-separated, without the list's brackets
    batch = []
    country_names = {}
    unlocated = 0
    fields = ("slug", "name", f"name_{suffix(language)}", "language", *POINT_FIELDS)
    if full:  # the slim feed's query stays as it was: no join to the Rotas
        rows = with_full_properties(queryset.values_list("pk", "route__slug", *fields).iterator(ROWS_PER_FETCH))
    else:
        rows = ((("", None, *row), None) for row in queryset.values_list(*fields).iterator(chunk_size=ROWS_PER_FETCH))
    for row, extra in rows:
        _pk, route, slug, name, translated, original_language, kind, country, territory, precision, lon, lat = row
        if lon is None or lat is None:
            unlocated += 1
            continue
        if country not in country_names:
            country_names[country] = all_country_names.get(country, country)
        feature = {
            "type": "Feature",
            # GeoJSON (RFC 7946) is longitude first.
            "geometry": {"type": "Point", "coordinates": [round(lon, DIGITS), round(lat, DIGITS)]},
            "properties": {
                "slug": slug,
                "name": row_name(name, translated, original_language, language),
                "kind": kind,
                "country": country,
                "territory": territory,
                "precision": precision,
            },
        }
        if full:
            feature["properties"].update(url=url_template.replace("{slug}", slug), route=route, **extra)
        batch.append(feature)
        if len(batch) == FEATURES_PER_DUMP:
            serialised.append(orjson.dumps(batch)[1:-1])
            batch = []
    if batch:
        serialised.append(orjson.dumps(batch)[1:-1])

    # Foreign members (RFC 7946 §6.1), before the features so that a reader meets them first.
    collection = {
        "type": "FeatureCollection",
        # Absolute: other sites read this endpoint (CORS) to link our initiatives from their maps.
        "url_template": url_template,
        "country_names": country_names,
        # Matches that have no point to draw.
        "unlocated": unlocated,
        "features": orjson.Fragment(b"[" + b",".join(serialised) + b"]"),
    }
    return orjson.dumps(collection)


def cached_geojson(
    selection: Selection, language: str, base_url: str, key: str, gzipped: bool = False, full: bool = False
) -> bytes:
    """The serialised collection, or its gzip (kept too: compressing tens of MB on every request
    would cost more than reading both from the cache).
    A first gzip request caches the raw body as well, so a plain client after it costs no rebuild."""
    if gzipped:
        body = cache.get(f"{key}:gzip")
        if body is None:
            raw = cached_geojson(selection, language, base_url, key, full=full)
            body = gzip.compress(raw, compresslevel=GZIP_LEVEL, mtime=0)
            cache.set(f"{key}:gzip", body, CACHE_SECONDS)
        return body
    body = cache.get(key)
    if body is None:
        body = geojson_body(selection, language, base_url, full)
        cache.set(key, body, CACHE_SECONDS)
    return body


def site_root(request) -> str:
    """Absolute detail URLs: other sites read this endpoint (CORS) to put our initiatives on their maps."""
    return request.build_absolute_uri("/").rstrip("/")


@require_safe
def initiatives_geojson(request, full: bool = False) -> HttpResponse:
    """GET /api/initiatives[.full].geojson?<filters>[&lang=]: 200 with an ETag, 304 when it still matches,
    400 with one message list per invalid parameter. A cache hit is answered before any database
    query: a selection that does not validate is never cached."""
    # Each distinct selection costs a build: the same budget as the API, which it belongs to.
    refused = over_anon_budget(request)
    if refused:
        return refused
    gzipped = ACCEPTS_GZIP.search(request.headers.get("Accept-Encoding", "")) is not None
    try:
        language = requested_language(request.GET)
        selection = normalise(request.GET)
        key = cache_key(selection, language, request.get_host(), full)
        # Each encoding is its own representation, with its own strong ETag.
        etag = etag_for(key, gzipped)
        if etag in parse_etags(request.headers.get("If-None-Match", "")):
            reply = HttpResponseNotModified()
        else:
            body = cached_geojson(selection, language, site_root(request), key, gzipped, full)
            reply = HttpResponse(body, content_type="application/geo+json")
            if gzipped:
                reply["Content-Encoding"] = "gzip"
    except InvalidSelection as invalid:
        return JsonResponse({"errors": invalid.errors}, status=400)
    patch_vary_headers(reply, ["Accept-Encoding"])
    reply["ETag"] = etag
    # Revalidate every time: a 304 is cheap and an edit must show at once.
    reply["Cache-Control"] = "public, no-cache"
    return reply
