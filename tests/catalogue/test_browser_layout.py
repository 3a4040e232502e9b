"""Every public page type, in each language, on a phone (390 px) and a desktop (1280 px): no page
wider than the screen, no visible text closer than 16 px to the screen's edge, no text field,
select or text area shorter than 36 px; axe-core finds no serious or critical violation on the hub
pages and the forms, with and without errors.

With SCREENSHOTS_DIR set, the layout test also saves the screenshots kept under docs/screenshots/:
    SCREENSHOTS_DIR=docs/screenshots .venv/bin/python -m pytest tests/catalogue/test_browser_layout.py -k layout
"""

import os
import time
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe

from hub.models import Proposal
from initiatives.models import Route

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("hub_isolation")]

LANGUAGES = ["pt-br", "es", "en"]
WIDTHS = {390: 844, 1280: 800}
EDGE = 16  # px of margin every visible text keeps from the screen's edge
FIELD_HEIGHT = 36  # px: the least height of a field a finger or a cursor has to hit
LONG_SOURCE = (
    "https://www.elcolombiano.com/especiales/aniversario350/"
    "consejeros-de-alto-nivel-hacen-posible-la-estrategia-cluster-CO30498648"
)
# (page, language, width) saved as docs/screenshots/<page>-<language>-<width>.png
SCREENSHOTS = {
    ("home", "pt-br", 390), ("detail", "pt-br", 390), ("library", "pt-br", 390), ("propose-errors", "pt-br", 390),
    ("library", "pt-br", 1280), ("propose-errors", "pt-br", 1280), ("events", "pt-br", 1280),
    ("list", "es", 390), ("interest", "es", 390), ("news", "es", 390),
    ("detail", "es", 1280), ("list", "es", 1280),
}  # fmt: skip


@pytest.fixture
def site(make_initiative, make_library_item, make_event, make_news):
    colombian = make_initiative(
        name="Cluster Energía Sostenible", slug="cluster-energia-sostenible", country="CO", language="es",
        sectors=["cocoa"], themes=["sustainability"], description="Energía sostenible en Antioquia.",
        source_text="El Colombiano, 2017.", source_url=LONG_SOURCE,
    )  # fmt: skip
    make_initiative(
        name="Polo Cacau Amazônia", slug="polo-cacau-amazonia", country="BR", kind="rotas_polo",
        route=Route.objects.get(slug="rota-do-cacau"), sectors=["cocoa"], themes=["sustainability"],
        regions=["BR-PA"], description="Cacau fino da Transamazônica.", language="pt-br",
    )  # fmt: skip
    make_library_item(
        title="Guía de clústeres", language="es", kind="methodology", year=2021, countries=["CO", "AR"],
        themes=["sustainability"], summary="Cómo organizar un clúster.",
    )  # fmt: skip
    make_library_item(title="Caderno de APLs", language="pt-br", countries=["BR"], year=2019)
    make_event(title="Curso de gestores de clústeres", kind="course", themes=["sustainability"])
    make_news(title="Feira do mel", language="pt-br", summary="A feira reúne produtores.", themes=["sustainability"])
    proposal = Proposal.objects.create(
        name="Polo", country="BR", proposer_name="P", proposer_email="p@example.org", description="d"
    )
    return {
        "home": "/{lang}/",
        "list": "/{lang}/initiatives/",
        "detail": f"/{{lang}}/initiatives/{colombian.slug}/",
        "similar": f"/{{lang}}/initiatives/{colombian.slug}/similar/",
        "map": "/{lang}/map/",
        "country": "/{lang}/countries/CO/",
        "rota": "/{lang}/rotas/rota-do-cacau/",
        "theme": "/{lang}/themes/sustainability/",
        "library": "/{lang}/library/",
        "library-item": "/{lang}/library/library-item-1/",
        "events": "/{lang}/events/",
        "event": "/{lang}/events/event-1/",
        "news": "/{lang}/news/",
        "news-item": "/{lang}/news/news-1/",
        "propose": "/{lang}/propose/",
        "propose-errors": "/{lang}/propose/",
        "interest": f"/{{lang}}/initiatives/{colombian.slug}/collaborate/",
        "interest-errors": f"/{{lang}}/initiatives/{colombian.slug}/collaborate/",
        "proposal-status": f"/{{lang}}/proposals/{proposal.reference}/",
        "not-found": "/{lang}/no-such-page/",
        "api-docs": "/api/docs/",
    }


