"""One visitor address (TRUSTED_PROXIES) for the public forms' rate limit, the admin login lockout
and the API throttle: a client cannot forge a fresh budget, and behind proxies each visitor keeps
their own."""

import pytest
from axes.models import AccessAttempt
from django.test import RequestFactory
from django.urls import reverse

from hub.models import Interest
from initiatives.client_address import client_address

from ..throttle import fresh_throttle_counts  # noqa: F401  (autouse)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

PROXY = "10.0.0.2"  # the last proxy, as the app sees the connection
VISITOR, OTHER_VISITOR = "198.51.100.7", "198.51.100.8"


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def via_proxies(visitor, proxies, forged=""):
    """The request's META as it reaches the app through `proxies` reverse proxies that each append
    the address they saw to X-Forwarded-For; the client may have sent a header of its own."""
    hops = [visitor] + [f"10.0.1.{n}" for n in range(1, proxies)]
    chain = ", ".join(filter(None, [forged, *hops]))
    return {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": chain}


@pytest.mark.parametrize(
    ("proxies", "meta", "expected"),
    [
        (0, {"REMOTE_ADDR": "203.0.113.5", "HTTP_X_FORWARDED_FOR": "1.1.1.1"}, "203.0.113.5"),
        (1, via_proxies(VISITOR, 1), VISITOR),
        (1, via_proxies(VISITOR, 1, forged="1.1.1.1, 2.2.2.2"), VISITOR),
        (2, via_proxies(VISITOR, 2, forged="1.1.1.1"), VISITOR),
        (3, via_proxies("2001:db8::7", 3, forged="junk, ::1"), "2001:db8::7"),
        # A chain shorter than the proxies (a probe on the proxy host itself): the connection.
        (2, {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": VISITOR}, PROXY),
        (1, {"REMOTE_ADDR": PROXY}, PROXY),
        (1, {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": "not an address"}, PROXY),
        (0, {"REMOTE_ADDR": ""}, None),  # a request made in code (force_login): nothing to store
    ],
)
def test_it_reads_the_visitor_from_the_entry_the_trusted_proxies_appended(settings, proxies, meta, expected):
    settings.TRUSTED_PROXIES = proxies
    assert client_address(RequestFactory().get("/", **meta)) == expected


@pytest.fixture
def initiative(make_initiative):
    return make_initiative()


def interest(client, initiative, meta):
    data = {"name": "Rui", "organisation": "", "email": "rui@example.org", "message": "Olá", "homepage": ""}
    return client.post(reverse("hub:interest", args=[initiative.slug]), data, **meta).status_code


def test_it_gives_no_fresh_form_budget_for_a_forged_forwarded_for_entry(client, settings, initiative):
    settings.TRUSTED_PROXIES, settings.HUB_FORM_RATE_LIMIT = 1, 2
    settings.CLIENT_ADDRESS_HEADER = "HTTP_X_FORWARDED_FOR"  # how the forms were once told of a proxy: now unread
    statuses = [interest(client, initiative, via_proxies(VISITOR, 1, forged=f"192.0.2.{n}")) for n in range(4)]
    assert statuses == [302, 302, 429, 429]
    assert Interest.objects.count() == 2


@pytest.mark.parametrize("proxies", [1, 2])
def test_it_gives_each_visitor_behind_the_proxies_a_form_budget_of_their_own(client, settings, initiative, proxies):
    settings.TRUSTED_PROXIES, settings.HUB_FORM_RATE_LIMIT = proxies, 1
    assert interest(client, initiative, via_proxies(VISITOR, proxies)) == 302
    assert interest(client, initiative, via_proxies(VISITOR, proxies)) == 429
    # Spam caught by the honeypot from one visitor no longer uses up everyone's budget.
    assert interest(client, initiative, via_proxies(OTHER_VISITOR, proxies)) == 302


def test_it_counts_the_same_visitor_for_the_forms_the_login_lockout_and_the_api(
    client, settings, superuser, initiative
):
    settings.TRUSTED_PROXIES, settings.HUB_FORM_RATE_LIMIT = 2, 1
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "2/min", "exports": "1/min"},
    }

    def forged(n):  # every request forges another first entry
        return via_proxies(VISITOR, 2, forged=f"192.0.2.{n}")

    # The hub's form.
    assert [interest(client, initiative, forged(n)) for n in range(2)] == [302, 429]
    assert interest(client, initiative, via_proxies(OTHER_VISITOR, 2)) == 302

    # The admin login lockout.
    login = {"username": "admin", "password": "wrong", "next": reverse("admin:index")}
    statuses = [client.post(reverse("admin:login"), login, **forged(n)).status_code for n in range(5)]
    assert statuses == [200, 200, 200, 200, 429]
    assert list(AccessAttempt.objects.values_list("ip_address", flat=True)) == [VISITOR]
    right = {**login, "password": "pw-admin-1234"}
    assert client.post(reverse("admin:login"), right, **via_proxies(OTHER_VISITOR, 2)).status_code == 302
    client.logout()

    # The API throttle (different pages: a repeated page comes from the page cache).
    statuses = [client.get(f"/api/initiatives/?page_size={n}", **forged(n)).status_code for n in range(1, 4)]
    assert statuses == [200, 200, 429]
    assert client.get("/api/initiatives/?page_size=9", **via_proxies(OTHER_VISITOR, 2)).status_code == 200


@pytest.mark.slow
@pytest.mark.parametrize("retired", ["CLIENT_ADDRESS_HEADER", "CLIENT_IP_HEADER", "API_NUM_PROXIES"])
def test_it_refuses_to_start_with_a_retired_client_address_setting(retired):
    from .test_settings import run_check

    result = run_check(**{retired: "HTTP_X_REAL_IP"})
    assert result.returncode != 0
    assert result.stderr.strip().splitlines()[-1] == (
        f"{retired} is no longer read: set TRUSTED_PROXIES to the number of reverse proxies instead."
    )
    assert run_check(TRUSTED_PROXIES="1").returncode == 0
