"""The list's and the API's totals are counted once per catalogue version (initiatives.pagination)."""

import pytest

from initiatives.models import Initiative
from initiatives.pagination import CachedCountPaginator

pytestmark = pytest.mark.django_db


def count(queryset) -> int:
    return CachedCountPaginator(queryset, 10).count


def test_it_counts_a_selection_once_per_catalogue_version(make_initiative, django_assert_num_queries):
    make_initiative(country="BR")
    make_initiative(country="CO")
    brazil = Initiative.objects.published().filter(country="BR")

    with django_assert_num_queries(1):
        assert count(brazil) == 1
    with django_assert_num_queries(0):
        assert count(brazil.order_by("-name")) == 1  # the order does not change a total

    make_initiative(country="BR")  # a change: a new catalogue version
    with django_assert_num_queries(1):
        assert count(brazil.all()) == 2


def test_it_keeps_each_selection_its_own_total(make_initiative):
    for code in ("BR", "BR", "CO"):
        make_initiative(country=code)
    published = Initiative.objects.published()

    assert [count(published.filter(country=code)) for code in ("BR", "CO", "MX")] == [2, 1, 0]
    assert count(published) == 3


def test_it_counts_a_plain_list_without_the_cache():
    assert count(["a", "b", "c"]) == 3
