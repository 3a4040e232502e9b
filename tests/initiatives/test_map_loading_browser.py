"""How the map page loads in Chromium: its data starts downloading from the page's head (the selection's
GeoJSON and the base layer, each requested once: the preload is used, not fetched again), and the
clusters are computed for the zooms that show them only."""

import pytest
from django.core.cache import cache

from .test_map_browser import PLACES, READY

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# How each of the map's data files reached the page: one resource entry per download.
DOWNLOADS = """() => performance.getEntriesByType('resource')
    .filter(e => e.name.includes('/api/initiatives.geojson') || e.name.includes('/map/basemap.'))
    .map(e => [new URL(e.name).pathname + new URL(e.name).search, e.initiatorType])"""


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()


@pytest.fixture
def places(make_initiative):
    for slug, (name, kind, country, lon, lat, precision) in PLACES.items():
        make_initiative(
            slug=slug, name=name, kind=kind, country=country, longitude=lon, latitude=lat, location_precision=precision
        )


def watch(page):
    """The requests for the map's data, and the console's warnings (an unused preload is one)."""
    requests, warnings = [], []
    page.on(
        "request",
        lambda r: ("/api/initiatives.geojson" in r.url or "/map/basemap." in r.url) and requests.append(r.url),
    )
    page.on("console", lambda m: m.type == "warning" and warnings.append(m.text))
    return requests, warnings


@pytest.mark.parametrize("path", ["/en/map/?country=BR&kind=rotas_polo", "/en/embed/map/?country=BR&kind=rotas_polo"])
def test_it_downloads_the_selections_geojson_and_the_base_layer_once_from_the_preload(page, places, path):
    requests, warnings = watch(page)
    page.goto(path)
    page.locator(READY % 1).wait_for(state="attached")
    assert page.evaluate("document.documentElement.dataset.mapReady") == "2"

    geojson = "/api/initiatives.geojson?country=BR&kind=rotas_polo&lang=en"
    downloads = dict(page.evaluate(DOWNLOADS))
    assert downloads.pop(geojson) == "link"  # the preload's download, which map.js used
    [(basemap, initiator)] = downloads.items()
    assert basemap.startswith("/static/map/basemap.") and initiator == "link"
    assert len(requests) == 2, requests
    assert [w for w in warnings if "preload" in w] == []
    assert page.console_errors == []


def test_a_later_selection_is_fetched_by_the_map_itself(page, places):
    requests, _ = watch(page)
    page.goto("/en/map/?country=BR")
    page.locator(READY % 1).wait_for(state="attached")
    page.evaluate("document.querySelector('[data-catalogue-map]').catalogueMap.load('country=PE')")
    page.locator(READY % 2).wait_for(state="attached")
    assert page.evaluate("document.documentElement.dataset.mapReady") == "1"
    assert [r for r in requests if "geojson" in r] == [
        page.url.split("/en/")[0] + "/api/initiatives.geojson?country=BR&lang=en",
        page.url.split("/en/")[0] + "/api/initiatives.geojson?country=PE&lang=en",
    ]
    assert page.console_errors == []


def test_clusters_are_computed_below_street_level_and_a_fitted_place_still_spreads_out(page, make_initiative):
    # Three initiatives sharing a municipality's centre: the fitted view shows them as one cluster.
    for n in range(3):
        make_initiative(slug=f"same-{n}", name=f"Same place {n}", country="BR", longitude=-39.31, latitude=-7.23)
    page.goto("/en/map/?country=BR")
    page.locator(READY % 1).wait_for(state="attached")
    levels, zoom = page.evaluate(
        """() => {
            const m = document.querySelector('[data-catalogue-map]').catalogueMap;
            return [Object.keys(m.cluster._gridClusters).map(Number), m.map.getZoom()];
        }"""
    )
    # Zooms 2 (the map's least) to 10: each level costs clustering time on a large selection.
    assert sorted(levels) == list(range(2, 11))
    assert zoom == 10
    cluster = page.locator(".marker-cluster")
    assert cluster.count() == 1 and cluster.inner_text().startswith("3")
    # markercluster ignores a click while it animates (clusters fading in after the drawing).
    page.wait_for_function(
        "() => !document.querySelector('[data-catalogue-map]').catalogueMap.cluster._inZoomAnimation"
    )
    cluster.click()
    markers = page.locator(".leaflet-marker-pane .map-marker")
    markers.nth(2).wait_for()
    assert sorted(markers.evaluate_all("icons => icons.map(i => i.title)")) == [f"Same place {n}" for n in range(3)]
    assert page.console_errors == []
