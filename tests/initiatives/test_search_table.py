"""PostgreSQL's narrow copy of the search text (initiatives.search_table) follows every way of
writing an initiative, and a search of the published initiatives reads it alone (run with
DATABASE_URL=postgres://…; on SQLite only the matches are checked)."""

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from initiatives import facet_rows, search_table
from initiatives.models import FacetRow, Initiative, Region, Sector
from initiatives.text import search_terms

pytestmark = pytest.mark.django_db
postgresql_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="the table is PostgreSQL's")


def copied() -> set[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id, is_published, search_text FROM {search_table.TABLE}")  # noqa: S608
        return set(cursor.fetchall())


def from_scratch() -> set[tuple]:
    return set(Initiative.objects.values_list("pk", "is_published", "own_search_text"))


def matched_from_scratch(query: str) -> list[int]:
    """The published initiatives whose text holds every word, found in Python."""
    terms = search_terms(query)
    rows = Initiative.objects.published().values_list("pk", "search_text")
    return sorted(pk for pk, text in rows if all(term in text for term in terms))


def assert_in_step(*queries: str) -> None:
    if connection.vendor == "postgresql":
        assert copied() == from_scratch()
    for query in queries:
        assert sorted(Initiative.objects.published().search_ids(query)) == matched_from_scratch(query), query


@postgresql_only
def test_the_copy_follows_every_way_of_writing_an_initiative(make_initiative):
    saved = make_initiative(name="Polo Jabuticaba", regions=["BR-PA"], sectors=["coffee"])
    other = make_initiative(name="Polo Cambuci", is_published=False)
    assert_in_step("jabuticaba", "cambuci", "cafe", "para")

    saved.name = "Polo Pitanga"  # save
    saved.save()
    assert_in_step("jabuticaba", "pitanga")
    Initiative.objects.filter(pk=saved.pk).update(search_text="polo umbu", own_search_text="polo umbu")  # update()
    assert_in_step("pitanga", "umbu")
    with connection.cursor() as cursor:  # raw SQL
        cursor.execute(
            "UPDATE initiatives_initiative SET search_text = 'polo cagaita', own_search_text = 'polo cagaita' "
            "WHERE id = %s",
            [saved.pk],
        )
    assert_in_step("umbu", "cagaita")
    saved.refresh_from_db()

    other.is_published = True  # publish, then unpublish
    other.save()
    assert_in_step("cambuci")
    Initiative.objects.filter(pk=other.pk).update(is_published=False)
    assert_in_step("cambuci")

    saved.regions.add(Region.objects.get(code="BR-CE"))  # m2m add, remove, clear
    assert_in_step("ceara", "para")
    saved.regions.remove(Region.objects.get(code="BR-CE"))
    assert_in_step("ceara")
    saved.sectors.clear()
    assert_in_step("cafe", "coffee")
    Sector.objects.get(slug="cocoa").initiatives.add(saved, other)  # from the other side
    assert_in_step("cacau")

    cocoa = Sector.objects.get(slug="cocoa")  # a vocabulary renamed
    cocoa.name_pt_br = "Cacau Fino"
    cocoa.save()
    assert_in_step("fino")
    region = Region.objects.get(code="BR-PA")  # a region renamed
    saved.regions.set([region])
    region.name = "Grão-Pará"
    region.save()
    assert_in_step("grao", "para")

    [bulk] = Initiative.objects.bulk_create(  # bulk writes
        [
            Initiative(
                name="Umbu",
                slug="umbu",
                country="BR",
                is_published=True,
                search_text="umbu caatinga",
                own_search_text="umbu caatinga",
            )
        ]
    )
    assert_in_step("caatinga")
    Initiative.objects.filter(pk=bulk.pk).delete()  # delete
    saved.delete()
    assert_in_step("caatinga", "cacau", "grao")
    other.refresh_from_db()
    assert copied() == from_scratch() == {(other.pk, False, other.own_search_text)}


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_a_truncate_empties_the_copy(make_initiative):
    """A test database's flush truncates the initiatives: a copy left behind would match ids that
    no longer exist."""
    make_initiative(name="Polo Jabuticaba")
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE initiatives_initiative CASCADE")
    assert copied() == set()


@postgresql_only
def test_it_puts_back_a_missing_trigger_and_the_rebuild_copies_everything_again(make_initiative):
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TRIGGER {search_table.ROW_TRIGGER} ON initiatives_initiative")
    written = make_initiative(name="Polo Cagaita")  # while the trigger is missing
    assert copied() != from_scratch()

    assert search_table.repair(connection)
    assert_in_step("cagaita")
    assert not search_table.repair(connection)  # nothing left to repair

    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {search_table.TABLE} SET search_text = 'damaged'")  # noqa: S608
    call_command("rebuild_search_index", verbosity=0)
    assert_in_step("cagaita", "damaged")
    assert written.pk in Initiative.objects.published().search_ids("cagaita")


def test_the_published_matches_are_read_from_the_copy_alone(make_initiative):
    """Checking each match against the initiatives' wide rows cost about twice the match itself
    at 12,000 matches."""
    kept = make_initiative(name="Consórcio do Mel")
    draft = make_initiative(name="Consórcio Rascunho", is_published=False)
    make_initiative(name="Polo Consor Orcio")
    with CaptureQueriesContext(connection) as queries:
        assert Initiative.objects.published().search_ids("consorcio") == [kept.pk]
    # One read of the text (on PostgreSQL inside a savepoint, between setting sequential scans off and back).
    # The vocabulary (and its token) read to find the terms naming the word aside (search_index.terms_naming).
    vocabulary = ("initiatives_facetcount", '"initiatives_sector"', '"initiatives_program"', '"initiatives_route"')
    settings = ("SAVEPOINT", "enable_seqscan", *vocabulary)
    [sql] = [q["sql"] for q in queries.captured_queries if not any(word in q["sql"] for word in settings)]
    reads_initiatives = '"initiatives_initiative"' in sql or "FROM initiatives_initiative " in sql
    assert reads_initiatives == (connection.vendor != "postgresql"), sql
    # Any other selection keeps matching over the initiatives themselves.
    assert sorted(Initiative.objects.search_ids("consorcio")) == [kept.pk, draft.pk]
    assert Initiative.objects.published().filter(country="BR").search_ids("mel") == []


@postgresql_only
def test_a_migration_may_still_alter_the_columns_the_copy_follows():
    """A trigger naming its columns (UPDATE OF) makes PostgreSQL refuse to alter their type."""
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE initiatives_initiative ALTER COLUMN search_text TYPE varchar(20000)")
        cursor.execute("ALTER TABLE initiatives_initiative ALTER COLUMN is_published TYPE boolean USING is_published")
        cursor.execute(f"SELECT COUNT(*) FROM {search_table.TABLE}")  # noqa: S608
        assert cursor.fetchone() == (0,)


def seqscan_setting() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('enable_seqscan')")
        return cursor.fetchone()[0]


@postgresql_only
@pytest.mark.parametrize("read", ["search_ids", "search_matches"])
def test_a_search_reads_the_copy_with_sequential_scans_off_then_puts_the_setting_back(make_initiative, read):
    """The planner chose a sequential scan of the copy for a common word (145 ms against 22 ms
    through the trigram index at 100,000): the search's read runs with sequential scans off."""
    cafe = make_initiative(name="Cluster do Café")
    make_initiative(name="Polo do Mel")
    with CaptureQueriesContext(connection) as queries:
        found = getattr(Initiative.objects.published(), read)("cafe")
    ids = found[0] if read == "search_matches" else found
    assert ids == [cafe.pk]
    statements = [query["sql"] for query in queries.captured_queries]
    reads = [n for n, sql in enumerate(statements) if search_table.TABLE in sql and "LIKE" in sql]
    assert len(reads) == 1
    before, after = statements[reads[0] - 1], statements[reads[0] + 1]
    assert "set_config('enable_seqscan', 'off', true)" in before
    assert "set_config('enable_seqscan'," in after
    assert seqscan_setting() == "on"


@postgresql_only
def test_the_copy_is_read_through_its_trigram_index_inside_read_through_index(make_initiative):
    for n in range(30):
        make_initiative(name=f"Cluster do Café {n}")
    sql, params = search_table.published_matches(search_terms("cafe"))
    with search_table.read_through_index(connection), connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "initiatives_search_text_trgm" in plan, plan


def copied_facets() -> dict[int, tuple]:
    """The facet rows the copy carries for the published initiatives, and the table's own."""
    columns = ", ".join(["id", *search_table.FACETS])
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {columns} FROM {search_table.TABLE} WHERE is_published")  # noqa: S608
        copied = {pk: tuple(values) for pk, *values in cursor.fetchall()}
    return copied, {pk: tuple(values) for pk, *values in FacetRow.objects.values_list("id", *search_table.FACETS)}


@postgresql_only
def test_it_puts_back_the_facet_rows_trigger_and_the_rebuild_copies_the_facet_rows_again(make_initiative):
    kept = make_initiative(name="Polo Cagaita", sectors=["coffee"])
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TRIGGER {next(iter(search_table.FACETS_TRIGGERS))} ON {facet_rows.TABLE}")
    Initiative.objects.filter(pk=kept.pk).update(
        status="inactive"
    )  # while the trigger is missing: the text is unchanged
    copied, table = copied_facets()
    assert copied != table and kept.pk in table

    assert search_table.repair(connection)
    assert copied_facets()[0] == table
    assert not search_table.repair(connection)  # nothing left to repair

    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {search_table.TABLE} SET one_valued = 'ZZ|cluster|active||', sectors = ''")  # noqa: S608
    call_command("rebuild_search_index", verbosity=0)
    assert copied_facets() == (table, table)


@postgresql_only
def test_the_copy_follows_the_initiatives_without_the_facet_rows_table(make_initiative):
    """Migrated back past the facet rows (0019), the copy's trigger still copies the text."""
    facet_rows.drop_triggers(connection)
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE {facet_rows.TABLE}")
    make_initiative(name="Polo Cagaita")
    assert_in_step("cagaita")
