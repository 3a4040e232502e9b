"""The whole collaboration journey in a real browser, as the issue tells it: a manager signs up,
verifies from the mail, asks to manage the Cluster Agroalimentario, staff approve, the manager
edits its description in Spanish, staff publish it and it shows on the public pages; the manager
publishes a professional stay, staff approve it (a first opportunity); the manager of a Brazilian
polo finds it among the matches and in their digest and responds; staff forward the response,
which reaches the first manager without any address being shown. Staff's decisions reach the
manager by e-mail in the language she used, and her public profile shows on the cluster's page. With SCREENSHOTS=<folder>, the
managers' pages are photographed in the three languages (docs/screenshots/ holds the committed ones)."""

import datetime
import io
import os
from pathlib import Path

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from collaboration.models import Management, Opportunity, OpportunityResponse, ProfileChange
from initiatives.models import Sector

from .collaboration_helpers import LINK, PASSWORD, admin_action, log_in, log_in_staff
from .opportunity_fixtures import make_manager

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("hub_isolation")]

FIRST_EMAIL = "ana@clusteragro.example"
SECOND_EMAIL = "bia@polo.example.br"
SPANISH = "Productores y agroindustrias de Antioquia que exportan juntos."
TITLE = "Estancia profesional en tostadurías de Antioquia"
PROFILE = "Ana Gómez, coordinadora del clúster."
SHOTS = Path(os.environ["SCREENSHOTS"]) if os.getenv("SCREENSHOTS") else None


def shoot(page, name, element=None):
    if SHOTS:
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.set_viewport_size({"width": 900, "height": 760})
        if element:  # a part further down the page
            page.locator(element).scroll_into_view_if_needed()
        page.screenshot(path=str(SHOTS / f"{name}.png"))


