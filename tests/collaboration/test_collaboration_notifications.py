"""Staff's decisions reach the manager by e-mail (Django's backend; the test outbox here), in the
language of the page the manager asked from: a request to manage approved, refused or revoked, a
profile change published or rejected, a first opportunity approved or refused."""

import datetime

import pytest
from django.core import mail
from django.utils import timezone, translation
from django.utils.translation import gettext

from collaboration.models import Management, Opportunity, ProfileChange

from .collaboration_helpers import manager_of, signed_up_manager  # noqa: F401
from .opportunity_fixtures import make_account, make_manager, make_opportunity

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("collaboration_isolation")]

EMAIL = "ana@clusteragro.example"


@pytest.fixture
def cluster(make_initiative):
    return make_initiative(name="Cluster Agroalimentario", slug="cluster-agroalimentario", language="es")


def admin_action(admin_client, model, action, *objects):
    response = admin_client.post(
        f"/en/admin/collaboration/{model}/",
        {"action": action, "_selected_action": [o.pk for o in objects]},
        follow=True,
    )
    assert response.status_code == 200


def mails_to(address):
    return [m for m in mail.outbox if address in m.to]


def ask(client, cluster, language):
    response = client.post(f"/{language}/manage/{cluster.slug}/request/", {"who_they_are": "Ana Gómez, coordinadora"})
    assert response.status_code == 302
    return Management.objects.get(initiative=cluster)


def test_it_tells_the_manager_in_spanish_that_staff_approved_their_request(client, admin_client, cluster):
    signed_up_manager(client, EMAIL)
    management = ask(client, cluster, "es")
    assert management.page_language == "es"
    mail.outbox.clear()

    admin_action(admin_client, "management", "approve", management)

    [message] = mails_to(EMAIL)
    with translation.override("es"):
        subject = gettext("You now manage %(name)s in the catalogue") % {"name": "Cluster Agroalimentario"}
    assert message.subject == subject
    assert "http://testserver/es/manage/" in message.body
    assert "/en/" not in message.body and "/pt-br/" not in message.body


@pytest.mark.parametrize(
    "language, action, before, subject",
    [
        ("pt-br", "refuse", "requested", "Your request to manage %(name)s was refused"),
        ("en", "revoke", "approved", "You no longer manage %(name)s in the catalogue"),
    ],
)
def test_it_tells_the_manager_that_staff_refused_or_revoked(
    client, admin_client, cluster, language, action, before, subject
):
    signed_up_manager(client, EMAIL)
    management = ask(client, cluster, language)
    Management.objects.filter(pk=management.pk).update(status=before)
    mail.outbox.clear()

    admin_action(admin_client, "management", action, management)

    [message] = mails_to(EMAIL)
    with translation.override(language):
        assert message.subject == gettext(subject) % {"name": "Cluster Agroalimentario"}
    assert f"http://testserver/{language}/manage/" in message.body


def test_an_action_that_changes_nothing_sends_nothing(client, admin_client, cluster):
    signed_up_manager(client, EMAIL)
    management = ask(client, cluster, "es")
    Management.objects.filter(pk=management.pk).update(status="refused")
    mail.outbox.clear()
    admin_action(admin_client, "management", "approve", management)  # a refused request stays refused
    admin_action(admin_client, "management", "revoke", management)  # only approved managers are revoked
    assert mails_to(EMAIL) == []


def edit(client, cluster, language, text):
    data = {"description_pt_br": "", "description_es": text, "description_en": "", "website": "", "email": "",
            "member_count": "", "year_started": ""}  # fmt: skip
    assert client.post(f"/{language}/manage/{cluster.slug}/edit/", data).status_code == 302
    return ProfileChange.objects.latest("pk")


@pytest.mark.parametrize(
    "action, subject",
    [
        ("publish", "Your changes to %(name)s are published"),
        ("reject", "Your changes to %(name)s were not published"),
    ],
)
def test_it_tells_the_manager_what_staff_decided_on_their_profile_change(
    client,
    admin_client,
    cluster,
    manager_of,  # noqa: F811
    action,
    subject,
):
    manager_of(cluster, email=EMAIL)
    change = edit(client, cluster, "es", "Productores de Antioquia que exportan juntos.")
    assert change.page_language == "es"
    mail.outbox.clear()

    admin_action(admin_client, "profilechange", action, change)

    [message] = mails_to(EMAIL)
    with translation.override("es"):
        assert message.subject == gettext(subject) % {"name": "Cluster Agroalimentario"}
    assert "http://testserver/es/manage/" in message.body


def test_a_trusted_managers_change_publishes_without_an_email(client, cluster, manager_of):  # noqa: F811
    manager_of(cluster, email=EMAIL, trusted=True)
    mail.outbox.clear()
    assert edit(client, cluster, "es", "Productores de Antioquia.").status == "published"
    assert mails_to(EMAIL) == []


def publish(client, cluster, language):
    data = {
        "kind": "stay_offered",
        "title": "Estancia profesional en Medellín",
        "description": "Dos semanas con nuestras empresas de café.",
        "language": "es",
        "closes_on": (timezone.localdate() + datetime.timedelta(days=30)).isoformat(),
    }
    response = client.post(f"/{language}/manage/initiatives/{cluster.slug}/opportunities/new/", data)
    assert response.status_code == 302
    return Opportunity.objects.get()


