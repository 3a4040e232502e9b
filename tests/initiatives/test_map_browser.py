"""The map page in Chromium: markers, filters, history, popups, keyboard path, CSP and axe-core."""

import re

import pytest
from django.core.cache import cache
from django.utils import translation
from django.utils.translation import gettext

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

READY = "html[data-map-loads='%d']"  # map.js counts its drawings; a selector needs no eval (CSP)
# What the pages will send in production: nothing inline, tiles as images from anywhere https.
STRICT_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: https:; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'"
)
PLACES = {
    # slug: (name, kind, country, longitude, latitude, precision)
    "bogota": ("Clúster de Software de Bogotá", "cluster", "CO", -74.07, 4.71, "exact"),
    "lima": ("Clúster Textil de Lima", "cluster", "PE", -77.04, -12.05, "municipality"),
    "mel-cariri": ("Polo do Mel do Cariri", "rotas_polo", "BR", -39.31, -7.23, "municipality"),
    "leite-minas": ("Polo do Leite de Minas", "rotas_polo", "BR", -44.0, -18.5, "region"),
    "apl-moveis": ("APL de Móveis de Ubá", "apl", "BR", -42.94, -21.12, "exact"),
}


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()


@pytest.fixture
def places(make_initiative):
    made = {}
    for slug, (name, kind, country, lon, lat, precision) in PLACES.items():
        made[slug] = make_initiative(
            slug=slug, name=name, kind=kind, country=country, longitude=lon, latitude=lat, location_precision=precision
        )
    make_initiative(slug="draft", name="Draft cluster", country="BR", is_published=False)
    return made


def wait_ready(page, loads):
    page.locator(READY % loads).wait_for(state="attached")


def open_map(page, query="", loads=1):
    page.goto(f"/en/map/{query}")
    wait_ready(page, loads)


def open_popup(page, marker):
    marker.click()
    # Popups fade in: let the fade finish before anyone (axe-core) judges their colours.
    page.wait_for_function("() => getComputedStyle(document.querySelector('.leaflet-popup')).opacity === '1'")


def listed(page):
    return page.locator("[data-map-list] li > a").all_inner_texts()


def test_it_draws_and_lists_the_initiatives_of_a_filter(page, places):
    open_map(page, "?country=BR")
    assert page.evaluate("document.documentElement.dataset.mapReady") == "3"
    assert sorted(listed(page)) == ["APL de Móveis de Ubá", "Polo do Leite de Minas", "Polo do Mel do Cariri"]
    assert page.locator("[data-map-list-summary]").get_attribute("data-in-view") == "3"
    assert "Initiatives on the map: 3." in page.locator("[data-map-status]").inner_text()
    # The drawn markers (single or in clusters) add up to the same number.
    singles = page.locator(".leaflet-marker-pane .map-marker").count()
    clustered = sum(int(n) for n in page.locator(".marker-cluster > div > span").evaluate_all(
        "spans => spans.map(s => s.firstChild.textContent)"
    ))  # fmt: skip
    assert singles + clustered == 3
    assert page.console_errors == []


def test_applying_a_filter_redraws_the_markers_with_the_lists_counts_and_chips(page, places):
    open_map(page)
    assert len(listed(page)) == 5
    page.get_by_label("Rotas polo").check()
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_url(re.compile(r"/en/map/\?kind=rotas_polo$"))
    wait_ready(page, 1)
    assert sorted(listed(page)) == ["Polo do Leite de Minas", "Polo do Mel do Cariri"]
    assert page.locator(".chip").count() == 1
    assert page.locator(".chip").inner_text().startswith("Kind: Rotas polo")
    assert page.get_by_label("Brazil").is_visible()

    page.get_by_label("Search by name, place, organisation or description").fill("cariri")
    page.get_by_label("Search by name, place, organisation or description").press("Enter")
    page.wait_for_url(re.compile(r"\?q=cariri&kind=rotas_polo$"))
    wait_ready(page, 1)
    assert listed(page) == ["Polo do Mel do Cariri"]
    assert page.console_errors == []


