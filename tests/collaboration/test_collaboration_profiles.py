"""Profiles kept by their managers: the form has only their fields, changes wait for staff
(unless the manager is trusted), history names the manager and can revert, bad input is refused."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image

from collaboration.models import ProfileChange
from initiatives.models import Initiative, Theme

from ..admin_forms import form_data
from .collaboration_helpers import manager_of, signed_up_manager  # noqa: F401

pytestmark = pytest.mark.django_db

EDIT = "/es/manage/cluster-agroalimentario/edit/"
SPANISH = "Reúne a productores y agroindustrias de Antioquia para exportar juntos."


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def cluster(make_initiative):
    return make_initiative(
        name="Cluster Agroalimentario", slug="cluster-agroalimentario", language="es", latitude=6.24, longitude=-75.58
    )


def profile(**changes) -> dict:
    data = {"description_pt_br": "", "description_es": "", "description_en": "", "website": "", "email": "",
            "member_count": "", "year_started": ""}  # fmt: skip
    return data | changes


def png(size=(1200, 800), fmt="PNG") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, "green").save(buffer, fmt)
    return buffer.getvalue()


def publish_in_admin(admin_client, change):
    return admin_client.post(
        "/en/admin/collaboration/profilechange/",
        {"action": "publish", "_selected_action": [change.pk]},
        follow=True,
    )


def test_a_managers_change_waits_for_staff_then_shows_in_its_language(client, admin_client, cluster, manager_of):  # noqa: F811
    manager = manager_of(cluster)
    response = client.post(EDIT, profile(description_es=SPANISH))
    assert response.status_code == 302
    change = ProfileChange.objects.get()
    assert (change.status, change.author, change.values) == ("pending", manager, {"description": SPANISH})
    assert SPANISH not in Client().get("/es/initiatives/cluster-agroalimentario/").content.decode()

    queue = admin_client.get("/en/admin/collaboration/profilechange/", follow=True).content.decode()
    assert "Cluster Agroalimentario" in queue
    review = admin_client.get(f"/en/admin/collaboration/profilechange/{change.pk}/change/").content.decode()
    assert "<ins>" + SPANISH + "</ins>" in review and "<del></del>" in review

    publish_in_admin(admin_client, change)
    change.refresh_from_db()
    assert change.status == "published"
    spanish_page = Client().get("/es/initiatives/cluster-agroalimentario/").content.decode()
    assert SPANISH in spanish_page
    portuguese_page = Client().get("/pt-br/initiatives/cluster-agroalimentario/").content.decode()
    assert f'<div class="prose" lang="es"><p>{SPANISH}</p></div>' in portuguese_page


def test_the_history_names_the_manager_and_staff_can_revert(client, admin_client, cluster, manager_of):  # noqa: F811
    manager = manager_of(cluster)
    before = cluster.history.latest()
    client.post(EDIT, profile(description_es=SPANISH, website="https://clusteragro.co"))
    publish_in_admin(admin_client, ProfileChange.objects.get())
    latest = Initiative.objects.get(pk=cluster.pk).history.latest()
    assert latest.history_user == manager
    assert latest.description == SPANISH
    assert "Profile change" in latest.history_change_reason

    revert_url = reverse("admin:initiatives_initiative_simple_history", args=[cluster.pk, before.history_id])
    form = admin_client.get(revert_url).context["adminform"].form
    assert admin_client.post(revert_url, form_data(form)).status_code == 302
    cluster.refresh_from_db()
    assert (cluster.description, cluster.website) == ("", "")


def test_a_trusted_managers_change_is_published_at_once(client, cluster, manager_of):  # noqa: F811
    manager_of(cluster, trusted=True)
    themes = list(Theme.objects.order_by("slug")[:2])
    client.post(EDIT, profile(description_en="Exporters together.", themes=[t.pk for t in themes], year_started="2012"))
    assert ProfileChange.objects.get().status == "published"
    cluster.refresh_from_db()
    assert cluster.description_en == "Exporters together."
    assert cluster.year_started == 2012
    assert list(cluster.themes.order_by("slug")) == themes


def test_a_forged_post_cannot_change_imported_or_staff_fields(client, cluster, manager_of):  # noqa: F811
    manager_of(cluster, trusted=True)
    forged = profile(description_es=SPANISH, name="Hacked", slug="hacked", latitude="0", longitude="0",
                     is_published="", internal_notes="x", route="1", kind="other")  # fmt: skip
    client.post(EDIT, forged)
    cluster.refresh_from_db()
    assert (cluster.name, cluster.slug, cluster.latitude, cluster.is_published, cluster.kind) == (
        "Cluster Agroalimentario", "cluster-agroalimentario", 6.24, True, "cluster"
    )  # fmt: skip
    assert cluster.description == SPANISH
    assert set(ProfileChange.objects.get().values) == {"description"}
    form = client.get(EDIT).content.decode()
    assert 'name="name"' not in form and 'name="latitude"' not in form


def test_each_description_is_marked_with_its_language(client, cluster, manager_of):  # noqa: F811
    manager_of(cluster)
    form = client.get(EDIT).content.decode()
    for code in ("pt-br", "es", "en"):
        assert f'lang="{code}"' in form


def test_a_description_only_in_another_language_is_shown_marked(client, make_initiative, manager_of):  # noqa: F811
    polo = make_initiative(name="Polo do Mel", slug="polo-do-mel", language="pt-br", country="BR")
    manager_of(polo, trusted=True)
    client.post("/en/manage/polo-do-mel/edit/", profile(description_es="Miel del semiárido."))
    page = Client().get("/pt-br/initiatives/polo-do-mel/").content.decode()
    assert '<div class="prose" lang="es"><p>Miel del semiárido.</p></div>' in page


def test_someone_who_does_not_manage_it_gets_403(client, cluster, make_initiative, manager_of):  # noqa: F811
    other = make_initiative(name="Polo do Mel", slug="polo-do-mel")
    manager_of(other)
    assert client.get(EDIT).status_code == 403
    response = client.post(EDIT, profile(description_es="Mine now"))
    assert response.status_code == 403
    assert not ProfileChange.objects.exists()


def test_a_revoked_manager_gets_403(client, cluster, manager_of):  # noqa: F811
    manager_of(cluster)
    cluster.managements.update(status="revoked")
    assert client.post(EDIT, profile(description_es="Still mine?")).status_code == 403


def test_script_tags_in_a_description_are_shown_escaped(client, cluster, manager_of):  # noqa: F811
    manager_of(cluster, trusted=True)
    client.post(EDIT, profile(description_es='<script>alert("x")</script> Agro'))
    page = Client().get("/es/initiatives/cluster-agroalimentario/").content.decode()
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert" in page


def test_the_contact_address_is_never_published(client, cluster, manager_of):  # noqa: F811
    manager_of(cluster, trusted=True)
    client.post(EDIT, profile(email="private@clusteragro.co"))
    cluster.refresh_from_db()
    assert cluster.email == "private@clusteragro.co"
    for url in ("/es/initiatives/cluster-agroalimentario/", "/api/initiatives/cluster-agroalimentario/",
                "/api/initiatives.csv"):  # fmt: skip
        response = Client().get(url)
        body = b"".join(response.streaming_content) if response.streaming else response.content
        assert response.status_code == 200 and b"Cluster Agroalimentario" in body
        assert b"private@clusteragro.co" not in body


def test_a_logo_is_checked_resized_and_stored_under_media_root(client, cluster, manager_of, media):  # noqa: F811
    manager_of(cluster, trusted=True)
    upload = SimpleUploadedFile("logo.jpg", png(fmt="JPEG"), content_type="image/jpeg")
    response = client.post(EDIT, profile(logo=upload))
    assert response.status_code == 302
    cluster.refresh_from_db()
    path = media / cluster.logo.name
    assert path.is_file() and cluster.logo.name.startswith("initiatives/logos/")
    with Image.open(path) as stored:
        assert stored.format == "PNG" and max(stored.size) == 400
    assert cluster.logo.url in Client().get("/es/initiatives/cluster-agroalimentario/").content.decode()


def test_a_file_that_is_not_an_image_is_refused_with_a_message(client, cluster, manager_of, media):  # noqa: F811
    manager_of(cluster, trusted=True)
    upload = SimpleUploadedFile("logo.png", b"<?php echo 'hi'; ?>" * 50, content_type="image/png")
    response = client.post("/en/manage/cluster-agroalimentario/edit/", profile(description_es=SPANISH, logo=upload))
    assert response.status_code == 200
    assert "This file is not an image" in response.content.decode()
    assert not ProfileChange.objects.exists()
    cluster.refresh_from_db()
    assert cluster.description == ""


def test_a_50_mb_logo_is_refused_with_a_message(client, cluster, manager_of, media):  # noqa: F811
    manager_of(cluster, trusted=True)
    upload = SimpleUploadedFile("logo.png", png((10, 10)) + b"\0" * (50 * 1024 * 1024), content_type="image/png")
    response = client.post("/en/manage/cluster-agroalimentario/edit/", profile(logo=upload))
    assert response.status_code == 200
    assert "The logo weighs 50.0\xa0MB; the limit is 2.0\xa0MB." in response.content.decode()
    assert not ProfileChange.objects.exists()
    assert not (media / "initiatives").exists()


def test_bad_numbers_and_addresses_get_messages(client, cluster, manager_of):  # noqa: F811
    manager_of(cluster, trusted=True)
    response = client.post(
        "/en/manage/cluster-agroalimentario/edit/", profile(year_started="1500", email="not-an-address", website="x")
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "greater than or equal to 1800" in page and "Enter a valid email address." in page
    assert not ProfileChange.objects.exists()


def test_staff_reject_a_change(admin_client, client, cluster, manager_of):  # noqa: F811
    manager_of(cluster)
    client.post(EDIT, profile(description_es=SPANISH))
    change = ProfileChange.objects.get()
    admin_client.post(
        "/en/admin/collaboration/profilechange/", {"action": "reject", "_selected_action": [change.pk]}, follow=True
    )
    change.refresh_from_db()
    cluster.refresh_from_db()
    assert change.status == "rejected" and cluster.description == ""


def test_the_review_queue_opens_on_pending_changes(admin_client, client, cluster, manager_of):  # noqa: F811
    manager_of(cluster)
    client.post(EDIT, profile(description_es=SPANISH))
    ProfileChange.objects.create(initiative=cluster, values={"website": "https://old.example"}, status="published")
    queue = admin_client.get("/en/admin/collaboration/profilechange/")
    assert [c.status for c in queue.context["cl"].result_list] == ["pending"]
    everything = admin_client.get("/en/admin/collaboration/profilechange/?status=all")
    assert len(everything.context["cl"].result_list) == 2


def test_a_manager_may_have_only_so_many_changes_waiting(client, cluster, manager_of):  # noqa: F811
    from collaboration.views import MAX_PENDING_CHANGES

    manager_of(cluster)
    for n in range(MAX_PENDING_CHANGES):
        client.post(EDIT, profile(description_es=f"Versión {n}"))
    response = client.post("/en/manage/cluster-agroalimentario/edit/", profile(description_es="One more"))
    assert response.status_code == 200
    assert "waiting for review" in response.content.decode()
    assert ProfileChange.objects.count() == MAX_PENDING_CHANGES


def test_a_description_sent_back_unchanged_is_no_change(client, make_initiative, manager_of):  # noqa: F811
    initiative = make_initiative(slug="polo", language="es", description="Línea uno.\nLínea dos.")
    manager_of(initiative)
    client.post(
        "/en/manage/polo/edit/", profile(description_es="Línea uno.\r\nLínea dos.", website="https://polo.example")
    )
    assert ProfileChange.objects.get().values == {"website": "https://polo.example"}
