"""The shared map include as the home page (every point) and a detail page (one point) use it."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core.cache import cache

from .test_map_browser import PLACES, open_popup, places, wait_ready  # noqa: F401  (fixture)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.urls("tests.initiatives.map_preview_urls"),
    pytest.mark.usefixtures("places"),
]


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()


def serious_violations(page):
    violations = Axe().run(page).response["violations"]
    return [(v["id"], [n["target"] for n in v["nodes"]]) for v in violations if v["impact"] in ("serious", "critical")]


def test_the_preview_shows_every_published_initiative(page):
    page.goto("/map-preview/")
    wait_ready(page, 1)
    assert page.evaluate("document.documentElement.dataset.mapReady") == str(len(PLACES))
    assert page.get_by_role("link", name="Open the full map").get_attribute("href") == "/en/map/"
    assert page.locator(".map-legend").is_visible()
    assert serious_violations(page) == []
    assert page.console_errors == []


def test_a_detail_map_shows_its_initiative_without_fetching(page):
    requests = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto("/map-preview/leite-minas/")
    wait_ready(page, 1)
    marker = page.locator(".map-marker")
    assert marker.count() == 1
    assert marker.get_attribute("title") == "Polo do Leite de Minas (Location known only to the region)"
    assert "map-marker--approximate" in marker.get_attribute("class")
    assert page.evaluate("document.querySelector('[data-catalogue-map]').catalogueMap.map.getZoom()") == 6
    assert not page.locator(".map-legend").is_visible()
    assert not [url for url in requests if "geojson" in url]
    open_popup(page, marker)
    assert page.locator(".leaflet-popup .map-popup a").get_attribute("href") == "/en/initiatives/leite-minas/"
    assert serious_violations(page) == []
    assert page.console_errors == []


def test_a_detail_page_without_a_point_has_no_map(client, make_initiative):
    make_initiative(slug="nowhere", latitude=None, longitude=None)
    html = client.get("/map-preview/nowhere/").content.decode()
    assert "data-catalogue-map" not in html
    assert "leaflet.js" not in html
