"""The search at scale: SQLite's trigram index follows every write, and the facets under a search
count exactly the published matches (run with DATABASE_URL=postgres://… for the second database)."""

import re
from urllib.parse import urlencode

import pytest
from django.core.management import call_command
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext

from initiatives import facet_rows, search_facets, search_fts, search_table
from initiatives.facet_counting import FACET_FIELDS, FACET_RELATIONS, TERM_KEYS
from initiatives.facets import FACETS, facet_counts, queryset_without
from initiatives.models import Initiative, Program, Theme
from initiatives.selection import select
from initiatives.text import search_terms

pytestmark = pytest.mark.django_db
sqlite_only = pytest.mark.skipif(connection.vendor != "sqlite", reason="the FTS5 index is SQLite's")


def selected(**params):
    return select(QueryDict(urlencode(params, doseq=True)))


def found(query: str) -> set[str]:
    return {i.name for i in selected(q=query).queryset}


def indexed(term: str) -> set[int]:
    """What the FTS table itself answers (not the search, which may fall back to the table)."""
    with connection.cursor() as cursor:
        cursor.execute(*search_fts.matching_rowids([term]))
        return {rowid for (rowid,) in cursor.fetchall()}


@sqlite_only
def test_the_trigram_index_follows_saves_bulk_writes_raw_sql_and_deletes(make_initiative):
    saved = make_initiative(name="Polo Jabuticaba")
    assert indexed("jabuticaba") == {saved.pk}

    saved.name = "Polo Cambuci"
    saved.save()
    assert indexed("jabuticaba") == set() and indexed("cambuci") == {saved.pk}

    Initiative.objects.filter(pk=saved.pk).update(search_text="polo pitanga")
    assert indexed("cambuci") == set() and indexed("pitanga") == {saved.pk}

    [bulk] = Initiative.objects.bulk_create(
        [Initiative(name="Umbu", slug="umbu", country="BR", is_published=True, search_text="umbu caatinga")]
    )
    with connection.cursor() as cursor:
        cursor.execute("UPDATE initiatives_initiative SET search_text = %s WHERE id = %s", ["umbu cerrado", bulk.pk])
    assert indexed("caatinga") == set() and indexed("cerrado") == {bulk.pk}

    Initiative.objects.filter(pk=bulk.pk).delete()
    saved.delete()
    assert indexed("cerrado") == set() and indexed("pitanga") == set()


@sqlite_only
def test_it_puts_back_the_triggers_a_remade_table_lost(make_initiative):
    """SQLite remakes a table to alter it, which drops its triggers; post_migrate repairs them."""
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TRIGGER {search_fts.TABLE}_insert")
    added = make_initiative(name="Polo Cagaita")  # written while the trigger is missing
    assert indexed("cagaita") == set()

    assert search_fts.install(connection, only_if_present=True)

    assert indexed("cagaita") == {added.pk}
    assert not search_fts.install(connection, only_if_present=True)  # nothing left to repair


@sqlite_only
def test_the_rebuild_command_reads_every_text_into_the_index_again(make_initiative):
    added = make_initiative(name="Polo Cagaita")
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {search_fts.TABLE}({search_fts.TABLE}) VALUES ('delete-all')")
    assert indexed("cagaita") == set()

    call_command("rebuild_search_index", verbosity=0)
    assert indexed("cagaita") == {added.pk}


@pytest.mark.parametrize(
    "query, expected",
    [
        ("ab", {"Polo AB Cacau", "Abacaxi do Norte"}),  # two characters: no trigram to look up
        ("ab cacau", {"Polo AB Cacau"}),  # a short word with a long one
        ("x", {"Clúster X", "Abacaxi do Norte"}),  # one character, inside a word too
        ("cacau", {"Polo AB Cacau"}),
    ],
)
def test_it_finds_words_shorter_than_a_trigram(make_initiative, query, expected):
    make_initiative(name="Polo AB Cacau", country="BR")
    make_initiative(name="Abacaxi do Norte", country="BR")
    make_initiative(name="Clúster X", country="MX")
    make_initiative(name="Rascunho AB", country="BR", is_published=False)
    assert found(query) == expected, connection.vendor


