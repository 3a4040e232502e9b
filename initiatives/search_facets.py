"""Facet counts under a search, from the ids of its matches read once (InitiativeQuerySet.search_ids),
without reading the initiatives' wide rows or matching the text again.

Every facet of every match comes from one read of its row in the table of facet rows
(initiatives.facet_rows: country, kind, status, programme and Rota in one text, and the packed
ids of its sectors, families, themes and regions), looked up by id. The nine facets are then
counted here, each among the matches having one of the values chosen for every *other* facet,
so a search with ?country=BR&sector=coffee costs the same single read as a search alone. One
query per facet over the link tables and a narrow index cost 55–65 ms at 12,000 matches on
SQLite, ~100 ms on PostgreSQL.

A search over every published initiative reads those rows in the statement that matches its text
(matches_query), not after its ids: the table holds only published initiatives, so the match
needs nothing else to leave drafts out. On PostgreSQL the text's copy carries the rows itself
(search_table.matches_with_facet_rows). Those rows come as one row, each column's values joined
by the database (aggregated(), FacetRows): as rows, the driver made a tuple and six strings each.

Counting is left to C where it can be: the combinations of one-value facets are few (a few
hundred among 12,000 matches), counted once each, then split; the ids of a relation are
counted by splitting a column's joined text at once, or, when most matches repeat a text, by
counting each distinct text (term_counts).
"""

import json
from collections import Counter
from collections.abc import Sequence
from functools import cached_property

from django.db import connections

from .facet_rows import PACKED, SEPARATOR, TABLE

# A row as read: the initiative's id, its one_valued text, then its packed ids.
ROW_COLUMNS = ["id", "one_valued", *PACKED]
ONE_VALUED_COLUMN = 1
# One-value facet -> its place in a row's one_valued text (facet_rows.COLUMNS).
ONE_VALUED = {"country": 0, "kind": 1, "status": 2, "program": 3, "route": 4}
# Facets of several term ids -> their column in a row (after one_valued).
MANY_VALUED = {"sector": 2, "family": 3, "theme": 4, "region": 5}
# Stored as a term's id.
ID_FACETS = {"program", "route", *MANY_VALUED}
# How many of a relation's packed texts term_counts() looks at to choose how to count them all.
DISTINCT_SAMPLE = 1000
# Between the values of a column read joined (aggregated()): no value holds one.
ROW_SEPARATOR = ";"


class Ids(list):
    """Ids read from the database as one text ("3,17,42"): a list of those ints that keeps the
    text, which among() passes on as it is instead of writing 12,000 ints again (about 1 ms, and
    1 ms more for IdAmong to check them). Read-only, so that the text stays what it holds."""

    def __init__(self, text: str):
        super().__init__(map(int, text.split(",")) if text else ())
        self.text = text

    def _read_only(self, *args, **kwargs):
        raise TypeError("ids read from the database are not to be changed; copy them with list()")

    append = extend = insert = remove = pop = clear = sort = reverse = _read_only
    __setitem__ = __delitem__ = __iadd__ = __imul__ = _read_only

    def __reduce__(self):
        return Ids, (self.text,)


def among(column: str, ids: list[int], vendor: str) -> tuple[str, list]:
    """`column` is one of `ids` (ints: IdAmong makes them so), passed as one parameter (as
    querysets.IdAmong does)."""
    if vendor == "postgresql":
        return f"{column} = ANY(%s::bigint[])", [array_literal(ids)]
    return f"{column} IN (SELECT value FROM json_each(%s))", [
        f"[{ids.text}]" if isinstance(ids, Ids) else json.dumps(ids)
    ]


def array_literal(ids: list[int]) -> str:
    """PostgreSQL's text of an array of the integers `ids`, for one string parameter. Handed the
    list itself, psycopg's client-side binding quoted each element in Python (about 10 ms for
    12,000 ids) and the server took longer to read it: about 35 ms a facet query against 14.
    `ids` are ints (str() of anything else could spell another array), or Ids."""
    return "{" + (ids.text if isinstance(ids, Ids) else ",".join(map(str, ids))) + "}"


def rows_query(ids: list[int], vendor: str) -> tuple[str, list]:
    """The SQL and parameters of rows()."""
    condition, params = among("id", ids, vendor)
    return f"SELECT {', '.join(ROW_COLUMNS)} FROM {TABLE} WHERE {condition}", params


