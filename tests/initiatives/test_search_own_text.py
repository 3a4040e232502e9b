"""PostgreSQL's copy of the search text holds only each initiative's own parts (own_search_text);
its sectors', Rota's and programme's names are matched in the vocabulary instead
(search_table.published_matches). The matches must be exactly those of the rule every other
path keeps: each word a substring of the initiative's search_text. Checked on a generated
catalogue, on every database."""

import io

import pytest
from django.core.management import call_command
from django.db import connection

from benchmarks.synthetic import generate
from initiatives import search_index, search_table
from initiatives.models import FacetRow, Initiative, Municipality, Sector
from initiatives.text import fold, search_terms

pytestmark = pytest.mark.django_db

# Words found through one part only: a sector's synonym, a family's synonym, a Rota's alias,
# the programme, a country; a piece of a word; two words in different parts; nothing.
WORDS = [
    "caficultura",  # the coffee sector's synonym
    "agronegocio",  # the agri-food family's synonym
    "ovinocaprinocultura",  # a Rota's other name
    "integracao",  # the Rotas programme
    "rota",  # every Rota, and names
    "brasil",
    "colombia",
    "sao",
    "gric",  # inside words of sectors, families and texts
    "polo mel",
    "agronegocio colombia",  # two words, two parts
    "agro ind",
    "zzzq",
]


def by_the_old_rule(query: str) -> list[int]:
    terms = search_terms(query)
    rows = Initiative.objects.published().values_list("pk", "search_text")
    return sorted(pk for pk, text in rows if all(term in text for term in terms))


def found(query: str) -> list[int]:
    ids = Initiative.objects.published().search_ids(query)
    matched, rows = Initiative.objects.published().search_matches(query)
    assert sorted(matched) == sorted(ids), query
    facet_rows = {row[0]: tuple(row) for row in FacetRow.objects.filter(pk__in=ids).values_list()}
    assert {row[0]: tuple(row) for row in rows} == facet_rows, query
    return sorted(ids)


def only_through_terms(query: str) -> set[int]:
    """The published matches whose own text lacks one of the words: found through a term."""
    terms = search_terms(query)
    rows = Initiative.objects.published().filter(pk__in=by_the_old_rule(query)).values_list("pk", "own_search_text")
    return {pk for pk, own in rows if not all(term in own for term in terms)}


@pytest.fixture
def catalogue(reference_data):
    generate(600, seed=3, stdout=io.StringIO())


def test_it_finds_what_the_whole_text_finds_for_every_kind_of_word(catalogue):
    municipality = fold(Municipality.objects.filter(initiatives__is_published=True).first().name)
    words = [*WORDS, max(municipality.split(), key=len)]
    for query in words:
        assert found(query) == by_the_old_rule(query), query
    # The catalogue exercises each part: words found only through a sector, a family, a Rota, the
    # programme; drafts holding a word; a word in nothing.
    for query in ["caficultura", "agronegocio", "ovinocaprinocultura", "integracao", "agronegocio colombia"]:
        assert only_through_terms(query), query
    assert Initiative.objects.drafts().filter(search_text__contains="rota").exists()
    assert by_the_old_rule("zzzq") == []


def test_it_finds_a_term_renamed_by_another_process(catalogue):
    assert found("zebrino") == []  # the vocabulary read (and kept) by this process
    cocoa = Sector.objects.get(slug="cocoa")
    # As another process would: its write, and the reindex its signal runs, none of this
    # process's signals.
    Sector.objects.filter(pk=cocoa.pk).update(synonyms=f"{cocoa.synonyms};cacau zebrino")
    search_index.reindex(Initiative.objects.filter(sectors=cocoa))
    assert Initiative.objects.published().filter(sectors=cocoa).exists()
    assert found("zebrino") == by_the_old_rule("zebrino") != []
    assert found("cacau zebrino") == by_the_old_rule("cacau zebrino")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the copy is PostgreSQL's")
def test_the_copy_holds_the_initiatives_own_text(catalogue):
    with connection.cursor() as cursor:
        cursor.execute("SELECT id, search_text FROM initiatives_search_text")
        copied = dict(cursor.fetchall())
    own = dict(Initiative.objects.values_list("pk", "own_search_text"))
    assert copied == own
    coffee = Initiative.objects.filter(sectors__slug="coffee").first()
    assert "caficultura" in coffee.search_text and "caficultura" not in coffee.own_search_text


def columns(table: str) -> set[str]:
    with connection.cursor() as cursor:
        return {column.name for column in connection.introspection.get_table_description(cursor, table)}


def copied_texts() -> dict[int, str]:
    if connection.vendor != "postgresql":
        return {}
    with connection.cursor() as cursor:
        cursor.execute("SELECT id, search_text FROM initiatives_search_text")
        return dict(cursor.fetchall())


@pytest.mark.django_db(transaction=True)
def test_the_migration_fills_the_own_text_and_goes_back(make_initiative):
    polo = make_initiative(name="Polo Jabuticaba", regions=["BR-PA"], sectors=["coffee"], country="BR")
    make_initiative(name="Polo Rascunho", sectors=["cocoa"], is_published=False)
    expected = dict(Initiative.objects.values_list("pk", "own_search_text"))
    try:
        call_command("migrate", "initiatives", "0022", verbosity=0)
        assert "own_search_text" not in columns("initiatives_initiative")
        if connection.vendor == "postgresql":  # the copy holds the whole text again
            assert copied_texts() == dict(Initiative.objects.values_list("pk", "search_text"))
        assert Initiative.objects.published().search_ids("caficultura para") == [polo.pk]
    finally:
        call_command("migrate", "initiatives", verbosity=0)
    assert dict(Initiative.objects.values_list("pk", "own_search_text")) == expected
    if connection.vendor == "postgresql":
        assert copied_texts() == expected
    assert Initiative.objects.published().search_ids("caficultura para") == [polo.pk]
    assert by_the_old_rule("caficultura para") == [polo.pk]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the copy is PostgreSQL's")
def test_a_word_naming_terms_reads_their_indexes_with_the_trigram_index(make_initiative, rota_do_mel):
    for n in range(30):
        make_initiative(name=f"Polo do Mel {n}", sectors=["coffee"], route=rota_do_mel, program=rota_do_mel.program)
    named = search_index.terms_naming(["mel", "caficultura"])
    assert named[0][2] == [rota_do_mel.pk] and named[1][0]
    for word, indexes in (("mel", ("trgm", "sectors", "route")), ("caficultura", ("trgm", "sectors"))):
        sql, params = search_table.published_matches([word])
        with search_table.read_through_index(connection), connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN {sql}", params)
            plan = "\n".join(row[0] for row in cursor.fetchall())
        for index in indexes:
            assert f"initiatives_search_text_{index}" in plan, plan
        assert "BitmapOr" in plan and "Seq Scan" not in plan, plan
