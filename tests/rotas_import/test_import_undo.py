"""Imports in the change history, and undoing a whole import from its record."""

import pytest
from django.contrib.auth.models import Group, User
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from hub.models import Interest
from initiatives.models import Initiative, Municipality, Sector
from rotas_import.models import ImportRecord
from rotas_import.services import import_file
from rotas_import.undoing import UndoError, undo_import

from ..import_files import CARIRI, LONG_HEADER, write_csv

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("hub_isolation", "english")]

SERTAO = ["Rota do Leite", "Polo Sertão", "CE", "Quixadá", "", "", ""]
CORRECTED = [CARIRI[0], CARIRI[1], ["Rota do Leite", "Polo Cariri", "CE", "Missão Velha", "", "", "gov.br/mdr/cariri"]]


def apply(tmp_path, name, rows, **options):
    path = write_csv(tmp_path / name, [LONG_HEADER, *rows])
    plan, record = import_file("polos", path.read_bytes(), path.name, **options)
    assert plan.errors == [], plan.errors
    return record


def state(initiative: Initiative) -> dict:
    initiative.refresh_from_db()
    return {
        "fields": {f.attname: getattr(initiative, f.attname) for f in Initiative._meta.concrete_fields},
        "municipalities": sorted(initiative.municipalities.values_list("pk", flat=True)),
        "regions": sorted(initiative.regions.values_list("pk", flat=True)),
        "sectors": sorted(initiative.sectors.values_list("pk", flat=True)),
    }


def test_it_tags_every_initiative_an_import_creates_or_changes_with_its_relations(reference_data, tmp_path):
    first = apply(tmp_path, "v1.csv", [*CARIRI, SERTAO])
    created = Initiative.history.filter(import_record_id=first.pk)
    assert sorted(created.values_list("name", "history_type")) == [("Polo Cariri", "+"), ("Polo Sertão", "+")]
    cariri_row = created.get(name="Polo Cariri")
    assert cariri_row.history_change_reason == f"Import #{first.pk}: v1.csv"
    assert sorted(m.municipality.name for m in cariri_row.municipalities.all()) == [
        "Barbalha", "Crato", "Juazeiro do Norte",
    ]  # fmt: skip

    second = apply(tmp_path, "v2.csv", CORRECTED, mark_absent_inactive=True)
    changed = Initiative.history.filter(import_record_id=second.pk)
    assert sorted(changed.values_list("name", "history_type")) == [("Polo Cariri", "~"), ("Polo Sertão", "~")]
    assert changed.get(name="Polo Sertão").status == "inactive"
    assert "Missão Velha" in [m.municipality.name for m in changed.get(name="Polo Cariri").municipalities.all()]


def test_it_records_the_state_before_an_import_of_an_initiative_written_without_history(reference_data, tmp_path):
    apply(tmp_path, "v1.csv", CARIRI)
    cariri = Initiative.objects.get(name="Polo Cariri")
    Initiative.history.filter(id=cariri.pk).delete()  # as if written before history existed
    Initiative.objects.filter(pk=cariri.pk).update(territory="Cariri cearense")
    second = apply(tmp_path, "v2.csv", CORRECTED)
    rows = list(cariri.history.order_by("history_id"))
    assert [(r.history_type, r.import_record_id) for r in rows] == [("~", None), ("~", second.pk)]
    assert rows[0].territory == "Cariri cearense"
    # An initiative whose history is up to date gets no extra row.
    third = apply(tmp_path, "v3.csv", CARIRI)
    assert cariri.history.count() == 3 and cariri.history.latest().import_record_id == third.pk


def test_it_undoes_an_import_deleting_what_it_created_and_restoring_what_it_changed(reference_data, tmp_path):
    apply(tmp_path, "v1.csv", CARIRI)
    cariri = Initiative.objects.get(name="Polo Cariri")
    before = state(cariri)
    second = apply(tmp_path, "v2.csv", [*CORRECTED, SERTAO])
    assert state(cariri) != before

    undo = undo_import(second)

    assert not Initiative.objects.filter(name="Polo Sertão").exists()
    after = state(cariri)
    assert after["municipalities"] == before["municipalities"]
    assert {k: v for k, v in after["fields"].items() if k != "updated"} == {
        k: v for k, v in before["fields"].items() if k != "updated"
    }
    assert "barbalha" in after["fields"]["search_text"] and "missao velha" not in after["fields"]["search_text"]
    second.refresh_from_db()
    assert (second.status, undo.kind, undo.undoes, undo.counts["deleted"], undo.counts["restored"]) == (
        "undone", "undo", second, 1, 1,
    )  # fmt: skip
    undone = Initiative.history.filter(import_record_id=undo.pk)
    assert sorted(undone.values_list("name", "history_type")) == [("Polo Cariri", "~"), ("Polo Sertão", "-")]
    with pytest.raises(UndoError, match="undone"):
        undo_import(second)


def test_it_refuses_to_undo_when_a_later_change_touched_the_same_initiatives(reference_data, tmp_path, superuser):
    first = apply(tmp_path, "v1.csv", CARIRI)
    cariri = Initiative.objects.get(name="Polo Cariri")
    cariri._history_user = superuser
    cariri.territory = "Cariri"
    cariri.save()
    with pytest.raises(UndoError) as refused:
        undo_import(first)
    [reason] = refused.value.reasons
    assert reason.startswith("Polo Cariri was changed on ") and reason.endswith(" by admin.")
    assert Initiative.objects.filter(pk=cariri.pk, territory="Cariri").exists()
    first.refresh_from_db()
    assert first.status == "applied"


