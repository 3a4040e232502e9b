"""The public forms' rules: what may be proposed, which posts count against the rate limit, the
proposer's confirmation e-mail, and what the interest form promises."""

import re

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import translation

from hub.models import Interest, Proposal

from .test_hub_forms import interest_data, proposal_data

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("hub_isolation")]


def url(name, *args, language="en"):
    with translation.override(language):
        return reverse(f"hub:{name}", args=args)


def test_it_does_not_offer_a_rotas_polo_on_the_propose_form(client, reference_data):
    html = client.get(url("propose")).content.decode()
    kinds = re.findall(r'<option value="([^"]*)"', html.split('name="kind"', 1)[1].split("</select>", 1)[0])
    assert "cluster" in kinds and "apl" in kinds and "rotas_polo" not in kinds


def test_it_refuses_a_posted_rotas_polo_with_a_clear_message(client, reference_data):
    response = client.post(url("propose"), proposal_data(kind="rotas_polo"))
    assert response.status_code == 400
    assert "cannot be proposed here" in response.content.decode()
    assert not Proposal.objects.exists()


def test_it_does_not_count_invalid_proposals_against_the_rate_limit(client, reference_data, settings):
    settings.HUB_FORM_RATE_LIMIT = 2
    for _attempt in range(3):  # a person correcting mistakes, more times than the limit
        assert client.post(url("propose"), proposal_data(proposer_email="not-an-address")).status_code == 400
    assert client.post(url("propose"), proposal_data(name="Cluster 1")).status_code == 302
    assert client.post(url("propose"), proposal_data(name="Cluster 2")).status_code == 302
    assert client.post(url("propose"), proposal_data(name="Cluster 3")).status_code == 429
    assert Proposal.objects.count() == 2


def test_it_counts_honeypot_spam_but_not_mistakes_on_the_interest_form(client, make_initiative, settings):
    initiative = make_initiative()
    settings.HUB_FORM_RATE_LIMIT = 2
    for _attempt in range(3):
        assert client.post(url("interest", initiative.slug), interest_data(email="")).status_code == 400
    assert client.post(url("interest", initiative.slug), interest_data(homepage="buy now")).status_code == 400
    assert client.post(url("interest", initiative.slug), interest_data()).status_code == 302
    assert client.post(url("interest", initiative.slug), interest_data()).status_code == 429
    assert Interest.objects.count() == 1


def test_it_sends_the_proposer_a_confirmation_in_the_language_of_the_page(client, reference_data, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    response = client.post(url("propose", language="es"), proposal_data(proposer_email="lucia@example.org"))
    assert response.status_code == 302
    proposal = Proposal.objects.get()
    [message] = mail.outbox
    assert message.to == ["lucia@example.org"] and message.from_email == settings.DEFAULT_FROM_EMAIL
    assert message.subject == f"Propuesta {proposal.reference}"
    assert "Gracias: su propuesta fue recibida." in message.body
    assert f"Referencia: {proposal.reference}" in message.body
    assert f"http://testserver/es/proposals/{proposal.reference}/" in message.body


def test_it_sends_no_confirmation_for_a_refused_proposal(client, reference_data, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    client.post(url("propose"), proposal_data(proposer_email="not-an-address"))
    assert mail.outbox == []


def test_it_keeps_the_proposal_when_the_mail_server_refuses(client, reference_data, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2  # nothing listens
    response = client.post(url("propose"), proposal_data(), follow=True)
    proposal = Proposal.objects.get()
    assert response.status_code == 200 and proposal.reference in response.content.decode()


def test_it_tells_the_visitor_what_happens_to_a_message(client, make_initiative):
    initiative = make_initiative()
    page = client.get(url("interest", initiative.slug)).content.decode()
    assert "When the initiative has an e-mail address on file" in page and "otherwise the team answers you" in page
    sent = client.get(url("interest_sent", initiative.slug)).content.decode()
    assert "otherwise the team answers you itself" in sent


def test_it_asks_staff_to_answer_senders_whose_initiative_has_no_address(client, superuser, make_initiative):
    interest = Interest.objects.create(
        initiative=make_initiative(email=""), name="Rui", email="rui@example.org", message="Exportar juntos?"
    )
    client.force_login(superuser)
    changelist = reverse("admin:hub_interest_changelist").replace("/pt-br/", "/en/")
    response = client.post(changelist, {"action": "forward", "_selected_action": [interest.pk]}, follow=True)
    assert "Answer these senders yourselves, as the interest form promises them: rui@example.org." in (
        response.content.decode()
    )
    interest.refresh_from_db()
    assert interest.status == Interest.Status.NEW  # still in the inbox, for staff to answer
