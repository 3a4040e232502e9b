"""The collaboration pages write dates as each language does: Brazilian Portuguese and Spanish month
names in lowercase ("29 de dezembro de 2026"), not as Django's pt-br catalogue capitalises them."""

import datetime
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.utils import timezone, translation
from django.utils.dates import MONTHS

from collaboration.models import DigestSubscription, Management, ProfileChange

from .opportunity_fixtures import make_manager, make_opportunity

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("collaboration_isolation")]

CLOSES_ON = timezone.localdate() + datetime.timedelta(days=40)


def month_names(language):
    with translation.override(language):
        month = str(MONTHS[CLOSES_ON.month])
    return month.lower(), month[:1].upper() + month[1:]


@pytest.fixture
def opportunity(coffee_cluster, cluster_manager):
    return make_opportunity(coffee_cluster, cluster_manager, closes_on=CLOSES_ON, language="es")


@pytest.mark.parametrize("language", ["pt-br", "es"])
def test_it_writes_the_month_in_lowercase_on_the_opportunity_pages(client, opportunity, cluster_manager, language):
    lowercase, capitalised = month_names(language)
    public = [f"/{language}/opportunities/", f"/{language}/opportunities/{opportunity.pk}/"]
    client.force_login(cluster_manager)
    for path in [*public, f"/{language}/manage/opportunities/"]:
        page = client.get(path).content.decode()
        assert f" de {lowercase} de {CLOSES_ON.year}" in page, path
        assert f" de {capitalised} de" not in page, path


def test_it_writes_the_month_in_lowercase_on_a_closed_opportunitys_pages(client, opportunity):
    opportunity.closes_on = timezone.localdate() - datetime.timedelta(days=1)
    opportunity.save()
    closed_on = opportunity.closes_on
    with translation.override("pt-br"):
        month = str(MONTHS[closed_on.month])
    for path in [f"/pt-br/opportunities/{opportunity.pk}/", f"/pt-br/opportunities/{opportunity.pk}/respond/"]:
        page = Client().get(path).content.decode()
        assert f" de {month.lower()} de {closed_on.year}" in page, path
        assert f" de {month} de" not in page, path


def test_it_writes_the_month_in_lowercase_on_the_managers_page_and_the_request_page(
    client, make_initiative, cluster_manager, coffee_cluster
):
    ProfileChange.objects.create(
        initiative=coffee_cluster, author=cluster_manager, values={"website": "https://a.example"}
    )
    other = make_initiative(name="Polo Mel", slug="polo-mel", country="BR", language="pt-br")
    Management.objects.create(user=cluster_manager, initiative=other, who_they_are="Diretora do polo")
    with translation.override("pt-br"):
        month = str(MONTHS[timezone.localdate().month])
    client.force_login(cluster_manager)
    for path in ["/pt-br/manage/", f"/pt-br/manage/{other.slug}/request/"]:
        page = client.get(path).content.decode()
        assert f" de {month.lower()} de" in page, path
        assert f" de {month} de" not in page, path


def test_it_writes_the_month_in_lowercase_in_the_weekly_digest(coffee_cluster, coffee_polo, cluster_manager):
    reader = make_manager(coffee_polo, "bia@polo.example.br")
    DigestSubscription.objects.create(user=reader, initiative=coffee_polo)  # a polo: the digest in pt-br
    make_opportunity(coffee_cluster, cluster_manager, closes_on=CLOSES_ON, sectors=["coffee"])
    call_command("send_digests", base_url="https://catalogue.example.org", stdout=StringIO())
    lowercase, capitalised = month_names("pt-br")
    [digest] = mail.outbox
    assert f" de {lowercase} de {CLOSES_ON.year}" in digest.body
    assert f" de {capitalised} de" not in digest.body
