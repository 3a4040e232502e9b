"""A filtered list in its order: a country's page read in order from an index, any filtered page's
ids read alone before its rows, the same rows as sorting them all (run the suite with
DATABASE_URL=postgres://… for PostgreSQL)."""

from urllib.parse import urlencode

import pytest
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from initiatives.filters import InitiativeFilterSet
from initiatives.models import Initiative, Sector, Theme
from initiatives.pagination import PAGE_SIZE, CachedCountPaginator
from initiatives.translation import suffix

pytestmark = pytest.mark.django_db

LANGUAGES = ["en", "es", "pt-br"]


def page_sql(language: str, params: dict) -> tuple[str, list]:
    with translation.override(language):
        filterset = InitiativeFilterSet(QueryDict(urlencode(params)))
        assert filterset.is_valid(), filterset.errors
        queryset = filterset.qs.with_vocabularies()
        return queryset[PAGE_SIZE : 2 * PAGE_SIZE].query.sql_with_params()


def bulk_initiatives(count: int) -> None:
    """`count` initiatives over twelve countries, one in ten a draft, then the planner's statistics."""
    countries = ["BR", "CO", "MX", "AR", "PE", "CL", "EC", "BO", "UY", "PY", "CR", "GT"]
    rows = [
        Initiative(
            name=f"Iniciativa {n}",
            slug=f"bulk-{n}",
            country=countries[n % len(countries)],
            is_published=n % 10 != 0,
            kind=["cluster", "apl", "network"][n % 3],
            status="active" if n % 4 else "inactive",
            **{f"sort_key_{suffix(code)}": f"iniciativa {n:05d}" for code in LANGUAGES},
        )
        for n in range(count)
    ]
    Initiative.objects.bulk_create(rows, batch_size=500)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def plan(sql: str, params) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
        return "\n".join(row[3] for row in cursor.fetchall())


# PostgreSQL's planner weighs this index against reading initiative_pub_key_* and skipping other
# countries (no sort either way); at 100,000 it chooses it (docs/performance.md).
@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's plan")
@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("ordering", ["", "-name"])
def test_it_reads_the_first_page_in_name_order_from_an_index(reference_data, language, ordering):
    bulk_initiatives(6000)
    params = {"country": "BR", **({"ordering": ordering} if ordering else {})}
    text = plan(*page_sql(language, params))
    assert f"initiative_country_key_{suffix(language)}" in text, text
    assert "TEMP B-TREE" not in text, text


@pytest.fixture
def tied_countries(make_initiative):
    """Ninety initiatives over two countries whose names tie: repeated (ties broken by id), equal
    but for accents or case, translated differently per language; and a draft."""
    names = ["Polo São João", "Polo Sao Joao", "POLO SÃO JOÃO", "Açaí do Norte", "Avicultura Sul"]
    for n in range(90):
        make_initiative(
            name=names[n % len(names)] if n % 4 else f"Iniciativa {n:02d}",
            name_es=f"Iniciativa {90 - n:02d}" if n % 3 == 0 else "",
            name_en="Acai North" if n % 7 == 0 else "",
            country="BR" if n % 3 else "CO",
        )
    make_initiative(name="Açaí rascunho", country="BR", is_published=False)