def matches_query(sql: str, params: list, limit: int) -> tuple[str, list]:
    """The SQL and parameters reading the facet rows (at most `limit`) of the initiatives whose
    id `sql` selects (its first column): a search's matches and their facet values in one read,
    instead of the matches' ids then their rows among those ids. Only published initiatives have
    a row, so `sql` need not read the initiatives to leave drafts out."""
    return f"SELECT {', '.join(ROW_COLUMNS)} FROM {TABLE} WHERE id IN ({sql}) LIMIT %s", [*params, limit]


def aggregated(sql: str, params: list, vendor: str) -> tuple[str, list]:
    """The SQL and parameters reading the rows `sql` selects (ROW_COLUMNS, as matches_query's
    or search_table.matches_with_facet_rows' do) as one row: each column's values joined by
    ROW_SEPARATOR, in one order (one aggregation reads each row once), then their number. See
    FacetRows."""
    join = "string_agg" if vendor == "postgresql" else "group_concat"
    columns = ", ".join(f"{join}(COALESCE(CAST({column} AS TEXT), ''), '{ROW_SEPARATOR}')" for column in ROW_COLUMNS)
    return f"SELECT {columns}, COUNT(*) FROM ({sql}) facet_rows", params


class FacetRows(Sequence):
    """Facet rows (ROW_COLUMNS) read as one row, each column's values joined (aggregated()):
    12,000 rows read as rows cost about 7 ms of Python on PostgreSQL (the driver's result, then
    a tuple and six strings each, then a pass per column to count them); each column is split
    here only when used, and the rows themselves (tuples, as read()) are made only when asked
    for: to filter them by a chosen facet."""

    def __init__(self, n: int, joined: list[str | None]):
        self._n = n
        self._joined = joined

    @classmethod
    def read(cls, cursor, sql: str, params: list) -> "FacetRows":
        """The rows `sql` selects, through `cursor` (a Django cursor)."""
        cursor.execute(*aggregated(sql, params, cursor.db.vendor))
        *joined, n = cursor.fetchone()
        return cls(n, joined)

    def joined(self, place: int) -> str:
        """The values of the column at `place` of ROW_COLUMNS, joined by ROW_SEPARATOR."""
        return self._joined[place] or ""

    def column(self, place: int) -> list:
        """The values of the column at `place` of ROW_COLUMNS, one per row (the ids as ints)."""
        if place == 0:
            return self.ids
        return self._joined[place].split(ROW_SEPARATOR) if self._n else []

    @cached_property
    def ids(self) -> Ids:
        return Ids(self._joined[0].replace(ROW_SEPARATOR, ",") if self._n else "")

    @cached_property
    def rows(self) -> list[tuple]:
        return list(zip(*(self.column(place) for place in range(len(ROW_COLUMNS))), strict=True))

    def __len__(self) -> int:
        return self._n

    def __getitem__(self, index):
        return self.rows[index]

    def __iter__(self):
        return iter(self.rows)

    def __eq__(self, other) -> bool:
        return isinstance(other, Sequence) and self.rows == list(other)

    __hash__ = None


def rows(ids: list[int], using: str = "default") -> list[tuple]:
    """The facet rows of the published initiatives `ids`, in ROW_COLUMNS' order."""
    connection = connections[using]
    with connection.cursor() as cursor:
        cursor.execute(*rows_query(ids, connection.vendor))
        return cursor.fetchall()


def facet_counts(
    ids: list[int], facets: list[str], chosen: dict[str, set], using: str = "default", found: list[tuple] | None = None
) -> dict[str, dict]:
    """{facet: {value: n}} over the published initiatives `ids`, each facet counted among those
    having one of the `chosen` values of every other facet ({"country": {"BR"}, "sector": {3}}:
    the values as stored, a term's id). A term's id is an int; no value (no programme) is None.
    `found`: the rows of `ids` when already read (matches_query), else read here."""
    if found is None:
        found = rows(ids, using)
    passing = {facet: _passing(found, facet, values) for facet, values in chosen.items()}
    # Every facet not chosen counts the matches passing every choice...
    counts = _tally(_kept(found, passing.values()), [facet for facet in facets if facet not in passing])
    # ...and each chosen one those passing every other choice: its own column only.
    for facet in facets:
        if facet in passing:
            others = [verdicts for other, verdicts in passing.items() if other != facet]
            counts |= _tally(_kept(found, others), [facet])
    return counts


