"""The search's matching ids and the order of its page rows, at a size where the plan matters
(run the suite with DATABASE_URL=postgres://… for PostgreSQL)."""

import re

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import translation

from initiatives import page_ids
from initiatives.filters import InitiativeFilterSet
from initiatives.models import Initiative
from initiatives.pagination import PAGE_SIZE, CachedCountPaginator

pytestmark = pytest.mark.django_db


def bulk_initiatives(count: int, drafts_every: int = 10) -> None:
    """`count` initiatives, one in `drafts_every` a draft, whose folded text holds "sao" in every
    third (triggers keep the search indexes of both databases)."""
    filler = " ".join(f"palavra{n}" for n in range(40))
    rows = [
        Initiative(
            name=f"Iniciativa {n}",
            slug=f"bulk-{n}",
            country="BR",
            is_published=n % drafts_every != 0,
            name_key=f"iniciativa {n}",
            search_text=f"iniciativa {n} {'sao' if n % 3 == 0 else 'rio'} {filler}",
            own_search_text=f"iniciativa {n} {'sao' if n % 3 == 0 else 'rio'} {filler}",
        )
        for n in range(count)
    ]
    Initiative.objects.bulk_create(rows, batch_size=500)


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's plan")
def test_it_keeps_a_searchs_matches_to_the_published_from_a_narrow_index_on_sqlite(reference_data):
    bulk_initiatives(8000)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
        queryset = Initiative.objects.published()
        matching = queryset.order_by().filter(queryset.text_condition(["sao"])).values_list("pk", flat=True)
        sql, params = matching[:30_001].query.sql_with_params()
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
        plan = "\n".join(row[3] for row in cursor.fetchall())
    # Either narrow index answers it (initiative_published_by_id, partial, serves the facets too):
    # never the wide rows of the table.
    assert re.search(r"SEARCH initiatives_initiative USING COVERING INDEX initiative_published_(ids|by_id)", plan), plan
    ids = queryset.search_ids("sao")
    expected = queryset.filter(slug__in=[f"bulk-{n}" for n in range(0, 8000, 3) if n % 10]).values_list("pk", flat=True)
    assert sorted(ids) == sorted(expected)


@pytest.fixture
def tied_catalogue(make_initiative):
    """Sixty published initiatives whose names tie in every way the ranking can tie: the same
    name many times (ties broken by id), names differing only by accents or case, names
    translated differently per language, a place named like a query; and drafts that match."""
    names = ["Polo São João", "Polo Sao Joao", "POLO SÃO JOÃO", "São Paulo Mel", "Rota do Mel São Bento"]
    for n in range(60):
        name = names[n % len(names)] if n % 4 else f"Iniciativa {n:02d} de São Roque"
        make_initiative(
            name=name,
            name_es=f"Iniciativa {60 - n:02d} São" if n % 3 == 0 else "",
            country="BR" if n % 2 else "CO",
            regions=["BR-PA"] if n % 7 == 0 else [],
            description="Mel e cacau." if n % 5 == 0 else "",
        )
    make_initiative(name="Polo São João rascunho", is_published=False)


def page_rows_as_before(language: str, params: dict, number: int) -> list[int]:
    """The page as the list read it before: its whole rows sorted, then sliced."""
    with translation.override(language):
        paginator = CachedCountPaginator(InitiativeFilterSet(params).qs.with_vocabularies(), PAGE_SIZE)
        return [row.pk for row in paginator.page(number).object_list]


@pytest.mark.parametrize("language", ["en", "es", "pt-br"])
@pytest.mark.parametrize(
    "params",
    [{"q": "sao"}, {"q": "polo sao"}, {"q": "rota mel"}, {"q": "s"}, {"q": "para"}, {"q": "sao", "ordering": "-name"}],
)
def test_it_shows_a_searchs_pages_in_the_same_order_as_before(client, tied_catalogue, language, params):
    with translation.override(language):
        url = reverse("initiatives:list")
    total = None
    for number in (1, 2, 3):
        response = client.get(url, {**params, "page": number})
        assert response.status_code == 200
        page = response.context["page"]
        total = page.paginator.count
        assert [row.pk for row in page.object_list] == page_rows_as_before(language, params, number), (number, total)
        if not page.has_next():
            break
    assert total, "the search found nothing: nothing compared"