def test_a_manager_publishes_a_profile_and_an_opportunity_that_another_manager_answers(
    page, new_page, live_server, coffee_cluster, coffee_polo
):
    make_manager(coffee_polo, SECOND_EMAIL)
    staff = log_in_staff(new_page())

    # Sign up in Spanish and verify with the link from the test outbox.
    first = page
    first.goto("/es/accounts/signup/")
    shoot(first, "signup-es")
    first.fill("#id_email", FIRST_EMAIL)
    first.fill("#id_password1", PASSWORD)
    first.fill("#id_password2", PASSWORD)
    first.click("form button[type=submit]")
    first.wait_for_url("**/accounts/confirm-email/")
    link = LINK.search(mail.outbox[-1].body).group(0)
    assert link.startswith(live_server.url + "/es/")
    first.goto(link)
    first.click("form button[type=submit]")
    first.wait_for_url("**/es/manage/")

    # Ask to manage the cluster; staff approve.
    first.goto(f"/es/initiatives/{coffee_cluster.slug}/")
    first.click(".manage-link a")
    first.fill("#id_who_they_are", "Ana Gómez, coordinadora del clúster")
    shoot(first, "request-es")
    first.click("form.stacked-form button[type=submit]")
    first.wait_for_url("**/es/manage/")
    management = Management.objects.get(user__email=FIRST_EMAIL)
    assert management.status == "requested"
    assert "1 request approved." in admin_action(staff, "/en/admin/collaboration/management/", "approve", management.pk)
    management.refresh_from_db()
    assert management.status == "approved"
    [approval] = [m for m in mail.outbox if FIRST_EMAIL in m.to and "Cluster Agroalimentario" in m.subject]
    assert f"{live_server.url}/es/manage/" in approval.body  # in the language she asked in

    # Her public profile, written on her account page.
    first.goto("/es/manage/")
    first.fill("#id_text", PROFILE)
    first.click("#public-profile ~ form button[type=submit]")
    first.wait_for_url("**/es/manage/")
    shoot(first, "profile-es", "#public-profile ~ form")

    # Edit the description in Spanish; staff review the difference and publish it.
    first.goto("/es/manage/")
    shoot(first, "dashboard-es")
    first.click(f"a.button[href$='/{coffee_cluster.slug}/edit/']")
    first.fill("#id_description_es", SPANISH)
    shoot(first, "edit-es")
    first.click("form.stacked-form button[type=submit]")
    first.wait_for_url("**/es/manage/")
    change = ProfileChange.objects.get()
    assert change.status == "pending"
    staff.goto(f"/en/admin/collaboration/profilechange/{change.pk}/change/")
    assert SPANISH in staff.locator(".profile-diff").inner_text()
    assert "1 change published." in admin_action(staff, "/en/admin/collaboration/profilechange/", "publish")

    visitor = new_page()
    visitor.goto(f"/es/initiatives/{coffee_cluster.slug}/")
    assert visitor.locator(".prose").inner_text() == SPANISH
    assert visitor.locator(".initiative-managers li").inner_text() == PROFILE
    shoot(visitor, "managers-es", ".initiative-managers")
    visitor.goto(f"/pt-br/initiatives/{coffee_cluster.slug}/")
    shoot(visitor, "managers-pt-br", ".initiative-managers")
    assert visitor.locator(".prose").inner_text() == SPANISH
    assert visitor.locator(".prose").get_attribute("lang") == "es"

    # Publish a professional stay offered, seeking partners in Brazil: a first one waits for staff.
    coffee = Sector.objects.get(slug="coffee")
    first.goto("/es/manage/opportunities/")
    first.click(f"a.button[href$='/{coffee_cluster.slug}/opportunities/new/']")
    first.select_option("#id_kind", "stay_offered")
    first.fill("#id_title", TITLE)
    first.fill("#id_description", "Dos semanas en nuestras tostadurías de café especial.")
    first.select_option("#id_language", "es")
    first.fill("#id_closes_on", (timezone.localdate() + datetime.timedelta(days=45)).isoformat())
    first.locator(f"details:has(input[name=sectors][value='{coffee.pk}']) > summary").click()
    first.check(f"input[name=sectors][value='{coffee.pk}']")
    first.check("input[name=countries][value=BR]")
    first.click("main form button[type=submit]")
    first.wait_for_url("**/es/manage/opportunities/")
    opportunity = Opportunity.objects.get()
    assert not opportunity.is_published
    assert "Published 1 opportunity." in admin_action(
        staff, "/en/admin/collaboration/opportunity/?review=pending", "approve", opportunity.pk
    )
    opportunity.refresh_from_db()
    assert opportunity.is_published
    [published] = [m for m in mail.outbox if FIRST_EMAIL in m.to and TITLE in m.subject]
    assert f"{live_server.url}/es/manage/opportunities/" in published.body

    # The polo's manager subscribes to the digest, finds the stay and sees the polo among the matches.
    second = log_in(new_page(), SECOND_EMAIL, "pw-manager-1234")
    second.goto("/en/manage/opportunities/")
    second.click("text=Receive a weekly digest of matching opportunities")
    assert "You will receive the weekly digest" in second.locator(".messages").inner_text()
    second.goto("/en/opportunities/?kind=stay_offered&country=BR")
    second.click(f"text={TITLE}")
    matches = second.locator("#matches-title ~ ul").inner_text()
    assert "Polo do Café do Cerrado" in matches and "Brazil" in matches

    call_command("send_digests", base_url=live_server.url, stdout=io.StringIO())
    [digest] = [m for m in mail.outbox if SECOND_EMAIL in m.to]
    assert TITLE in digest.body
    assert FIRST_EMAIL not in digest.body

    # The polo's manager responds; no page shows the first manager's address.
    second.click("text=Respond to this opportunity")
    assert second.input_value("#id_email") == SECOND_EMAIL
    second.fill("#id_name", "Beatriz Souza")
    second.fill("#id_organisation", "Polo do Café do Cerrado")
    second.fill("#id_message", "Temos dois torrefadores interessados na estadia.")
    second.click("main form button[type=submit]")
    assert second.locator("h1").inner_text() == "Response received"
    assert FIRST_EMAIL not in second.content()
    assert OpportunityResponse.objects.get().status == "new"

    # Staff forward it: it reaches the first manager's account address, replying to the sender.
    assert "Forwarded 1 response." in admin_action(staff, "/en/admin/collaboration/opportunityresponse/", "forward")
    [forwarded] = [m for m in mail.outbox if FIRST_EMAIL in m.to and m.reply_to]
    assert forwarded.reply_to == [SECOND_EMAIL]
    assert "Temos dois torrefadores" in forwarded.body

    # The cluster's public page lists the open opportunity and shows no address (a new visitor:
    # the first one's browser may keep the earlier page for the public max-age).
    visitor = new_page()
    visitor.goto(f"/es/initiatives/{coffee_cluster.slug}/")
    assert TITLE in visitor.locator("#opportunities-heading + ul").inner_text()
    assert FIRST_EMAIL not in visitor.content() and SECOND_EMAIL not in visitor.content()
    assert first.console_errors == []

    if SHOTS:
        for language in ("pt-br", "en"):
            signup = new_page(locale=None)
            signup.goto(f"/{language}/accounts/signup/")
            shoot(signup, f"signup-{language}")
            for name, path in (("dashboard", "manage/"), ("edit", f"manage/{coffee_cluster.slug}/edit/")):
                first.goto(f"/{language}/{path}")
                shoot(first, f"{name}-{language}")
        first.goto("/pt-br/manage/")
        shoot(first, "profile-pt-br", "#public-profile ~ form")