def test_the_list_map_switch_keeps_the_selection_both_ways(page, places):
    page.goto("/en/initiatives/?country=BR&family=agri-food")
    switch = page.get_by_role("navigation", name="Show these initiatives as")
    switch.get_by_role("link", name="Map").click()
    page.wait_for_url(re.compile(r"/en/map/\?country=BR&family=agri-food$"))
    wait_ready(page, 1)
    assert page.get_by_label("Brazil").is_checked()
    page.get_by_role("navigation", name="Show these initiatives as").get_by_role("link", name="List").click()
    page.wait_for_url(re.compile(r"/en/initiatives/\?country=BR&family=agri-food$"))
    assert page.get_by_label("Brazil").is_checked()
    assert page.console_errors == []


def test_a_filter_matching_nothing_draws_the_base_layer_and_offers_to_clear(page, places):
    open_map(page, "?country=CO&kind=apl")
    assert listed(page) == []
    assert "No initiative matches this selection." in page.locator("[data-map-empty]").inner_text()
    outlines = page.evaluate(
        "document.querySelector('[data-catalogue-map]').catalogueMap.basemap.layer.getLayers().length"
    )
    assert outlines > 100  # the countries of the base layer
    page.locator("[data-map-empty]").get_by_role("link", name="Clear all filters").click()
    page.wait_for_url(re.compile(r"/en/map/$"))
    wait_ready(page, 1)
    assert len(listed(page)) == 5
    assert page.console_errors == []


def test_a_popup_names_the_initiative_and_links_to_its_page(page, places):
    open_map(page, "?country=CO")
    marker = page.locator(".map-marker").first
    assert marker.get_attribute("title") == "Clúster de Software de Bogotá"
    marker.click()
    popup = page.locator(".leaflet-popup .map-popup")
    assert "Cluster initiative · Colombia" in popup.inner_text()
    link = popup.get_by_role("link", name="Clúster de Software de Bogotá")
    assert link.get_attribute("href").endswith("/en/initiatives/bogota/")
    link.click()
    page.wait_for_url(re.compile(r"/en/initiatives/bogota/$"))
    assert page.locator("h1").inner_text() == "Clúster de Software de Bogotá"


def test_a_region_precision_point_looks_and_reads_different(page, places):
    open_map(page, "?kind=rotas_polo&country=BR")
    approximate = page.locator(".map-marker--approximate")
    assert approximate.count() == 1
    assert approximate.get_attribute("title") == "Polo do Leite de Minas (Location known only to the region)"
    approximate.click()
    assert "Location known only to the region" in page.locator(".leaflet-popup .map-popup__approximate").inner_text()
    dash = approximate.locator("path").evaluate("path => getComputedStyle(path).strokeDasharray")
    assert dash not in ("", "none")
    assert page.locator(".map-marker:not(.map-marker--approximate) path").first.evaluate(
        "path => getComputedStyle(path).strokeDasharray"
    ) in ("", "none")


def test_keyboard_users_reach_markers_and_the_list(page, places):
    open_map(page, "?country=PE")
    marker = page.locator(".map-marker")
    assert marker.get_attribute("tabindex") == "0"
    assert marker.get_attribute("role") == "button"
    marker.focus()
    page.keyboard.press("Enter")
    assert page.locator(".leaflet-popup .map-popup__name").inner_text() == "Clúster Textil de Lima"
    page.keyboard.press("Escape")
    page.get_by_role("button", name="Show on the map: Clúster Textil de Lima").press("Enter")
    popup_link = page.locator(".leaflet-popup .map-popup__name a")
    popup_link.wait_for()
    assert popup_link.evaluate("link => document.activeElement === link")


def test_the_list_follows_the_view(page, places):
    open_map(page)
    assert len(listed(page)) == 5
    # In a block: setView returns the map, whose object graph Playwright cannot serialise.
    page.evaluate(
        "() => { document.querySelector('[data-catalogue-map]').catalogueMap.map.setView([-12.05, -77.04], 9); }"
    )
    page.wait_for_function("() => document.querySelector('[data-map-list-summary]').dataset.inView === '1'")
    assert listed(page) == ["Clúster Textil de Lima"]


def test_it_works_under_a_strict_content_security_policy(page, places):
    def with_csp(route):
        response = route.fetch()
        route.fulfill(response=response, headers={**response.headers, "content-security-policy": STRICT_CSP})

    page.route(re.compile(r"/en/map/"), with_csp)
    open_map(page, "?country=BR")
    page.locator(".map-marker").first.click()
    page.locator(".leaflet-popup").wait_for()
    assert page.console_errors == []  # a CSP violation is a console error


