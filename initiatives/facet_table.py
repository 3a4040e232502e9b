"""The published catalogue's facet counts, kept in a table (FacetCount) by database triggers.

Counting 100,000 initiatives and their links after every edit cost more than the rest of a list
page; the counts of the whole catalogue change by a few rows per edit. Triggers, not Python, keep
them: every way of writing (save, bulk_create, update(), imports, the admin, m2m add/remove/clear,
raw SQL) goes through them. One row per (facet, value): a column's value (country, kind, status),
a term's id (program, route, region, sector, theme, family) or "" for the total and the home
page's sums of members. Drafts never
count; a family counts an initiative once however many of its sectors it has. The same counts are
kept per country and per kind too (facets "sector@BR", "sector@cluster", see `within`), but for
that facet itself and the members: a list filtered by countries alone, or kinds alone, reads its
facets and its total from them. One more row, not
a count, holds a token renewed at every change of a vocabulary (initiatives.labels caches by it),
and another one at every change of a region (the search's index of region names).

`rebuild_facet_counts()` recounts the table from scratch and renews the tokens (the migration
fills the table with it; an operator runs `manage.py rebuild_facet_counts` after writing to the
database with the triggers off, say). Changing a
trigger here takes a new migration that drops and recreates them (`drop_triggers`, `create_triggers`).
A migration that remakes a table on SQLite drops its triggers: `repair()`, run after every
`migrate`, puts missing ones back and recounts.
"""

from django.db import connection as default_connection
from django.db import connections, transaction

from . import kept_tables

TABLE = "initiatives_facetcount"
INITIATIVE = "initiatives_initiative"
SECTOR = "initiatives_sector"
# Facet -> the initiative's column it counts.
COLUMNS = {"country": "country", "kind": "kind", "status": "status", "program": "program_id", "route": "route_id"}
# Facet -> (link table, term column).
LINKS = {
    "region": ("initiatives_initiative_regions", "region_id"),
    "sector": ("initiatives_initiative_sectors", "sector_id"),
    "theme": ("initiatives_initiative_themes", "theme_id"),
}
SECTOR_LINKS = LINKS["sector"][0]
TOTAL = "total"
# The home page's figures: the sum of the members stated, and how many initiatives state theirs.
MEMBERS = "members"
MEMBERS_STATED = "members_stated"
# Facets whose stored value is a term's id.
ID_FACETS = {"program", "route", "region", "sector", "theme", "family"}
# Not a facet: a random token the triggers renew whenever a vocabulary table changes, so that
# what is derived from the vocabularies alone (their labels) outlives the initiatives' edits.
VOCABULARY_TOKEN = "vocabularies"
VOCABULARY_TABLES = [
    "initiatives_sectorfamily",
    "initiatives_sector",
    "initiatives_theme",
    "initiatives_program",
    "initiatives_route",
]
# Another token, renewed whenever a region changes: what is derived from the regions alone (the
# search's index of their names) outlives the initiatives' edits and the other vocabularies'.
REGION_TOKEN = "regions"
TOKEN_TABLES = {VOCABULARY_TOKEN: VOCABULARY_TABLES, REGION_TOKEN: ["initiatives_region"]}


# One-value facets (initiative columns) whose every value keeps the other facets' counts of its
# initiatives too: the most used filters. Their values never meet (country codes are upper case).
SCOPES = ["country", "kind"]


def within(facet: str, value: str) -> str:
    """The facet name under which `facet` is kept for the initiatives having `value` (a country's
    code, a kind) in one of the SCOPES."""
    return f"{facet}@{value}"


def _facet(facet: str, value: str = "") -> str:
    """The facet's name as SQL: `facet`, or within() of the SQL expression `value`."""
    return f"'{facet}@' || {value}" if value else f"'{facet}'"


def _column_of(initiative_id: str, column: str) -> str:
    return f"(SELECT {column} FROM {INITIATIVE} WHERE id = {initiative_id})"


def _add(
    facet: str,
    value: str,
    where: str,
    source: str = "",
    count: str = "1",
    distinct: bool = False,
    within: str = "",
) -> str:
    """Add `count` to (facet, value) for each row of `source` matching `where` (one row without
    a source); with `within` (SQL), to the facet kept for that value. The WHERE also keeps
    SQLite from reading ON CONFLICT as a join's ON."""
    select = "SELECT DISTINCT" if distinct else "SELECT"
    return (
        f"INSERT INTO {TABLE} (facet, value, n) {select} {_facet(facet, within)}, CAST({value} AS TEXT), {count} {source} "
        f"WHERE {value} IS NOT NULL AND {where} "
        f"ON CONFLICT (facet, value) DO UPDATE SET n = {TABLE}.n + excluded.n"
    )


