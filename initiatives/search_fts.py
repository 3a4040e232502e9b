"""On SQLite, an FTS5 trigram index of the initiatives' folded `search_text`.

SQLite has no trigram index of its own: every `search_text LIKE '%word%'` reads the whole table
(about 250 ms at 100,000 initiatives). An FTS5 table with the trigram tokenizer answers a word of
three characters or more from its index alone: with each trigram's positions kept (detail='full'),
the word as a phrase of its trigrams matches exactly the texts holding it, as the plain LIKE does.
The FTS table holds no copy of the text (external content) and triggers keep it in step with every
write: save, bulk writes, `update()`, raw SQL.

A migration on SQLite remakes a table to alter it (new table, copy, drop, rename), which drops
its triggers: `ensure()` runs after every `migrate` and reinstalls and rebuilds the index when a
trigger is missing. PostgreSQL has its pg_trgm index (migration 0003) and none of this.
"""

TABLE = "initiatives_initiative_search"
CONTENT = "initiatives_initiative"
# Shorter words have no trigram to look up: they keep the plain LIKE on the table.
MIN_INDEXED_LENGTH = 3
# Each trigram's positions: a longer word is then a phrase the index answers exactly. Without them
# (detail='none', a fifth of the size) LIKE read every candidate's text again: 48 ms instead of 20
# for the 11,742 initiatives holding "consorcio" at 100,000.
DETAIL = "full"

TRIGGERS = {
    f"{TABLE}_insert": f"""
        CREATE TRIGGER {TABLE}_insert AFTER INSERT ON {CONTENT} BEGIN
            INSERT INTO {TABLE}(rowid, search_text) VALUES (new.id, new.search_text);
        END""",
    f"{TABLE}_delete": f"""
        CREATE TRIGGER {TABLE}_delete AFTER DELETE ON {CONTENT} BEGIN
            INSERT INTO {TABLE}({TABLE}, rowid, search_text) VALUES ('delete', old.id, old.search_text);
        END""",
    f"{TABLE}_update": f"""
        CREATE TRIGGER {TABLE}_update AFTER UPDATE OF id, search_text ON {CONTENT} BEGIN
            INSERT INTO {TABLE}({TABLE}, rowid, search_text) VALUES ('delete', old.id, old.search_text);
            INSERT INTO {TABLE}(rowid, search_text) VALUES (new.id, new.search_text);
        END""",
}


def _existing(cursor, kind: str) -> set[str]:
    cursor.execute("SELECT name FROM sqlite_master WHERE type = %s", [kind])
    return {name for (name,) in cursor.fetchall()}


def install(connection, *, only_if_present: bool = False, detail: str = DETAIL) -> bool:
    """Create what is missing (the table, its triggers) and rebuild the index if anything was;
    returns whether it did. With `only_if_present`, only repair an index that exists (after a
    migration back to before it, none does). Does nothing off SQLite."""
    if connection.vendor != "sqlite":
        return False
    with connection.cursor() as cursor:
        missing = set(TRIGGERS) - _existing(cursor, "trigger")
        if TABLE not in _existing(cursor, "table"):
            if only_if_present:
                return False
            cursor.execute(
                f"CREATE VIRTUAL TABLE {TABLE} USING fts5(search_text, content='{CONTENT}', "
                f"content_rowid='id', tokenize='trigram', detail='{detail}')"
            )
            missing = set(TRIGGERS)
        if not missing:
            return False
        for name in sorted(missing):
            cursor.execute(TRIGGERS[name])
        cursor.execute(f"INSERT INTO {TABLE}({TABLE}) VALUES ('rebuild')")
    return True


def rebuild(connection) -> None:
    """Read every initiative's text into the index again (manage.py rebuild_search_index)."""
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute(f"INSERT INTO {TABLE}({TABLE}) VALUES ('rebuild')")


def uninstall(connection) -> None:
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        for name in TRIGGERS:
            cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
        cursor.execute(f"DROP TABLE IF EXISTS {TABLE}")


def ensure(sender, using, **kwargs) -> None:
    """post_migrate: put back the triggers a remade table lost (see the module's docstring)."""
    from django.db import connections

    install(connections[using], only_if_present=True)


def indexed_terms(terms: list[str]) -> list[str]:
    return [term for term in terms if len(term) >= MIN_INDEXED_LENGTH]


def matching_rowids(terms: list[str]) -> tuple[str, list[str]]:
    """SQL selecting the ids whose text holds every one of `terms` (folded words of three
    characters or more: letters and digits only, so nothing to escape in a phrase), and its
    parameters: each word a phrase of its trigrams, answered by the index alone."""
    return f"SELECT rowid FROM {TABLE} WHERE {TABLE} MATCH %s", [" AND ".join(f'"{term}"' for term in terms)]
