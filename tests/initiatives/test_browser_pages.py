"""The public pages in a real Chromium: filter, search, open a detail page, switch language,
and axe-core finds no serious or critical violation. No JavaScript is needed for any of it."""

import pytest
from axe_playwright_python.sync_playwright import Axe

from initiatives.models import Route

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def catalogue(make_initiative):
    make_initiative(
        name="Polo Cacau Amazônia", slug="polo-cacau-amazonia", country="BR", kind="rotas_polo",
        route=Route.objects.get(slug="rota-do-cacau"), sectors=["cocoa"], themes=["sustainability"],
        regions=["BR-PA"], description="Cacau fino da Transamazônica.", language="pt-br",
    )  # fmt: skip
    make_initiative(
        name="Clúster de Cacao de Santander", slug="cacao-santander", country="CO", language="es",
        sectors=["cocoa"], themes=["sustainability"], description="Cacao fino de aroma.",
    )  # fmt: skip
    make_initiative(name="Clúster de Software de Jalisco", country="MX", sectors=["ict"], language="es")


def serious_violations(page):
    results = Axe().run(page)
    return [
        (v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def test_it_filters_and_searches_without_javascript(page, catalogue):
    page.goto("/en/initiatives/")
    assert page.locator("#result-count").inner_text() == "3 initiatives match."
    page.get_by_label("Colombia").check()
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_url("**/en/initiatives/?*country=CO*")
    assert page.locator("#result-count").inner_text() == "1 initiative matches."
    page.get_by_role("link", name="Country: Colombia — remove this filter").click()
    assert page.locator("#result-count").inner_text() == "3 initiatives match."
    page.get_by_label("Search by name, place, organisation or description").fill("CACAU")
    page.get_by_label("Search by name, place, organisation or description").press("Enter")
    page.wait_for_url("**q=CACAU*")
    # Sector names are searched in every language: "cacau" is the cocoa sector's Portuguese name.
    assert page.locator(".card__title").all_inner_texts() == ["Clúster de Cacao de Santander", "Polo Cacau Amazônia"]
    assert page.console_errors == []


def test_it_opens_a_detail_page_and_switches_language_keeping_the_filters(page, catalogue):
    page.goto("/en/initiatives/?sector=cocoa&ordering=-name")
    page.get_by_role("link", name="Español").click()
    page.wait_for_url("**/es/initiatives/?sector=cocoa&ordering=-name")
    assert page.locator("html").get_attribute("lang") == "es"
    assert page.locator("#result-count").inner_text().startswith("2 ")
    page.get_by_role("link", name="Polo Cacau Amazônia").click()
    page.wait_for_url("**/es/initiatives/polo-cacau-amazonia/")
    heading = page.locator("h1")
    assert heading.inner_text() == "Polo Cacau Amazônia"
    assert heading.get_attribute("lang") == "pt-br"  # no Spanish version: the original, marked
    assert page.get_by_role("link", name="Clúster de Cacao de Santander").is_visible()  # similar, other country
    page.get_by_role("link", name="English").click()
    page.wait_for_url("**/en/initiatives/polo-cacau-amazonia/")
    assert page.console_errors == []


@pytest.mark.parametrize(
    "url", ["/en/", "/pt-br/initiatives/?sector=cocoa&country=ZZ", "/es/initiatives/polo-cacau-amazonia/"]
)
def test_it_has_no_serious_accessibility_violations(page, catalogue, url):
    page.goto(url)
    assert serious_violations(page) == []
    assert page.console_errors == []


def test_it_keeps_the_skip_link_and_focus_visible(page, catalogue):
    page.goto("/en/initiatives/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to content")
    assert skip.evaluate("el => el === document.activeElement")
    assert skip.evaluate("el => getComputedStyle(el).outlineStyle") != "none"
    skip.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
