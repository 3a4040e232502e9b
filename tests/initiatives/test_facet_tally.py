"""The Python that counts a search's facets from its matches' facet rows: the packed ids of a
relation counted either way (search_facets.term_counts), the terms' ids spelt as the query
string spells them in one statement (InitiativeQuerySet._spelt_all), and the ids among which a
page is read (IdAmong)."""

import copy
import pickle
from collections import Counter

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from initiatives import search_facets
from initiatives.models import Initiative, Program, Region, Route, Sector, SectorFamily, Theme
from initiatives.page_ids import IdAmong

pytestmark = pytest.mark.django_db


def naive_term_counts(texts: list[str]) -> dict[int, int]:
    return dict(Counter(int(term) for text in texts for term in text.split(",") if text))


@pytest.mark.parametrize(
    "texts",
    [
        [],
        [""],
        ["", "", ""],
        ["7"],
        ["3,17", "17", "", "3,17", "5,3,17"],
        # Most repeat (a family's, a region's): counted by distinct text.
        ["1,2", "1", "", "2"] * 600,
        # Most differ (sectors' combinations): joined and split at once.
        [f"{n},{n + 1},900" for n in range(3000)] + ["", "900"],
        # Repeating in the sample only, differing after it.
        ["4"] * search_facets.DISTINCT_SAMPLE + [str(n) for n in range(2000)],
    ],
)
def test_it_counts_each_term_of_the_packed_texts_whatever_their_mix(texts):
    assert search_facets.term_counts(search_facets.ROW_SEPARATOR.join(texts)) == naive_term_counts(texts)


ROWS = [
    (1, "BR|apl|active|5|", "3,17", "2", "", "40"),
    (2, "BR|apl|active||", "17", "2", "9", "40"),
    (3, "CO|cluster|inactive|5|8", "", "", "", ""),
]


def joined(rows: list[tuple]) -> search_facets.FacetRows:
    """`rows` as aggregated() reads them: their number, then each column joined."""
    columns = [search_facets.ROW_SEPARATOR.join(str(value) for value in column) for column in zip(*rows, strict=True)]
    return search_facets.FacetRows(len(rows), columns or [None] * len(search_facets.ROW_COLUMNS))


@pytest.mark.parametrize("read", [list, joined])
def test_it_counts_the_rows_of_each_facet_with_ids_as_ints_and_no_value_as_none(read):
    rows = read(ROWS)
    counts = search_facets._tally(rows, ["country", "program", "route", "sector", "family", "theme", "region"])
    assert counts == {
        "country": {"BR": 2, "CO": 1},
        "program": {5: 2, None: 1},
        "route": {None: 2, 8: 1},
        "sector": {3: 1, 17: 2},
        "family": {2: 2},
        "theme": {9: 1},
        "region": {40: 2},
    }
    assert search_facets._tally(read([]), ["country", "sector"]) == {"country": {}, "sector": {}}
    # Under a chosen facet: each other facet among the rows having it, its own among all.
    assert search_facets.facet_counts([1, 2, 3], ["country", "theme"], {"country": {"BR"}}, found=rows) == {
        "theme": {9: 1},
        "country": {"BR": 2, "CO": 1},
    }
    assert search_facets.passing_every(rows, {"sector": {17}, "route": {None}}) == [1, 2]


def test_rows_read_joined_are_the_rows_read_one_by_one():
    rows = joined(ROWS)
    assert len(rows) == 3 and rows.ids == [1, 2, 3] and rows == ROWS and list(rows) == ROWS and rows[2] == ROWS[2]
    assert rows.column(2) == ["3,17", "17", ""] and rows.column(0) == [1, 2, 3]
    one = joined(ROWS[2:])
    assert one.ids == [3] and one.column(3) == [""] and one == ROWS[2:]
    empty = joined([])
    assert len(empty) == 0 and empty.ids == [] and empty.column(1) == [] and empty == [] and empty.joined(2) == ""


def test_a_search_reads_its_matches_facet_rows_as_one_row_of_joined_columns(make_initiative):
    """Read as 12,000 rows of six values, about 7 ms of Python on PostgreSQL; as one, about 2."""
    cocoa = make_initiative(name="Cacau do Sul", country="BR", sectors=["cocoa", "coffee"], regions=["BR-PA"])
    make_initiative(name="Cacau Verde", country="CO", kind="apl")
    make_initiative(name="Café")
    with CaptureQueriesContext(connection) as queries:
        ids, rows = Initiative.objects.published().search_matches("cacau")
    assert sorted(ids) == sorted(Initiative.objects.published().search_ids("cacau"))
    assert sorted(rows) == sorted(search_facets.rows(ids)) and len(rows) == 2
    assert cocoa.pk in ids and search_facets.ROW_SEPARATOR not in "".join(map(str, search_facets.rows(ids)))
    [read] = [query["sql"] for query in queries.captured_queries if "one_valued" in query["sql"]]
    with connection.cursor() as cursor:
        cursor.execute(read)
        assert len(cursor.fetchall()) == 1
    assert Initiative.objects.published().search_matches("nothing like it") == ([], [])


