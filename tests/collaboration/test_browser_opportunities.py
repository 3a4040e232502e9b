"""The opportunities' journey in a real browser: a cluster_manager publishes a professional stay, staff
approve it (a first opportunity), the cluster_manager of a Brazilian coffee_polo finds it among the matches and in
their digest, responds, and staff forward the response to the first cluster_manager: no address shown."""

import datetime

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from collaboration.models import Opportunity, OpportunityResponse

from .opportunity_fixtures import make_manager

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("hub_isolation")]

FIRST_EMAIL = "ana@cluster.example.co"
SECOND_EMAIL = "bia@polo.example.br"


def log_in(context, email):
    page = context.new_page()
    page.goto("/en/accounts/login/")
    page.fill("#id_login", email)
    page.fill("#id_password", "pw-manager-1234")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/en/manage/")
    return page


def test_a_stay_offered_goes_from_one_manager_to_another_through_staff(
    browser, live_server, coffee_cluster, coffee_polo
):
    make_manager(coffee_cluster, FIRST_EMAIL)
    make_manager(coffee_polo, SECOND_EMAIL)
    User.objects.create_superuser("moderator", "moderator@example.org", "pw-moderator-1234")
    new_context = lambda: browser.new_context(base_url=live_server.url, locale="en-GB")  # noqa: E731
    closes_on = (timezone.localdate() + datetime.timedelta(days=45)).isoformat()

    # The first cluster_manager publishes; a first opportunity waits for staff.
    first = log_in(new_context(), FIRST_EMAIL)
    first.goto("/en/manage/opportunities/")
    first.click("text=Publish an opportunity")
    first.select_option("#id_kind", "stay_offered")
    first.fill("#id_title", "Estancia profesional en tostadurías de Antioquia")
    first.fill("#id_description", "Dos semanas en nuestras tostadurías de café especial.")
    first.select_option("#id_language", "es")
    first.fill("#id_closes_on", closes_on)
    first.click("summary:text-is('Agri-food')")
    first.get_by_role("checkbox", name="Coffee", exact=True).check()
    first.get_by_role("checkbox", name="Brazil", exact=True).check()
    first.click("main form button[type=submit]")
    assert "Staff review a manager's first opportunity" in first.locator(".messages").inner_text()
    opportunity = Opportunity.objects.get()
    assert not opportunity.is_published

    # Staff approve it in the admin.
    staff = new_context().new_page()
    staff.goto("/en/admin/login/")
    staff.fill("#id_username", "moderator")
    staff.fill("#id_password", "pw-moderator-1234")
    staff.click("input[type=submit]")
    staff.wait_for_url("**/en/admin/")
    staff.goto("/en/admin/collaboration/opportunity/?review=pending")
    staff.check(f"input[name=_selected_action][value='{opportunity.pk}']")
    staff.select_option("select[name=action]", "approve")
    staff.click("button[name=index]")
    assert "Published 1 opportunity." in staff.locator(".messagelist").inner_text()
    opportunity.refresh_from_db()
    assert opportunity.is_published

    # The polo's cluster_manager subscribes to the digest and finds the opportunity and its matches.
    second = log_in(new_context(), SECOND_EMAIL)
    second.goto("/en/manage/opportunities/")
    second.click("text=Receive a weekly digest of matching opportunities")
    assert "You will receive the weekly digest" in second.locator(".messages").inner_text()
    second.goto("/en/opportunities/?kind=stay_offered&country=BR")
    second.click("text=Estancia profesional en tostadurías de Antioquia")
    matches = second.locator("#matches-title + p + ul")
    assert "Polo do Café do Cerrado" in matches.inner_text()
    assert "Brazil" in matches.inner_text()

    call_command("send_digests", base_url=live_server.url, stdout=open("/dev/null", "w"))
    [digest] = [m for m in mail.outbox if SECOND_EMAIL in m.to]
    assert "Estancia profesional en tostadurías de Antioquia" in digest.body
    assert FIRST_EMAIL not in digest.body

    # It responds; the page never showed the first manager's address.
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
    staff.goto("/en/admin/collaboration/opportunityresponse/")
    staff.check("input[name=_selected_action]")
    staff.select_option("select[name=action]", "forward")
    staff.click("button[name=index]")
    assert "Forwarded 1 response." in staff.locator(".messagelist").inner_text()
    [forwarded] = [m for m in mail.outbox if FIRST_EMAIL in m.to]
    assert forwarded.reply_to == [SECOND_EMAIL]
    assert "Temos dois torrefadores" in forwarded.body

    # The initiative's page shows the open opportunity.
    first.goto(f"/en/initiatives/{coffee_cluster.slug}/")
    assert (
        "Estancia profesional en tostadurías de Antioquia" in first.locator("#opportunities-heading + ul").inner_text()
    )
    assert FIRST_EMAIL not in first.content() and SECOND_EMAIL not in first.content()