@pytest.fixture
def cocoa_catalogue(make_initiative, rota_do_mel):
    make_initiative(
        name="Polo Cacau Pará",
        country="BR",
        kind="rotas_polo",
        route=rota_do_mel,
        sectors=["cocoa", "beekeeping"],
        themes=["sustainability"],
        regions=["BR-PA"],
    )
    make_initiative(
        name="Cacau do Sul da Bahia",
        country="BR",
        sectors=["cocoa"],
        regions=["BR-BA"],
        status="inactive",
        program=Program.objects.get(slug="rotas-de-integracao-nacional"),
    )
    make_initiative(
        name="Clúster Cacao Santander",
        country="CO",
        kind="cluster",
        sectors=["cocoa"],
        description="Cacau fino de aroma.",
        themes=["market-access", "sustainability"],
    )
    make_initiative(name="Clúster de Software", country="MX", kind="cluster", sectors=["ict"], regions=["MX-JAL"])
    make_initiative(name="Rascunho Cacau", country="BR", is_published=False, sectors=["cocoa"],
                    themes=["sustainability"], regions=["BR-PA"])  # fmt: skip


def recount(query: str, facet: str, **other) -> dict[str, int]:
    """A facet's counts over the published matches, found and counted in Python."""
    terms = search_terms(query)
    counts: dict[str, int] = {}
    for initiative in Initiative.objects.filter(is_published=True, **other).distinct():
        if not all(term in initiative.search_text for term in terms):
            continue
        if facet in FACET_FIELDS:
            value = getattr(initiative, FACET_FIELDS[facet])
            values = [getattr(value, "slug", value)] if value else []
        elif facet == "family":
            values = {s.family.slug for s in initiative.sectors.all() if s.family_id}
        else:
            key = TERM_KEYS.get(facet, "slug")
            values = [getattr(term, key) for term in getattr(initiative, FACET_RELATIONS[facet]).all()]
        for value in values:
            counts[str(value)] = counts.get(str(value), 0) + 1
    return counts


@pytest.mark.parametrize("query", ["cacau", "cacau para", "ca", "cluster"])
def test_the_facet_counts_under_a_search_are_those_of_its_published_matches(cocoa_catalogue, query):
    counts = facet_counts(selected(q=query))
    for facet in ["country", "region", "kind", "family", "sector", "theme", "program", "route", "status"]:
        assert counts[facet] == recount(query, facet), (facet, connection.vendor)
    assert counts["country"], "the search matched nothing: the test would prove nothing"


def test_the_facet_counts_under_a_search_and_a_filter_leave_out_only_their_own(cocoa_catalogue):
    counts = facet_counts(selected(q="cacau", country="BR"))
    assert counts["country"] == recount("cacau", "country") == {"BR": 2, "CO": 1}
    assert counts["sector"] == recount("cacau", "sector", country="BR") == {"cocoa": 2, "beekeeping": 1}


def test_a_renamed_initiative_is_searched_and_counted_at_once(client, cocoa_catalogue):
    def page(query):
        response = client.get("/en/initiatives/", {"q": query})
        countries = {o.value: o.count for f in response.context["facets"] if f.name == "country" for o in f.options}
        return response.context["count"], countries

    assert page("cupuacu") == (0, {})
    assert page("cacau") == (3, {"BR": 2, "CO": 1})
    software = Initiative.objects.get(name="Clúster de Software")
    software.name = "Clúster de Cupuaçu e Cacau"
    software.save()

    assert page("cupuacu") == (1, {"MX": 1})
    assert page("cacau") == (4, {"BR": 2, "CO": 1, "MX": 1})


def reads_the_text(sql: str) -> bool:
    """Matches the search text (not merely selects it with the other columns), or looks it up in
    SQLite's trigram index."""
    return re.search(rf'search_text"?(::text)? LIKE|{search_fts.TABLE} MATCH', sql) is not None


