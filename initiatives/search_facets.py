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
(search_table.matches_with_facet_rows).

Counting is left to C where it can be: the combinations of one-value facets are few (a few
hundred among 12,000 matches), counted once each, then split; the ids of a relation are
counted by joining every match's packed text and splitting it again, in one pass.
"""

import json
from collections import Counter

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


def among(column: str, ids: list[int], vendor: str) -> tuple[str, list]:
    """`column` is one of `ids` (ints: IdAmong makes them so), passed as one parameter (as
    querysets.IdAmong does)."""
    if vendor == "postgresql":
        return f"{column} = ANY(%s::bigint[])", [array_literal(ids)]
    return f"{column} IN (SELECT value FROM json_each(%s))", [json.dumps(ids)]


def array_literal(ids: list[int]) -> str:
    """PostgreSQL's text of an array of the integers `ids`, for one string parameter. Handed the
    list itself, psycopg's client-side binding quoted each element in Python (about 10 ms for
    12,000 ids) and the server took longer to read it: about 35 ms a facet query against 14.
    `ids` are ints (str() of anything else could spell another array)."""
    return "{" + ",".join(map(str, ids)) + "}"


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
    for row in found:
        text = row[column]
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
    """{facet: {value: how many rows}} of the rows `found`. A row's ids of one relation are
    distinct, so each counts the row once."""
    counts = {}
    one_valued = [facet for facet in facets if facet in ONE_VALUED]
    if one_valued:
        counts = {facet: {} for facet in one_valued}
        for text, n in Counter([row[ONE_VALUED_COLUMN] for row in found]).items():
            parts = text.split(SEPARATOR)
            for facet in one_valued:
                value = _value(facet, parts[ONE_VALUED[facet]])
                counts[facet][value] = counts[facet].get(value, 0) + n
    for facet in facets:
        if facet in MANY_VALUED:
            counts[facet] = term_counts([row[MANY_VALUED[facet]] for row in found])
    return counts


def term_counts(texts: list[str]) -> dict[int, int]:
    """{term id: how many of `texts` hold it} of packed ids ("3,17", "" for none), each distinct
    within a text. When many texts repeat (a family's, a theme's, a region's: a few hundred
    among 12,000 rows), each distinct text is counted in C then split once (about 0.8 ms against
    1.6); when most differ (combinations of sectors), joining them all and splitting them again in
    one pass costs less (2.0 ms against 2.4). A sample of the first texts tells which."""
    sample = texts[:DISTINCT_SAMPLE]
    if len(set(sample)) * 2 <= len(sample):
        terms = {}
        for text, n in Counter(texts).items():
            if text:
                for term in text.split(","):
                    terms[term] = terms.get(term, 0) + n
    else:
        terms = Counter(",".join(texts).split(","))
        terms.pop("", None)  # texts without any
    return {int(term): n for term, n in terms.items()}


def _value(facet: str, text: str):
    if facet not in ID_FACETS:
        return text
    return int(text) if text else None
