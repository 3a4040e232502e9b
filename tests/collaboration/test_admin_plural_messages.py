"""The admin's action messages count in words: "1 request approved.", "2 requests approved.",
never "request(s)"."""

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth.models import User

from collaboration.models import Management, ProfileChange

pytestmark = pytest.mark.django_db


def verified_manager(name: str) -> User:
    """A manager whose address is verified, so staff's decisions reach them and no warning joins the count."""
    user = User.objects.create_user(name, f"{name}@example.org")
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


def run_action(admin_client, model: str, action: str, objects) -> list[str]:
    response = admin_client.post(
        f"/en/admin/collaboration/{model}/",
        {"action": action, "_selected_action": [o.pk for o in objects]},
        follow=True,
    )
    return [str(message) for message in response.context["messages"]]


@pytest.fixture
def requests_for(make_initiative):
    initiative = make_initiative()

    def make(count: int, status="requested") -> list[Management]:
        start = Management.objects.count()
        return [
            Management.objects.create(
                user=verified_manager(f"u{start + n}"),
                initiative=initiative,
                who_they_are="Coordinator",
                status=status,
            )
            for n in range(count)
        ]

    return make


@pytest.mark.parametrize(
    "action, status, one, two",
    [
        ("approve", "requested", "1 request approved.", "2 requests approved."),
        ("refuse", "requested", "1 request refused.", "2 requests refused."),
        ("revoke", "approved", "1 manager revoked.", "2 managers revoked."),
    ],
)
def test_it_counts_decided_requests_in_words(admin_client, requests_for, action, status, one, two):
    assert run_action(admin_client, "management", action, requests_for(1, status)) == [one]
    assert run_action(admin_client, "management", action, requests_for(2, status)) == [two]


@pytest.mark.parametrize(
    "action, one, two",
    [
        ("publish", "1 change published.", "2 changes published."),
        ("reject", "1 change rejected.", "2 changes rejected."),
    ],
)
def test_it_counts_reviewed_profile_changes_in_words(admin_client, make_initiative, action, one, two):
    initiative = make_initiative()

    def changes(count):
        start = ProfileChange.objects.count()
        return [
            ProfileChange.objects.create(
                initiative=initiative, author=verified_manager(f"author{start + n}"), values={"member_count": 12}
            )
            for n in range(count)
        ]

    assert run_action(admin_client, "profilechange", action, changes(1)) == [one]
    assert run_action(admin_client, "profilechange", action, changes(2)) == [two]
