"""The search's matching ids and the order of its page rows, at a size where the plan matters
(run the suite with DATABASE_URL=postgres://… for PostgreSQL)."""

import pytest
from django.db import connection

from initiatives.models import Initiative

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
        )
        for n in range(count)
    ]
    Initiative.objects.bulk_create(rows, batch_size=500)


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's plan")
def test_it_keeps_a_searchs_matches_to_the_published_from_a_narrow_index_on_sqlite(reference_data):
    bulk_initiatives(3000)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
        queryset = Initiative.objects.published()
        terms_sql = queryset.order_by().filter(queryset.text_condition(["sao"])).values("pk")
        sql, params = terms_sql.query.sql_with_params()
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
        plan = "\n".join(row[3] for row in cursor.fetchall())
    assert "COVERING INDEX initiative_published_ids" in plan, plan
    ids = queryset.search_ids("sao")
    expected = queryset.filter(slug__in=[f"bulk-{n}" for n in range(0, 3000, 3) if n % 10]).values_list("pk", flat=True)
    assert sorted(ids) == sorted(expected)
