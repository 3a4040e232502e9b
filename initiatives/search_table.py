"""On PostgreSQL, a narrow copy of each initiative's folded `own_search_text` (its `search_text`
without its sectors', Rota's and programme's names) and `is_published`, kept by triggers, with
its own pg_trgm index: what a search of the published initiatives reads.

A trigram index only proposes candidates: PostgreSQL reads each one's row again to check the
LIKE. In the initiatives' table those rows are wide (1.2 GB at 100,000 initiatives), so a search
matching 12,000 of them read most of the table's pages and pushed the rest of the catalogue out
of the shared buffers; this table is a fifteenth of that size. The initiative stays the one
place the text is written (Initiative.set_derived_fields): the triggers copy every write to it
(save, bulk writes, `update()`, raw SQL, deletes, a TRUNCATE), so it never needs Python.

`repair()`, run after every `migrate`, puts back a missing trigger and copies the text again;
`rebuild()` copies it again from scratch (manage.py rebuild_facet_counts runs it too). SQLite
has its FTS5 index instead (initiatives.search_fts).

Each row also carries its initiative's facet row (initiatives.facet_rows: `one_valued` and the
packed ids), copied by a trigger on that table and read again whenever the text is copied: a
search over every published initiative then reads its matches and their facet values in one
bitmap scan of this table (matches_with_facet_rows), instead of hashing its matches against a
read of every facet row (37 → ~20 ms for 11,742 matches at 100,000). A draft's copy may keep stale
values: they are read only with `is_published`.

The names of the terms are three quarters of search_text (~600 of ~790 characters at 100,000)
and every candidate of the trigram index has its text rechecked against the LIKE: the copy holds
the initiative's own parts only, and a word is also found through the ids of the terms whose
names hold it (published_matches), read from the vocabulary and matched by exact indexes on the
facet columns. A renamed term rewrites no copy.
"""

from contextlib import contextmanager

from django.db import connections, transaction

from . import facet_rows, kept_tables, search_index
from .search_facets import array_literal

TABLE = "initiatives_search_text"
INITIATIVE = "initiatives_initiative"
FUNCTION = f"{TABLE}_copy"
ROW_TRIGGER = f"{TABLE}_row"
TRUNCATE_TRIGGER = f"{TABLE}_truncate"

FACET_ROWS = facet_rows.TABLE
# The facet row's columns carried here, in search_facets.ROW_COLUMNS' order after the id.
FACETS = ["one_valued", *facet_rows.PACKED]
FACETS_FUNCTION = f"{TABLE}_facets"
FACETS_TRIGGERS = {f"{TABLE}_facets_{event.lower()}": event for event in ("INSERT", "UPDATE")}

# The sectors' ids also as an array, computed by PostgreSQL from the packed text whenever it is
# written: a match through a sector rechecks it without parsing the text (15 → 12 ms for "sao" at
# 100,000, server side).
TABLE_STATEMENT = f"""CREATE TABLE IF NOT EXISTS {TABLE} (
    id bigint PRIMARY KEY, is_published boolean NOT NULL, search_text text NOT NULL,
    {", ".join(f"{column} text" for column in FACETS)},
    sector_ids int[] GENERATED ALWAYS AS (string_to_array(sectors, ',')::int[]) STORED)"""
# The trigram index of the text, and the exact indexes of the terms the text leaves out
# (published_matches): the copy's sectors, and its programme and Rota in one_valued
# (search_facets.ONE_VALUED).
SECTOR_IDS = "sector_ids"
PROGRAM_ID, ROUTE_ID = (
    f"(split_part(one_valued, '{facet_rows.SEPARATOR}', {facet_rows.COLUMNS.index(column) + 1}))"
    for column in ("program_id", "route_id")
)
INDEX_STATEMENTS = [
    f"CREATE INDEX IF NOT EXISTS {TABLE}_trgm ON {TABLE} USING gin (search_text gin_trgm_ops)",
    f"CREATE INDEX IF NOT EXISTS {TABLE}_sectors ON {TABLE} USING gin ({SECTOR_IDS})",
    f"CREATE INDEX IF NOT EXISTS {TABLE}_program ON {TABLE} ({PROGRAM_ID})",
    f"CREATE INDEX IF NOT EXISTS {TABLE}_route ON {TABLE} ({ROUTE_ID})",
]

# The initiative's column the copy holds: own_search_text, or search_text before migration 0023
# made it (and after migrating back past it).
SOURCES = ("own_search_text", "search_text")


