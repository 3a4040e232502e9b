"""Managers change and close their own opportunities: an edit stays published when the author's
opportunities publish at once (staff review a manager's first one, not each text), goes back to
staff otherwise; bad input is refused as for a new one; nobody else may change or close it."""

import datetime
import re

import pytest
from django.utils import timezone

from collaboration.models import Management, Opportunity

from .opportunity_fixtures import make_manager, make_opportunity

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("collaboration_isolation", "english")]

IN_TWO_MONTHS = (timezone.localdate() + datetime.timedelta(days=60)).isoformat()


def edit_url(opportunity):
    return f"/en/manage/opportunities/{opportunity.pk}/edit/"


def close_url(opportunity):
    return f"/en/manage/opportunities/{opportunity.pk}/close/"


def form_data(**changes):
    data = {
        "kind": "stay_offered",
        "title": "Estancia profesional en Medellín, segunda edición",
        "description": "Tres semanas con nuestras empresas de café.",
        "language": "es",
        "closes_on": IN_TWO_MONTHS,
        "countries": ["PE"],
    }
    return data | changes


def approved_opportunity(initiative, author, superuser, **fields):
    from collaboration.opportunities import approve

    opportunity = make_opportunity(initiative, author, published=False, countries=["BR"], **fields)
    approve(Opportunity.objects.filter(pk=opportunity.pk), superuser)
    opportunity.refresh_from_db()
    return opportunity


def test_the_edit_form_shows_the_published_values(client, coffee_cluster, cluster_manager, superuser):
    opportunity = approved_opportunity(coffee_cluster, cluster_manager, superuser, title="Curso de catación")
    client.force_login(cluster_manager)
    page = client.get(edit_url(opportunity)).content.decode()
    assert 'value="Curso de catación"' in page
    [brazil] = re.findall(r'<input[^>]*name="countries"[^>]*value="BR"[^>]*>', page)
    assert "checked" in brazil


def test_an_approved_managers_edit_stays_published(client, coffee_cluster, cluster_manager, superuser):
    opportunity = approved_opportunity(coffee_cluster, cluster_manager, superuser)
    client.force_login(cluster_manager)
    response = client.post(edit_url(opportunity), form_data())
    assert response.status_code == 302 and response["Location"] == opportunity.get_absolute_url()
    opportunity.refresh_from_db()
    assert opportunity.is_published and opportunity.reviewed_by == superuser
    assert opportunity.title == "Estancia profesional en Medellín, segunda edición"
    assert opportunity.closes_on.isoformat() == IN_TWO_MONTHS
    assert [row.country.code for row in opportunity.sought_countries.all()] == ["PE"]
    client.logout()
    assert "segunda edición" in client.get(opportunity.get_absolute_url()).content.decode()


def test_a_first_opportunity_still_waiting_keeps_waiting(client, coffee_cluster, cluster_manager):
    opportunity = make_opportunity(coffee_cluster, cluster_manager, published=False)
    assert not opportunity.is_published
    client.force_login(cluster_manager)
    assert client.post(edit_url(opportunity), form_data()).status_code == 302
    opportunity.refresh_from_db()
    assert not opportunity.is_published and opportunity.reviewed_at is None
    assert opportunity in Opportunity.objects.awaiting_approval()


def test_an_edit_by_a_manager_no_longer_trusted_goes_back_to_staff(client, coffee_cluster):
    author = make_manager(coffee_cluster, "ana@cluster.example.co", trusted=True)
    opportunity = make_opportunity(coffee_cluster, author, published=False)
    assert opportunity.is_published and opportunity.reviewed_by is None  # published at once, never reviewed
    Management.objects.filter(user=author).update(trusted=False)
    client.force_login(author)
    response = client.post(edit_url(opportunity), form_data())
    assert response.status_code == 302
    opportunity.refresh_from_db()
    assert not opportunity.is_published and opportunity in Opportunity.objects.awaiting_approval()
    client.logout()
    assert client.get(opportunity.get_absolute_url()).status_code == 404


