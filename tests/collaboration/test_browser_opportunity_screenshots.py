"""The opportunities' pages in the three languages, rendered by Chromium with no console error;
UPDATE_SCREENSHOTS=1 also saves them under docs/screenshots/ (small PNGs for the documentation)."""

import os
import shutil
from pathlib import Path

import pytest
from django.utils import timezone

from .opportunity_fixtures import make_manager, make_opportunity

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("hub_isolation")]

DOCS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
LANGUAGES = ("pt-br", "es", "en")


def test_it_renders_the_opportunity_pages_in_three_languages(new_page, coffee_cluster, coffee_polo, tmp_path):
    author = make_manager(coffee_cluster, "ana@cluster.example.co")
    make_manager(coffee_polo, "bia@polo.example.br")
    opportunity = make_opportunity(
        coffee_cluster,
        author,
        kind="stay_offered",
        title="Estancia profesional en tostadurías de Antioquia",
        description="Dos semanas en nuestras tostadurías de café especial, con visitas a fincas.",
        language="es",
        sectors=["coffee"],
        themes=["market-access"],
        countries=["BR", "PE"],
    )
    make_opportunity(
        coffee_cluster,
        author,
        kind="training",
        title="Curso de catación",
        language="es",
        sectors=["coffee"],
        closes_on=timezone.localdate() - timezone.timedelta(days=2),
    )
    page = new_page(locale=None, viewport={"width": 1000, "height": 760})
    errors = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.on("pageerror", lambda error: errors.append(str(error)))
    shots = []
    for language in LANGUAGES:
        for name, path in (
            ("opportunities", "/opportunities/"),
            ("opportunity", f"/opportunities/{opportunity.pk}/"),
            ("respond", f"/opportunities/{opportunity.pk}/respond/"),
        ):
            page.goto(f"/{language}{path}")
            shot = tmp_path / f"{name}-{language}.png"
            page.screenshot(path=shot)
            shots.append(shot)
    # A manager's own pages.
    page.goto("/en/accounts/login/")
    page.fill("#id_login", "ana@cluster.example.co")
    page.fill("#id_password", "pw-manager-1234")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/en/manage/")
    for language in LANGUAGES:
        for name, path in (
            ("publish", f"/manage/initiatives/{coffee_cluster.slug}/opportunities/new/"),
            ("manage", "/manage/opportunities/"),
        ):
            page.goto(f"/{language}{path}")
            shot = tmp_path / f"{name}-{language}.png"
            page.screenshot(path=shot)
            shots.append(shot)
    assert errors == []
    assert all(shot.stat().st_size > 10_000 for shot in shots)
    if os.getenv("UPDATE_SCREENSHOTS") == "1":
        DOCS.mkdir(parents=True, exist_ok=True)
        for shot in shots:
            shutil.copy(shot, DOCS / shot.name)
