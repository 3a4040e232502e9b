"""The per-account login delay: guesses spread over many addresses slow down, and a stranger cannot
shut the owner out (real login POSTs against the admin login)."""

import time

import pytest
from django.test import Client
from django.urls import reverse

from catalogue import login_delay

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

ADDRESSES = ["198.51.100.1", "198.51.100.2", "198.51.100.3", "198.51.100.4"]


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def attempt(client, password, address, username="admin"):
    data = {"username": username, "password": password, "next": reverse("admin:index")}
    return client.post(reverse("admin:login"), data, REMOTE_ADDR=address)


def spread_guesses(count, username="admin"):
    """What the probe did: wrong passwords from four addresses in turn, each below axes' limit."""
    return [attempt(Client(), f"guess-{n}", ADDRESSES[n % 4], username).status_code for n in range(count)]


def test_it_pauses_an_account_guessed_at_from_four_addresses(superuser, staff_user, settings):
    assert settings.AXES_FAILURE_LIMIT * len(ADDRESSES) > 16  # axes alone never locks this out
    statuses = spread_guesses(16)
    assert statuses == [200] * settings.LOGIN_DELAY_AFTER + [429] * (16 - settings.LOGIN_DELAY_AFTER)
    # Refused unchecked, even the right password from yet another address: the guesser learns nothing.
    refused = attempt(Client(), "pw-admin-1234", "203.0.113.50")
    assert refused.status_code == 429
    assert 0 < int(refused["Retry-After"]) <= settings.LOGIN_DELAY_SECONDS
    page = refused.content.decode()
    assert "Too many failed logins for this account" in page and "_auth_user_id" not in refused.client.session
    # Other accounts are not affected.
    assert attempt(Client(), "pw-staff-1234", ADDRESSES[0], username="staff").status_code == 302
    assert attempt(Client(), "wrong", ADDRESSES[0], username="someone-else").status_code == 200


def test_it_never_delays_the_owner_in_a_browser_that_logged_in_before(superuser):
    owner = Client()
    assert attempt(owner, "pw-admin-1234", "203.0.113.9").status_code == 302
    assert owner.post(reverse("admin:logout")).status_code == 200  # the browser keeps its other cookies
    spread_guesses(12)
    assert attempt(Client(), "pw-admin-1234", "203.0.113.9").status_code == 429
    forged = Client()
    forged.cookies[login_delay.COOKIE] = "admin"  # not signed by the server
    assert attempt(forged, "pw-admin-1234", "203.0.113.9").status_code == 429
    assert attempt(owner, "pw-admin-1234", "203.0.113.9").status_code == 302


def test_it_lets_the_right_password_in_once_the_delay_is_over(superuser, settings):
    settings.LOGIN_DELAY_AFTER, settings.LOGIN_DELAY_SECONDS = 3, 1
    assert spread_guesses(4) == [200, 200, 200, 429]
    # The owner, impatient, tries more often than axes allows one address: refused, not counted.
    waiting = [attempt(Client(), "pw-admin-1234", "203.0.113.50").status_code for _ in range(6)]
    assert waiting == [429] * 6
    time.sleep(1.1)
    assert attempt(Client(), "pw-admin-1234", "203.0.113.50").status_code == 302
    # The success forgot the failures: the next mistake starts from nothing.
    assert spread_guesses(3) == [200, 200, 200]


def test_it_doubles_the_delay_with_each_further_failure_up_to_the_maximum(settings):
    settings.LOGIN_DELAY_AFTER, settings.LOGIN_DELAY_SECONDS, settings.LOGIN_DELAY_MAX_SECONDS = 2, 60, 300
    assert [login_delay.record_failure("Alice") for _ in range(7)] == [0, 60, 120, 240, 300, 300, 300]
    assert 299 <= login_delay.seconds_left("alice") <= 300  # one account, however it is spelt


def test_staff_lift_the_delay_at_once(superuser, settings):
    spread_guesses(settings.LOGIN_DELAY_AFTER)
    assert attempt(Client(), "pw-admin-1234", "203.0.113.50").status_code == 429
    login_delay.forget("admin")  # what docs/operations.md tells staff to run
    assert attempt(Client(), "pw-admin-1234", "203.0.113.50").status_code == 302
