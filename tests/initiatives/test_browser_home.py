import math

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core.cache import cache

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_it_serves_the_home_page_to_a_real_browser(page, make_initiative):
    make_initiative(name="Cluster Lácteo de Nariño")
    page.goto("/en/")
    assert page.locator("h1").inner_text().startswith("Territorial productive initiatives")
    assert page.locator(".figures dd").first.inner_text() == "1"
    assert page.console_errors == []


def test_it_loads_the_home_map_only_when_it_comes_near_the_screen(page, make_initiative):
    make_initiative(name="Cluster Lácteo de Nariño")
    page.set_viewport_size({"width": 390, "height": 500})
    page.goto("/pt-br/")
    page.wait_for_load_state("networkidle")
    # The top of the page is ready without Leaflet: no map script ran, no map style was fetched.
    assert page.evaluate("typeof window.L") == "undefined"
    assert page.locator("link[href*='leaflet']").count() == 0
    page.locator("[data-catalogue-map]").scroll_into_view_if_needed()
    page.locator("[data-catalogue-map] .leaflet-marker-icon").first.wait_for()
    assert page.locator("[data-catalogue-map] canvas").count() >= 1  # the base layer under the markers
    assert page.evaluate("getComputedStyle(document.querySelector('.leaflet-pane')).position") == "absolute"
    assert page.console_errors == []


def mercator_y(latitude, world):
    """Web Mercator: a latitude's distance in pixels from the top of a `world`-pixel-wide map."""
    return world * (1 - math.log(math.tan(math.pi / 4 + math.radians(latitude) / 2)) / math.pi) / 2


def latitude_at(y, world):
    return math.degrees(math.atan(math.sinh(math.pi * (1 - 2 * y / world))))


def test_no_marker_of_the_home_map_sits_under_its_controls(page, make_initiative):
    # Two initiatives whose box just fits the map's height at zoom 3 (the fitting zoom is rounded
    # down): the south-east one lands at the bottom, about where the attribution's "Leaflet" link is.
    page.set_viewport_size({"width": 1024, "height": 500})
    page.goto("/en/")
    page.wait_for_load_state("networkidle")
    assert page.evaluate("typeof window.L") == "undefined"  # the map is not drawn yet
    box = page.locator("[data-catalogue-map]").bounding_box()
    world = 256 * 2**3
    south, west = -20.0, -80.0
    north = latitude_at(mercator_y(south, world) - (box["height"] - 48), world)
    east = west + (box["width"] - 290) * 360 / world
    make_initiative(slug="north-west", name="North-west", latitude=north, longitude=west)
    make_initiative(slug="south-east", name="South-east", latitude=south, longitude=east)
    cache.clear()

    page.locator("[data-catalogue-map]").scroll_into_view_if_needed()
    page.locator("html[data-map-ready='2']").wait_for(state="attached")
    markers = page.locator("[data-catalogue-map] .map-marker")
    assert markers.count() == 2  # single markers, not a cluster
    controls = page.locator("[data-catalogue-map] .leaflet-control a").all()
    assert controls, "the map has its zoom buttons and attribution links"
    for marker in markers.all():
        m = marker.bounding_box()
        assert m["width"] >= 24 and m["height"] >= 24
        for control in controls:
            c = control.bounding_box()
            overlap = (
                m["x"] < c["x"] + c["width"] and c["x"] < m["x"] + m["width"]
                and m["y"] < c["y"] + c["height"] and c["y"] < m["y"] + m["height"]
            )  # fmt: skip
            assert not overlap, f"{marker.get_attribute('title')} lies under {control.inner_text()!r}"
    only_target_size = {"runOnly": {"type": "rule", "values": ["target-size"]}}
    violations = Axe().run(page, context="[data-catalogue-map]", options=only_target_size).response["violations"]
    assert [(v["id"], [n["target"] for n in v["nodes"]]) for v in violations] == []
    assert page.console_errors == []
