"""A signed-in manager's pages (the account page and "Your opportunities"), in each language, on a
phone (390 px) and a desktop (1280 px), with the public pages' layout checks: no page wider than
the screen, no text near its edge, no short field; no button squeezed onto several lines, and the
public-profile form laid out like the other public forms.

With SCREENSHOTS_DIR set, it saves each page at 390 px:
    SCREENSHOTS_DIR=/tmp/shots .venv/bin/python -m pytest tests/collaboration/test_browser_collaboration_layout.py
"""

import os
from pathlib import Path

import pytest

from ..catalogue.test_browser_layout import EDGE, FIELD_HEIGHT, LANGUAGES, LAYOUT_PROBLEMS, WIDTHS
from .opportunity_fixtures import make_manager, make_opportunity

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("hub_isolation")]

PAGES = {"manage": "/{lang}/manage/", "my-opportunities": "/{lang}/manage/opportunities/"}

# Buttons (and links styled as buttons) in the page's main part squeezed into a narrow column: they
# wrap to several lines while narrower than half the screen (a long label on a full-width button may wrap).
SQUEEZED_BUTTONS = """
() => [...document.querySelectorAll("main button, main .button")].filter((button) => {
  const style = getComputedStyle(button), box = button.getBoundingClientRect();
  const inner = box.height - parseFloat(style.paddingTop) - parseFloat(style.paddingBottom)
    - parseFloat(style.borderTopWidth) - parseFloat(style.borderBottomWidth);
  return box.width > 0 && inner / parseFloat(style.lineHeight) > 1.5 && box.width < window.innerWidth / 2;
}).map((button) => button.textContent.trim())
"""


def log_in(page, email):
    page.goto("/en/accounts/login/")
    page.fill("#id_login", email)
    page.fill("#id_password", "pw-manager-1234")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/en/manage/")


@pytest.fixture
def manager_page(page, coffee_cluster):
    author = make_manager(coffee_cluster, "ana@cluster.example.co")
    make_opportunity(
        coffee_cluster, author, title="Estancia profesional en tostadurías de Antioquia", language="es",
        kind="stay_offered",
    )  # fmt: skip
    log_in(page, "ana@cluster.example.co")
    return page


@pytest.mark.parametrize("lang", LANGUAGES)
def test_it_lays_out_a_managers_pages_on_a_phone_and_a_desktop(manager_page, lang):
    page, problems = manager_page, {}
    for width, height in WIDTHS.items():
        page.set_viewport_size({"width": width, "height": height})
        for name, path in PAGES.items():
            assert page.goto(path.format(lang=lang)).status == 200
            found = page.evaluate(LAYOUT_PROBLEMS, [EDGE, FIELD_HEIGHT])
            found += [f"button {text!r} wraps in a narrow column" for text in page.evaluate(SQUEEZED_BUTTONS)]
            if found:
                problems[f"{name} {width}px"] = found
            if os.getenv("SCREENSHOTS_DIR") and width == 390:
                target = Path(os.environ["SCREENSHOTS_DIR"]) / f"{name}-{lang}-{width}.png"
                page.screenshot(path=str(target), full_page=True)
    assert not problems, "\n".join(f"{where}: {found}" for where, found in problems.items())


@pytest.mark.parametrize("width", list(WIDTHS))
def test_it_lays_out_the_public_profile_form_like_the_other_public_forms(manager_page, width):
    page = manager_page
    page.set_viewport_size({"width": width, "height": WIDTHS[width]})
    page.goto("/es/manage/")
    form = page.locator("main form:has(#id_text)")
    text, language = form.locator("#id_text").bounding_box(), form.locator("#id_language").bounding_box()
    save = form.locator("button[type=submit]").bounding_box()
    assert text["width"] == language["width"]
    assert save["y"] - (language["y"] + language["height"]) >= 12  # a gap between the select and the button
    assert [label.strip() for label in form.locator("label").all_inner_texts() if label.strip().endswith(":")] == []
