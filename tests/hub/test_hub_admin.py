import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from hub.models import Event, Interest, LibraryItem, Proposal
from initiatives.models import Initiative

from ..hub_fixtures import PDF_BYTES

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("hub_isolation", "english")]

MODELS = ["libraryitem", "event", "news", "proposal", "interest"]


@pytest.mark.parametrize("model", MODELS)
def test_it_sends_anonymous_visitors_to_log_in(client, model):
    response = client.get(reverse(f"admin:hub_{model}_changelist"))
    assert response.status_code == 302 and reverse("admin:login") in response["Location"]


@pytest.mark.parametrize("model", MODELS)
def test_it_refuses_staff_without_permissions(client, staff_user, model):
    client.force_login(staff_user)
    assert client.get(reverse(f"admin:hub_{model}_changelist")).status_code == 403


@pytest.mark.parametrize("model", MODELS)
def test_it_shows_every_changelist_to_a_superuser(client, superuser, reference_data, model):
    client.force_login(superuser)
    assert client.get(reverse(f"admin:hub_{model}_changelist")).status_code == 200
    add = client.get(reverse(f"admin:hub_{model}_add"))
    assert add.status_code == (403 if model == "interest" else 200)  # messages come from visitors only


def make_proposal(**fields):
    fields = {
        "name": "APL de Confecções do Agreste", "country": "BR", "kind": "apl", "language": "pt-br",
        "description": "Confecções em Caruaru.", "territory": "Agreste pernambucano", "year_started": 2003,
        "proposer_name": "Ana", "proposer_email": "ana@example.org", **fields,
    }  # fmt: skip
    return Proposal.objects.create(**fields)


def test_it_turns_a_proposal_into_a_draft_initiative_in_one_action(client, superuser, reference_data):
    from initiatives.models import Sector

    proposal = make_proposal()
    proposal.sectors.set([Sector.objects.get(slug="fashion-and-apparel")])
    client.force_login(superuser)
    changelist = reverse("admin:hub_proposal_changelist")
    response = client.post(
        changelist, {"action": "create_draft_initiatives", "_selected_action": [proposal.pk]}, follow=True
    )
    assert "Created 1 draft initiative" in response.content.decode()
    proposal.refresh_from_db()
    initiative = proposal.initiative
    assert proposal.status == "accepted"
    assert not initiative.is_published
    assert (initiative.name, initiative.kind, initiative.country.code) == ("APL de Confecções do Agreste", "apl", "BR")
    assert (initiative.territory, initiative.year_started, initiative.language) == (
        "Agreste pernambucano",
        2003,
        "pt-br",
    )
    assert [s.slug for s in initiative.sectors.all()] == ["fashion-and-apparel"]
    assert proposal.reference in initiative.source_text and "ana@example.org" in initiative.internal_notes
    assert "agreste" in initiative.search_text
    assert not Initiative.objects.published().exists()
    # A second run creates nothing more.
    again = client.post(
        changelist, {"action": "create_draft_initiatives", "_selected_action": [proposal.pk]}, follow=True
    )
    assert "already had its initiative" in again.content.decode()
    assert Initiative.objects.count() == 1


def test_it_gives_a_draft_a_free_slug(client, superuser, make_initiative):
    make_initiative(name="Taken", slug="apl-de-confeccoes-do-agreste")
    client.force_login(superuser)
    proposal = make_proposal()
    client.post(
        reverse("admin:hub_proposal_changelist"),
        {"action": "create_draft_initiatives", "_selected_action": [proposal.pk]},
    )
    proposal.refresh_from_db()
    assert proposal.initiative.slug == "apl-de-confeccoes-do-agreste-2"


def make_interest(initiative, **fields):
    return Interest.objects.create(
        initiative=initiative,
        name="Rui",
        organisation="Coop",
        email="rui@example.org",
        message="Vamos exportar?",
        **fields,
    )


def test_it_forwards_moderated_interest_by_email(client, superuser, make_initiative):
    reachable = make_initiative(name="Polo do Mel", email="contato@polo.example", language="pt-br")
    unreachable = make_initiative(name="Polo sem e-mail")
    first, second = make_interest(reachable), make_interest(unreachable)
    client.force_login(superuser)
    changelist = reverse("admin:hub_interest_changelist")
    response = client.post(changelist, {"action": "forward", "_selected_action": [first.pk, second.pk]}, follow=True)
    html = response.content.decode()
    assert "Forwarded 1 message." in html and "1 message was not sent" in html
    (message,) = mail.outbox
    assert message.to == ["contato@polo.example"] and message.reply_to == ["rui@example.org"]
    assert "Polo do Mel" in message.subject and "Vamos exportar?" in message.body
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == "forwarded" and first.forwarded_at is not None
    assert second.status == "new"
    # Forwarding twice never sends twice.
    client.post(changelist, {"action": "forward", "_selected_action": [first.pk]})
    assert len(mail.outbox) == 1


