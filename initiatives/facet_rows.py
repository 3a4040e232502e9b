"""One narrow row per published initiative carrying every facet value (FacetRow), kept by database
triggers, so that the facets under a search read each match once (initiatives.search_facets).

Counting nine facets over 12,000 matches took one query per facet (the one-value facets from an
index, the families and each relation from its link table): 55–65 ms on SQLite, ~100 ms on
PostgreSQL. Reading the matches' rows here and counting in Python: ~30–35 ms on both.

A row holds the initiative's country, kind, status, programme and Rota together in one text
("BR|cluster|active|3|", "" for no Rota: 12,000 matches share a few hundred such combinations,
counted once each), and the ids of its sectors, of their families, of its themes and of its
regions, each packed as "3,17" ("" for none). Four columns fewer to read cut the read by a third
(SQLite: 24 → 16 ms at 13,000 matches, loaded machine). Drafts have no row.

Every trigger rewrites the rows of the initiatives a write touched from the tables themselves
(no arithmetic that could drift): an initiative written, its links written (sectors, themes,
regions), a sector moved to another family. Renaming a term changes no id, so no row. Like
initiatives.facet_table: `repair()` after every migrate puts back triggers a remade table lost
(SQLite), `rebuild_facet_rows()` refills the table (the migration, `manage.py
rebuild_facet_counts`, a restore).
"""

from django.db import connection as default_connection
from django.db import connections, transaction

from . import kept_tables

TABLE = "initiatives_facetrow"
INITIATIVE = "initiatives_initiative"
SECTOR = "initiatives_sector"
SECTOR_LINKS = "initiatives_initiative_sectors"
# The initiative's columns joined in `one_valued`, in this order, by SEPARATOR.
COLUMNS = ["country", "kind", "status", "program_id", "route_id"]
SEPARATOR = "|"
# Packed column -> (link table, term column).
LINKS = {
    "sectors": (SECTOR_LINKS, "sector_id"),
    "themes": ("initiatives_initiative_themes", "theme_id"),
    "regions": ("initiatives_initiative_regions", "region_id"),
}
PACKED = ["sectors", "families", "themes", "regions"]


def _packed(vendor: str, value: str, source: str, distinct: bool = False) -> str:
    """The `value`s of `source` (FROM … WHERE …) as one text "3,17", "" when there is none."""
    unique = "DISTINCT " if distinct else ""
    if vendor == "postgresql":
        joined = f"string_agg({unique}CAST({value} AS TEXT), ',')"
    else:
        joined = f"group_concat({unique}{value})"  # ',' is SQLite's separator; DISTINCT allows no other
    return f"COALESCE((SELECT {joined} {source}), '')"


def _refresh(vendor: str, ids: str) -> list[str]:
    """Statements recomputing the rows of the initiatives whose id is in `ids` (a subquery or a
    list): dropped, then written again for those published. An upsert: a concurrent write's
    trigger may have put the row back meanwhile."""
    packed = {
        column: _packed(vendor, f"l.{term}", f"FROM {table} l WHERE l.initiative_id = i.id")
        for column, (table, term) in LINKS.items()
    }
    packed["families"] = _packed(
        vendor,
        "s.family_id",
        f"FROM {SECTOR_LINKS} l JOIN {SECTOR} s ON s.id = l.sector_id WHERE l.initiative_id = i.id",
        distinct=True,
    )
    one_valued = f" || '{SEPARATOR}' || ".join(f"COALESCE(CAST(i.{column} AS TEXT), '')" for column in COLUMNS)
    columns = ["id", "one_valued", *PACKED]
    values = ["i.id", one_valued, *(packed[column] for column in PACKED)]
    updates = ", ".join(f"{column} = excluded.{column}" for column in columns[1:])
    return [
        f"DELETE FROM {TABLE} WHERE id IN ({ids})",
        f"INSERT INTO {TABLE} ({', '.join(columns)}) SELECT {', '.join(values)} FROM {INITIATIVE} i "
        f"WHERE i.id IN ({ids}) AND i.is_published ON CONFLICT (id) DO UPDATE SET {updates}",
    ]


ROW = "FOR EACH ROW"