def test_a_search_page_matches_the_text_once_for_its_rows_count_and_facets(client, cocoa_catalogue):
    """The page, its count and each facet used to match the text again: at 100,000 initiatives,
    a scan (SQLite) or a trigram index lookup (PostgreSQL) each."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/en/initiatives/", {"q": "cacau", "country": "BR"})
    assert response.context["count"] == 2
    sectors = {
        c.value: c.count
        for f in response.context["facets"]
        if f.name == "family"
        for o in f.options
        for c in o.children
    }
    assert sectors == {"cocoa": 2, "beekeeping": 1}
    assert len([q for q in queries.captured_queries if reads_the_text(q["sql"])]) == 1


@sqlite_only
def test_it_searches_from_the_trigram_index_on_sqlite(cocoa_catalogue):
    sql, params = Initiative.objects.published().search("cacau pa").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
        plan = " / ".join(row[-1] for row in cursor.fetchall())
    assert f"SCAN {search_fts.TABLE} VIRTUAL TABLE" in plan, plan


def facet_row_reads(queries) -> list[str]:
    """The statements reading facet rows: from their table, or from the search text's copy that
    carries them on PostgreSQL (initiatives.search_table)."""
    tables = (facet_rows.TABLE, search_table.TABLE)
    return [
        q["sql"] for q in queries.captured_queries if "one_valued" in q["sql"] and any(t in q["sql"] for t in tables)
    ]


def test_it_hands_the_matches_to_the_facets_as_one_parameter(cocoa_catalogue):
    """As an IN list of thousands of parameters each facet query cost more than the text match
    (PostgreSQL) or than the count itself, in Python (SQLite). Over a narrowed queryset the
    matches' facet rows are read after their ids."""
    narrowed = Initiative.objects.filter(country="BR")
    with CaptureQueriesContext(connection) as queries:
        facet_counts(select(QueryDict(urlencode({"q": "cacau"})), queryset=narrowed))
    [read] = facet_row_reads(queries)
    one_parameter = "= ANY(" if connection.vendor == "postgresql" else "json_each("
    assert one_parameter in read and not reads_the_text(read), read


def test_the_facet_counts_under_a_search_and_a_term_leave_out_only_its_own(cocoa_catalogue):
    counts = facet_counts(selected(q="cacau", sector="beekeeping"))
    assert counts["sector"] == recount("cacau", "sector") == {"cocoa": 3, "beekeeping": 1}
    assert counts["family"] == recount("cacau", "family", sectors__slug="beekeeping")
    assert counts["theme"] == recount("cacau", "theme", sectors__slug="beekeeping") == {"sustainability": 1}


@pytest.mark.parametrize(
    "params", [{}, {"country": ["BR", "CO"], "status": "active"}, {"sector": "cocoa", "theme": "sustainability"}]
)
def test_a_search_counts_every_facet_from_one_read_of_its_matches_facet_rows(cocoa_catalogue, params):
    """One query per facet (the link tables, an index of the one-value columns) cost 55–65 ms at
    12,000 matches on SQLite and ~100 ms on PostgreSQL; the matches' facet rows read once, ~20."""
    with CaptureQueriesContext(connection) as queries:
        counts = facet_counts(selected(q="cacau", **params))
    assert counts["theme"] == recount_under("cacau", "theme", params)
    assert counts["theme"], "nothing counted: the test would prove nothing"
    assert len(facet_row_reads(queries)) == 1, queries.captured_queries
    assert not [q["sql"] for q in queries.captured_queries if "GROUP BY" in q["sql"]], queries.captured_queries


def test_a_search_alone_is_counted_from_its_matches(client, cocoa_catalogue):
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/en/initiatives/", {"q": "cacau"})
    assert response.context["count"] == 3
    assert not [q["sql"] for q in queries.captured_queries if q["sql"].startswith("SELECT COUNT(*)")]
    assert client.get("/en/initiatives/", {"q": "cacau", "country": "BR"}).context["count"] == 2


@sqlite_only
@pytest.mark.parametrize(
    "terms", [["cac"], ["cau", "par"], ["sul", "bahia"], ["cacau", "ara"], ["zzz"], ["cacao", "santander"], ["acau"]]
)
def test_every_indexed_word_is_answered_by_the_index_alone_with_the_same_matches(cocoa_catalogue, terms):
    """Checking each candidate's text again (LIKE) read the initiatives' table for every match:
    48 ms of the 11,742 matches of "consorcio" at 100,000."""
    sql, params = search_fts.matching_rowids(terms)
    assert "LIKE" not in sql, sql
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rowids = {rowid for (rowid,) in cursor.fetchall()}
    texts = Initiative.objects.values_list("pk", "search_text")
    assert rowids == {pk for pk, text in texts if all(term in text for term in terms)}


@sqlite_only
def test_a_word_matches_only_where_its_trigrams_are_consecutive(make_initiative):
    """Every trigram of "consorcio" is in "consor orcio", but not the word: without the trigrams'
    positions the index alone would find it."""
    apart = make_initiative(name="Polo Consor Orcio")
    together = make_initiative(name="Consorcio do Mel")
    assert indexed("consorcio") == {together.pk}
    assert {i.pk for i in Initiative.objects.search("consorcio")} == {together.pk}
    assert indexed("orcio") == {apart.pk, together.pk}