def sorted_in_python(language: str, country: str, descending: bool) -> list[int]:
    key = f"sort_key_{suffix(language)}"
    rows = Initiative.objects.published().filter(country=country).values_list(key, "pk")
    return [pk for _, pk in sorted(rows, reverse=descending)]


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("ordering", ["", "name", "-name"])
@pytest.mark.parametrize("page_of", ["list", "country page"])
def test_it_shows_a_countrys_pages_in_name_order(client, tied_countries, language, ordering, page_of):
    with translation.override(language):
        if page_of == "list":
            url, params = reverse("initiatives:list"), {"country": "BR"}
        else:
            url, params = reverse("initiatives:country", args=["br"]), {}
    expected = sorted_in_python(language, "BR", descending=ordering == "-name")
    assert len(expected) == 60
    shown = []
    for number in (1, 2, 3):
        query = {**params, **({"ordering": ordering} if ordering else {}), "page": number}
        response = client.get(url, query)
        assert response.status_code == 200
        assert response.context["count"] == 60
        shown += [row.pk for row in response.context["page"].object_list]
    assert shown == expected


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's plan")
@pytest.mark.parametrize("params", [{"status": "active"}, {"kind": "cluster"}, {"country": "BR"}])
def test_it_reads_a_filtered_pages_rows_without_sorting_them_all(client, reference_data, params):
    bulk_initiatives(6000)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("initiatives:list"), {**params, "page": 2})
    assert response.status_code == 200
    assert len(response.context["page"].object_list) == PAGE_SIZE
    ordered = [query["sql"] for query in queries if 'ORDER BY "initiatives_initiative"."sort_key_' in query["sql"]]
    assert len(ordered) == 1, ordered
    for sql in ordered:
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}")
            text = "\n".join(row[3] for row in cursor.fetchall())
        assert "TEMP B-TREE FOR ORDER BY" not in text, (sql, text)


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's plan")
@pytest.mark.parametrize("ordering", ["created", "-created"])
def test_it_reads_a_kind_s_page_by_date_in_order_from_an_index(client, reference_data, ordering):
    bulk_initiatives(6000)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("initiatives:list"), {"kind": "cluster", "ordering": ordering, "page": 2})
    assert response.status_code == 200
    assert len(response.context["page"].object_list) == PAGE_SIZE
    ordered = [query["sql"] for query in queries if 'ORDER BY "initiatives_initiative"."created"' in query["sql"]]
    assert len(ordered) == 1, ordered
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN {ordered[0]}")
        text = "\n".join(row[3] for row in cursor.fetchall())
    assert "initiative_kind_created" in text and "TEMP B-TREE" not in text, text


@pytest.fixture
def varied_catalogue(tied_countries, make_initiative):
    """tied_countries, with kinds, statuses, sectors and themes spread over the same tied names."""
    for n, initiative in enumerate(Initiative.objects.order_by("pk")):
        initiative.kind = ["cluster", "apl", "network"][n % 3]
        initiative.status = "active" if n % 4 else "inactive"
        initiative.save()
        if n % 2:
            initiative.sectors.set(Sector.objects.filter(slug="acai"))
        if n % 5:
            initiative.themes.set(Theme.objects.filter(slug="circular-economy"))


def page_as_before(language: str, params: dict, number: int) -> list[int]:
    """The page as the list read it before: its whole rows sorted, then sliced."""
    with translation.override(language):
        filterset = InitiativeFilterSet(QueryDict(urlencode(params)))
        paginator = CachedCountPaginator(filterset.qs.with_vocabularies(), PAGE_SIZE)
        return [row.pk for row in paginator.page(number).object_list]


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize(
    "params",
    [
        {"status": "active"},
        {"kind": "cluster", "ordering": "-name"},
        {"sector": "acai"},
        {"theme": "circular-economy", "ordering": "country"},
        {"country": "BR", "kind": "apl"},
        {"country": "BR", "q": "polo"},
        {"status": "active", "ordering": "-created"},
        {"kind": "network", "ordering": "created"},
        {"kind": "cluster", "ordering": "-created"},
    ],
)
def test_it_shows_a_filtered_lists_pages_in_the_same_order_as_before(client, varied_catalogue, language, params):
    with translation.override(language):
        url = reverse("initiatives:list")
    shown = 0
    for number in (1, 2, 3):
        response = client.get(url, {**params, "page": number})
        assert response.status_code == 200
        page = response.context["page"]
        assert [row.pk for row in page.object_list] == page_as_before(language, params, number), number
        shown += len(page.object_list)
        if not page.has_next():
            break
    assert shown > PAGE_SIZE, "one page only: nothing paged to compare"