def _sub(facet: str, values: str, where: str, count: str = "1", within: str = "") -> str:
    """Take `count` from the rows of `facet` (kept within `within`, SQL, if given) whose value is in
    `values` (a subquery or a list). An UPDATE, never an insert: a row missing (a table emptied
    before the initiatives, as a test database's flush does) stays missing instead of going
    negative."""
    return (
        f"UPDATE {TABLE} SET n = n - {count} WHERE facet = {_facet(facet, within)} AND value IN ({values}) AND {where}"
    )


def _published(initiative_id: str) -> str:
    return f"EXISTS (SELECT 1 FROM {INITIATIVE} WHERE id = {initiative_id} AND is_published)"


def _family_of(sector_id: str) -> str:
    return f"(SELECT family_id FROM {SECTOR} WHERE id = {sector_id})"


def _links_in_family(initiative_id: str, family: str) -> str:
    return (
        f"(SELECT COUNT(*) FROM {SECTOR_LINKS} fl JOIN {SECTOR} fs ON fs.id = fl.sector_id "
        f"WHERE fl.initiative_id = {initiative_id} AND fs.family_id = {family})"
    )


def _initiative_statements(row: str, sign: str, links_when: str = "TRUE", scope_links_when: str = "TRUE") -> list[str]:
    """Add (sign '+') or take away (sign '-') everything the initiative `row` (NEW or OLD) counts:
    its columns, the total and, when `links_when` holds, its links; then the same in the counts
    kept for its country and its kind, its links when `scope_links_when` holds; if it is published."""
    statements = _counted(row, sign, links_when)
    for scope in SCOPES:
        statements += _counted_within(row, sign, scope_links_when, scope)
    return statements


def _counted_within(row: str, sign: str, links_when: str, scope: str) -> list[str]:
    published = f"{row}.is_published"
    links_counted = f"{published} AND ({links_when})"
    scoped = f"{row}.{scope}"
    columns = [(facet, column) for facet, column in COLUMNS.items() if facet != scope]
    if sign == "+":
        statements = [_add(facet, f"{row}.{column}", published, within=scoped) for facet, column in columns]
        statements.append(_add(TOTAL, "''", published, within=scoped))
        return statements + _link_statements(row, sign, links_counted, within=scoped)
    statements = [_sub(facet, f"CAST({row}.{column} AS TEXT)", published, within=scoped) for facet, column in columns]
    statements.append(_sub(TOTAL, "''", published, within=scoped))
    return statements + _link_statements(row, sign, links_counted, within=scoped)


def _counted(row: str, sign: str, links_when: str) -> list[str]:
    published = f"{row}.is_published"
    stated = f"{row}.member_count IS NOT NULL"
    links_counted = f"{published} AND ({links_when})"
    if sign == "+":
        statements = [_add(facet, f"{row}.{column}", published) for facet, column in COLUMNS.items()]
        statements.append(_add(TOTAL, "''", published))
        statements.append(_add(MEMBERS, "''", f"{published} AND {stated}", count=f"{row}.member_count"))
        statements.append(_add(MEMBERS_STATED, "''", f"{published} AND {stated}"))
        return statements + _link_statements(row, sign, links_counted)
    statements = [_sub(facet, f"CAST({row}.{column} AS TEXT)", published) for facet, column in COLUMNS.items()]
    statements.append(_sub(TOTAL, "''", published))
    statements.append(_sub(MEMBERS, "''", f"{published} AND {stated}", count=f"{row}.member_count"))
    statements.append(_sub(MEMBERS_STATED, "''", f"{published} AND {stated}"))
    return statements + _link_statements(row, sign, links_counted)