def copy_function(source: str) -> str:
    """The copy's row trigger, copying the initiative's `source` (one of SOURCES). It takes the
    facet row's values too when that table exists (not before migration 0019, nor after
    migrating back past it); the statement naming it is only prepared when run."""
    return f"""CREATE OR REPLACE FUNCTION {FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'TRUNCATE' THEN
            TRUNCATE {TABLE};
            RETURN NULL;
        END IF;
        IF TG_OP = 'UPDATE' AND NEW.id = OLD.id AND NEW.is_published = OLD.is_published
                AND NEW.{source} = OLD.{source} THEN
            RETURN NULL;
        END IF;
        IF TG_OP IN ('DELETE', 'UPDATE') THEN
            DELETE FROM {TABLE} WHERE id = OLD.id;
        END IF;
        IF TG_OP IN ('INSERT', 'UPDATE') THEN
            IF to_regclass('{FACET_ROWS}') IS NULL THEN
                INSERT INTO {TABLE} (id, is_published, search_text) VALUES (NEW.id, NEW.is_published, NEW.{source});
            ELSE
                INSERT INTO {TABLE} (id, is_published, search_text, {", ".join(FACETS)})
                SELECT NEW.id, NEW.is_published, NEW.{source}, {", ".join(f"f.{column}" for column in FACETS)}
                FROM (SELECT NEW.id AS id) copied LEFT JOIN {FACET_ROWS} f ON f.id = copied.id;
            END IF;
        END IF;
        RETURN NULL;
    END $$"""


# A facet row written (the facet rows' triggers rewrite one whenever a value may have changed):
# its values copied to the initiative's copy, only where they differ, so that a rewrite changing
# nothing writes nothing here (each write of a ~800-byte row here also writes its trigrams). A
# facet row deleted leaves its values: the initiative is a draft or gone.
FACETS_STATEMENTS = [
    f"""CREATE OR REPLACE FUNCTION {FACETS_FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        UPDATE {TABLE} s SET {", ".join(f"{column} = n.{column}" for column in FACETS)}
        FROM written n WHERE s.id = n.id
            AND ({", ".join(f"s.{column}" for column in FACETS)}) IS DISTINCT FROM ({", ".join(f"n.{column}" for column in FACETS)});
        RETURN NULL;
    END $$""",
    *(
        f"""CREATE TRIGGER {name} AFTER {event} ON {FACET_ROWS}
        REFERENCING NEW TABLE AS written FOR EACH STATEMENT EXECUTE FUNCTION {FACETS_FUNCTION}()"""
        for name, event in FACETS_TRIGGERS.items()
    ),
]
TRIGGERS = {
    # Every update, the function skipping those that change nothing it copies: with the columns
    # named here (UPDATE OF), PostgreSQL would refuse a migration altering one of them.
    ROW_TRIGGER: f"""CREATE TRIGGER {ROW_TRIGGER} AFTER INSERT OR DELETE OR UPDATE ON {INITIATIVE}
        FOR EACH ROW EXECUTE FUNCTION {FUNCTION}()""",
    TRUNCATE_TRIGGER: f"""CREATE TRIGGER {TRUNCATE_TRIGGER} AFTER TRUNCATE ON {INITIATIVE}
        FOR EACH STATEMENT EXECUTE FUNCTION {FUNCTION}()""",
}


def _carries_facets(cursor) -> bool:
    """Whether the facet rows exist (not before migration 0019) and this table has their columns
    (not a copy made before migration 0022): the facet rows are copied here."""
    cursor.execute(
        "SELECT to_regclass(%s) IS NOT NULL AND EXISTS "
        "(SELECT 1 FROM pg_attribute WHERE attrelid = to_regclass(%s) AND attname = %s AND NOT attisdropped)",
        [FACET_ROWS, TABLE, FACETS[0]],
    )
    return cursor.fetchone()[0]


def _source(cursor) -> str:
    cursor.execute(
        "SELECT EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = to_regclass(%s) AND attname = %s "
        "AND NOT attisdropped)",
        [INITIATIVE, SOURCES[0]],
    )
    return SOURCES[0] if cursor.fetchone()[0] else SOURCES[1]


def install(connection) -> None:
    """Create the table, its function and triggers (each one again), copy the text and the facet
    rows, then create the index (once the rows are in: faster than row by row)."""
    if connection.vendor != "postgresql":
        return
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        cursor.execute(TABLE_STATEMENT)
        cursor.execute(copy_function(_source(cursor)))
        for name, statement in TRIGGERS.items():
            cursor.execute(f"DROP TRIGGER IF EXISTS {name} ON {INITIATIVE}")
            cursor.execute(statement)
        if _carries_facets(cursor):
            for name in FACETS_TRIGGERS:
                cursor.execute(f"DROP TRIGGER IF EXISTS {name} ON {FACET_ROWS}")
            for statement in FACETS_STATEMENTS:
                cursor.execute(statement)
        rebuild(connection)
        for statement in INDEX_STATEMENTS if _carries_facets(cursor) else INDEX_STATEMENTS[:1]:
            cursor.execute(statement)


