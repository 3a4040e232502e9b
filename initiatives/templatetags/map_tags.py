"""What every map on the site needs from settings and the model, for `includes/map_preview.html`."""

import functools
import json

from django import template
from django.conf import settings
from django.http import QueryDict
from django.templatetags.static import static
from django.urls import reverse
from django.utils import translation
from django.utils.safestring import mark_safe
from django_countries import countries

from ..models import Initiative
from ..reference import lac_country_codes

register = template.Library()

# One shape per kind (plus a colour in map.css) so that kinds differ without relying on colour.
# map.js copies these from the legend into the markers: the shapes live here only.
SHAPES = {
    Initiative.Kind.CLUSTER: "M10 3a7 7 0 1 0 0 14a7 7 0 1 0 0-14Z",  # circle
    Initiative.Kind.APL: "M3.5 3.5h13v13h-13Z",  # square
    Initiative.Kind.ROTAS_POLO: "M10 1.5 18.5 10 10 18.5 1.5 10Z",  # diamond
    Initiative.Kind.NETWORK: "M10 2 18.5 17H1.5Z",  # triangle
    Initiative.Kind.TECH_PARK: "M5.5 2.5h9L19 10l-4.5 7.5h-9L1 10Z",  # hexagon
    Initiative.Kind.VALUE_CHAIN: "M10 1.5l2.5 5.3 5.8.7-4.3 4 1.1 5.7L10 14.4l-5.1 2.8 1.1-5.7-4.3-4 5.8-.7Z",  # star
    Initiative.Kind.OTHER: "M1.5 3h17L10 18Z",  # downward triangle
}
APPROXIMATE = (Initiative.Precision.REGION, Initiative.Precision.COUNTRY)
# The base layer names these countries at low zoom: the catalogue's, and its two big neighbours.
NAMED_COUNTRIES = ("US", "CA")
BASEMAP_ATTRIBUTION = "Natural Earth, IBGE"


def country_names_json() -> str:
    """The named countries in the page's language, as map.js reads them (code → name)."""
    return _country_names_json(translation.get_language())


# The names depend on the language only: translating ~35 of them took about 0.6 ms a map.
@functools.lru_cache(maxsize=16)
def _country_names_json(language: str) -> str:
    codes = [*lac_country_codes(), *NAMED_COUNTRIES]
    with translation.override(language):
        return json.dumps({code: countries.name(code) for code in codes}, ensure_ascii=False, sort_keys=True)


def shape_svg(kind: str) -> str:
    return mark_safe(
        '<svg class="map-shape" viewBox="0 0 20 20" width="20" height="20" aria-hidden="true" focusable="false">'
        f'<path d="{SHAPES[kind]}"/></svg>'
    )


@register.simple_tag
def map_config():
    center = settings.LEAFLET_CONFIG.get("DEFAULT_CENTER", (-15.0, -65.0))
    return {
        "tiles_url": settings.MAP_TILES_URL,
        "tiles_attribution": settings.MAP_TILES_ATTRIBUTION,
        "center": f"{center[0]},{center[1]}",
        "zoom": settings.LEAFLET_CONFIG.get("DEFAULT_ZOOM", 3),
        "min_zoom": settings.LEAFLET_CONFIG.get("MIN_ZOOM", 2),
        "max_zoom": settings.LEAFLET_CONFIG.get("MAX_ZOOM", 18),
        "geojson_url": reverse("api:initiatives-geojson"),
        # A hashed name with the manifest storage: fetched once, then from the browser's cache.
        "basemap_url": static("map/basemap.json"),
        "basemap_attribution": BASEMAP_ATTRIBUTION,
        "country_names": country_names_json(),
        # A detail page's map builds its initiative's link as map.js does the GeoJSON's.
        "url_template": Initiative.detail_url_template(),
        "kinds": [(kind.value, kind.label, shape_svg(kind)) for kind in Initiative.Kind],
        "precisions": [(p.value, p.label) for p in Initiative.Precision],
        "approximate": [p.value for p in APPROXIMATE],
        "circle": shape_svg(Initiative.Kind.CLUSTER),
    }


@register.simple_tag
def map_geojson_src(query: str) -> str:
    """The GeoJSON address a full or embedded map loads first, for a cleaned query string. Written
    once by the server for the page's preload, map-data.js's early fetch and map.js alike: the browser
    reuses a preloaded response only for the very same address."""
    params = QueryDict(query, mutable=True)
    params["lang"] = translation.get_language()
    return f"{reverse('api:initiatives-geojson')}?{params.urlencode()}"