def passing_every(found: list[tuple], chosen: dict[str, set]) -> list[int]:
    """The ids of the rows of `found` having one of the `chosen` values of every facet."""
    return [row[0] for row in _kept(found, [_passing(found, facet, values) for facet, values in chosen.items()])]


def _kept(found: list[tuple], verdicts: list[list[bool]]) -> list[tuple]:
    """The rows of `found` passing every list of `verdicts` (one bool per row each)."""
    verdicts = list(verdicts)
    if not verdicts:
        return found
    return [row for row, *passes in zip(found, *verdicts, strict=True) if all(passes)]


def _passing(found: list[tuple], facet: str, values: set) -> list[bool]:
    """For each row, whether its `facet` is (or, of several values, holds) one of `values`."""
    if facet in ONE_VALUED:
        place, column = ONE_VALUED[facet], ONE_VALUED_COLUMN
        wanted = {"" if value is None else str(value) for value in values}
    else:
        column = MANY_VALUED[facet]
        wanted = {str(value) for value in values}
    verdicts = {}  # many rows share one text
    found_verdicts = []
    for text in _column(found, column):
        verdict = verdicts.get(text)
        if verdict is None:
            if facet in ONE_VALUED:
                verdict = text.split(SEPARATOR)[place] in wanted
            else:
                verdict = bool(text) and not wanted.isdisjoint(text.split(","))
            verdicts[text] = verdict
        found_verdicts.append(verdict)
    return found_verdicts


def _tally(found: list[tuple], facets: list[str]) -> dict[str, dict]:
    """{facet: {value: how many rows}} of the rows `found` (FacetRows or tuples). A row's ids of
    one relation are distinct, so each counts the row once."""
    counts = {}
    one_valued = [(facet, ONE_VALUED[facet], facet in ID_FACETS) for facet in facets if facet in ONE_VALUED]
    if one_valued:
        counts = {facet: {} for facet, _place, _is_id in one_valued}
        for text, n in Counter(_column(found, ONE_VALUED_COLUMN)).items():
            parts = text.split(SEPARATOR)
            for facet, place, is_id in one_valued:
                value = parts[place]
                if is_id:
                    value = int(value) if value else None
                counts[facet][value] = counts[facet].get(value, 0) + n
    for facet in facets:
        if facet in MANY_VALUED:
            counts[facet] = term_counts(_joined(found, MANY_VALUED[facet]))
    return counts


def _column(found: list[tuple], place: int) -> list:
    """The values at `place` of the rows `found` (FacetRows or tuples)."""
    if isinstance(found, FacetRows):
        return found.column(place)
    return [row[place] for row in found]


def _joined(found: list[tuple], place: int) -> str:
    """The values at `place` of the rows `found` joined by ROW_SEPARATOR."""
    if isinstance(found, FacetRows):
        return found.joined(place)
    return ROW_SEPARATOR.join([row[place] for row in found])


def term_counts(joined: str) -> dict[int, int]:
    """{term id: how many rows hold it} of rows' packed ids ("3,17", "" for none; each distinct
    within a row) joined by ROW_SEPARATOR. When many rows repeat a text (a family's, a theme's,
    a region's: a few hundred among 12,000 rows), each distinct text is counted in C then split
    once (about 0.8 ms against 1.5); when most differ (combinations of sectors), splitting every
    term at once costs less. The first rows tell which."""
    sample = joined.split(ROW_SEPARATOR, DISTINCT_SAMPLE)[:DISTINCT_SAMPLE]
    if len(set(sample)) * 2 <= len(sample):
        terms = {}
        for text, n in Counter(joined.split(ROW_SEPARATOR)).items():
            if text:
                for term in text.split(","):
                    terms[term] = terms.get(term, 0) + n
    else:
        terms = Counter(joined.replace(ROW_SEPARATOR, ",").split(","))
        terms.pop("", None)  # rows without any
    return {int(term): n for term, n in terms.items()}
