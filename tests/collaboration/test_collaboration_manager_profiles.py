"""Managers' public profile text: written on their account page, shown (escaped, marked with its
language) on the pages of the initiatives they manage while staff approve them, never an address."""

import json

import pytest
from django.test import Client

from collaboration.models import Management, ManagerProfile

from .collaboration_helpers import manager_of, reauthenticate, signed_up_manager  # noqa: F401

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("collaboration_isolation")]

EMAIL = "ana@clusteragro.example"
TEXT = "Ana Gómez, coordinadora del clúster desde 2019."


@pytest.fixture
def cluster(make_initiative):
    return make_initiative(name="Cluster Agroalimentario", slug="cluster-agroalimentario", language="es")


def save_profile(client, text, language="es", page="es"):
    return client.post(f"/{page}/manage/", {"text": text, "language": language})


def public_page(initiative, language="es"):
    # A visitor without a session: the page the HTTP cache may store and serve again.
    return Client().get(f"/{language}/initiatives/{initiative.slug}/").content.decode()


def test_a_manager_writes_their_profile_on_their_account_page_and_it_shows_on_the_initiative(
    client,
    cluster,
    manager_of,  # noqa: F811
):
    manager_of(cluster, email=EMAIL)
    assert 'name="text"' in client.get("/es/manage/").content.decode()
    assert public_page(cluster).count(TEXT) == 0  # cached without it

    response = save_profile(client, TEXT)

    assert response.status_code == 302
    assert ManagerProfile.objects.get().text == TEXT
    page = public_page(cluster)
    assert 'id="managers-heading"' in page and TEXT in page
    assert EMAIL not in page and "Ana, coordinator" not in page  # neither the address nor what staff were told
    english = public_page(cluster, "en")
    assert f'<li lang="es">{TEXT}</li>' in english


def test_the_text_is_shown_escaped(client, cluster, manager_of):  # noqa: F811
    manager_of(cluster, email=EMAIL)
    assert save_profile(client, "I+D & mercados <3\nsegunda línea").status_code == 302
    page = public_page(cluster)
    assert "I+D &amp; mercados &lt;3<br>segunda línea" in page


@pytest.mark.parametrize("status", ["requested", "refused", "revoked"])
def test_only_approved_managers_are_shown(client, cluster, status):
    user = signed_up_manager(client, EMAIL)
    Management.objects.create(user=user, initiative=cluster, status=status, who_they_are="Ana")
    assert save_profile(client, TEXT).status_code == 302
    assert TEXT not in public_page(cluster)


def test_revoking_a_manager_in_the_admin_takes_their_text_off_the_page(client, admin_client, cluster, manager_of):  # noqa: F811
    manager_of(cluster, email=EMAIL)
    save_profile(client, TEXT)
    assert TEXT in public_page(cluster)
    admin_client.post(
        "/en/admin/collaboration/management/", {"action": "revoke", "_selected_action": [Management.objects.get().pk]}
    )
    assert TEXT not in public_page(cluster)


def test_markup_is_refused_with_a_message_and_nothing_is_saved(client, cluster, manager_of):  # noqa: F811
    manager_of(cluster, email=EMAIL)
    response = save_profile(client, "Ana <script>alert(1)</script>", page="en")
    assert response.status_code == 400
    assert "Write plain text: HTML tags such as &lt;script&gt; or &lt;a&gt; are not accepted here." in (
        response.content.decode()
    )
    assert not ManagerProfile.objects.exists()


def test_a_text_too_long_or_an_unknown_language_is_refused(client, cluster, manager_of):  # noqa: F811
    manager_of(cluster, email=EMAIL)
    assert save_profile(client, "x" * 601, page="en").status_code == 400
    assert save_profile(client, TEXT, language="fr", page="en").status_code == 400
    assert not ManagerProfile.objects.exists()


def test_an_anonymous_visitor_is_sent_to_the_login(client):
    response = save_profile(client, TEXT)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert not ManagerProfile.objects.exists()


def test_the_account_export_includes_the_profile(client, cluster, manager_of):  # noqa: F811
    manager_of(cluster, email=EMAIL)
    save_profile(client, TEXT)
    reauthenticate(client, "/en/manage/account/export/")
    data = json.loads(client.get("/en/manage/account/export/").content)
    assert data["public_profile"] == {"text": TEXT, "language": "es"}


def test_staff_can_empty_an_abusive_text_in_the_admin(client, admin_client, cluster, manager_of):  # noqa: F811
    manager_of(cluster, email=EMAIL)
    save_profile(client, TEXT)
    assert TEXT in public_page(cluster)
    profile = ManagerProfile.objects.get()
    url = f"/en/admin/collaboration/managerprofile/{profile.pk}/change/"
    assert admin_client.get(url).status_code == 200
    response = admin_client.post(url, {"text": "", "language": "es"})
    assert response.status_code == 302
    assert TEXT not in public_page(cluster)
