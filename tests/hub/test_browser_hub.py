import pytest
from django.contrib.auth.models import User

from hub.models import Interest, Proposal

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("hub_isolation")]


def log_in_to_the_admin(page):
    User.objects.create_superuser("moderator", "moderator@example.org", "pw-moderator-1234")
    page.goto("/en/admin/login/")
    page.fill("#id_username", "moderator")
    page.fill("#id_password", "pw-moderator-1234")
    page.click("input[type=submit]")
    page.wait_for_url("**/en/admin/")


def test_it_takes_a_proposal_and_an_interest_through_to_the_admin(page, make_initiative):
    initiative = make_initiative(name="Polo do Mel do Araripe", email="contato@araripe.example")

    page.goto("/en/propose/")
    page.fill("#id_name", "Cluster del Cacao de Tumaco")
    page.select_option("#id_kind", "cluster")
    page.select_option("#id_country", "CO")
    page.select_option("#id_language", "es")
    page.fill("#id_description", "Productores de cacao fino de aroma.")
    page.click("summary:text-is('Agri-food')")  # the sectors sit in their family, closed until opened
    page.check("text=Cocoa and chocolate")
    page.fill("#id_proposer_name", "Lucía Pérez")
    page.fill("#id_proposer_email", "lucia@example.org")
    page.click("text=Send the proposal")
    reference = Proposal.objects.get().reference
    assert page.locator(".reference").inner_text() == reference
    assert "your proposal was received" in page.content()

    page.goto(f"/en/initiatives/{initiative.slug}/collaborate/")
    assert "contato@araripe.example" not in page.content()
    page.fill("#id_name", "Rui Costa")
    page.fill("#id_email", "rui@example.org")
    page.fill("#id_message", "Could we sell honey together?")
    page.click("button[type=submit]")
    assert page.locator("h1").inner_text() == "Message received"
    assert Interest.objects.get().status == "new"
    # Checked before the admin: its pages name no icon, so Chromium asks for /favicon.ico (a 404).
    assert page.console_errors == []

    log_in_to_the_admin(page)
    page.goto("/en/admin/hub/proposal/")
    assert page.locator("#result_list").get_by_text("Cluster del Cacao de Tumaco").is_visible()
    assert page.locator("#result_list").get_by_text(reference).is_visible()
    page.goto("/en/admin/hub/interest/")
    row = page.locator("#result_list tbody tr").first
    assert "Rui Costa" in row.inner_text() and "Polo do Mel do Araripe" in row.inner_text()


def test_it_serves_accessible_hub_pages(page, make_library_item, make_event, make_news):
    from axe_playwright_python.sync_playwright import Axe

    make_library_item(title="Guía de clústeres", language="es")
    make_event(title="Curso de gestores", kind="course")
    make_news(title="Feira do mel", language="pt-br")
    for path in ["/en/library/", "/en/events/", "/en/news/", "/en/propose/", "/en/library/library-item-1/"]:
        page.goto(path)
        results = Axe().run(page)
        assert results.violations_count == 0, (path, results.generate_report())
        assert page.console_errors == [], path