def test_it_refuses_to_undo_after_a_later_import_or_a_write_without_history(reference_data, tmp_path):
    first = apply(tmp_path, "v1.csv", CARIRI)
    Initiative.objects.filter(name="Polo Cariri").update(territory="edited in bulk")
    with pytest.raises(UndoError) as refused:
        undo_import(first)
    assert refused.value.reasons == ["Polo Cariri was changed after this import by a write that left no history."]
    Initiative.objects.filter(name="Polo Cariri").update(territory="")
    second = apply(tmp_path, "v2.csv", CORRECTED)
    with pytest.raises(UndoError) as refused:
        undo_import(first)
    assert f"by import #{second.pk}." in refused.value.reasons[0]
    undo_import(second)
    undo_import(first)  # in reverse order, both go
    assert not Initiative.objects.filter(name="Polo Cariri").exists()


def test_it_refuses_to_delete_an_initiative_visitors_wrote_about(reference_data, tmp_path):
    first = apply(tmp_path, "v1.csv", CARIRI)
    cariri = Initiative.objects.get(name="Polo Cariri")
    Interest.objects.create(initiative=cariri, name="Ana", email="ana@example.org", message="Olá")
    with pytest.raises(UndoError) as refused:
        undo_import(first)
    assert refused.value.reasons == [f"Polo Cariri now has {Interest._meta.verbose_name_plural} linked to it."]
    assert Interest.objects.count() == 1


def test_it_refuses_to_delete_an_initiative_news_now_mention(reference_data, tmp_path, make_news):
    first = apply(tmp_path, "v1.csv", CARIRI)
    make_news(initiatives=[Initiative.objects.get(name="Polo Cariri")])
    with pytest.raises(UndoError) as refused:
        undo_import(first)
    assert refused.value.reasons == ["Polo Cariri now has news linked to it."]


def test_it_removes_the_sectors_an_initiatives_import_created(reference_data, tmp_path):
    path = write_csv(
        tmp_path / "i.csv",
        [["name", "country", "sector"], ["Cluster de Cacau", "CO", "Cacau fino"]],
    )
    _plan, record = import_file(
        "initiatives",
        path.read_bytes(),
        path.name,
        create_new_terms=True,
        new_sector_families={"cacau-fino": "agri-food"},
    )
    assert Sector.objects.filter(slug="cacau-fino", family__slug="agri-food").exists()
    undo = undo_import(record)
    assert not Sector.objects.filter(slug="cacau-fino").exists()
    assert not Initiative.objects.filter(name="Cluster de Cacau").exists()
    assert undo.counts == {"deleted": 1, "restored": 0, "terms_deleted": 1}


def test_the_folded_name_and_search_text_follow_a_rename_and_its_undo(reference_data, tmp_path, make_initiative):
    existing = make_initiative(name="Cluster Café del Huila", slug="cafe-huila", country="CO")
    path = write_csv(tmp_path / "r.csv", [["slug", "name", "country"], ["cafe-huila", "Clúster Cacao Nariño", "CO"]])
    _plan, record = import_file("initiatives", path.read_bytes(), path.name)
    existing.refresh_from_db()
    assert existing.name_key == "cluster cacao narino"
    assert "narino" in existing.search_text and "huila" not in existing.search_text
    undo_import(record)
    existing.refresh_from_db()
    assert existing.name_key == "cluster cafe del huila"
    assert "huila" in existing.search_text and "narino" not in existing.search_text


def test_the_command_undoes_or_explains_why_not(reference_data, tmp_path, capsys):
    first = apply(tmp_path, "v1.csv", CARIRI)
    call_command("undo_import", str(first.pk), "--dry-run")
    assert "would delete 1 and restore 0" in capsys.readouterr().out
    assert Initiative.objects.filter(name="Polo Cariri").exists()
    call_command("undo_import", str(first.pk))
    assert "1 deleted, 0 restored" in capsys.readouterr().out
    with pytest.raises(CommandError, match="Only an applied import can be undone") as refused:
        call_command("undo_import", str(first.pk))
    assert refused.value.returncode == 1
    with pytest.raises(CommandError, match="No import #999"):
        call_command("undo_import", "999")


def test_importers_undo_from_the_admin_after_a_confirmation_page(client, reference_data, tmp_path, staff_user):
    record = apply(tmp_path, "v1.csv", [*CARIRI, SERTAO])
    preview_url = reverse("admin:rotas_import_importrecord_preview", args=[record.pk])
    undo_url = reverse("admin:rotas_import_importrecord_undo", args=[record.pk])

    client.force_login(staff_user)  # staff without the import permission
    assert client.get(undo_url).status_code == 403
    assert client.post(undo_url).status_code == 403

    importer = User.objects.create_user("importer", "i@example.org", "pw-importer-1234", is_staff=True)
    importer.groups.add(Group.objects.get(name="Importers"))
    client.force_login(importer)
    assert undo_url in client.get(preview_url).content.decode()
    page = client.get(undo_url).content.decode()
    assert "Polo Sertão" in page and "Yes, undo this import" in page
    assert Initiative.objects.filter(name="Polo Sertão").exists()  # the GET changes nothing

    response = client.post(undo_url, follow=True)
    undo = ImportRecord.objects.get(kind="undo")
    assert response.redirect_chain[-1][0] == reverse("admin:rotas_import_importrecord_preview", args=[undo.pk])
    assert "was undone" in response.content.decode()
    assert not Initiative.objects.filter(route__slug="rota-do-leite").exists()
    assert undo.user == importer
    assert Initiative.history.filter(import_record_id=undo.pk, history_user=importer).count() == 2

    refused = client.get(undo_url).content.decode()
    assert "Only an applied import can be undone" in refused


def test_undo_keeps_municipalities_of_the_reference_data(reference_data, tmp_path):
    count = Municipality.objects.count()
    undo_import(apply(tmp_path, "v1.csv", CARIRI))
    assert Municipality.objects.count() == count