def _link_statements(row: str, sign: str, links_counted: str, within: str = "") -> list[str]:
    """Add or take away each link of the initiative `row` and the families of its sectors (once
    each), when `links_counted` holds; kept within `within` (SQL), if given."""
    families = f"{SECTOR_LINKS} l JOIN {SECTOR} s ON s.id = l.sector_id"
    if sign == "+":
        where = f"l.initiative_id = {row}.id AND {links_counted}"
        statements = [
            _add(facet, f"l.{column}", where, f"FROM {table} l", within=within)
            for facet, (table, column) in LINKS.items()
        ]
        statements.append(_add("family", "s.family_id", where, f"FROM {families}", distinct=True, within=within))
        return statements
    statements = [
        _sub(
            facet,
            f"SELECT CAST({column} AS TEXT) FROM {table} WHERE initiative_id = {row}.id",
            links_counted,
            within=within,
        )
        for facet, (table, column) in LINKS.items()
    ]
    family_values = f"SELECT CAST(s.family_id AS TEXT) FROM {families} WHERE l.initiative_id = {row}.id"
    statements.append(_sub("family", family_values, links_counted, within=within))
    return statements


def _link_added(facet: str, column: str, families: bool, same_family: str = "") -> list[str]:
    published = _published("NEW.initiative_id")
    statements = []
    for scoped in ("", *(_column_of("NEW.initiative_id", scope) for scope in SCOPES)):
        statements.append(_add(facet, f"NEW.{column}", published, within=scoped))
        if facet == "sector" and families:
            # The family gains the initiative with its first sector in it (counted after the insert).
            first = f"{_links_in_family('NEW.initiative_id', _family_of('NEW.sector_id'))} = 1"
            where = f"{published} AND {first}{same_family}"
            statements.append(_add("family", _family_of("NEW.sector_id"), where, within=scoped))
    return statements


def _link_removed(facet: str, column: str, families: bool) -> list[str]:
    published = _published("OLD.initiative_id")
    statements = []
    for scoped in ("", *(_column_of("OLD.initiative_id", scope) for scope in SCOPES)):
        statements.append(_sub(facet, f"CAST(OLD.{column} AS TEXT)", published, within=scoped))
        if facet == "sector" and families:
            family = _family_of("OLD.sector_id")
            last = f"{_links_in_family('OLD.initiative_id', family)} = 0"
            statements.append(
                _sub("family", f"SELECT CAST({family} AS TEXT)", f"{published} AND {last}", within=scoped)
            )
    return statements


def _changed(columns: list[str], distinct: str) -> str:
    return " OR ".join(f"OLD.{column} {distinct} NEW.{column}" for column in columns)


def triggers(vendor: str) -> list[tuple[str, str, str, str, list[str]]]:
    """(name, event, table, condition, statements) of every row trigger. SQLite runs a row's
    triggers before the statement's next row, so the families are kept here too; PostgreSQL runs
    them once the whole statement is done (two sectors of one family added at once would each
    see the other), so there the families are kept by statement triggers (family_triggers)."""
    families = vendor == "sqlite"
    distinct = "IS NOT" if families else "IS DISTINCT FROM"
    columns = ["is_published", "id", "member_count", *COLUMNS.values()]
    published_changed = _changed(["is_published", "id"], distinct)
    scope_changed = _changed(["is_published", "id", *SCOPES], distinct)
    found = [
        ("facetcount_initiative_insert", "INSERT", INITIATIVE, "NEW.is_published", _initiative_statements("NEW", "+")),
        ("facetcount_initiative_delete", "DELETE", INITIATIVE, "OLD.is_published", _initiative_statements("OLD", "-")),
        (
            "facetcount_initiative_update",
            "UPDATE",
            INITIATIVE,
            f"(OLD.is_published OR NEW.is_published) AND ({_changed(columns, distinct)})",
            # Its links count again only when it is published or withdrawn; in the counts kept
            # per country and kind, also when it moves to another one.
            _initiative_statements("OLD", "-", published_changed, scope_changed)
            + _initiative_statements("NEW", "+", published_changed, scope_changed),
        ),
    ]
    for facet, (table, column) in LINKS.items():
        found += [
            (f"facetcount_{facet}_insert", "INSERT", table, "TRUE", _link_added(facet, column, families)),
            (f"facetcount_{facet}_delete", "DELETE", table, "TRUE", _link_removed(facet, column, families)),
        ]
        # A link rewritten in place: the old one goes, the new one comes. The family gains nothing
        # when the same initiative's link stays in the same family.
        same = ""
        if facet == "sector":
            same = (
                f" AND NOT (OLD.initiative_id = NEW.initiative_id "
                f"AND {_family_of('OLD.sector_id')} = {_family_of('NEW.sector_id')})"
            )
        found.append(
            (
                f"facetcount_{facet}_update",
                "UPDATE",
                table,
                _changed(["initiative_id", column], distinct),
                _link_removed(facet, column, families) + _link_added(facet, column, families, same),
            )
        )
    if families:
        # A sector moved to another family: its published initiatives leave the old family unless
        # another of their sectors is in it, and join the new one unless one already was.
        linked = f"FROM {SECTOR_LINKS} l JOIN {INITIATIVE} i ON i.id = l.initiative_id WHERE l.sector_id = NEW.id AND i.is_published"
        leaving = f"{_links_in_family('l.initiative_id', 'OLD.family_id')} = 0"
        joining = f"{_links_in_family('l.initiative_id', 'NEW.family_id')} = 1"
        left = f"(SELECT COUNT(*) {linked} AND {leaving})"
        joined = f"(SELECT COUNT(*) {linked} AND {joining})"
        # Per country and kind: each kept row loses its own initiatives leaving (a row of the other
        # scope matches none); those joining, grouped.
        within = []
        for scope in SCOPES:
            left_here = f"(SELECT COUNT(*) {linked} AND {_facet('family', f'i.{scope}')} = {TABLE}.facet AND {leaving})"
            within += [
                f"UPDATE {TABLE} SET n = n - {left_here} "
                f"WHERE facet LIKE 'family@%' "
                f"AND value = CAST(OLD.family_id AS TEXT)",
                f"INSERT INTO {TABLE} (facet, value, n) "
                f"SELECT {_facet('family', f'i.{scope}')}, CAST(NEW.family_id AS TEXT), COUNT(*) {linked} "
                f"AND NEW.family_id IS NOT NULL AND {joining} GROUP BY i.{scope} "
                f"ON CONFLICT (facet, value) DO UPDATE SET n = {TABLE}.n + excluded.n",
            ]
        found.append(
            (
                "facetcount_sector_family",
                "UPDATE",
                SECTOR,
                _changed(["family_id"], distinct),
                [
                    _sub("family", "CAST(OLD.family_id AS TEXT)", "TRUE", count=left),
                    _add("family", "NEW.family_id", "TRUE", count=joined),
                    *within,
                ],
            )
        )
    return found


