"""Every admin view that writes asks for the change permission, whatever the user may view; the
initiatives' internal notes (proposers' names and e-mails) are for staff who moderate proposals."""

import pytest
from django.apps import apps
from django.contrib.auth.models import Group, Permission, User
from django.urls import reverse

from hub.models import Interest, Proposal
from initiatives.models import Initiative, Route
from rotas_import.models import ImportRecord

from ..admin_forms import form_data

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

VOCABULARIES = ["sector", "theme", "program", "route"]


@pytest.fixture
def importer(db):
    """A member of the Importers group: may import, and only view initiatives."""
    user = User.objects.create_user("importer", "importer@example.org", "pw-importer-1234", is_staff=True)
    user.groups.add(Group.objects.get(name="Importers"))
    return user


def grant(user, *codenames):
    user.user_permissions.add(*Permission.objects.filter(codename__in=codenames))
    return User.objects.get(pk=user.pk)  # a fresh instance: permissions are cached per instance


def edited_draft(make_initiative):
    """A draft with two versions: the first as created, the second after an edit."""
    initiative = make_initiative(name="Polo em revisão", is_published=False, email="old@example.org")
    first = initiative.history.earliest()
    initiative.territory = "Cariri"
    initiative.save()
    return initiative, first


def test_it_refuses_a_view_only_importer_a_revert_from_the_history_page(client, importer, make_initiative):
    initiative, version = edited_draft(make_initiative)
    client.force_login(importer)
    url = reverse("admin:initiatives_initiative_simple_history", args=[initiative.pk, version.history_id])
    page = client.get(url)
    assert page.status_code == 200  # the old version may still be read
    form = page.context["adminform"].form
    assert all(field.disabled for field in form.fields.values())
    assert page.context["revert_disabled"]
    assert 'name="_save"' not in page.content.decode()

    posted = form_data(form, name="Renamed by an importer", is_published=True, email="evil@example.org")
    assert client.post(url, posted).status_code == 403
    initiative.refresh_from_db()
    assert (initiative.name, initiative.is_published, initiative.email) == (
        "Polo em revisão",
        False,
        "old@example.org",
    )
    assert initiative.history.count() == 2
    assert not Initiative.objects.published().exists()


def test_it_still_lets_staff_who_may_change_initiatives_revert(client, importer, make_initiative):
    initiative, version = edited_draft(make_initiative)
    client.force_login(grant(importer, "change_initiative"))
    url = reverse("admin:initiatives_initiative_simple_history", args=[initiative.pk, version.history_id])
    form = client.get(url).context["adminform"].form
    assert not any(field.disabled for field in form.fields.values())
    assert client.post(url, form_data(form)).status_code == 302
    initiative.refresh_from_db()
    assert initiative.territory == ""


@pytest.mark.parametrize("model", VOCABULARIES)
def test_it_refuses_a_revert_of_a_vocabulary_to_staff_who_may_only_view_it(client, staff_user, reference_data, model):
    obj = apps.get_model("initiatives", model).objects.first()
    old_name = obj.name
    obj.save()
    version = obj.history.latest()
    client.force_login(grant(staff_user, f"view_{model}"))
    url = reverse(f"admin:initiatives_{model}_simple_history", args=[obj.pk, version.history_id])
    form = client.get(url).context["adminform"].form
    assert client.post(url, form_data(form, name="Vandalised")).status_code == 403
    obj.refresh_from_db()
    assert obj.name == old_name


def test_it_runs_no_proposal_or_message_action_for_staff_who_may_only_view(client, staff_user, make_initiative):
    initiative = make_initiative(email="contact@example.org")
    proposal = Proposal.objects.create(
        name="APL", country="BR", kind="apl", language="pt-br", proposer_name="Ana", proposer_email="ana@example.org"
    )
    interest = Interest.objects.create(initiative=initiative, name="Rui", email="rui@example.org", message="Olá")
    client.force_login(grant(staff_user, "view_proposal", "view_interest", "add_initiative"))
    for model, action, pk in [
        ("proposal", "reject", proposal.pk),
        ("proposal", "create_draft_initiatives", proposal.pk),
        ("interest", "forward", interest.pk),
        ("interest", "reject", interest.pk),
    ]:
        client.post(reverse(f"admin:hub_{model}_changelist"), {"action": action, "_selected_action": [pk]})
    proposal.refresh_from_db()
    interest.refresh_from_db()
    assert (proposal.status, proposal.initiative_id, interest.status) == ("new", None, "new")
    assert Initiative.objects.count() == 1


def test_it_refuses_the_import_screens_to_staff_who_may_only_view_imports(client, staff_user, reference_data):
    record = ImportRecord.objects.create(kind=ImportRecord.Kind.POLOS, file_name="polos.csv", sha256="0" * 64)
    client.force_login(grant(staff_user, "view_importrecord"))
    for url in [
        reverse("admin:rotas_import_import_polos"),
        reverse("admin:rotas_import_importrecord_preview", args=[record.pk]),
        reverse("admin:rotas_import_importrecord_undo", args=[record.pk]),
    ]:
        assert client.post(url, {"confirm": "1"}).status_code == 403
    record.refresh_from_db()
    assert record.status == ImportRecord.Status.PREVIEWED


def test_it_hides_internal_notes_from_importers(client, importer, make_initiative):
    initiative = make_initiative(internal_notes="Proposed by Ana <ana@example.org>.")
    initiative.internal_notes = "Proposed by Ana, Coop <ana@example.org>; called 12 May."
    initiative.save()
    client.force_login(importer)
    pages = [
        reverse("admin:initiatives_initiative_change", args=[initiative.pk]),
        reverse("admin:initiatives_initiative_history", args=[initiative.pk]),
        reverse("admin:initiatives_initiative_simple_history", args=[initiative.pk, initiative.history.earliest().pk]),
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200
        html = response.content.decode()
        assert "ana@example.org" not in html and "internal_notes" not in html, url
    form = client.get(pages[0]).context["adminform"].form
    assert "internal_notes" not in form.fields


def test_it_shows_internal_notes_to_staff_who_moderate_proposals(client, importer, make_initiative):
    initiative = make_initiative(internal_notes="Proposed by Ana <ana@example.org>.")
    initiative.internal_notes = "Proposed by Ana, Coop <ana@example.org>; called 12 May."
    initiative.save()
    client.force_login(grant(importer, "change_proposal"))
    change = client.get(reverse("admin:initiatives_initiative_change", args=[initiative.pk])).content.decode()
    assert "ana@example.org" in change
    history = client.get(reverse("admin:initiatives_initiative_history", args=[initiative.pk])).content.decode()
    assert "called 12 May" in history


def test_it_keeps_internal_notes_when_staff_without_access_save_an_initiative(client, staff_user, reference_data):
    initiative = Initiative.objects.create(
        name="Polo", slug="polo", country="BR", route=Route.objects.first(), internal_notes="Ana <ana@example.org>"
    )
    client.force_login(grant(staff_user, "view_initiative", "change_initiative"))
    url = reverse("admin:initiatives_initiative_change", args=[initiative.pk])
    form = client.get(url).context["adminform"].form
    assert "internal_notes" not in form.fields
    assert client.post(url, form_data(form, name="Polo renamed")).status_code == 302
    initiative.refresh_from_db()
    assert (initiative.name, initiative.internal_notes) == ("Polo renamed", "Ana <ana@example.org>")
