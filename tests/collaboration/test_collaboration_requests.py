"""“Manage this initiative”: a verified manager asks, staff approve, refuse or revoke in the admin."""

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth.models import User

from collaboration.models import Management, managed_initiatives

from .collaboration_helpers import manager_of, sign_up, signed_up_manager  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.fixture
def cluster(make_initiative):
    return make_initiative(name="Cluster Agroalimentario", slug="cluster-agroalimentario", language="es")


def test_the_initiative_page_offers_to_manage_it(client, cluster):
    page = client.get(cluster.get_absolute_url()).content.decode()
    assert "/manage/cluster-agroalimentario/request/" in page


def test_a_verified_manager_asks_saying_who_they_are(client, cluster):
    user = signed_up_manager(client, "ana@cluster.example")
    response = client.post("/es/manage/cluster-agroalimentario/request/", {"who_they_are": "Ana Gómez, coordinadora"})
    assert response.status_code == 302
    management = Management.objects.get(user=user, initiative=cluster)
    assert management.status == Management.Status.REQUESTED
    assert management.who_they_are == "Ana Gómez, coordinadora"
    assert not managed_initiatives(user).exists()  # not before staff approve


def test_it_asks_again_for_who_they_are_when_it_is_missing(client, cluster):
    signed_up_manager(client, "ana@cluster.example")
    response = client.post("/en/manage/cluster-agroalimentario/request/", {"who_they_are": " "})
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    assert not Management.objects.exists()


def test_an_unverified_account_cannot_ask(client, cluster):
    sign_up(client, "ana@cluster.example")
    user = User.objects.get(email="ana@cluster.example")
    client.force_login(user)  # even logged in somehow, the address is not verified
    response = client.post("/en/manage/cluster-agroalimentario/request/", {"who_they_are": "Ana, coordinator"})
    assert response.status_code == 403
    assert "Verify your e-mail address" in response.content.decode()
    assert not Management.objects.exists()


def test_an_anonymous_visitor_is_sent_to_the_login(client, cluster):
    response = client.get("/en/manage/cluster-agroalimentario/request/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("status", ["refused", "revoked"])
def test_a_refused_or_revoked_request_cannot_be_reused(client, cluster, status):
    user = signed_up_manager(client, "ana@cluster.example")
    Management.objects.create(user=user, initiative=cluster, who_they_are="Ana", status=status)
    response = client.post("/en/manage/cluster-agroalimentario/request/", {"who_they_are": "Ana, once more"})
    assert response.status_code == 403
    assert Management.objects.get().status == status
    assert client.get("/en/manage/cluster-agroalimentario/edit/").status_code == 403


def test_an_initiative_may_have_several_managers(client, cluster):
    from django.test import Client

    for email in ("ana@cluster.example", "luis@cluster.example"):
        other = Client()
        signed_up_manager(other, email)
        other.post("/en/manage/cluster-agroalimentario/request/", {"who_they_are": f"{email}, staff member"})
    Management.objects.all().decide(Management.Status.APPROVED, None)
    assert cluster.managements.approved().count() == 2


def admin_action(client, action, *managements):
    return client.post(
        "/en/admin/collaboration/management/",
        {"action": action, "_selected_action": [m.pk for m in managements]},
        follow=True,
    )


def test_staff_see_both_domains_and_whether_they_match(admin_client, make_initiative):
    initiative = make_initiative(website="https://www.clusteragro.co/")
    matching = Management.objects.create(
        user=User.objects.create_user("a", "ana@clusteragro.co"), initiative=initiative, who_they_are="Ana"
    )
    other = Management.objects.create(
        user=User.objects.create_user("b", "bob@gmail.com"), initiative=initiative, who_they_are="Bob"
    )
    page = admin_client.get("/en/admin/collaboration/management/").content.decode()
    assert "clusteragro.co" in page and "gmail.com" in page
    detail = admin_client.get(f"/en/admin/collaboration/management/{matching.pk}/change/").content.decode()
    assert "icon-yes" in detail
    detail = admin_client.get(f"/en/admin/collaboration/management/{other.pk}/change/").content.decode()
    assert "icon-no" in detail


def test_staff_approve_refuse_and_revoke_in_the_admin(admin_client, admin_user, make_initiative):
    initiative = make_initiative()
    ana = Management.objects.create(
        user=User.objects.create_user("a", "a@x.org"), initiative=initiative, who_they_are="A"
    )
    bob = Management.objects.create(
        user=User.objects.create_user("b", "b@x.org"), initiative=initiative, who_they_are="B"
    )
    admin_action(admin_client, "approve", ana)
    admin_action(admin_client, "refuse", bob)
    ana.refresh_from_db()
    bob.refresh_from_db()
    assert (ana.status, ana.decided_by, bob.status) == ("approved", admin_user, "refused")
    assert list(managed_initiatives(ana.user)) == [initiative]
    admin_action(admin_client, "approve", bob)  # a refused request is not approved by mistake
    bob.refresh_from_db()
    assert bob.status == "refused"
    admin_action(admin_client, "revoke", ana)
    ana.refresh_from_db()
    assert ana.status == "revoked"
    assert not managed_initiatives(ana.user).exists()


def test_the_dashboard_lists_the_managers_initiatives(client, cluster, manager_of):  # noqa: F811
    manager_of(cluster)
    page = client.get("/en/manage/").content.decode()
    assert "Cluster Agroalimentario" in page and "/manage/cluster-agroalimentario/edit/" in page


def test_it_counts_only_verified_addresses(client, cluster):
    user = signed_up_manager(client, "ana@cluster.example")
    EmailAddress.objects.filter(user=user).update(verified=False)
    response = client.get("/en/manage/cluster-agroalimentario/request/")
    assert response.status_code == 403


def test_an_account_may_have_only_a_few_requests_waiting(client, make_initiative):
    from collaboration.views import MAX_OPEN_REQUESTS

    initiatives = [make_initiative() for _ in range(MAX_OPEN_REQUESTS + 1)]
    signed_up_manager(client, "ana@cluster.example")
    for initiative in initiatives[:-1]:
        client.post(f"/en/manage/{initiative.slug}/request/", {"who_they_are": "Ana, coordinator"})
    response = client.post(f"/en/manage/{initiatives[-1].slug}/request/", {"who_they_are": "Ana, coordinator"})
    assert response.status_code == 403
    assert "requests waiting for staff" in response.content.decode()
    assert Management.objects.count() == MAX_OPEN_REQUESTS
