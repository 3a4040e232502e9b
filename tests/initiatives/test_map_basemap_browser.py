"""The maps' own geography in Chromium: outlines with no tiles, choropleths, region outlines, the
embeddable map framed by another origin (and no other page), and axe-core in each mode."""

import re
import threading
import time
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.cache import cache

from .test_map_browser import PLACES, open_map, open_popup, wait_ready

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LAND = [244, 242, 236]  # basemap.js's land colour (#f4f2ec)
# The colour of the base layer's canvas under a point: none when nothing is drawn there.
PIXEL = """([lat, lng]) => {
    const map = document.querySelector('[data-catalogue-map]').catalogueMap.map;
    const canvas = map.getPane('basemap').querySelector('canvas');
    const point = map.latLngToContainerPoint([lat, lng]);
    const box = canvas.getBoundingClientRect(), frame = map.getContainer().getBoundingClientRect();
    const x = Math.round((point.x + frame.left - box.left) * canvas.width / box.width);
    const y = Math.round((point.y + frame.top - box.top) * canvas.height / box.height);
    return Array.from(canvas.getContext('2d').getImageData(x, y, 1, 1).data);
}"""


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()


@pytest.fixture
def places(make_initiative):
    return {
        slug: make_initiative(
            slug=slug, name=name, kind=kind, country=country, longitude=lon, latitude=lat, location_precision=precision
        )
        for slug, (name, kind, country, lon, lat, precision) in PLACES.items()
    }