FILTER_LOOKUPS = {
    "country": "country__in",
    "kind": "kind__in",
    "status": "status",
    "program": "program__slug__in",
    "route": "route__slug__in",
    "sector": "sectors__slug__in",
    "family": "sectors__family__slug__in",
    "theme": "themes__slug__in",
    "region": "regions__code__in",
}


def recount_under(query: str, facet: str, params: dict) -> dict[str, int]:
    """recount() under every filter of `params` but the facet's own."""
    other = {}
    for name, value in params.items():
        if name != facet:
            values = value if isinstance(value, list) else [value]
            other[FILTER_LOOKUPS[name]] = values[0] if name == "status" else values
    return recount(query, facet, **other)


@pytest.mark.parametrize(
    "params",
    [
        {"country": "BR"},
        {"country": ["BR", "CO"], "kind": "cluster"},
        {"kind": "rotas_polo", "status": "active"},
        {"status": "inactive"},
        {"route": "rota-do-mel", "country": "BR"},
        {"program": "rotas-de-integracao-nacional"},
        {"country": "MX"},  # no match in Mexico: the other facets count nothing
    ],
)
def test_the_facets_under_a_search_and_one_value_filters_leave_out_only_their_own(cocoa_catalogue, params):
    counts = facet_counts(selected(q="cacau", **params))
    for facet in FACETS:
        assert counts[facet] == recount_under("cacau", facet, params), (facet, params, connection.vendor)
    assert any(counts[facet] for facet in FACET_FIELDS), "nothing counted: the test would prove nothing"


@sqlite_only
def test_it_looks_each_match_up_by_its_rowid_on_sqlite(cocoa_catalogue):
    """The facet row's id is the table's rowid: no index read besides the table."""
    matches = Initiative.objects.published().search_ids("cacau")
    sql, sql_params = search_facets.rows_query(matches, connection.vendor)
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}", sql_params)
        plan = " / ".join(row[-1] for row in cursor.fetchall())
    assert f"SEARCH {facet_rows.TABLE} USING INTEGER PRIMARY KEY" in plan, plan


def test_a_search_counts_its_families_once_per_initiative(cocoa_catalogue):
    # Polo Cacau Pará has two sectors of the agri-food family: it counts once.
    assert facet_counts(selected(q="cacau"))["family"] == recount("cacau", "family") == {"agri-food": 3}


@pytest.mark.parametrize("preset", [{"country": "BR"}, {"route": "rota-do-mel"}, {"theme": "sustainability"}])
def test_a_country_rota_or_theme_page_counts_its_search_within_its_own_initiatives(cocoa_catalogue, preset):
    counts = facet_counts(select(QueryDict(urlencode({"q": "cacau"})), preset))
    lookups = {"country": "country", "route": "route__slug", "theme": "themes__slug"}
    [(name, value)] = preset.items()
    assert name not in counts  # a page computes no facet for its preset
    for facet in FACETS:
        if facet != name:
            assert counts[facet] == recount("cacau", facet, **{lookups[name]: value}), (facet, preset)
    assert counts["status"], "nothing counted: the test would prove nothing"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's arrays")
def test_it_hands_the_matches_to_postgresql_as_the_text_of_one_array(cocoa_catalogue):
    """A list of thousands of ids was quoted element by element by psycopg, in Python."""
    arrays = []

    def record(execute, sql, params, many, context):
        ids = [param for param in params or () if isinstance(param, list | tuple) or str(param).startswith("{")]
        if search_table.TABLE not in sql:  # the copy's match takes the ids of the terms naming the word
            arrays.extend(ids)
        return execute(sql, params, many, context)

    matched = Initiative.objects.published().search_ids("cacau")
    with connection.execute_wrapper(record):
        counts = facet_counts(selected(q="cacau"))
        page = Initiative.objects.published().search("cacau", matches=matched).page_ids(0, 24)
    assert counts["theme"] == recount("cacau", "theme")
    assert sorted(page) == sorted(matched)
    assert arrays, "no ids handed over: the test would prove nothing"
    assert set(map(str, arrays)) == {"{" + ",".join(map(str, matched)) + "}"}, arrays
    assert all(isinstance(param, str) for param in arrays), arrays


