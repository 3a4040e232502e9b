"""Responding to an opportunity (moderated, forwarded to the author's account address, no address
exposed), floods, and the initiatives that could answer."""

import pytest
from django.core import mail
from django.urls import reverse

from collaboration.models import OpportunityResponse
from collaboration.opportunities import Forwarding, forward_response

from .opportunity_fixtures import make_account, make_manager, make_opportunity

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("collaboration_isolation", "english")]

MESSAGE = {
    "name": "João",
    "organisation": "Polo do Café",
    "email": "joao@polo.example.br",
    "message": "Temos interesse.",
}


def respond_url(opportunity):
    return reverse("collaboration:respond", args=[opportunity.pk])


def test_it_holds_a_response_for_moderation_and_forwards_it_to_the_authors_account(
    client, coffee_cluster, cluster_manager, superuser
):
    opportunity = make_opportunity(coffee_cluster, cluster_manager, language="es")
    response = client.post(respond_url(opportunity), MESSAGE)
    assert response.status_code == 302
    held = OpportunityResponse.objects.get()
    assert held.status == OpportunityResponse.Status.NEW and held.sender is None
    assert mail.outbox == []  # nothing leaves before staff read it

    client.force_login(superuser)
    changelist = reverse("admin:collaboration_opportunityresponse_changelist")
    client.post(changelist, {"action": "forward", "_selected_action": [held.pk]})
    [sent] = mail.outbox
    assert sent.to == ["ana@cluster.example.co"]
    assert sent.reply_to == ["joao@polo.example.br"]
    assert "Temos interesse." in sent.body
    held.refresh_from_db()
    assert held.status == OpportunityResponse.Status.FORWARDED and held.forwarded_at


def test_it_sends_nothing_when_the_author_has_no_verified_address(coffee_cluster):
    author = make_manager(coffee_cluster, "unverified@example.org", verified=False)
    opportunity = make_opportunity(coffee_cluster, author)
    held = OpportunityResponse.objects.create(opportunity=opportunity, **MESSAGE)
    assert forward_response(held) is Forwarding.NO_ADDRESS
    assert mail.outbox == []
    held.refresh_from_db()
    assert held.status == OpportunityResponse.Status.NEW


def test_it_keeps_a_response_pending_and_says_so_when_the_mail_server_fails(
    client, coffee_cluster, cluster_manager, superuser, settings
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2  # nothing listens
    opportunity = make_opportunity(coffee_cluster, cluster_manager)
    held = OpportunityResponse.objects.create(opportunity=opportunity, **MESSAGE)
    client.force_login(superuser)
    changelist = reverse("admin:collaboration_opportunityresponse_changelist")

    response = client.post(changelist, {"action": "forward", "_selected_action": [held.pk]}, follow=True)

    assert response.status_code == 200
    shown = [str(m) for m in response.context["messages"]]
    assert shown == [
        "1 response was not sent: the mail server refused it or could not be reached. "
        "It stays pending: forward it again later."
    ]
    held.refresh_from_db()
    assert held.status == OpportunityResponse.Status.NEW and held.forwarded_at is None


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"email": "not-an-address"}, "Enter a valid email address."),
        ({"name": ""}, "This field is required."),
        ({"message": "<script>alert(1)</script>"}, "HTML tags such as &lt;script&gt;"),
        ({"homepage": "http://spam.example"}, "must stay empty"),
        ({"message": "x" * 4001}, "Ensure this value has at most 4000 characters"),
    ],
)
def test_it_refuses_a_bad_response_with_a_clear_message(client, coffee_cluster, cluster_manager, changes, message):
    opportunity = make_opportunity(coffee_cluster, cluster_manager)
    response = client.post(respond_url(opportunity), {**MESSAGE, **changes})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not OpportunityResponse.objects.exists()


def test_it_limits_anonymous_responses_per_address(client, coffee_cluster, cluster_manager, settings):
    settings.HUB_FORM_RATE_LIMIT = 2
    opportunity = make_opportunity(coffee_cluster, cluster_manager)
    for _ in range(2):
        assert client.post(respond_url(opportunity), MESSAGE).status_code == 302
    limited = client.post(respond_url(opportunity), MESSAGE)
    assert limited.status_code == 429
    assert "Too many submissions" in limited.content.decode()
    assert OpportunityResponse.objects.count() == 2


def test_it_limits_the_responses_an_account_sends_in_a_day(client, coffee_cluster, cluster_manager, settings):
    settings.COLLABORATION_RESPONSES_PER_DAY = 1
    settings.HUB_FORM_RATE_LIMIT = 100
    opportunity = make_opportunity(coffee_cluster, cluster_manager)
    sender = make_account("sender@example.org")
    client.force_login(sender)
    assert client.post(respond_url(opportunity), MESSAGE).status_code == 302
    assert OpportunityResponse.objects.get().sender == sender
    assert client.post(respond_url(opportunity), MESSAGE).status_code == 429
    assert OpportunityResponse.objects.count() == 1


def test_it_refuses_responses_to_an_unpublished_opportunity(client, coffee_cluster, cluster_manager):
    pending = make_opportunity(coffee_cluster, cluster_manager, published=False)
    assert client.post(respond_url(pending), MESSAGE).status_code == 404
    assert not OpportunityResponse.objects.exists()


# -- initiatives that could answer -----------------------------------------------------------


def test_it_lists_initiatives_that_could_answer_other_countries_first(
    client, make_initiative, coffee_cluster, cluster_manager
):
    coffee_polo = make_initiative(name="Polo Café BR", slug="polo-br", country="BR", sectors=["coffee"])
    neighbour = make_initiative(name="Café Colombia", slug="cafe-co", country="CO", sectors=["coffee"])
    cousin = make_initiative(name="Cacau BR", slug="cacau-br", country="BR", sectors=["cocoa"])  # same family
    make_initiative(name="Software BR", slug="software-br", country="BR", sectors=["software"])
    opportunity = make_opportunity(coffee_cluster, cluster_manager, sectors=["coffee"])
    page = client.get(opportunity.get_absolute_url())
    ranked = [result.initiative for result in page.context["matches"]]
    assert ranked == [coffee_polo, cousin, neighbour]
    assert coffee_cluster not in ranked


def test_it_restricts_the_initiatives_that_could_answer_to_the_countries_sought(
    client, make_initiative, coffee_cluster, cluster_manager
):
    coffee_polo = make_initiative(name="Polo Café BR", slug="polo-br", country="BR", sectors=["coffee"])
    make_initiative(name="Café Perú", slug="cafe-pe", country="PE", sectors=["coffee"])
    opportunity = make_opportunity(coffee_cluster, cluster_manager, sectors=["coffee"], countries=["BR"])
    page = client.get(opportunity.get_absolute_url())
    assert [result.initiative for result in page.context["matches"]] == [coffee_polo]
    assert "Polo Café BR" in page.content.decode()