def test_unreachable_tiles_leave_the_markers_and_raise_no_script_error(page, places, settings):
    settings.MAP_TILES_URL = "http://127.0.0.1:9/{z}/{x}/{y}.png"  # nothing listens on the discard port
    open_map(page)
    assert page.evaluate("document.documentElement.dataset.mapReady") == "5"
    assert page.locator(".leaflet-tile-pane img").count() > 0
    # Chromium itself reports each failed tile image; nothing else may appear.
    others = [e for e in page.console_errors if "Failed to load resource" not in e and "127.0.0.1:9/" not in e]
    assert others == []


def test_it_explains_invalid_filters_and_maps_the_rest(page, places):
    open_map(page, "?country=XX&country=PE")
    assert "“XX” is not known" in page.locator(".notice").inner_text()
    assert listed(page) == ["Clúster Textil de Lima"]
    assert page.console_errors == []


def test_it_fits_a_phone(page, places):
    page.set_viewport_size({"width": 390, "height": 844})
    open_map(page)
    panel = page.locator("[data-map-filters] .filters-panel")
    assert not panel.evaluate("details => details.open")
    # The filters' button is above the map, the map in sight.
    toggle = page.get_by_text("Filters", exact=True).first
    assert toggle.bounding_box()["y"] < page.locator("[data-catalogue-map]").bounding_box()["y"]
    box = page.locator("[data-catalogue-map]").bounding_box()
    assert box["width"] <= 390 and box["height"] > 300
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    toggle.click()
    page.get_by_label("Peru").check()
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_url(re.compile(r"\?country=PE$"))
    wait_ready(page, 1)
    assert listed(page) == ["Clúster Textil de Lima"]


def test_axe_finds_no_serious_or_critical_violation(page, places):
    from axe_playwright_python.sync_playwright import Axe

    open_map(page)
    open_popup(page, page.locator(".map-marker").first)
    results = Axe().run(page)
    serious = [
        (v["id"], v["impact"], [n["target"] for n in v["nodes"]])
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert serious == []


def test_markup_in_a_name_shows_as_text_and_a_slug_cannot_leave_the_page_address(page, make_initiative, live_server):
    # A stored name and territory full of markup, and a slug that tries to leave the detail address.
    attack = '<script>alert(1)</script> "><img src=x id=injected>'
    make_initiative(
        slug="x/../../javascript:alert(1)", name=f"Cluster {attack}", territory=f"Tumaco {attack}", country="CO"
    )
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    open_map(page)
    marker = page.locator(".map-marker")
    assert marker.get_attribute("title") == f"Cluster {attack}"
    open_popup(page, marker)
    popup = page.locator(".leaflet-popup .map-popup")
    link = popup.locator("a")
    assert link.inner_text() == f"Cluster {attack}"
    assert popup.locator(".map-popup__territory").inner_text() == f"Tumaco {attack}"
    # The slug stays one segment of the detail page's address.
    expected = f"{live_server.url}/en/initiatives/x%2F..%2F..%2Fjavascript%3Aalert(1)/"
    assert link.get_attribute("href") == expected
    listed_link = page.locator("[data-map-list] li > a")
    assert listed_link.inner_text() == f"Cluster {attack}"
    assert listed_link.get_attribute("href") == expected
    # Nothing of the markup became an element, anywhere on the page.
    assert page.locator("#injected").count() == 0
    assert page.locator("[data-catalogue-map] script, [data-map-list] script").count() == 0
    assert dialogs == []


def test_the_maps_own_controls_speak_the_pages_language(page, places):
    page.goto("/es/map/")
    wait_ready(page, 1)
    with translation.override("es"):
        expected = [gettext("Zoom in"), gettext("Zoom out"), gettext("A JavaScript library for interactive maps")]
    assert expected[0] != "Zoom in"  # the Spanish catalogue translates it
    zoom_in = page.locator(".leaflet-control-zoom-in")
    zoom_out = page.locator(".leaflet-control-zoom-out")
    credit = page.locator(".leaflet-control-attribution a[href='https://leafletjs.com']")
    assert [zoom_in.get_attribute("title"), zoom_out.get_attribute("title"), credit.get_attribute("title")] == expected
    assert zoom_in.get_attribute("aria-label") == expected[0]
