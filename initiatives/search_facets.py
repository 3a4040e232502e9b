"""Facet counts under a search, from the ids of its matches read once (InitiativeQuerySet.search_ids),
without reading the initiatives' wide rows or matching the text again.

- The one-value facets (country, kind, status, programme, Rota) of every match come from one read
  of a narrow index by id (initiative_published_by_id): how many matches have each combination of
  values. Each facet is then summed here under the values chosen for the others, so a search with
  ?country=BR&kind=cluster costs the same single read. Looking each match up in the table read a
  page of wide rows per match (about 30 ms at 13,000 matches on SQLite, whose planner prefers the
  table to the index and is told otherwise with INDEXED BY).
- The sector families: counted on the sectors' link table joined to the small sector table. Through
  the initiatives' table it cost twice as much; SQLite, left to choose, started from the sectors and
  looked every match up once per sector (CROSS JOIN keeps its order).
- On PostgreSQL the sectors and their families together from one read of the sectors' links
  (GROUPING SETS): the two reads cost about 50 ms at 12,000 matches, the one about 30.
- With one-value filters besides the search, the matches they keep (having()), read from the same
  index once, so that each link facet counts its link table alone among them.

Raw SQL over the tables the migrations create (see facet_table for the same names).
"""

import json

from django.db import connections

INITIATIVE = "initiatives_initiative"
SECTOR_LINKS = "initiatives_initiative_sectors"
SECTOR = "initiatives_sector"
BY_ID_INDEX = "initiative_published_by_id"
# Facet -> the initiative's column, in the order of the index (after the id).
COLUMNS = {"country": "country", "kind": "kind", "status": "status", "program": "program_id", "route": "route_id"}


def among(column: str, ids: list[int], vendor: str) -> tuple[str, list]:
    """`column` is one of `ids`, passed as one parameter (as querysets.IdAmong does)."""
    ids = [int(pk) for pk in ids]
    if vendor == "postgresql":
        return f"{column} = ANY(%s::bigint[])", [array_literal(ids)]
    return f"{column} IN (SELECT value FROM json_each(%s))", [json.dumps(ids)]


def array_literal(ids: list[int]) -> str:
    """PostgreSQL's text of an array of the integers `ids`, for one string parameter. Handed the
    list itself, psycopg's client-side binding quoted each element in Python (about 10 ms for
    12,000 ids) and the server took longer to read it: about 35 ms a facet query against 14."""
    return "{" + ",".join(str(int(pk)) for pk in ids) + "}"


def _by_id(vendor: str) -> str:
    return f"{INITIATIVE} INDEXED BY {BY_ID_INDEX}" if vendor == "sqlite" else INITIATIVE


def value_combinations_query(ids: list[int], vendor: str) -> tuple[str, list]:
    """The SQL and parameters of value_combinations()."""
    condition, params = among("id", ids, vendor)
    columns = ", ".join(COLUMNS.values())
    sql = f"SELECT {columns}, COUNT(*) FROM {_by_id(vendor)} WHERE is_published AND {condition} GROUP BY {columns}"
    return sql, params


def value_combinations(ids: list[int], using: str = "default") -> list[tuple]:
    """(country, kind, status, program_id, route_id, how many) of the published initiatives `ids`."""
    connection = connections[using]
    with connection.cursor() as cursor:
        cursor.execute(*value_combinations_query(ids, connection.vendor))
        return cursor.fetchall()


def single_valued_counts(
    ids: list[int], facets: list[str], chosen: dict[str, set], using: str = "default"
) -> dict[str, dict]:
    """{facet: {value: n}} over the published initiatives `ids`, each facet counted among those
    having one of the `chosen` values of every other facet ({"country": {"BR"}, "program": {3}})."""
    counts = {facet: {} for facet in facets}
    positions = {facet: position for position, facet in enumerate(COLUMNS)}
    for row in value_combinations(ids, using):
        n = row[-1]
        failed = [facet for facet, values in chosen.items() if row[positions[facet]] not in values]
        for facet in facets:
            # A row counts for a facet when it passes every other facet's choice.
            if not failed or failed == [facet]:
                value = row[positions[facet]]
                counts[facet][value] = counts[facet].get(value, 0) + n
    return counts


def having(ids: list[int], chosen: dict[str, set], using: str = "default") -> list[int]:
    """Those of the published initiatives `ids` having one of the `chosen` values of each facet
    (as in single_valued_counts), read from the same narrow index."""
    connection = connections[using]
    condition, params = among("id", ids, connection.vendor)
    for facet, values in chosen.items():
        values = [value for value in values if value is not None]
        if not values:
            return []
        condition += f" AND {COLUMNS[facet]} IN ({', '.join(['%s'] * len(values))})"
        params += values
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id FROM {_by_id(connection.vendor)} WHERE is_published AND {condition}", params)
        return [pk for (pk,) in cursor.fetchall()]


def family_counts(ids: list[int], using: str = "default") -> dict[int, int]:
    """{family id: how many of the initiatives `ids` have a sector of it} (once however many)."""
    connection = connections[using]
    condition, params = among("l.initiative_id", ids, connection.vendor)
    join = "CROSS JOIN" if connection.vendor == "sqlite" else "JOIN"
    sql = (
        f"SELECT s.family_id, COUNT(DISTINCT l.initiative_id) FROM {SECTOR_LINKS} l "
        f"{join} {SECTOR} s ON s.id = l.sector_id "
        f"WHERE {condition} AND s.family_id IS NOT NULL GROUP BY s.family_id"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return dict(cursor.fetchall())


def sector_and_family_counts(ids: list[int], using: str = "default") -> tuple[dict[int, int], dict[int, int]]:
    """({sector id: how many of the initiatives `ids` have it}, family_counts(ids)) from one read of
    the sectors' links, on PostgreSQL. Each link is unique, so a sector counts its links."""
    connection = connections[using]
    condition, params = among("l.initiative_id", ids, connection.vendor)
    sql = (
        "SELECT GROUPING(l.sector_id), l.sector_id, s.family_id, COUNT(*), COUNT(DISTINCT l.initiative_id) "
        f"FROM {SECTOR_LINKS} l JOIN {SECTOR} s ON s.id = l.sector_id "
        f"WHERE {condition} GROUP BY GROUPING SETS ((l.sector_id), (s.family_id))"
    )
    sectors, families = {}, {}
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for by_family, sector, family, links, initiatives in cursor.fetchall():
            if not by_family:
                sectors[sector] = links
            elif family is not None:  # sectors of no family: no family facet
                families[family] = initiatives
    return sectors, families