def _family_deltas(pairs: str) -> list[str]:
    """Add to each family the change of its published initiatives, from `pairs`: rows
    (initiative_id, family_id, before) where `before` says how many of the initiative's links
    were in the family before the statement; the table now holds the after. Then the same per
    country and per kind."""
    after = _links_in_family("p.initiative_id", "p.family_id")
    return [
        f"INSERT INTO {TABLE} (facet, value, n) "
        f"SELECT {_facet('family', scoped)}, CAST(p.family_id AS TEXT), "
        f"SUM(CASE WHEN {after} > 0 THEN 1 ELSE 0 END - CASE WHEN p.before > 0 THEN 1 ELSE 0 END) "
        f"FROM ({pairs}) p JOIN {INITIATIVE} i ON i.id = p.initiative_id "
        f"WHERE i.is_published AND p.family_id IS NOT NULL GROUP BY p.family_id{', ' + scoped if scoped else ''} "
        f"ON CONFLICT (facet, value) DO UPDATE SET n = {TABLE}.n + excluded.n"
        for scoped in ("", *(f"i.{scope}" for scope in SCOPES))
    ]


def family_triggers() -> list[tuple[str, str, str, str, list[str]]]:
    """PostgreSQL's statement triggers keeping the families: (name, event, table, REFERENCING
    clause, statements). Each compares, for every (initiative, family) the statement touched, the
    links in the family after it with those before it (after, less the rows added, plus the rows
    removed, read from the transition tables)."""
    now = _links_in_family("c.initiative_id", "s.family_id")

    def links_changed(changes: str) -> list[str]:
        return _family_deltas(
            f"SELECT c.initiative_id, s.family_id, {now} - SUM(c.sign) AS before "
            f"FROM ({changes}) c JOIN {SECTOR} s ON s.id = c.sector_id GROUP BY c.initiative_id, s.family_id"
        )

    added = "SELECT initiative_id, sector_id, 1 AS sign FROM new_links"
    removed = "SELECT initiative_id, sector_id, -1 AS sign FROM old_links"
    # A sector moved: its initiatives' links counted by each sector's family before the move.
    family_before = "CASE WHEN m.id IS NULL THEN fs.family_id ELSE m.family_id END"
    before = (
        f"(SELECT COUNT(*) FROM {SECTOR_LINKS} fl JOIN {SECTOR} fs ON fs.id = fl.sector_id "
        f"LEFT JOIN old_sectors m ON m.id = fs.id "
        f"WHERE fl.initiative_id = l.initiative_id AND {family_before} = f.family_id)"
    )
    moved = (
        f"SELECT DISTINCT l.initiative_id, f.family_id, {before} AS before "
        f"FROM old_sectors o JOIN new_sectors n ON n.id = o.id JOIN {SECTOR_LINKS} l ON l.sector_id = o.id "
        f"CROSS JOIN LATERAL (VALUES (o.family_id), (n.family_id)) f(family_id) "
        f"WHERE o.family_id IS DISTINCT FROM n.family_id"
    )
    return [
        ("facetcount_family_links_insert", "INSERT", SECTOR_LINKS, "NEW TABLE AS new_links", links_changed(added)),
        ("facetcount_family_links_delete", "DELETE", SECTOR_LINKS, "OLD TABLE AS old_links", links_changed(removed)),
        (
            "facetcount_family_links_update",
            "UPDATE",
            SECTOR_LINKS,
            "OLD TABLE AS old_links NEW TABLE AS new_links",
            links_changed(f"{added} UNION ALL {removed}"),
        ),
        (
            "facetcount_family_sectors",
            "UPDATE",
            SECTOR,
            "OLD TABLE AS old_sectors NEW TABLE AS new_sectors",
            _family_deltas(moved),
        ),
    ]