@pytest.fixture
def other_origin(tmp_path):
    """A second web server on another port (another origin) whose page frames a URL."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(QuietHandler, directory=str(tmp_path)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()

    def framing(src):
        (tmp_path / "host.html").write_text(
            f'<!DOCTYPE html><title>Host</title><link rel="icon" href="data:,"><iframe src="{src}"></iframe>'
        )
        return f"http://127.0.0.1:{server.server_address[1]}/host.html"

    yield framing
    server.shutdown()


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def draws_land_at(page, lat, lng):
    return page.evaluate(PIXEL, [lat, lng])[:3] == LAND


def test_the_map_page_draws_country_outlines_without_tiles(page, places):
    open_map(page)
    basemap = page.evaluate(
        "document.querySelector('[data-catalogue-map]').catalogueMap.basemap.layer.getLayers().length"
    )
    assert basemap > 100  # the countries' outlines
    assert draws_land_at(page, -10.8, -53.1)  # Brazil
    assert not draws_land_at(page, -20.0, -30.0)  # the Atlantic
    # Country names at low zoom, in the page's language.
    assert "Brazil" in page.locator(".map-country-label").all_text_contents()
    assert page.console_errors == []


def test_country_names_follow_the_page_language(page, places):
    page.goto("/pt-br/map/")
    wait_ready(page, 1)
    names = page.locator(".map-country-label").all_text_contents()
    assert "Brasil" in names and "México" in names


def test_a_detail_page_map_draws_country_outlines(page, places):
    page.goto("/en/initiatives/lima/")
    wait_ready(page, 1)
    assert draws_land_at(page, -11.9, -76.8)  # Peru, inland from Lima
    assert page.console_errors == []


def test_the_choropleth_counts_what_the_list_counts_and_filters_on_click(page, places):
    page.goto("/en/initiatives/?country=BR")
    listed = int(re.match(r"\d+", page.locator("#result-count").inner_text()).group())
    open_map(page)
    page.get_by_label("Shaded by number of initiatives").check()
    row = page.locator("[data-choropleth-tables] tr[data-code='BR']")
    assert row.locator("th").inner_text() == "Brazil"
    assert int(row.locator("td").inner_text()) == listed == 3
    assert page.locator(".map-marker").count() == 0  # the colours replace the markers
    assert page.locator(".choropleth__legend li").count() >= 2
    # A click on Colombia filters by it, and the page stays in this mode.
    point = page.evaluate(
        "() => { const m = document.querySelector('[data-catalogue-map]').catalogueMap.map;"
        " m.setView([4, -73], 5, {animate: false}); return m.latLngToContainerPoint([4, -73]); }"
    )
    page.locator("[data-catalogue-map]").click(position={"x": point["x"], "y": point["y"]})
    page.wait_for_url(re.compile(r"/en/map/\?country=CO#choropleth$"))
    wait_ready(page, 1)
    assert page.get_by_label("Shaded by number of initiatives").is_checked()
    assert page.locator("[data-choropleth-tables] tr[data-code='CO'] td").inner_text() == "1"
    assert page.console_errors == []


# Held back until after the markers' group exists: what a loaded machine or a slow network may do.
LATE_BASEMAP = """(() => {
    const fetchNow = window.fetch;
    window.fetch = (url, options) => String(url).includes("basemap")
        ? new Promise((resolve) => setTimeout(resolve, 2500)).then(() => fetchNow(url, options))
        : fetchNow(url, options);
})()"""


def test_the_choropleth_mode_finishes_loading_when_its_script_runs_before_the_base_layer_is_drawn(page, places):
    # The deferred choropleth script runs after the map drew its markers' group but before the base
    # layer is done: it takes the group off the map, and markercluster reports no progress off it.
    def late(route):
        time.sleep(1)
        route.continue_()

    page.add_init_script(LATE_BASEMAP)
    page.route("**/map-choropleth*.js", late)
    page.goto("/en/map/#choropleth")
    wait_ready(page, 1)
    assert page.locator("[data-choropleth-tables] tr[data-code='BR'] td").inner_text() == "3"
    assert page.locator(".map-marker").count() == 0
    assert page.console_errors == []


def test_a_region_precision_polo_says_its_location_is_the_regions(page, places):
    # The base layer ships no state outlines (no permissively licensed copy is in the project yet):
    # the marker stays hollow and its popup says what its point stands for.
    open_map(page, "?kind=rotas_polo&country=BR")
    approximate = page.locator(".map-marker--approximate")
    approximate.click()
    text = page.locator(".leaflet-popup .map-popup__approximate").inner_text()
    assert text == "Location known only to the region"
    assert page.locator(".map-region-outline").count() == 0


def test_the_embed_loads_in_another_sites_frame_also_from_the_page_cache(
    browser, live_server, places, other_origin, settings
):
    settings.MAP_TILES_URL = ""
    embed = f"{live_server.url}/en/embed/map/?country=BR&utm_source=x&kind=nothing"
    for _attempt in (1, 2):
        # A new browser each time: the second request reaches the server, not the browser's cache.
        context = browser.new_context()
        page = context.new_page()
        errors = []
        page.on("console", lambda message, errors=errors: message.type == "error" and errors.append(message.text))
        page.goto(other_origin(embed))
        frame = page.frame_locator("iframe")
        frame.locator("html[data-map-loads='1']").wait_for(state="attached")
        assert frame.locator("html").get_attribute("data-map-ready") == "3"
        assert "Kind: “nothing” is not known" in frame.locator(".embed-notice").inner_text()
        link = frame.get_by_role("link", name="Open in the catalogue of territorial productive initiatives")
        assert link.get_attribute("href") == "/en/map/?country=BR"
        # Rendered again, the page would name the tiles set below: the second answer is the stored one.
        assert frame.locator("[data-catalogue-map]").get_attribute("data-tiles-url") == ""
        settings.MAP_TILES_URL = "https://tiles.invalid/{z}/{x}/{y}.png"
        assert errors == []
        context.close()


def test_the_map_page_refuses_to_be_framed(page, places, live_server, other_origin):
    page.goto(other_origin(f"{live_server.url}/en/map/"))
    page.wait_for_timeout(1500)
    framed = page.frames[1]
    assert framed.url.startswith("chrome-error://")
    assert any("frame-ancestors" in error or "X-Frame-Options" in error for error in page.console_errors)


@pytest.mark.parametrize("mode", ["", "#choropleth"])
def test_axe_finds_no_serious_or_critical_violation_in_each_mode(page, places, mode):
    from axe_playwright_python.sync_playwright import Axe

    page.goto(f"/en/map/{mode}")
    wait_ready(page, 1)
    if not mode:
        open_popup(page, page.locator(".map-marker").first)
    results = Axe().run(page)
    serious = [
        (v["id"], v["impact"], [n["target"] for n in v["nodes"]])
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert serious == []
