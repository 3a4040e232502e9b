import pytest

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
