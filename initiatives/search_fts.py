"""On SQLite, an FTS5 trigram index of the initiatives' folded `search_text`.

SQLite has no trigram index of its own: every `search_text LIKE '%word%'` reads the whole table
(about 250 ms at 100,000 initiatives). An FTS5 table with the trigram tokenizer answers the same
LIKE from an index for words of three characters or more, and SQLite still checks each candidate
against the pattern, so the matches are exactly those of the plain LIKE. The FTS table holds no
copy of the text (external content) and triggers keep it in step with every write: save, bulk
writes, `update()`, raw SQL.

A migration on SQLite remakes a table to alter it (new table, copy, drop, rename), which drops
its triggers: `ensure()` runs after every `migrate` and reinstalls and rebuilds the index when a
trigger is missing. PostgreSQL has its pg_trgm index (migration 0003) and none of this.
"""

TABLE = "initiatives_initiative_search"
CONTENT = "initiatives_initiative"
# Shorter words have no trigram to look up: they keep the plain LIKE on the table.
MIN_INDEXED_LENGTH = 3

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


def install(connection, *, only_if_present: bool = False) -> bool:
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
            # detail='none': LIKE needs only which rows hold a trigram, not where (a smaller index).
            cursor.execute(
                f"CREATE VIRTUAL TABLE {TABLE} USING fts5(search_text, content='{CONTENT}', "
                "content_rowid='id', tokenize='trigram', detail='none')"
            )
            missing = set(TRIGGERS)
        if not missing:
            return False
        for name in sorted(missing):
            cursor.execute(TRIGGERS[name])
        cursor.execute(f"INSERT INTO {TABLE}({TABLE}) VALUES ('rebuild')")
    return True


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
    characters or more: letters and digits only, so no LIKE wildcard), and its parameters.

    A word of exactly three characters is one trigram: the index alone answers it exactly (MATCH),
    where LIKE read every candidate's text again from the initiatives' table to check it (65 ms
    instead of 4 for the 14,000 rows holding "sao" at 100,000 initiatives). Longer words keep
    LIKE: without positions in the index (detail='none'), only that check proves their trigrams
    are consecutive."""
    trigrams = [term for term in terms if len(term) == MIN_INDEXED_LENGTH]
    longer = [term for term in terms if len(term) > MIN_INDEXED_LENGTH]
    conditions = ([f"{TABLE} MATCH %s"] if trigrams else []) + ["search_text LIKE %s"] * len(longer)
    params = ([" AND ".join(f'"{term}"' for term in trigrams)] if trigrams else []) + [f"%{t}%" for t in longer]
    return f"SELECT rowid FROM {TABLE} WHERE {' AND '.join(conditions)}", params