LAYOUT_PROBLEMS = """
([edge, fieldHeight]) => {
  const width = window.innerWidth, problems = [];
  // Hidden on purpose: a 1 px clipped box (visually hidden text, the honeypot).
  const clipped = (el) => {
    for (; el && el !== document.body; el = el.parentElement) {
      const box = el.getBoundingClientRect();
      if (getComputedStyle(el).overflow === "hidden" && (box.width <= 1 || box.height <= 1)) return true;
    }
    return false;
  };
  // The part of a box that its ancestors with overflow other than visible let show.
  const unclipped = (el, rect) => {
    let left = rect.left, right = rect.right, top = rect.top, bottom = rect.bottom;
    for (; el && el !== document.body; el = el.parentElement) {
      if (getComputedStyle(el).overflowX === "visible") continue;
      const box = el.getBoundingClientRect();
      left = Math.max(left, box.left); right = Math.min(right, box.right);
      top = Math.max(top, box.top); bottom = Math.min(bottom, box.bottom);
    }
    return {left, right, width: right - left, height: bottom - top};
  };
  if (document.documentElement.scrollWidth > width) {
    problems.push(`page is ${document.documentElement.scrollWidth} px wide`);
  }
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode, el = node.parentElement;
    if (!node.textContent.trim() || getComputedStyle(el).visibility === "hidden" || clipped(el)) continue;
    const range = document.createRange();
    range.selectNodeContents(node);
    for (const rect of range.getClientRects()) {
      const r = unclipped(el, rect);  // a map's label past the map's edge is cut off there
      if (r.width < 1 || r.height < 1 || r.right <= 0 || r.left >= width) continue;  // not on screen (skip link)
      if (r.left < edge - 0.5 || r.right > width - edge + 0.5) {
        problems.push(`text ${JSON.stringify(node.textContent.trim().slice(0, 40))} at ${Math.round(r.left)}–${Math.round(r.right)} px`);
        break;
      }
    }
  }
  const skip = ["checkbox", "radio", "hidden", "submit", "button", "file", "image", "range", "color", "reset"];
  for (const field of document.querySelectorAll("input, select, textarea")) {
    if (field.tagName === "INPUT" && skip.includes(field.type)) continue;
    const r = field.getBoundingClientRect();
    if (r.width < 2 || r.height < 1 || clipped(field)) continue;  // not shown (a closed panel, the honeypot)
    if (r.height < fieldHeight) problems.push(`${field.tagName.toLowerCase()} #${field.id || field.name} is ${r.height} px tall`);
  }
  return problems;
}
"""


def open_page(page, name, url):
    response = page.goto(url)
    if name.endswith("-errors"):  # post the empty form: the page again, with its errors
        page.locator("main form[method=post] button[type=submit]").click()
        page.wait_for_load_state()
        assert page.locator(".error-summary").is_visible()
        # The error summary has the focus, so a screen reader reads it first.
        assert page.evaluate("document.activeElement.classList.contains('error-summary')")
    else:
        assert response.status == (404 if name == "not-found" else 200), url
    if name in ("map", "api-docs"):
        page.wait_for_load_state("networkidle")


@pytest.mark.parametrize("lang", LANGUAGES)
def test_it_lays_out_every_page_type_on_a_phone_and_a_desktop(page, site, lang):
    problems = {}
    for width, height in WIDTHS.items():
        page.set_viewport_size({"width": width, "height": height})
        for name, path in site.items():
            page.context.set_extra_http_headers({"Accept-Language": lang})  # the unprefixed API docs
            open_page(page, name, path.format(lang=lang))
            found = page.evaluate(LAYOUT_PROBLEMS, [EDGE, FIELD_HEIGHT])
            if found:
                problems[f"{name} {width}px"] = found
            if os.getenv("SCREENSHOTS_DIR") and (name, lang, width) in SCREENSHOTS:
                target = Path(os.environ["SCREENSHOTS_DIR"]) / f"{name}-{lang}-{width}.png"
                page.screenshot(path=str(target), full_page=True)
    assert not problems, "\n".join(f"{where}: {found}" for where, found in problems.items())


