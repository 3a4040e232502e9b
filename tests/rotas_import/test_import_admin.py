import pytest
from django.contrib.auth.models import Group, User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from initiatives.models import Initiative
from rotas_import.models import ImportRecord

from ..import_files import CARIRI, LONG_HEADER, write_csv, write_xlsx

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

with translation.override("en"):  # the staff's messages are read in English below
    UPLOAD = reverse("admin:rotas_import_import_polos")


@pytest.fixture
def importer(db):
    user = User.objects.create_user("importer", "importer@example.org", "pw-importer-1234", is_staff=True)
    user.groups.add(Group.objects.get(name="Importers"))
    return user


@pytest.fixture
def importer_client(client, importer):
    client.force_login(importer)
    return client


def upload(client, path, **fields):
    with open(path, "rb") as f:
        return client.post(UPLOAD, {"file": f, **fields})


def preview_of(response):
    assert response.status_code == 302, response.content.decode()[:2000]
    return ImportRecord.objects.get(pk=int(response["Location"].rstrip("/").split("/")[-2]))


def test_it_sends_anonymous_visitors_to_log_in(client):
    response = client.get(UPLOAD)
    assert response.status_code == 302 and reverse("admin:login") in response["Location"]


def test_it_refuses_staff_without_the_import_permission(client, staff_user, superuser, reference_data, tmp_path):
    record_path = write_csv(tmp_path / "p.csv", [LONG_HEADER, *CARIRI])
    client.force_login(superuser)
    record = preview_of(upload(client, record_path))
    client.force_login(staff_user)
    assert client.get(UPLOAD).status_code == 403
    assert client.post(UPLOAD, {}).status_code == 403
    assert client.get(reverse("admin:rotas_import_importrecord_preview", args=[record.pk])).status_code == 403
    assert (
        client.post(reverse("admin:rotas_import_importrecord_preview", args=[record.pk]), {"confirm": "1"}).status_code
        == 403
    )
    assert not Initiative.objects.exists()


def test_it_shows_the_import_link_to_importers(importer_client):
    page = importer_client.get(reverse("admin:rotas_import_importrecord_changelist")).content.decode()
    assert f'href="{UPLOAD}"' in page
    assert "Import polos" in page


def test_it_previews_then_confirms_the_same_plan(importer_client, importer, reference_data, tmp_path):
    path = write_csv(tmp_path / "polos.csv", [LONG_HEADER, *CARIRI])
    record = preview_of(upload(importer_client, path))
    assert (record.status, record.user, record.file_name) == ("previewed", importer, "polos.csv")
    assert not Initiative.objects.exists()  # a preview writes nothing
    page = importer_client.get(reverse("admin:rotas_import_importrecord_preview", args=[record.pk])).content.decode()
    assert "<td>1</td><td>0</td><td>0</td><td>0</td><td>0</td><td>0</td>" in page
    assert "Polo Cariri" in page and "Barbalha, Crato, Juazeiro do Norte" in page
    assert 'name="confirm"' in page
    response = importer_client.post(
        reverse("admin:rotas_import_importrecord_preview", args=[record.pk]), {"confirm": "1"}
    )
    assert response.status_code == 302
    record.refresh_from_db()
    assert record.status == "applied" and record.finished is not None
    assert Initiative.objects.get(name="Polo Cariri").municipalities.count() == 3
    # Confirming twice does nothing more.
    importer_client.post(reverse("admin:rotas_import_importrecord_preview", args=[record.pk]), {"confirm": "1"})
    assert Initiative.objects.count() == 1


def test_it_cancels_a_preview(importer_client, reference_data, tmp_path):
    record = preview_of(upload(importer_client, write_csv(tmp_path / "polos.csv", [LONG_HEADER, *CARIRI])))
    importer_client.post(reverse("admin:rotas_import_importrecord_preview", args=[record.pk]), {"cancel": "1"})
    record.refresh_from_db()
    assert record.status == "cancelled"
    importer_client.post(reverse("admin:rotas_import_importrecord_preview", args=[record.pk]), {"confirm": "1"})
    assert not Initiative.objects.exists()


def test_it_refuses_to_confirm_when_the_catalogue_changed_since_the_preview(importer_client, reference_data, tmp_path):
    record = preview_of(upload(importer_client, write_csv(tmp_path / "polos.csv", [LONG_HEADER, *CARIRI])))
    preview_url = reverse("admin:rotas_import_importrecord_preview", args=[record.pk])
    other = preview_of(upload(importer_client, write_csv(tmp_path / "other.csv", [LONG_HEADER, CARIRI[0]])))
    importer_client.post(reverse("admin:rotas_import_importrecord_preview", args=[other.pk]), {"confirm": "1"})
    response = importer_client.post(preview_url, {"confirm": "1"}, follow=True)
    assert "The catalogue changed since this preview" in response.content.decode()
    record.refresh_from_db()
    assert record.status == "previewed"
    assert Initiative.objects.get().municipalities.count() == 1


def test_it_shows_every_error_and_offers_no_confirm(importer_client, reference_data, tmp_path):
    rows = [
        ["ROTA", "POLO", "UF", "MUNICIPIO"],
        ["Rota do Leite", "Polo", "ZZ", "Crato"],
        ["Rota do Chá", "Polo", "CE", "Crato"],
    ]
    record = preview_of(upload(importer_client, write_xlsx(tmp_path / "bad.xlsx", {"Planilha1": rows})))
    assert record.status == "failed"
    page = importer_client.get(reverse("admin:rotas_import_importrecord_preview", args=[record.pk])).content.decode()
    assert "<td>Planilha1</td><td>2</td><td>UF</td><td>“ZZ” is not a Brazilian state (UF).</td>" in page
    assert "<td>Planilha1</td><td>3</td><td>ROTA</td>" in page
    assert 'name="confirm"' not in page


def test_it_refuses_a_file_above_the_upload_limit_with_a_clear_message(importer_client, settings, reference_data):
    settings.IMPORT_MAX_UPLOAD_BYTES = 2 * 1024 * 1024
    big = SimpleUploadedFile("polos.csv", b"ROTA,POLO\n" + b"x" * (3 * 1024 * 1024))
    response = importer_client.post(UPLOAD, {"file": big})
    assert response.status_code == 200
    assert "The file is 3.0 MB; the limit is 2.0 MB." in response.content.decode()
    assert not ImportRecord.objects.exists()


def test_it_says_when_a_file_is_identical_to_one_already_applied(importer_client, reference_data, tmp_path):
    path = write_csv(tmp_path / "polos.csv", [LONG_HEADER, *CARIRI])
    first = preview_of(upload(importer_client, path))
    importer_client.post(reverse("admin:rotas_import_importrecord_preview", args=[first.pk]), {"confirm": "1"})
    again = preview_of(upload(importer_client, path))
    page = importer_client.get(reverse("admin:rotas_import_importrecord_preview", args=[again.pk])).content.decode()
    assert "This file is identical to the one applied on" in page and f"(import #{first.pk})" in page
    assert again.report["counts"]["unchanged"] == 1


def test_it_keeps_the_uploaded_file_privately(importer_client, reference_data, tmp_path, private_media):
    record = preview_of(upload(importer_client, write_csv(tmp_path / "polos.csv", [LONG_HEADER, *CARIRI])))
    stored = private_media / record.file.name
    assert stored.read_bytes() == (tmp_path / "polos.csv").read_bytes()
    assert record.sha256 in record.file.name
    with pytest.raises(ValueError):
        _ = record.file.url  # no public URL, ever
