"""Fixtures for the collaboration opportunities' tests: managers are made directly, with a
verified address and an approved Management row (the request flow is tested elsewhere)."""

import datetime
import itertools

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth.models import User
from django.core.cache import cache
from django.utils import timezone

from collaboration.models import Management, Opportunity
from collaboration.opportunities import publish
from initiatives.models import Sector, Theme

_numbers = itertools.count(1)


def make_account(email, verified=True):
    user = User.objects.create_user(email.split("@")[0] + str(next(_numbers)), email, "pw-manager-1234")
    EmailAddress.objects.create(user=user, email=email, verified=verified, primary=True)
    return user


def make_manager(initiative, email=None, verified=True, trusted=False):
    user = make_account(email or f"manager{next(_numbers)}@example.org", verified=verified)
    Management.objects.create(
        user=user, initiative=initiative, status=Management.Status.APPROVED, trusted=trusted, who_they_are="Director"
    )
    return user


def make_opportunity(initiative, author, *, published=True, countries=(), themes=(), sectors=(), **fields):
    fields.setdefault("kind", Opportunity.Kind.JOINT_PROJECT)
    fields.setdefault("title", f"Opportunity {next(_numbers)}")
    fields.setdefault("description", "Let us work together.")
    fields.setdefault("language", "en")
    fields.setdefault("closes_on", timezone.localdate() + datetime.timedelta(days=30))
    opportunity = Opportunity(initiative=initiative, author=author, **fields)
    publish(
        opportunity,
        countries=countries,
        themes=[Theme.objects.get(slug=t) for t in themes],
        sectors=[Sector.objects.get(slug=s) for s in sectors],
    )
    if published and not opportunity.is_published:
        opportunity.is_published = True
        opportunity.published_at = timezone.now()
        opportunity.save()
    return opportunity


@pytest.fixture
def collaboration_isolation(settings, mailoutbox):
    """Fresh rate-limit counters; mail in the test outbox."""
    cache.clear()
    yield mailoutbox
    cache.clear()


@pytest.fixture
def coffee_cluster(make_initiative):
    return make_initiative(
        name="Cluster Agroalimentario", slug="cluster-agroalimentario", country="CO", sectors=["coffee"], language="es"
    )


@pytest.fixture
def coffee_polo(make_initiative):
    return make_initiative(
        name="Polo do Café do Cerrado", slug="polo-cafe-cerrado", country="BR", sectors=["coffee"], language="pt-br"
    )


@pytest.fixture
def cluster_manager(coffee_cluster):
    return make_manager(coffee_cluster, "ana@cluster.example.co")
