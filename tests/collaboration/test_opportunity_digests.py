"""The weekly digest command: matching opportunities only, never the same one twice to an account,
and an unsubscribe link that works without logging in."""

import datetime
import re
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone, translation

from collaboration.digests import unsubscribe_token
from collaboration.models import DigestDelivery, DigestSubscription, Management

from .opportunity_fixtures import make_manager, make_opportunity

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("collaboration_isolation", "english")]


def run(base_url="https://catalogue.example.org"):
    out = StringIO()
    call_command("send_digests", base_url=base_url, stdout=out)
    return out.getvalue()


@pytest.fixture
def subscriber(coffee_polo):
    user = make_manager(coffee_polo, "bia@polo.example.br")
    DigestSubscription.objects.create(user=user, initiative=coffee_polo)
    return user


def test_it_sends_matching_opportunities_once_and_nothing_the_second_time(
    coffee_cluster, cluster_manager, coffee_polo, subscriber
):
    matching = make_opportunity(
        coffee_cluster, cluster_manager, title="Estancia café", sectors=["coffee"], countries=["BR"]
    )
    make_opportunity(coffee_cluster, cluster_manager, title="Software only", sectors=["software"])
    make_opportunity(coffee_cluster, cluster_manager, title="Only Peru", sectors=["coffee"], countries=["PE"])
    make_opportunity(coffee_cluster, cluster_manager, title="Pending", sectors=["coffee"], published=False)
    make_opportunity(
        coffee_cluster,
        cluster_manager,
        title="Closed",
        sectors=["coffee"],
        closes_on=timezone.localdate() - datetime.timedelta(days=1),
    )
    output = run()
    assert output.startswith("1 digest(s) sent with 1 opportunity(ies)")
    [digest] = mail.outbox
    assert digest.to == ["bia@polo.example.br"]
    assert "Estancia café" in digest.body
    with translation.override("pt-br"):  # the polo's language: the digest's words and links
        assert f"https://catalogue.example.org{matching.get_absolute_url()}" in digest.body
    for left_out in ("Software only", "Only Peru", "Pending", "Closed"):
        assert left_out not in digest.body
    assert "ana@cluster.example.co" not in digest.body  # the author's address stays private
    assert digest.extra_headers["List-Unsubscribe"].startswith("<https://catalogue.example.org/")

    assert run().startswith("0 digest(s) sent")
    assert len(mail.outbox) == 1
    assert DigestDelivery.objects.filter(user=subscriber).count() == 1


def test_it_sends_a_later_opportunity_in_the_next_digest(coffee_cluster, cluster_manager, subscriber):
    make_opportunity(coffee_cluster, cluster_manager, title="First", sectors=["coffee"])
    run()
    make_opportunity(coffee_cluster, cluster_manager, title="Second", sectors=["coffee"])
    run()
    assert len(mail.outbox) == 2
    assert "Second" in mail.outbox[1].body and "First" not in mail.outbox[1].body


def test_it_never_sends_one_opportunity_twice_to_an_account_managing_two_initiatives(
    make_initiative, coffee_cluster, cluster_manager, coffee_polo, subscriber
):
    second_polo = make_initiative(name="Outro polo", slug="outro-polo", country="BR", sectors=["coffee"])
    Management.objects.create(
        user=subscriber, initiative=second_polo, status=Management.Status.APPROVED, who_they_are="x"
    )
    DigestSubscription.objects.create(user=subscriber, initiative=second_polo)
    make_opportunity(coffee_cluster, cluster_manager, title="Shared match", sectors=["coffee"])
    run()
    assert sum("Shared match" in message.body for message in mail.outbox) == 1


def test_it_skips_a_subscriber_who_no_longer_manages_the_initiative(
    coffee_cluster, cluster_manager, coffee_polo, subscriber
):
    Management.objects.filter(user=subscriber).update(status=Management.Status.REVOKED)
    make_opportunity(coffee_cluster, cluster_manager, sectors=["coffee"])
    assert "1 subscription(s) skipped" in run()
    assert mail.outbox == []


def test_it_leaves_out_what_was_published_long_before_subscribing(
    coffee_cluster, cluster_manager, coffee_polo, subscriber
):
    old = make_opportunity(coffee_cluster, cluster_manager, title="Old news", sectors=["coffee"])
    old.published_at = timezone.now() - datetime.timedelta(days=30)
    old.save()
    run()
    assert mail.outbox == []


def test_it_unsubscribes_from_the_link_in_the_digest_without_logging_in(
    client, coffee_cluster, cluster_manager, subscriber
):
    make_opportunity(coffee_cluster, cluster_manager, sectors=["coffee"])
    run(base_url="")
    link = re.search(r"(/[^\s]*/opportunities/digest/unsubscribe/[^\s]+/)", mail.outbox[0].body).group(1)
    confirm = client.get(link)
    assert confirm.status_code == 200
    assert DigestSubscription.objects.filter(user=subscriber).exists()  # a GET (a mail scanner) changes nothing
    done = client.post(re.sub(r"^/[a-z-]+/", "/en/", link))  # the page in English, to read it here
    assert done.status_code == 200
    assert "You will no longer receive" in done.content.decode()
    assert not DigestSubscription.objects.filter(user=subscriber).exists()


def test_it_refuses_a_forged_or_altered_unsubscribe_token(client, subscriber):
    token = unsubscribe_token(DigestSubscription.objects.get(user=subscriber))
    for bad in ("forged", token[:-2] + ("aa" if not token.endswith("aa") else "bb")):
        response = client.post(reverse("collaboration:unsubscribe", args=[bad]))
        assert response.status_code == 404
        assert "not valid" in response.content.decode()
    assert DigestSubscription.objects.filter(user=subscriber).exists()


def test_managers_subscribe_and_stop_from_their_page(client, coffee_polo):
    user = make_manager(coffee_polo)
    client.force_login(user)
    url = reverse("collaboration:subscription", args=[coffee_polo.slug])
    client.post(url, {"subscribe": "1"})
    assert DigestSubscription.objects.filter(user=user, initiative=coffee_polo).exists()
    client.post(url, {"subscribe": "0"})
    assert not DigestSubscription.objects.filter(user=user, initiative=coffee_polo).exists()


def test_it_refuses_a_digest_for_an_initiative_one_does_not_manage(client, coffee_cluster, coffee_polo):
    user = make_manager(coffee_polo)
    client.force_login(user)
    response = client.post(reverse("collaboration:subscription", args=[coffee_cluster.slug]), {"subscribe": "1"})
    assert response.status_code == 403
    assert not DigestSubscription.objects.exists()