def test_it_says_which_stored_contact_address_is_invalid_instead_of_failing(client, superuser, make_initiative):
    smuggled = make_initiative(name="Polo Injetado", email="nl@example.org\nBcc: hidden@evil.example")
    listed = make_initiative(name="Polo Duplo", email="two@example.org, three@example.org")
    fine = make_initiative(name="Polo Certo", email="certo@example.org")
    interests = [make_interest(smuggled), make_interest(listed), make_interest(fine)]
    client.force_login(superuser)
    changelist = reverse("admin:hub_interest_changelist")
    response = client.post(
        changelist, {"action": "forward", "_selected_action": [i.pk for i in interests]}, follow=True
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "2 messages were not sent: the contact e-mail of Polo Duplo, Polo Injetado is not one valid" in html
    assert "Forwarded 1 message." in html
    assert [m.to for m in mail.outbox] == [["certo@example.org"]]
    assert [Interest.objects.get(pk=i.pk).status for i in interests] == ["new", "new", "forwarded"]


def test_it_rejects_spam_from_the_inbox(client, superuser, make_initiative):
    interest = make_interest(make_initiative(email="x@example.org"))
    client.force_login(superuser)
    client.post(reverse("admin:hub_interest_changelist"), {"action": "reject", "_selected_action": [interest.pk]})
    interest.refresh_from_db()
    assert interest.status == "rejected" and mail.outbox == []


def test_it_reads_event_times_in_the_event_time_zone(client, superuser, reference_data):
    client.force_login(superuser)
    response = client.post(
        reverse("admin:hub_event_add"),
        {
            "title": "Seminario", "slug": "seminario", "kind": "event", "is_published": "on", "language": "es",
            "time_zone": "America/Mexico_City", "start_0": "2031-06-10", "start_1": "10:00",
            "end_0": "2031-06-10", "end_1": "12:00", "place": "Ciudad de México",
        },
    )  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:3000]
    event = Event.objects.get(slug="seminario")
    assert event.start == datetime.datetime(2031, 6, 10, 10, 0, tzinfo=ZoneInfo("America/Mexico_City"))
    change = client.get(reverse("admin:hub_event_change", args=[event.pk])).content.decode()
    assert 'value="10:00:00"' in change  # shown back as typed, not in the site's zone


def test_it_uploads_a_pdf_from_the_admin_and_refuses_a_fake(client, superuser, reference_data):
    client.force_login(superuser)
    data = {"title": "Guia", "slug": "guia", "kind": "methodology", "is_published": "on", "language": "pt-br"}
    fake = client.post(
        reverse("admin:hub_libraryitem_add"), {**data, "document": SimpleUploadedFile("guia.pdf", b"<html>")}
    )
    assert fake.status_code == 200 and "This file is not a PDF document." in fake.content.decode()
    good = client.post(
        reverse("admin:hub_libraryitem_add"), {**data, "document": SimpleUploadedFile("guia.pdf", PDF_BYTES)}
    )
    assert good.status_code == 302
    assert LibraryItem.objects.get().document.read() == PDF_BYTES


def grant(user, *codenames):
    from django.contrib.auth.models import Permission

    user.user_permissions.add(*Permission.objects.filter(codename__in=codenames))
    return type(user).objects.get(pk=user.pk)  # a fresh object: permissions are cached per instance


def test_it_lets_only_moderators_with_change_permission_forward(client, staff_user, make_initiative):
    interest = make_interest(make_initiative(email="contato@polo.example"))
    changelist = reverse("admin:hub_interest_changelist")
    client.force_login(grant(staff_user, "view_interest"))
    page = client.get(changelist)
    assert page.status_code == 200 and "Rui" in page.content.decode()
    assert 'value="forward"' not in page.content.decode()
    client.post(changelist, {"action": "forward", "_selected_action": [interest.pk]})
    assert mail.outbox == []
    client.force_login(grant(staff_user, "change_interest"))
    assert 'value="forward"' in client.get(changelist).content.decode()
    client.post(changelist, {"action": "forward", "_selected_action": [interest.pk]})
    assert len(mail.outbox) == 1


def test_it_lets_only_staff_who_may_add_initiatives_create_drafts(client, staff_user, reference_data):
    proposal = make_proposal()
    changelist = reverse("admin:hub_proposal_changelist")
    client.force_login(grant(staff_user, "view_proposal", "change_proposal"))
    assert 'value="create_draft_initiatives"' not in client.get(changelist).content.decode()
    client.post(changelist, {"action": "create_draft_initiatives", "_selected_action": [proposal.pk]})
    assert not Initiative.objects.exists()
    client.force_login(grant(staff_user, "add_initiative"))
    client.post(changelist, {"action": "create_draft_initiatives", "_selected_action": [proposal.pk]})
    assert Initiative.objects.get().is_published is False


def test_it_loads_the_shipped_library_and_events_from_the_admin(client, superuser, staff_user, reference_data):
    url = "/en/admin/hub/libraryitem/load-shipped/"
    client.force_login(staff_user)  # no permission on the library
    assert client.post(url).status_code == 403
    client.force_login(superuser)
    changelist = client.get("/en/admin/hub/libraryitem/").content.decode()
    assert f'action="{url}"' in changelist
    assert client.get(url).status_code == 405  # a load is a POST
    response = client.post(url, follow=True)
    assert "library.csv: 22 created, 0 updated" in [str(m) for m in response.context["messages"]][0]
    assert (LibraryItem.objects.count(), Event.objects.count()) == (22, 15)
    response = client.post(url, follow=True)
    assert "library.csv: 0 created, 0 updated, 22 unchanged" in [str(m) for m in response.context["messages"]][0]