@pytest.mark.parametrize("page", ["1", "2", "999", "abc"])
def test_it_shows_an_empty_page_when_a_search_matches_nothing(client, tied_catalogue, page):
    response = client.get(reverse("initiatives:list"), {"q": "nothing like this", "page": page})
    assert response.status_code == 200
    assert list(response.context["page"].object_list) == []
    assert response.context["count"] == 0


def test_it_moves_a_page_beyond_a_searchs_last_to_its_last(client, tied_catalogue):
    response = client.get(reverse("initiatives:list"), {"q": "sao", "page": "999"})
    page = response.context["page"]
    assert page.number == page.paginator.num_pages > 1
    assert [row.pk for row in page.object_list] == page_rows_as_before("en", {"q": "sao"}, page.number)


@pytest.fixture
def names_near_and_whole(reference_data):
    """80 published initiatives matching "sao": half hold it as a whole word ("polo sao 001", a word
    similarity of 1), half inside a longer word ("aldeia saoz 000", less) and sort first by name."""
    rows = []
    for n in range(80):
        name = f"polo sao {n:03d}" if n % 2 else f"aldeia saoz {n:03d}"
        rows.append(
            Initiative(
                name=name,
                slug=f"near-{n}",
                country="BR",
                is_published=True,
                name_key=name,
                search_text=name,
                own_search_text=name,
            )
        )
    Initiative.objects.bulk_create(rows)


def similarities_computed(queryset, bottom: int, top: int) -> int:
    """How many times PostgreSQL computed word_similarity() for queryset.page_ids(bottom, top), from
    its own count of this transaction's function calls."""
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL track_functions = 'all'")
        # The plan of a large catalogue (the name's index read in order); eighty rows are sorted.
        cursor.execute("SET LOCAL enable_sort = off")
        cursor.execute("SET LOCAL enable_seqscan = off")
        count = "SELECT coalesce(pg_stat_get_xact_function_calls('word_similarity(text,text)'::regprocedure), 0)"
        cursor.execute(count)
        before = cursor.fetchone()[0]
        queryset.page_ids(bottom, top)
        cursor.execute(count)
        return cursor.fetchone()[0] - before


@pytest.mark.skipif(connection.vendor != "postgresql", reason="word similarity is PostgreSQL's ranking")
def test_it_reads_a_searchs_first_page_without_ranking_every_match(names_near_and_whole):
    queryset = InitiativeFilterSet({"q": "sao"}).qs
    ids = queryset.page_ids(0, PAGE_SIZE)
    assert len(ids) == PAGE_SIZE
    assert ids == list(queryset.values_list("pk", flat=True)[:PAGE_SIZE])
    computed = similarities_computed(queryset, 0, PAGE_SIZE)
    assert 0 < computed < 80, computed


@pytest.mark.skipif(connection.vendor != "postgresql", reason="word similarity is PostgreSQL's ranking")
@pytest.mark.parametrize("probe", [1000, 30, 10])
def test_it_orders_a_searchs_pages_by_similarity_then_name_whichever_way_it_reads_them(
    names_near_and_whole, monkeypatch, probe
):
    monkeypatch.setattr(page_ids, "SIMILARITY_PROBE", probe)
    queryset = InitiativeFilterSet({"q": "sao"}).qs
    for bottom, top in [(0, 24), (24, 48), (48, 72), (72, 80), (0, 40), (0, 41)]:
        expected = list(queryset.values_list("pk", flat=True)[bottom:top])
        assert queryset.page_ids(bottom, top) == expected, (bottom, top)
    # The whole-word names first, by name; the others after them.
    names = list(Initiative.objects.filter(pk__in=queryset.page_ids(0, 41)).values_list("pk", "name"))
    by_pk = dict(names)
    shown = [by_pk[pk] for pk in queryset.page_ids(0, 41)]
    assert shown[:40] == sorted(f"polo sao {n:03d}" for n in range(1, 80, 2))
    assert shown[40].startswith("aldeia saoz")