def uninstall(connection) -> None:
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for name in TRIGGERS:
            cursor.execute(f"DROP TRIGGER IF EXISTS {name} ON {INITIATIVE}")
        if _carries_facets(cursor):
            for name in FACETS_TRIGGERS:
                cursor.execute(f"DROP TRIGGER IF EXISTS {name} ON {FACET_ROWS}")
        cursor.execute(f"DROP FUNCTION IF EXISTS {FACETS_FUNCTION}()")
        cursor.execute(f"DROP FUNCTION IF EXISTS {FUNCTION}()")
        cursor.execute(f"DROP TABLE IF EXISTS {TABLE}")


def rebuild(connection) -> None:
    """Copy every initiative's text (and facet row) again, the table locked so that no write runs
    meanwhile."""
    if connection.vendor != "postgresql":
        return
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        cursor.execute(f"LOCK TABLE {TABLE} IN EXCLUSIVE MODE")
        cursor.execute(f"DELETE FROM {TABLE}")
        source = _source(cursor)
        if _carries_facets(cursor):
            facets = ", ".join(f"f.{column}" for column in FACETS)
            cursor.execute(
                f"INSERT INTO {TABLE} (id, is_published, search_text, {', '.join(FACETS)}) "
                f"SELECT i.id, i.is_published, i.{source}, {facets} FROM {INITIATIVE} i "
                f"LEFT JOIN {FACET_ROWS} f ON f.id = i.id"
            )
        else:
            cursor.execute(
                f"INSERT INTO {TABLE} (id, is_published, search_text) "
                f"SELECT id, is_published, {source} FROM {INITIATIVE}"
            )


def repair(connection) -> bool:
    """Reinstall the triggers and copy the text again when one is missing; returns whether it
    did (see kept_tables)."""
    if connection.vendor != "postgresql":
        return False
    with connection.cursor() as cursor:
        triggers = [*TRIGGERS, *(FACETS_TRIGGERS if _carries_facets(cursor) else [])]
    return kept_tables.repair(connection, TABLE, triggers, install)


def ensure(sender, using, **kwargs) -> None:
    """post_migrate: see repair()."""
    repair(connections[using])


def published_matches(terms: list[str], using: str = "default") -> tuple[str, list[str]]:
    """SQL selecting the ids of the published initiatives whose search_text holds every one of
    `terms` (folded words: letters and digits only, so no LIKE wildcard, and a word lies within
    one of the text's parts), and its parameters. The copy holds the initiative's own parts
    (own_search_text): a word is also found by the initiative having a sector, programme or Rota
    one of whose names holds it (search_index.terms_naming), through their exact indexes."""
    conditions, params = [], []
    for term, (sectors, programs, routes) in zip(terms, search_index.terms_naming(terms, using), strict=True):
        # The terms first: a candidate of the trigram index is rechecked in this order, and the
        # ids cost less than a LIKE failing over the whole text.
        either = []
        for ids, condition in ((sectors, f"{SECTOR_IDS} && %s::int[]"), (programs, f"{PROGRAM_ID} = ANY(%s::text[])"),
                               (routes, f"{ROUTE_ID} = ANY(%s::text[])")):  # fmt: skip
            if ids:
                either.append(condition)
                params.append(array_literal(ids))
        either.append("search_text LIKE %s")
        params.append(f"%{term}%")
        conditions.append(f"({' OR '.join(either)})")
    return f"SELECT id AS pk FROM {TABLE} WHERE is_published AND {' AND '.join(conditions)}", params


def matches_with_facet_rows(terms: list[str], limit: int, using: str = "default") -> tuple[str, list]:
    """SQL reading the facet rows (search_facets.ROW_COLUMNS, at most `limit`) of the published
    initiatives whose text holds every one of `terms`, from this table alone, and its parameters."""
    sql, params = published_matches(terms, using)
    columns = ", ".join(["id", *FACETS])
    return f"{sql.replace('SELECT id AS pk', f'SELECT {columns}', 1)} LIMIT %s", [*params, limit]


@contextmanager
def read_through_index(connection):
    """On PostgreSQL, the statements run inside read the copy through its trigram index. The
    planner costs a LIKE over long text far below what it takes: for a common word (12% of
    100,000 rows) it chose a sequential scan, 145 ms warm, against 22 ms through the index, and
    the choice flipped with each ANALYZE. Set for this transaction only, then put back."""
    if connection.vendor != "postgresql":
        yield
        return
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('enable_seqscan'), set_config('enable_seqscan', 'off', true)")
        previous = cursor.fetchone()[0]
        yield
        cursor.execute("SELECT set_config('enable_seqscan', %s, true)", [previous])