def test_it_spells_every_vocabulary_in_one_statement_dropping_empty_values_and_unknown_ids(reference_data):
    sector, theme, region = Sector.objects.first(), Theme.objects.first(), Region.objects.first()
    family = SectorFamily.objects.first()
    program, route = Program.objects.first(), Route.objects.first()
    unknown = 10**9
    counts = {
        "country": {"BR": 4, "": 1},
        "kind": {"apl": 2},
        "sector": {sector.pk: 3, unknown: 1},
        "family": {family.pk: 2},
        "theme": {theme.pk: 1},
        "region": {region.pk: 5, None: 2},
        "program": {None: 7, program.pk: 1},
        "route": {route.pk: 6},
        "status": {},
    }
    with CaptureQueriesContext(connection) as queries:
        spelt = Initiative.objects.all()._spelt_all(counts)
    assert spelt == {
        "country": {"BR": 4},
        "kind": {"apl": 2},
        "sector": {sector.slug: 3},
        "family": {family.slug: 2},
        "theme": {theme.slug: 1},
        "region": {region.code: 5},
        "program": {program.slug: 1},
        "route": {route.slug: 6},
        "status": {},
    }
    assert len(queries) == 1
    with CaptureQueriesContext(connection) as queries:
        assert Initiative.objects.all()._spelt_all({"sector": {}, "program": {None: 3}, "kind": {}}) == {
            "sector": {},
            "program": {},
            "kind": {},
        }
    assert len(queries) == 0


def test_it_reads_a_page_among_ids_given_as_ints_or_as_their_text(make_initiative):
    first, second = make_initiative(name="Primeira"), make_initiative(name="Segunda")
    for ids in ([first.pk, second.pk], [str(first.pk), str(second.pk)], {first.pk: 1, second.pk: 2}.keys()):
        among = IdAmong(ids)
        assert among.ids == [first.pk, second.pk]
        assert set(Initiative.objects.filter(among).values_list("pk", flat=True)) == {first.pk, second.pk}
    with pytest.raises(ValueError):
        IdAmong(["1},{2"])  # never text that could spell another array
    assert search_facets.array_literal([]) == "{}"
    assert search_facets.array_literal([3, 12]) == "{3,12}"


def test_ids_read_as_one_text_are_passed_on_as_read_and_cannot_change(make_initiative):
    first, second = make_initiative(name="Primeira"), make_initiative(name="Segunda")
    ids = search_facets.Ids(f"{first.pk},{second.pk}")
    assert ids == [first.pk, second.pk] and search_facets.Ids("") == []
    among = IdAmong(ids)
    assert among.ids is ids  # no second copy, no int() again
    assert search_facets.array_literal(ids) == f"{{{first.pk},{second.pk}}}"
    condition, [parameter] = search_facets.among("id", ids, connection.vendor)
    assert parameter == (
        f"{{{first.pk},{second.pk}}}" if connection.vendor == "postgresql" else f"[{first.pk},{second.pk}]"
    )
    assert set(Initiative.objects.filter(among).values_list("pk", flat=True)) == {first.pk, second.pk}
    assert list(Initiative.objects.among(search_facets.Ids(""))) == []
    for change in (
        lambda: ids.append(1),
        lambda: ids.extend([1]),
        lambda: ids.sort(),
        lambda: ids.pop(),
        lambda: ids.__setitem__(0, 1),
        lambda: ids.__delitem__(0),
        lambda: ids.__iadd__([1]),
    ):
        with pytest.raises(TypeError):
            change()
    assert ids == [first.pk, second.pk] and ids.text == f"{first.pk},{second.pk}"
    copied = pickle.loads(pickle.dumps(ids))
    assert copied == ids and copied.text == ids.text and copy.deepcopy(ids).text == ids.text
    assert list(ids) + [3] == [first.pk, second.pk, 3]  # a copy is a plain list


def test_a_search_hands_its_page_the_ids_as_read(make_initiative):
    make_initiative(name="Cacau do Sul")
    make_initiative(name="Cacau Verde")
    ids, rows = Initiative.objects.published().search_matches("cacau")
    assert isinstance(ids, search_facets.Ids) and sorted(ids) == sorted(rows.column(0))
