"""A search's matches and the order of its pages on the real public catalogue (164 initiatives,
load_public_initiatives), pinned against how they were before their ids were read faster: every
query in three languages and every ordering, page by page as the list shows them. One snapshot
per database (PostgreSQL ranks by word similarity). To take them again on purpose:
WRITE_SEARCH_SNAPSHOTS=1 pytest this module, then read the diff before committing it.
"""

import json
import os
from pathlib import Path
from urllib.parse import urlencode

import pytest
from django.core.management import call_command
from django.db import connection
from django.http import QueryDict
from django.utils import translation

from initiatives.models import Initiative
from initiatives.pagination import paginate
from initiatives.selection import select

pytestmark = pytest.mark.django_db

SNAPSHOTS = Path(__file__).parent / "snapshots" / "search"
# Words in names, places, sectors and Rotas; a place named exactly (ranked first); a short word
# (no trigram); several words; a word of exactly three letters; one matching nothing.
QUERIES = ["cluster", "sao", "rota mel", "colombia", "para", "ab", "agro ind", "tecnologia", "zzzz"]
ORDERINGS = ["", "name", "-name", "country", "-country", "created", "-created"]
LANGUAGES = ["pt-br", "es", "en"]


def pages(query: str, ordering: str) -> list[str]:
    """Every page of the list for this search, each as its slugs, read the way the list view does."""
    params = {"q": query, **({"ordering": ordering} if ordering else {})}
    selection = select(QueryDict(urlencode(params)))
    rows = Initiative.objects.published()
    first, _notice = paginate(selection.queryset, None, selection.known_count(), rows=rows)
    found = [" ".join(row.slug for row in first.object_list)]
    for number in range(2, first.paginator.num_pages + 1):
        page, _notice = paginate(selection.queryset, str(number), selection.known_count(), rows=rows)
        found.append(" ".join(row.slug for row in page.object_list))
    return found


@pytest.fixture
def public_catalogue(reference_data):
    call_command("load_public_initiatives", verbosity=0)


def test_a_searchs_matches_and_pages_are_those_of_before(public_catalogue):
    taken = {
        f"{language} q={query} ordering={ordering}": translation_pages(language, query, ordering)
        for language in LANGUAGES
        for query in QUERIES
        for ordering in ORDERINGS
    }
    snapshot = SNAPSHOTS / f"{connection.vendor}.json"
    if os.environ.get("WRITE_SEARCH_SNAPSHOTS"):
        snapshot.parent.mkdir(parents=True, exist_ok=True)
        snapshot.write_text(json.dumps(taken, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    expected = json.loads(snapshot.read_text(encoding="utf-8"))
    assert sum(len(page.split()) for found in expected.values() for page in found) > 1000  # a real catalogue
    for key, found in expected.items():
        assert taken[key] == found, key


def translation_pages(language: str, query: str, ordering: str) -> list[str]:
    with translation.override(language):
        return pages(query, ordering)
