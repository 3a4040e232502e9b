"""Change history: who changed what and when, revert from the admin, imports tagging their changes."""

import pytest
from django.urls import reverse

from initiatives.history import recorded_as
from initiatives.models import Initiative, Municipality, Route, Theme

from ..admin_forms import change_form, form_data

pytestmark = pytest.mark.django_db


def test_it_records_who_changed_an_initiative_in_the_admin_and_what(client, superuser, make_initiative):
    initiative = make_initiative(name="Polo do Mel", territory="Sertão")
    client.force_login(superuser)
    url = reverse("admin:initiatives_initiative_change", args=[initiative.pk])
    response = client.post(url, form_data(change_form(client, initiative), name="Polo do Mel do Araripe"))
    assert response.status_code == 302, response.content.decode()[:3000]

    latest = initiative.history.latest()
    assert latest.history_user == superuser
    assert latest.history_type == "~"
    assert latest.name == "Polo do Mel do Araripe"
    delta = latest.diff_against(latest.prev_record)
    assert {change.field for change in delta.changes} - {"updated"} == {"name"}
    assert delta.changes[0].old == "Polo do Mel"

    history_page = client.get(reverse("admin:initiatives_initiative_history", args=[initiative.pk]))
    assert "Polo do Mel do Araripe" in history_page.content.decode()
    assert superuser.username in history_page.content.decode()


def test_it_records_changes_of_an_initiatives_relations(make_initiative):
    initiative = make_initiative()
    fortaleza = Municipality.objects.get(code="2304400")
    initiative.municipalities.add(fortaleza)
    latest = initiative.history.latest()
    assert [row.municipality_id for row in latest.municipalities.all()] == [fortaleza.pk]
    assert [row.municipality_id for row in latest.prev_record.municipalities.all()] == []


def test_it_reverts_an_initiative_to_an_earlier_version_from_the_admin(client, superuser, make_initiative):
    crato, juazeiro = Municipality.objects.filter(code__in=["2304202", "2307304"]).order_by("code")
    initiative = make_initiative(name="Polo Lácteo", territory="Cariri", municipalities=[crato])
    original = initiative.history.latest()
    client.force_login(superuser)
    change_url = reverse("admin:initiatives_initiative_change", args=[initiative.pk])
    edited = form_data(
        change_form(client, initiative), name="Polo Lácteo (errado)", territory="", municipalities=[juazeiro.pk]
    )
    assert client.post(change_url, edited).status_code == 302
    initiative.refresh_from_db()
    assert list(initiative.municipalities.all()) == [juazeiro]

    revert_url = reverse("admin:initiatives_initiative_simple_history", args=[initiative.pk, original.history_id])
    form_page = client.get(revert_url)
    assert form_page.status_code == 200
    assert form_page.context["adminform"].form.initial["municipalities"] == [crato.pk]
    # The staff member submits the old version's form as shown.
    assert client.post(revert_url, form_data(form_page.context["adminform"].form)).status_code == 302

    initiative.refresh_from_db()
    assert initiative.name == "Polo Lácteo"
    assert initiative.territory == "Cariri"
    assert list(initiative.municipalities.all()) == [crato]
    assert "crato" in initiative.search_text and "juazeiro" not in initiative.search_text
    assert initiative.history.latest().history_user == superuser


def test_it_reverts_a_vocabulary_from_the_admin(client, superuser, reference_data):
    rota = Route.objects.get(slug="rota-do-mel")
    old_aliases = rota.aliases
    rota.save()  # reference data is loaded in bulk: its history starts at the first save
    good = rota.history.latest()
    rota.aliases = "Rota do Mel; mistake"
    rota.save()
    client.force_login(superuser)
    revert_url = reverse("admin:initiatives_route_simple_history", args=[rota.pk, good.history_id])
    form = client.get(revert_url).context["adminform"].form
    assert client.post(revert_url, form_data(form)).status_code == 302
    rota.refresh_from_db()
    assert rota.aliases == old_aliases


def test_it_tags_the_changes_an_import_makes(make_initiative):
    initiative = make_initiative(name="Before")
    with recorded_as(reason="Import #42: polos.xlsx", import_record_id=42):
        initiative.name = "After"
        initiative.save()
        initiative.themes.add(Theme.objects.first())
    initiative.name = "By hand"
    initiative.save()

    tagged = Initiative.history.filter(import_record_id=42)
    assert tagged.count() == 2  # the save and the relation change
    assert set(tagged.values_list("history_change_reason", flat=True)) == {"Import #42: polos.xlsx"}
    untagged = initiative.history.latest()
    assert untagged.import_record_id is None and untagged.history_change_reason is None