def _renew_token(vendor: str, facet: str = VOCABULARY_TOKEN) -> str:
    token = "ABS(RANDOM()) % 2147483647" if vendor == "sqlite" else "FLOOR(RANDOM() * 2147483647)::integer"
    return (
        f"INSERT INTO {TABLE} (facet, value, n) SELECT '{facet}', '', {token} WHERE TRUE "
        f"ON CONFLICT (facet, value) DO UPDATE SET n = excluded.n"
    )


def vocabulary_triggers(vendor: str) -> list[tuple[str, str, str, str, str]]:
    """(name, events, table, FOR EACH, statement): SQLite has only row triggers, one per event."""
    tables = [(table, _renew_token(vendor, facet)) for facet, names in TOKEN_TABLES.items() for table in names]
    if vendor == "postgresql":
        return [
            (f"facetcount_vocabulary_{table}", "INSERT OR UPDATE OR DELETE", table, "STATEMENT", statement)
            for table, statement in tables
        ]
    return [
        (f"facetcount_vocabulary_{table}_{event.lower()}", event, table, "ROW", statement)
        for table, statement in tables
        for event in ("INSERT", "UPDATE", "DELETE")
    ]


def _create(cursor, vendor: str, name: str, on: str, statements: list[str], condition: str = "TRUE") -> None:
    """A trigger `name` running `statements` when `condition` holds; `on` is what follows AFTER:
    "INSERT ON table FOR EACH ROW", say. PostgreSQL's runs a function of the same name."""
    body = "".join(f"{statement};\n" for statement in statements)
    if vendor == "postgresql":
        cursor.execute(
            f"CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$\n"
            f"BEGIN\nIF {condition} THEN\n{body}END IF;\nRETURN NULL;\nEND\n$$"
        )
        cursor.execute(f"CREATE TRIGGER {name} AFTER {on} EXECUTE FUNCTION {name}()")
    else:
        cursor.execute(f"CREATE TRIGGER {name} AFTER {on} WHEN {condition}\nBEGIN\n{body}END")


def create_triggers(connection=default_connection) -> None:
    vendor = connection.vendor
    with connection.cursor() as cursor:
        for name, event, table, condition, statements in triggers(vendor):
            _create(cursor, vendor, name, f"{event} ON {table} FOR EACH ROW", statements, condition)
        for name, events, table, each, statement in vocabulary_triggers(vendor):
            _create(cursor, vendor, name, f"{events} ON {table} FOR EACH {each}", [statement])
        if vendor == "postgresql":
            for name, event, table, referencing, statements in family_triggers():
                _create(
                    cursor,
                    vendor,
                    name,
                    f"{event} ON {table} REFERENCING {referencing} FOR EACH STATEMENT",
                    statements,
                )


def drop_triggers(connection=default_connection) -> None:
    found = triggers(connection.vendor)
    if connection.vendor == "postgresql":
        found += [(name, event, table, "", []) for name, event, table, _referencing, _statement in family_triggers()]
    found += [
        (name, event, table, "", []) for name, event, table, _each, _statement in vocabulary_triggers(connection.vendor)
    ]
    with connection.cursor() as cursor:
        for name, _event, table, _condition, _statements in found:
            if connection.vendor == "postgresql":
                cursor.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
                cursor.execute(f"DROP FUNCTION IF EXISTS {name}()")
            else:
                cursor.execute(f"DROP TRIGGER IF EXISTS {name}")