def test_it_keeps_the_header_compact_and_the_filters_above_the_results_on_a_phone(page, site):
    page.set_viewport_size({"width": 390, "height": 844})
    for path in ["/pt-br/initiatives/", "/pt-br/library/"]:
        page.goto(path)
        assert page.locator(".site-header").bounding_box()["height"] <= 110, path
        toggle = page.locator(".filters-panel__toggle")
        results = page.locator(".results")
        assert toggle.is_visible() and not page.locator(".filters").is_visible(), path
        assert toggle.bounding_box()["y"] < results.bounding_box()["y"], path
        toggle.click()
        assert page.locator(".filters").is_visible()
    menu_link = page.locator(".main-nav").get_by_role("link", name="Mapa", exact=True)
    assert not menu_link.is_visible()  # folded behind "Menu"
    page.get_by_text("Menu", exact=True).click()
    assert menu_link.is_visible()
    page.set_viewport_size({"width": 1280, "height": 800})
    assert not toggle.is_visible() and page.locator(".filters").is_visible()
    assert not page.get_by_text("Menu", exact=True).is_visible()


LAYOUT_SHIFT_OBSERVER = """
window.layoutShift = 0;
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) if (!entry.hadRecentInput) window.layoutShift += entry.value;
}).observe({type: "layout-shift", buffered: true});
"""


def test_it_folds_the_phone_menu_and_filters_from_the_first_paint_so_nothing_below_moves(page, site):
    page.set_viewport_size({"width": 390, "height": 844})
    page.add_init_script(LAYOUT_SHIFT_OBSERVER)

    def slow_network(route):  # a phone's network: the page is painted before site.js arrives
        time.sleep(0.6)
        route.continue_()

    page.route("**/js/site.js", slow_network)
    for path in ["/pt-br/", "/pt-br/initiatives/", "/pt-br/library/"]:
        page.goto(path)  # waits for the load event: site.js has run
        page.wait_for_timeout(100)  # the observer reports a shift after the frame that made it
        assert page.evaluate("window.layoutShift") < 0.01, path
        assert not page.locator(".main-nav__list").is_visible(), path
        page.get_by_text("Menu", exact=True).click()
        assert page.locator(".main-nav__list").is_visible(), path


def test_it_keeps_the_menu_and_filters_open_on_a_phone_without_javascript(browser, live_server, site):
    context = browser.new_context(
        base_url=live_server.url, java_script_enabled=False, viewport={"width": 390, "height": 844}
    )
    page = context.new_page()
    try:
        page.goto("/pt-br/initiatives/")
        assert page.locator(".main-nav__list").is_visible()
        assert page.locator(".filters").is_visible()
    finally:
        context.close()


def serious_violations(page):
    results = Axe().run(page)
    return [
        (v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


@pytest.mark.parametrize("width", list(WIDTHS))
def test_axe_finds_no_serious_violation_on_the_hub_pages_and_forms(page, site, width):
    page.set_viewport_size({"width": width, "height": WIDTHS[width]})
    names = ["library", "library-item", "events", "event", "news", "news-item", "propose", "propose-errors",
             "interest", "interest-errors", "proposal-status"]  # fmt: skip
    found = {}
    for name in names:
        open_page(page, name, site[name].format(lang="pt-br"))
        if violations := serious_violations(page):
            found[name] = violations
    for path in ["/pt-br/library/?year=last+year&country=CO", "/pt-br/proposals/?reference=XX"]:  # with errors
        page.goto(path)
        if violations := serious_violations(page):
            found[path] = violations
    assert found == {}