@pytest.mark.parametrize(
    "changes, field, message",
    [
        ({"closes_on": "2001-01-01"}, "closes_on", "The closing date 2001-01-01 has passed"),
        ({"title": "   "}, "title", "This field is required."),
        ({"description": "<script>alert(1)</script>"}, "description", "Write plain text"),
        (
            {
                "countries": [
                    "AR",
                    "BO",
                    "BR",
                    "CL",
                    "CO",
                    "CR",
                    "CU",
                    "DO",
                    "EC",
                    "GT",
                    "HN",
                    "MX",
                    "NI",
                    "PA",
                    "PE",
                    "PY",
                    "SV",
                    "UY",
                    "VE",
                    "HT",
                    "JM",
                ]
            },
            "countries",
            "choose at most 20",
        ),  # fmt: skip
    ],
)
def test_bad_input_is_refused_with_a_message_and_nothing_changes(
    client, coffee_cluster, cluster_manager, superuser, changes, field, message
):
    opportunity = approved_opportunity(coffee_cluster, cluster_manager, superuser, title="Curso de catación")
    client.force_login(cluster_manager)
    response = client.post(edit_url(opportunity), form_data(**changes))
    assert response.status_code == 400
    assert any(message in error for error in response.context["form"].errors[field])
    opportunity.refresh_from_db()
    assert opportunity.title == "Curso de catación" and opportunity.is_published
    assert [row.country.code for row in opportunity.sought_countries.all()] == ["BR"]


def test_others_get_403_and_change_nothing(client, coffee_cluster, coffee_polo, cluster_manager, superuser):
    opportunity = approved_opportunity(coffee_cluster, cluster_manager, superuser, title="Curso de catación")
    co_manager = make_manager(coffee_cluster, "carlos@cluster.example.co")
    polo_manager = make_manager(coffee_polo, "bia@polo.example.br")
    for user in (co_manager, polo_manager):
        client.force_login(user)
        assert client.get(edit_url(opportunity)).status_code == 403
        assert client.post(edit_url(opportunity), form_data()).status_code == 403
        assert client.post(close_url(opportunity)).status_code == 403
    Management.objects.filter(user=cluster_manager).update(status=Management.Status.REVOKED)
    client.force_login(cluster_manager)
    assert client.post(edit_url(opportunity), form_data()).status_code == 403
    assert client.post(close_url(opportunity)).status_code == 403
    opportunity.refresh_from_db()
    assert opportunity.title == "Curso de catación" and opportunity.is_open


def test_a_refused_opportunity_cannot_be_changed_to_resubmit_it(client, coffee_cluster, cluster_manager, superuser):
    from collaboration.opportunities import refuse

    opportunity = make_opportunity(coffee_cluster, cluster_manager, published=False)
    refuse(Opportunity.objects.filter(pk=opportunity.pk), superuser)
    client.force_login(cluster_manager)
    response = client.post(edit_url(opportunity), form_data())
    assert response.status_code == 403
    assert "Staff refused this opportunity" in response.content.decode()
    opportunity.refresh_from_db()
    assert opportunity.is_refused and opportunity not in Opportunity.objects.awaiting_approval()


def test_an_anonymous_visitor_is_sent_to_the_login(client, coffee_cluster, cluster_manager, superuser):
    opportunity = approved_opportunity(coffee_cluster, cluster_manager, superuser)
    for url in (edit_url(opportunity), close_url(opportunity)):
        response = client.post(url, form_data())
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_author_closes_it_early_and_it_stays_readable_marked_closed(
    client, coffee_cluster, cluster_manager, superuser
):
    opportunity = approved_opportunity(coffee_cluster, cluster_manager, superuser, title="Curso de catación")
    client.force_login(cluster_manager)
    assert client.get(close_url(opportunity)).status_code == 405  # a link followed by a scanner closes nothing
    response = client.post(close_url(opportunity), follow=True)
    assert "The opportunity is closed." in response.content.decode()
    opportunity.refresh_from_db()
    assert not opportunity.is_open and opportunity.is_published
    assert opportunity not in Opportunity.objects.open()
    client.logout()
    page = client.get(opportunity.get_absolute_url())
    assert page.status_code == 200 and "status--closed" in page.content.decode()
    assert client.get(f"/en/opportunities/{opportunity.pk}/respond/").status_code == 410
    assert "Curso de catación" not in client.get(coffee_cluster.get_absolute_url()).content.decode()


def test_my_opportunities_offers_to_change_and_close(client, coffee_cluster, cluster_manager, superuser):
    opportunity = approved_opportunity(coffee_cluster, cluster_manager, superuser)
    client.force_login(cluster_manager)
    page = client.get("/en/manage/opportunities/").content.decode()
    assert edit_url(opportunity) in page and close_url(opportunity) in page
