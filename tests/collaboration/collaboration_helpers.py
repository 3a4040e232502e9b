"""Managers' accounts through allauth's real flows: the sign-up form, the link in the test outbox."""

import re

import pytest
from django.contrib.auth.models import User
from django.core import mail

from collaboration.models import Management

PASSWORD = "a-Long-pass-phrase-42"
LINK = re.compile(r"https?://[^\s]+/accounts/confirm-email/[^\s]+/")


def verification_link(address: str) -> str:
    message = next(m for m in reversed(mail.outbox) if address in m.to)
    return LINK.search(message.body).group(0).split("testserver", 1)[-1]


def sign_up(client, email: str, password: str = PASSWORD, language: str = "en"):
    return client.post(f"/{language}/accounts/signup/", {"email": email, "password1": password, "password2": password})


def verify(client, email: str):
    link = verification_link(email)
    assert client.get(link).status_code == 200  # the page with the button: a GET confirms nothing
    return client.post(link)


def signed_up_manager(client, email: str) -> User:
    """Sign up and verify through the site; the client is then logged in."""
    sign_up(client, email)
    verify(client, email)
    return User.objects.get(email=email)


def reauthenticate(client, next_url: str):
    """allauth asks for the password again before sensitive pages (export, deletion)."""
    response = client.get(next_url)
    assert response.status_code == 302 and "/accounts/reauthenticate/" in response["Location"]
    response = client.post(response["Location"], {"password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == next_url


@pytest.fixture
def manager_of(client):
    """A verified manager, logged in on `client`, approved for the initiative given."""

    def make(initiative, email="ana@cluster.example", trusted=False):
        user = signed_up_manager(client, email)
        Management.objects.create(
            user=user, initiative=initiative, who_they_are="Ana, coordinator", status="approved", trusted=trusted
        )
        return user

    return make


# Helpers for the browser journeys (Playwright pages; no import of Playwright needed here).
STAFF_USERNAME = "moderator"
STAFF_PASSWORD = "pw-moderator-1234"


def log_in(page, email: str, password: str, language: str = "en"):
    page.goto(f"/{language}/accounts/login/")
    page.fill("#id_login", email)
    page.fill("#id_password", password)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(f"**/{language}/manage/")
    return page


def log_in_staff(page):
    """Creates the superuser and logs it into the English admin."""
    User.objects.create_superuser(STAFF_USERNAME, "moderator@example.org", STAFF_PASSWORD)
    page.goto("/en/admin/login/")
    page.fill("#id_username", STAFF_USERNAME)
    page.fill("#id_password", STAFF_PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url("**/en/admin/")
    return page


def admin_action(staff, path: str, action: str, pk=None) -> str:
    """Runs an admin action on the row `pk` (the first row without it); returns the admin's message."""
    staff.goto(path)
    row = f"input[name=_selected_action][value='{pk}']" if pk else "#result_list tbody input.action-select"
    staff.locator(row).first.check()
    staff.select_option("select[name=action]", action)
    staff.click("button[name=index]")
    return staff.locator("ul.messagelist").inner_text()