def triggers(vendor: str) -> list[tuple[str, str, str, str, str, list[str]]]:
    """(name, event, table, FOR EACH clause, condition, statements) of every trigger. Row
    triggers: PostgreSQL runs AFTER row triggers once the statement is done, SQLite after each
    row; either way the last one to run for an initiative reads its final state. PostgreSQL keeps
    the links by statement triggers instead, each rewriting once the rows of the initiatives the
    statement touched (from its transition tables): a row trigger cost ~120–250 µs a link there
    (2,000 links: 290 → 630–780 ms), against ~60 µs on SQLite."""
    distinct = "IS DISTINCT FROM" if vendor == "postgresql" else "IS NOT"
    changed = " OR ".join(f"OLD.{column} {distinct} NEW.{column}" for column in ["id", "is_published", *COLUMNS])
    found = [
        ("facetrow_initiative_insert", "INSERT", INITIATIVE, ROW, "NEW.is_published", _refresh(vendor, "NEW.id")),
        ("facetrow_initiative_delete", "DELETE", INITIATIVE, ROW, "TRUE", [f"DELETE FROM {TABLE} WHERE id = OLD.id"]),
        (
            "facetrow_initiative_update",
            "UPDATE",
            INITIATIVE,
            ROW,
            changed,
            [f"DELETE FROM {TABLE} WHERE id = OLD.id", *_refresh(vendor, "NEW.id")],
        ),
    ]
    for column, (table, term) in LINKS.items():
        if vendor == "postgresql":
            added, removed = "SELECT initiative_id FROM new_links", "SELECT initiative_id FROM old_links"
            found += [
                (
                    f"facetrow_{column}_insert",
                    "INSERT",
                    table,
                    "REFERENCING NEW TABLE AS new_links FOR EACH STATEMENT",
                    "TRUE",
                    _refresh(vendor, added),
                ),
                (
                    f"facetrow_{column}_delete",
                    "DELETE",
                    table,
                    "REFERENCING OLD TABLE AS old_links FOR EACH STATEMENT",
                    "TRUE",
                    _refresh(vendor, removed),
                ),
                (
                    f"facetrow_{column}_update",
                    "UPDATE",
                    table,
                    "REFERENCING OLD TABLE AS old_links NEW TABLE AS new_links FOR EACH STATEMENT",
                    "TRUE",
                    _refresh(vendor, f"{removed} UNION {added}"),
                ),
            ]
            continue
        found += [
            (f"facetrow_{column}_insert", "INSERT", table, ROW, "TRUE", _refresh(vendor, "NEW.initiative_id")),
            (f"facetrow_{column}_delete", "DELETE", table, ROW, "TRUE", _refresh(vendor, "OLD.initiative_id")),
            (
                f"facetrow_{column}_update",
                "UPDATE",
                table,
                ROW,
                f"OLD.initiative_id {distinct} NEW.initiative_id OR OLD.{term} {distinct} NEW.{term}",
                _refresh(vendor, "OLD.initiative_id") + _refresh(vendor, "NEW.initiative_id"),
            ),
        ]
    linked = f"SELECT initiative_id FROM {SECTOR_LINKS} WHERE sector_id = NEW.id"
    found.append(
        (
            "facetrow_sector_family",
            "UPDATE",
            SECTOR,
            ROW,
            f"OLD.family_id {distinct} NEW.family_id",
            _refresh(vendor, linked),
        )
    )
    return found


def create_triggers(connection=default_connection) -> None:
    vendor = connection.vendor
    with connection.cursor() as cursor:
        for name, event, table, each, condition, statements in triggers(vendor):
            body = "".join(f"{statement};\n" for statement in statements)
            if vendor == "postgresql":
                cursor.execute(
                    f"CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$\n"
                    f"BEGIN\nIF {condition} THEN\n{body}END IF;\nRETURN NULL;\nEND\n$$"
                )
                cursor.execute(f"CREATE TRIGGER {name} AFTER {event} ON {table} {each} EXECUTE FUNCTION {name}()")
            else:
                cursor.execute(
                    f"CREATE TRIGGER {name} AFTER {event} ON {table} {each} WHEN {condition}\nBEGIN\n{body}END"
                )


def drop_triggers(connection=default_connection) -> None:
    with connection.cursor() as cursor:
        for name, _event, table, *_rest in triggers(connection.vendor):
            if connection.vendor == "postgresql":
                cursor.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
                cursor.execute(f"DROP FUNCTION IF EXISTS {name}()")
            else:
                cursor.execute(f"DROP TRIGGER IF EXISTS {name}")


def rebuild_facet_rows(connection=default_connection) -> None:
    """Rewrite every row from the initiatives and their links, in one transaction. On PostgreSQL
    the table is locked first, so a write running meanwhile waits (its triggers) or is read."""
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"LOCK TABLE {TABLE} IN EXCLUSIVE MODE")
        cursor.execute(f"DELETE FROM {TABLE}")
        for statement in _refresh(connection.vendor, f"SELECT id FROM {INITIATIVE} WHERE is_published"):
            cursor.execute(statement)


def repair(connection=default_connection) -> bool:
    """Reinstall the triggers and rebuild when one is missing; returns whether it did (see
    kept_tables: a migration on SQLite drops them)."""
    names = {name for name, *_rest in triggers(connection.vendor)}
    return kept_tables.repair(connection, TABLE, names, _reinstall)


def _reinstall(connection) -> None:
    drop_triggers(connection)
    create_triggers(connection)
    rebuild_facet_rows(connection)


def ensure(sender, using, **kwargs) -> None:
    """post_migrate: see repair()."""
    repair(connections[using])
