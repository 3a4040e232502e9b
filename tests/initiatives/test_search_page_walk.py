"""The page of a search's many matches on SQLite read by walking the name's index in order
(InitiativeQuerySet._ids_walking_in_order) gives the pages pinned in test_search_pinned, in every
language and ordering, whether the walk finds its page or gives up and sorts the list of ids."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from initiatives import page_ids

from .test_search_pinned import LANGUAGES, ORDERINGS, QUERIES, SNAPSHOTS, public_catalogue, translation_pages

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "sqlite", reason="the walk is SQLite's"),
]

__all__ = ["public_catalogue"]


def sorted_through_ids(captured) -> int:
    """How many of the captured queries read a page's ids by sorting the list of matches."""
    return sum(1 for query in captured if "json_each" in query["sql"] and " LIMIT " in query["sql"])


@pytest.mark.parametrize("walk", [3, 1])
def test_it_walks_the_names_index_to_the_same_pages(public_catalogue, monkeypatch, walk):
    # The real catalogue has 164 initiatives: every search of it is worth walking here.
    monkeypatch.setattr(page_ids, "MATCHES_WORTH_WALKING", 1)
    monkeypatch.setattr(page_ids, "MATCHES_WALK", walk)
    expected = json.loads((SNAPSHOTS / "sqlite.json").read_text(encoding="utf-8"))
    with CaptureQueriesContext(connection) as captured:
        for language in LANGUAGES:
            for query in QUERIES:
                for ordering in ORDERINGS:
                    key = f"{language} q={query} ordering={ordering}"
                    assert translation_pages(language, query, ordering) == expected[key], key
    by_name = {query["sql"] for query in captured if "json_each" not in query["sql"] and "ORDER BY" in query["sql"]}
    assert any('WHERE "initiatives_initiative"."is_published" ORDER BY' in sql for sql in by_name)


def test_it_sorts_the_list_of_matches_when_the_walk_finds_too_few(public_catalogue, monkeypatch):
    monkeypatch.setattr(page_ids, "MATCHES_WORTH_WALKING", 1)
    monkeypatch.setattr(page_ids, "MATCHES_WALK", 0)
    expected = json.loads((SNAPSHOTS / "sqlite.json").read_text(encoding="utf-8"))
    with CaptureQueriesContext(connection) as captured:
        assert translation_pages("en", "cluster", "") == expected["en q=cluster ordering="]
    assert sorted_through_ids(captured.captured_queries) >= 1


def test_it_leaves_few_matches_to_the_sort(public_catalogue):
    expected = json.loads((SNAPSHOTS / "sqlite.json").read_text(encoding="utf-8"))
    with CaptureQueriesContext(connection) as captured:
        assert translation_pages("pt-br", "cluster", "name") == expected["pt-br q=cluster ordering=name"]
    assert sorted_through_ids(captured.captured_queries) >= 1
