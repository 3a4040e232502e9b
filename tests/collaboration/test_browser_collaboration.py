"""The managers' journey in a real browser: sign up, verify from the mail, ask to manage the
Cluster Agroalimentario, staff approve, edit its description in Spanish, staff publish it, and
it shows on the public pages. With SCREENSHOTS=<folder>, the new pages are photographed in the
three languages (docs/screenshots/ holds the committed ones)."""

import os
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.core import mail

from collaboration.models import Management, ProfileChange

from .collaboration_helpers import LINK, PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SPANISH = "Productores y agroindustrias de Antioquia que exportan juntos."
SHOTS = Path(os.environ["SCREENSHOTS"]) if os.getenv("SCREENSHOTS") else None


def shoot(page, name):
    if SHOTS:
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.set_viewport_size({"width": 900, "height": 760})
        page.screenshot(path=str(SHOTS / f"{name}.png"))


def approve_in_the_admin(staff, path, action):
    staff.goto(path)
    staff.locator("#result_list tbody input.action-select").first.check()
    staff.select_option("select[name=action]", action)
    staff.click("button[name=index]")
    staff.wait_for_selector("ul.messagelist")


def test_a_manager_signs_up_and_publishes_a_spanish_description(page, browser, live_server, make_initiative):
    make_initiative(name="Cluster Agroalimentario", slug="cluster-agroalimentario", language="es", country="CO")

    page.goto("/es/accounts/signup/")
    shoot(page, "signup-es")
    page.fill("#id_email", "ana@clusteragro.example")
    page.fill("#id_password1", PASSWORD)
    page.fill("#id_password2", PASSWORD)
    page.click("form button[type=submit]")
    page.wait_for_url("**/accounts/confirm-email/")
    link = LINK.search(mail.outbox[-1].body).group(0)
    assert link.startswith(live_server.url + "/es/")
    page.goto(link)
    page.click("form button[type=submit]")
    page.wait_for_url("**/es/manage/")

    page.goto("/es/initiatives/cluster-agroalimentario/")
    page.click(".manage-link a")
    page.fill("#id_who_they_are", "Ana Gómez, coordinadora del clúster")
    shoot(page, "request-es")
    page.click("form.stacked-form button[type=submit]")
    page.wait_for_url("**/es/manage/")
    assert Management.objects.get().status == "requested"

    User.objects.create_superuser("staff", "staff@example.org", "pw-staff-1234")
    staff_context = browser.new_context(base_url=live_server.url, locale="en-GB")
    staff = staff_context.new_page()
    staff.goto("/en/admin/login/")
    staff.fill("#id_username", "staff")
    staff.fill("#id_password", "pw-staff-1234")
    staff.click("input[type=submit]")
    staff.wait_for_url("**/en/admin/")
    approve_in_the_admin(staff, "/en/admin/collaboration/management/", "approve")
    assert Management.objects.get().status == "approved"

    page.goto("/es/manage/")
    shoot(page, "dashboard-es")
    page.click("a.button[href$='/edit/']")
    page.fill("#id_description_es", SPANISH)
    shoot(page, "edit-es")
    page.click("form.stacked-form button[type=submit]")
    page.wait_for_url("**/es/manage/")
    assert ProfileChange.objects.get().status == "pending"

    approve_in_the_admin(staff, "/en/admin/collaboration/profilechange/", "publish")
    staff.goto(f"/en/admin/collaboration/profilechange/{ProfileChange.objects.get().pk}/change/")
    assert SPANISH in staff.locator(".profile-diff").inner_text()

    staff_context.close()
    visitor_context = browser.new_context(base_url=live_server.url)
    visitor = visitor_context.new_page()
    visitor.goto("/es/initiatives/cluster-agroalimentario/")
    assert visitor.locator(".prose").inner_text() == SPANISH
    visitor.goto("/pt-br/initiatives/cluster-agroalimentario/")
    assert visitor.locator(".prose").inner_text() == SPANISH
    assert visitor.locator(".prose").get_attribute("lang") == "es"
    visitor_context.close()
    assert page.console_errors == []

    if SHOTS:
        for language in ("pt-br", "en"):
            for name, path in (("signup", "accounts/signup/"), ("dashboard", "manage/"),
                               ("edit", "manage/cluster-agroalimentario/edit/")):  # fmt: skip
                if name == "signup":
                    anonymous = browser.new_context(base_url=live_server.url)
                    anonymous.new_page().goto(f"/{language}/{path}")
                    shoot(anonymous.pages[0], f"{name}-{language}")
                    anonymous.close()
                else:
                    page.goto(f"/{language}/{path}")
                    shoot(page, f"{name}-{language}")