@pytest.mark.parametrize(
    "params",
    [
        {"sector": "cocoa"},
        {"sector": ["cocoa", "ict"], "country": "BR"},
        {"family": "agri-food", "theme": "sustainability"},
        {"region": ["BR-PA", "BR-BA"], "kind": "rotas_polo"},
        {"theme": "market-access", "status": "active"},
        {"route": "rota-do-mel", "sector": "beekeeping"},
        {"sector": "ict", "country": "BR"},  # the search matches none of that sector
    ],
)
@pytest.mark.parametrize("query", ["cacau", "ca"])
def test_the_facets_under_a_search_and_term_filters_are_each_facet_counted_over_its_selection(
    cocoa_catalogue, query, params
):
    """Under every other filter, as each facet's own query over the selection counts it."""
    selection = selected(q=query, **params)
    counts = facet_counts(selection)
    for facet in FACETS:
        expected = queryset_without(selection.filterset, facet).facet_counts(facet)
        assert counts[facet] == expected == recount_under(query, facet, params), (facet, params, connection.vendor)
    assert any(counts[facet] for facet in FACETS), "nothing counted: the test would prove nothing"


def test_a_search_over_every_published_initiative_reads_its_ids_and_facet_rows_in_one_statement(
    client, cocoa_catalogue
):
    """The matches' ids, then their facet rows among those ids, read every match twice: SQLite
    "sao", its ids and facets, 43–44 → 34–37 ms CPU at 13,000 matches in one read."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/en/initiatives/", {"q": "cacau"})
    assert response.context["count"] == 3
    assert {c.value: c.count for f in response.context["facets"] if f.name == "country" for c in f.options} == {
        "BR": 2,
        "CO": 1,
    }
    [read] = [q["sql"] for q in queries.captured_queries if reads_the_text(q["sql"])]
    assert facet_row_reads(queries) == [read], queries.captured_queries


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the search text's copy is PostgreSQL's")
def test_on_postgresql_a_search_reads_its_matches_facet_rows_from_the_text_copy_alone(client, cocoa_catalogue):
    """Hashing the copy's ~12,000 matches against every facet row cost ~37 ms at 100,000
    initiatives; the facet values carried by the copy, one bitmap scan of it, ~20 ms."""
    moved = Initiative.objects.get(name="Clúster Cacao Santander")
    moved.country = "AR"  # a facet value written after the text
    moved.save()
    Initiative.objects.get(name="Cacau do Sul da Bahia").themes.add(Theme.objects.get(slug="sustainability"))
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/en/initiatives/", {"q": "cacau"})
    counted = {f.name: {c.value: c.count for c in f.options} for f in response.context["facets"]}
    assert response.context["count"] == 3
    assert counted["country"] == {"BR": 2, "AR": 1} and counted["theme"]["sustainability"] == 3, counted
    [read] = [q["sql"] for q in queries.captured_queries if reads_the_text(q["sql"])]
    assert search_table.TABLE in read and facet_rows.TABLE not in read, read
    assert facet_row_reads(queries) == [read], queries.captured_queries


@pytest.mark.parametrize("query", ["cacau", "cacau pa", "ca", "cluster", "nothing here"])
def test_the_matches_read_with_their_facet_rows_are_those_of_search_ids(cocoa_catalogue, query):
    published = Initiative.objects.published()
    ids, rows = published.search_matches(query)
    assert sorted(ids) == sorted(published.search_ids(query)), connection.vendor
    assert sorted(rows) == sorted(search_facets.rows(ids)) if ids else rows == []


def test_a_narrowed_search_reads_its_facet_rows_after_its_ids(cocoa_catalogue):
    """The facet rows are every published initiative's: read with the matches only when those are
    what the queryset selects."""
    ids, rows = Initiative.objects.published().filter(country="BR").search_matches("cacau")
    assert sorted(Initiative.objects.get(pk=pk).name for pk in ids) == ["Cacau do Sul da Bahia", "Polo Cacau Pará"]
    assert rows is None


def test_a_search_matching_more_than_its_limit_reads_neither_ids_nor_rows(cocoa_catalogue):
    assert Initiative.objects.published().search_matches("cacau", limit=2) == (None, None)
    assert len(Initiative.objects.published().search_matches("cacau", limit=3)[1]) == 3
