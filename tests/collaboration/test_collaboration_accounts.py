"""Managers' accounts (django-allauth): sign-up by e-mail with verification, login throttled
without a stranger locking the owner out, secure sessions, export and deletion."""

import json

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth.models import User
from django.core import mail

from collaboration.models import Management

from .collaboration_helpers import PASSWORD, reauthenticate, sign_up, signed_up_manager, verification_link, verify

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("language", "words"),
    [("pt-br", "Cadastrar-se"), ("es", "Registrarse"), ("en", "Sign Up")],
)
def test_it_offers_the_sign_up_form_in_each_language_in_the_sites_look(client, language, words):
    response = client.get(f"/{language}/accounts/signup/")
    page = response.content.decode()
    assert response.status_code == 200
    assert words in page
    assert 'class="site-header"' in page and "css/collaboration.css" in page
    assert 'name="username"' not in page  # the e-mail is the login


def test_it_verifies_the_address_before_the_first_login(client):
    response = sign_up(client, "ana@cluster.example")
    assert response.status_code == 302 and "/accounts/confirm-email/" in response["Location"]
    assert len(mail.outbox) == 1
    user = User.objects.get(email="ana@cluster.example")
    assert not EmailAddress.objects.get(user=user).verified
    # Not verified: logging in only sends the link again.
    client.logout()
    response = client.post("/en/accounts/login/", {"login": "ana@cluster.example", "password": PASSWORD})
    assert "_auth_user_id" not in client.session
    verify(client, "ana@cluster.example")
    assert EmailAddress.objects.get(user=user).verified
    client.logout()
    response = client.post("/en/accounts/login/", {"login": "ana@cluster.example", "password": PASSWORD})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


def test_it_sends_the_verification_mail_in_the_language_of_the_page(client):
    sign_up(client, "ana@cluster.example", language="es")
    message = mail.outbox[-1]
    assert "Confirma" in message.subject or "confirma" in message.body.lower()
    assert verification_link("ana@cluster.example").startswith("/es/")


def test_visitors_browse_without_an_account(client, make_initiative):
    initiative = make_initiative(name="Cluster Agroalimentario")
    assert client.get(initiative.get_absolute_url()).status_code == 200
    assert client.get("/en/initiatives/").status_code == 200


def test_the_managers_pages_ask_for_a_login(client):
    response = client.get("/en/manage/")
    assert response.status_code == 302 and response["Location"].startswith("/en/accounts/login/")


def test_it_refuses_a_wrong_password_with_a_message(client):
    signed_up_manager(client, "ana@cluster.example")
    client.logout()
    response = client.post("/en/accounts/login/", {"login": "ana@cluster.example", "password": "wrong-one"})
    assert response.status_code == 200
    assert "not correct" in response.content.decode()


def guess(client, email, n, first_address=10):
    for i in range(n):
        client.post(
            "/en/accounts/login/",
            {"login": email, "password": f"guess-{i}"},
            REMOTE_ADDR=f"203.0.113.{first_address + i}",
        )


def test_a_stranger_guessing_from_many_addresses_does_not_lock_the_manager_out(client, settings):
    settings.LOGIN_DELAY_AFTER = 3
    signed_up_manager(client, "ana@cluster.example")  # this browser has logged in to the account
    client.post("/en/accounts/logout/")  # the browser keeps its cookies (client.logout() would not)
    assert "_auth_user_id" not in client.session
    from django.test import Client

    guess(Client(), "ana@cluster.example", 12)
    response = client.post(
        "/en/accounts/login/", {"login": "ana@cluster.example", "password": PASSWORD}, REMOTE_ADDR="198.51.100.7"
    )
    assert response.status_code == 302
    assert "_auth_user_id" in client.session


def test_guesses_from_many_addresses_delay_the_account_for_unknown_browsers(client, settings):
    settings.LOGIN_DELAY_AFTER = 3
    signed_up_manager(client, "ana@cluster.example")
    from django.test import Client

    stranger = Client()
    guess(stranger, "ana@cluster.example", 4)
    response = stranger.post(
        "/en/accounts/login/", {"login": "ana@cluster.example", "password": PASSWORD}, REMOTE_ADDR="203.0.113.99"
    )
    assert response.status_code == 429
    assert "_auth_user_id" not in stranger.session


def test_the_session_cookie_is_http_only_and_same_site(client):
    signed_up_manager(client, "ana@cluster.example")
    cookie = client.cookies["sessionid"]
    assert cookie["httponly"] and cookie["samesite"] == "Lax"


def test_a_manager_downloads_their_data(client, make_initiative):
    initiative = make_initiative(name="Cluster Agroalimentario", slug="cluster-agroalimentario")
    user = signed_up_manager(client, "ana@cluster.example")
    Management.objects.create(user=user, initiative=initiative, who_they_are="Ana, coordinator")
    reauthenticate(client, "/en/manage/account/export/")
    response = client.get("/en/manage/account/export/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert "attachment" in response["Content-Disposition"]
    data = json.loads(response.content)
    assert data["account"]["email"] == "ana@cluster.example"
    assert data["managements"] == [
        {
            "initiative": "cluster-agroalimentario",
            "status": "requested",
            "trusted": False,
            "who_they_are": "Ana, coordinator",
            "requested": data["managements"][0]["requested"],
            "decided": None,
        }
    ]
    assert "password" not in response.content.decode()


def test_a_manager_deletes_their_account(client, make_initiative):
    initiative = make_initiative()
    user = signed_up_manager(client, "ana@cluster.example")
    Management.objects.create(user=user, initiative=initiative, who_they_are="Ana, coordinator")
    reauthenticate(client, "/en/manage/account/delete/")
    assert client.get("/en/manage/account/delete/").status_code == 200
    response = client.post("/en/manage/account/delete/", {})
    assert response.status_code == 200 and User.objects.filter(pk=user.pk).exists()  # not confirmed
    response = client.post("/en/manage/account/delete/", {"confirm": "on"})
    assert response.status_code == 302
    assert not User.objects.filter(pk=user.pk).exists()
    assert not Management.objects.exists()
    assert "_auth_user_id" not in client.session
