"""On PostgreSQL, a narrow copy of each initiative's folded `search_text` and `is_published`, kept
by triggers, with its own pg_trgm index: what a search of the published initiatives reads.

A trigram index only proposes candidates: PostgreSQL reads each one's row again to check the
LIKE. In the initiatives' table those rows are wide (1.2 GB at 100,000 initiatives), so a search
matching 12,000 of them read most of the table's pages and pushed the rest of the catalogue out
of the shared buffers; this table is a fifteenth of that size. The initiative stays the one
place the text is written (Initiative.set_derived_fields): the triggers copy every write to it
(save, bulk writes, `update()`, raw SQL, deletes, a TRUNCATE), so it never needs Python.

`repair()`, run after every `migrate`, puts back a missing trigger and copies the text again;
`rebuild()` copies it again from scratch (manage.py rebuild_facet_counts runs it too). SQLite
has its FTS5 index instead (initiatives.search_fts).
"""

from contextlib import contextmanager

from django.db import connections, transaction

from . import kept_tables

TABLE = "initiatives_search_text"
INITIATIVE = "initiatives_initiative"
FUNCTION = f"{TABLE}_copy"
ROW_TRIGGER = f"{TABLE}_row"
TRUNCATE_TRIGGER = f"{TABLE}_truncate"

CREATE = [
    f"""CREATE TABLE IF NOT EXISTS {TABLE} (
        id bigint PRIMARY KEY, is_published boolean NOT NULL, search_text text NOT NULL)""",
    f"CREATE INDEX IF NOT EXISTS {TABLE}_trgm ON {TABLE} USING gin (search_text gin_trgm_ops)",
    f"""CREATE OR REPLACE FUNCTION {FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'TRUNCATE' THEN
            TRUNCATE {TABLE};
            RETURN NULL;
        END IF;
        IF TG_OP = 'UPDATE' AND NEW.id = OLD.id AND NEW.is_published = OLD.is_published
                AND NEW.search_text = OLD.search_text THEN
            RETURN NULL;
        END IF;
        IF TG_OP IN ('DELETE', 'UPDATE') THEN
            DELETE FROM {TABLE} WHERE id = OLD.id;
        END IF;
        IF TG_OP IN ('INSERT', 'UPDATE') THEN
            INSERT INTO {TABLE} (id, is_published, search_text)
            VALUES (NEW.id, NEW.is_published, NEW.search_text);
        END IF;
        RETURN NULL;
    END $$""",
]
TRIGGERS = {
    # Every update, the function skipping those that change nothing it copies: with the columns
    # named here (UPDATE OF), PostgreSQL would refuse a migration altering one of them.
    ROW_TRIGGER: f"""CREATE TRIGGER {ROW_TRIGGER} AFTER INSERT OR DELETE OR UPDATE ON {INITIATIVE}
        FOR EACH ROW EXECUTE FUNCTION {FUNCTION}()""",
    TRUNCATE_TRIGGER: f"""CREATE TRIGGER {TRUNCATE_TRIGGER} AFTER TRUNCATE ON {INITIATIVE}
        FOR EACH STATEMENT EXECUTE FUNCTION {FUNCTION}()""",
}


def install(connection) -> None:
    """Create the table, its index, its triggers (each one again) and copy the text."""
    if connection.vendor != "postgresql":
        return
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        for statement in CREATE:
            cursor.execute(statement)
        for name, statement in TRIGGERS.items():
            cursor.execute(f"DROP TRIGGER IF EXISTS {name} ON {INITIATIVE}")
            cursor.execute(statement)
        rebuild(connection)


def uninstall(connection) -> None:
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for name in TRIGGERS:
            cursor.execute(f"DROP TRIGGER IF EXISTS {name} ON {INITIATIVE}")
        cursor.execute(f"DROP FUNCTION IF EXISTS {FUNCTION}()")
        cursor.execute(f"DROP TABLE IF EXISTS {TABLE}")


def rebuild(connection) -> None:
    """Copy every initiative's text again, the table locked so that no write runs meanwhile."""
    if connection.vendor != "postgresql":
        return
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        cursor.execute(f"LOCK TABLE {TABLE} IN EXCLUSIVE MODE")
        cursor.execute(f"DELETE FROM {TABLE}")
        cursor.execute(
            f"INSERT INTO {TABLE} (id, is_published, search_text) SELECT id, is_published, search_text FROM {INITIATIVE}"
        )


def repair(connection) -> bool:
    """Reinstall the triggers and copy the text again when one is missing; returns whether it
    did (see kept_tables)."""
    if connection.vendor != "postgresql":
        return False
    return kept_tables.repair(connection, TABLE, TRIGGERS, install)


def ensure(sender, using, **kwargs) -> None:
    """post_migrate: see repair()."""
    repair(connections[using])


def published_matches(terms: list[str]) -> tuple[str, list[str]]:
    """SQL selecting the ids of the published initiatives whose text holds every one of `terms`
    (folded words: letters and digits only, so no LIKE wildcard), and its parameters."""
    conditions = " AND ".join(["search_text LIKE %s"] * len(terms))
    return f"SELECT id AS pk FROM {TABLE} WHERE is_published AND {conditions}", [f"%{term}%" for term in terms]


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