@pytest.mark.parametrize(
    "action, subject",
    [
        ("approve", "Your opportunity is published: %(title)s"),
        ("refuse", "Your opportunity was refused: %(title)s"),
    ],
)
def test_it_tells_the_manager_what_staff_decided_on_their_first_opportunity(
    client,
    admin_client,
    cluster,
    manager_of,  # noqa: F811
    action,
    subject,
):
    manager_of(cluster, email=EMAIL)
    opportunity = publish(client, cluster, "pt-br")
    assert not opportunity.is_published and opportunity.page_language == "pt-br"
    mail.outbox.clear()

    admin_action(admin_client, "opportunity", action, opportunity)

    [message] = mails_to(EMAIL)
    with translation.override("pt-br"):
        assert message.subject == gettext(subject) % {"title": "Estancia profesional en Medellín"}
    assert "http://testserver/pt-br/manage/opportunities/" in message.body


def test_refusing_an_opportunity_again_sends_nothing_more(client, admin_client, cluster, manager_of):  # noqa: F811
    manager_of(cluster, email=EMAIL)
    opportunity = publish(client, cluster, "es")
    mail.outbox.clear()
    admin_action(admin_client, "opportunity", "refuse", opportunity)
    admin_action(admin_client, "opportunity", "refuse", opportunity)
    with translation.override("es"):
        subject = gettext("Your opportunity was refused: %(title)s") % {"title": "Estancia profesional en Medellín"}
    assert [m.subject for m in mails_to(EMAIL)] == [subject]


def test_a_mail_server_that_refuses_leaves_the_decision_saved_and_warns_staff(
    client, admin_client, cluster, settings, caplog
):
    signed_up_manager(client, EMAIL)
    management = ask(client, cluster, "es")
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2  # nothing listens

    response = admin_client.post(
        "/en/admin/collaboration/management/",
        {"action": "approve", "_selected_action": [management.pk]},
        follow=True,
    )

    assert response.status_code == 200
    management.refresh_from_db()
    assert management.status == "approved"
    assert "1 manager was not told by e-mail" in response.content.decode()
    assert "Could not e-mail a decision" in caplog.text


# Only a manager who should have been told and was not is counted in the admin's warning.
NOT_TOLD = "not told by e-mail"


def admin_messages(admin_client, model, action, *objects):
    response = admin_client.post(
        f"/en/admin/collaboration/{model}/",
        {"action": action, "_selected_action": [o.pk for o in objects]},
        follow=True,
    )
    assert response.status_code == 200
    return [str(m) for m in response.context["messages"]]


def staff_change(cluster, website="https://cluster.example"):
    """A change with no author, as staff write one."""
    return ProfileChange.objects.create(initiative=cluster, author=None, values={"website": website})


def change_by(cluster, author, website="https://cluster.example"):
    return ProfileChange.objects.create(initiative=cluster, author=author, values={"website": website})


@pytest.mark.parametrize("action, done", [("publish", "1 change published."), ("reject", "1 change rejected.")])
def test_deciding_a_change_nobody_wrote_warns_of_no_unsent_email(admin_client, cluster, action, done):
    change = staff_change(cluster)
    mail.outbox.clear()

    shown = admin_messages(admin_client, "profilechange", action, change)

    assert shown == [done]
    assert mail.outbox == []
    change.refresh_from_db()
    assert change.status == ("published" if action == "publish" else "rejected")


def test_deciding_a_change_whose_author_was_deleted_warns_of_no_unsent_email(client, admin_client, cluster, manager_of):  # noqa: F811
    author = manager_of(cluster, email=EMAIL)
    change = edit(client, cluster, "es", "Productores de Antioquia que exportan juntos.")
    author.delete()
    change.refresh_from_db()
    assert change.author is None
    mail.outbox.clear()

    shown = admin_messages(admin_client, "profilechange", "reject", change)

    assert shown == ["1 change rejected."]
    assert mail.outbox == []


@pytest.mark.parametrize("action", ["publish", "reject"])
def test_a_change_by_a_manager_without_a_verified_address_still_warns(admin_client, cluster, action):
    change = change_by(cluster, make_manager(cluster, verified=False))

    shown = admin_messages(admin_client, "profilechange", action, change)

    assert any(m.startswith("1 manager was not told by e-mail") for m in shown), shown
    assert mail.outbox == []


def test_the_warning_counts_only_the_managers_who_should_have_been_told(admin_client, cluster):
    told = make_manager(cluster, email=EMAIL)
    changes = [
        staff_change(cluster, "https://one.example"),
        change_by(cluster, told, "https://two.example"),
        change_by(cluster, make_manager(cluster, verified=False), "https://three.example"),
        staff_change(cluster, "https://four.example"),
        change_by(cluster, make_manager(cluster, verified=False), "https://five.example"),
    ]
    mail.outbox.clear()

    shown = admin_messages(admin_client, "profilechange", "reject", *changes)

    assert [m for m in shown if NOT_TOLD in m] == [
        "2 managers were not told by e-mail (no verified address, or the mail server refused it)."
    ]
    assert "5 changes rejected." in shown
    assert [m.to for m in mail.outbox] == [[EMAIL]]


@pytest.mark.parametrize("action", ["approve", "refuse"])
def test_an_opportunity_by_a_manager_without_a_verified_address_still_warns(admin_client, cluster, action):
    author = make_manager(cluster, verified=False)
    opportunity = make_opportunity(cluster, author, published=False)

    shown = admin_messages(admin_client, "opportunity", action, opportunity)

    assert any(m.startswith("1 manager was not told by e-mail") for m in shown), shown


def test_a_management_decision_for_an_account_without_a_verified_address_still_warns(admin_client, cluster):
    management = Management.objects.create(
        user=make_account("nobody@cluster.example", verified=False), initiative=cluster, who_they_are="Ana"
    )

    shown = admin_messages(admin_client, "management", "approve", management)

    assert any(m.startswith("1 manager was not told by e-mail") for m in shown), shown
    assert "1 request approved." in shown
