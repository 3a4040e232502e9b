"""Who may see which admin page, and the brute-force lockout of the admin login."""

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.contrib.auth.models import Permission, User
from django.urls import reverse

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

# Every changelist registered on the admin site, whichever apps add them.
CHANGELISTS = sorted(f"admin:{m._meta.app_label}_{m._meta.model_name}_changelist" for m in admin.site._registry)
HISTORY_MODELS = ["initiative", "sector", "theme", "program", "route"]


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # A deliberately slow hasher is no part of what these tests check.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def login_url():
    return reverse("admin:login")


def attempt(client, login_url, username, password, address="203.0.113.7"):
    return client.post(
        login_url, {"username": username, "password": password, "next": reverse("admin:index")}, REMOTE_ADDR=address
    )


@pytest.mark.parametrize("changelist", CHANGELISTS)
def test_it_sends_anonymous_visitors_to_the_login_page(client, changelist):
    response = client.get(reverse(changelist))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


@pytest.mark.parametrize("changelist", CHANGELISTS)
def test_it_forbids_staff_without_permissions_every_changelist(client, staff_user, changelist):
    client.force_login(staff_user)
    assert client.get(reverse(changelist)).status_code == 403


@pytest.mark.parametrize("changelist", CHANGELISTS)
def test_it_shows_a_superuser_every_changelist(client, superuser, reference_data, changelist):
    client.force_login(superuser)
    assert client.get(reverse(changelist)).status_code == 200


def test_it_shows_staff_only_what_their_permissions_allow(client, staff_user):
    staff_user.user_permissions.add(Permission.objects.get(codename="view_initiative"))
    client.force_login(staff_user)
    assert client.get(reverse("admin:initiatives_initiative_changelist")).status_code == 200
    assert client.get(reverse("admin:initiatives_initiative_add")).status_code == 403
    assert client.get(reverse("admin:initiatives_sector_changelist")).status_code == 403
    assert client.get(reverse("admin:initiatives_sector_add")).status_code == 403


@pytest.mark.parametrize("model", HISTORY_MODELS)
def test_it_shows_change_history_only_to_those_allowed(client, staff_user, superuser, make_initiative, model):
    make_initiative()
    obj = apps.get_model("initiatives", model).objects.first()
    url = reverse(f"admin:initiatives_{model}_history", args=[obj.pk])
    assert client.get(url).status_code == 302
    client.force_login(staff_user)
    assert client.get(url).status_code == 403
    client.force_login(superuser)
    assert client.get(url).status_code == 200


def test_it_locks_a_username_out_from_one_address_after_repeated_failures(client, superuser, login_url):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = attempt(client, login_url, "admin", "wrong")
        assert response.status_code == 200  # the login form again, with its error
    response = attempt(client, login_url, "admin", "wrong")
    assert response.status_code == 429
    # Even the right password is refused now, with a page that says why and for how long.
    response = attempt(client, login_url, "admin", "pw-admin-1234")
    assert response.status_code == 429
    page = response.content.decode()
    assert "Too many failed logins" in page
    assert f"for {settings.AXES_COOLOFF_TIME.seconds // 60} minutes" in page
    assert "_auth_user_id" not in client.session


def test_it_keeps_the_lockout_to_that_username_and_address(client, superuser, staff_user, login_url):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        attempt(client, login_url, "admin", "wrong")
    assert attempt(client, login_url, "admin", "pw-admin-1234").status_code == 429
    # Another account from the same address, and the same account from elsewhere, still log in.
    assert attempt(client, login_url, "staff", "pw-staff-1234").status_code == 302
    client.logout()
    assert attempt(client, login_url, "admin", "pw-admin-1234", address="198.51.100.20").status_code == 302


def test_it_forgets_failures_after_a_successful_login(client, superuser, login_url):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        attempt(client, login_url, "admin", "wrong")
    assert attempt(client, login_url, "admin", "pw-admin-1234").status_code == 302
    client.logout()
    assert attempt(client, login_url, "admin", "wrong").status_code == 200


def test_it_still_lets_tests_and_commands_log_in_without_a_request(client, superuser):
    assert client.login(username="admin", password="pw-admin-1234")
    assert not User.objects.get(username="admin").is_anonymous