def trigger_names(vendor: str) -> set[str]:
    names = {name for name, *_rest in triggers(vendor)} | {name for name, *_rest in vocabulary_triggers(vendor)}
    if vendor == "postgresql":
        names |= {name for name, *_rest in family_triggers()}
    return names


def repair(connection=default_connection) -> bool:
    """Reinstall the triggers and recount when one is missing; returns whether it did (see
    kept_tables: a migration on SQLite drops them)."""
    return kept_tables.repair(connection, TABLE, trigger_names(connection.vendor), _reinstall)


def _reinstall(connection) -> None:
    drop_triggers(connection)
    create_triggers(connection)
    rebuild_facet_counts(connection)


def ensure(sender, using, **kwargs) -> None:
    """post_migrate: see repair()."""
    repair(connections[using])


def _recount_statements(vendor: str) -> list[str]:
    insert = f"INSERT INTO {TABLE} (facet, value, n)"
    published = f"JOIN {INITIATIVE} i ON i.id = l.initiative_id WHERE i.is_published"
    statements = [
        f"DELETE FROM {TABLE}",
        *(_renew_token(vendor, facet) for facet in TOKEN_TABLES),
        f"{insert} SELECT '{TOTAL}', '', COUNT(*) FROM {INITIATIVE} WHERE is_published",
        f"{insert} SELECT '{MEMBERS}', '', COALESCE(SUM(member_count), 0) FROM {INITIATIVE} WHERE is_published",
        f"{insert} SELECT '{MEMBERS_STATED}', '', COUNT(member_count) FROM {INITIATIVE} WHERE is_published",
    ]
    statements += [
        f"{insert} SELECT '{facet}', CAST({column} AS TEXT), COUNT(*) FROM {INITIATIVE} "
        f"WHERE is_published AND {column} IS NOT NULL GROUP BY {column}"
        for facet, column in COLUMNS.items()
    ]
    statements += [
        f"{insert} SELECT '{facet}', CAST(l.{column} AS TEXT), COUNT(*) FROM {table} l {published} GROUP BY l.{column}"
        for facet, (table, column) in LINKS.items()
    ]
    statements.append(
        f"{insert} SELECT 'family', CAST(s.family_id AS TEXT), COUNT(DISTINCT l.initiative_id) "
        f"FROM {SECTOR_LINKS} l JOIN {SECTOR} s ON s.id = l.sector_id {published} AND s.family_id IS NOT NULL "
        f"GROUP BY s.family_id"
    )
    # Per country and per kind: the same counts grouped by the initiative's country, or kind, too.
    for scope in SCOPES:
        statements.append(
            f"{insert} SELECT {_facet(TOTAL, scope)}, '', COUNT(*) FROM {INITIATIVE} WHERE is_published "
            f"GROUP BY {scope}"
        )
        statements += [
            f"{insert} SELECT {_facet(facet, scope)}, CAST({column} AS TEXT), COUNT(*) FROM {INITIATIVE} "
            f"WHERE is_published AND {column} IS NOT NULL GROUP BY {scope}, {column}"
            for facet, column in COLUMNS.items()
            if facet != scope
        ]
        statements += [
            f"{insert} SELECT {_facet(facet, f'i.{scope}')}, CAST(l.{column} AS TEXT), COUNT(*) FROM {table} l "
            f"{published} GROUP BY i.{scope}, l.{column}"
            for facet, (table, column) in LINKS.items()
        ]
        statements.append(
            f"{insert} SELECT {_facet('family', f'i.{scope}')}, CAST(s.family_id AS TEXT), "
            f"COUNT(DISTINCT l.initiative_id) FROM {SECTOR_LINKS} l JOIN {SECTOR} s ON s.id = l.sector_id "
            f"{published} AND s.family_id IS NOT NULL GROUP BY i.{scope}, s.family_id"
        )
    return statements


def rebuild_facet_counts(connection=default_connection) -> None:
    """Recount the table from the initiatives and their links, in one transaction. On PostgreSQL
    the table is locked first, so a write running meanwhile is counted once: before (it waits for
    its transaction) or after (its triggers wait for the rebuild)."""
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"LOCK TABLE {TABLE} IN EXCLUSIVE MODE")
        for statement in _recount_statements(connection.vendor):
            cursor.execute(statement)
