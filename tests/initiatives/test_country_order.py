"""A country's list in name order: its page read in order from an index, the same rows as a sort
(run the suite with DATABASE_URL=postgres://… for PostgreSQL)."""

from urllib.parse import urlencode

import pytest
from django.db import connection
from django.http import QueryDict
from django.urls import reverse
from django.utils import translation

from initiatives.filters import InitiativeFilterSet
from initiatives.models import Initiative
from initiatives.pagination import PAGE_SIZE
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
