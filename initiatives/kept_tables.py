"""What the tables kept by triggers (the facet counts, the facet rows, the PostgreSQL search copy)
share: putting their triggers back when one is missing. SQLite drops a table's triggers when a
migration remakes the table to alter it (new table, copy, drop, rename); without them a kept table
would drift silently from the next edit on, so each repairs itself after `migrate`."""

from collections.abc import Callable, Iterable

from django.db import transaction


def installed_triggers(connection) -> set[str]:
    """The names of every trigger the database holds (the project's own on PostgreSQL)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal")
        else:
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        return {name for (name,) in cursor.fetchall()}


def repair(connection, table: str, triggers: Iterable[str], reinstall: Callable) -> bool:
    """Call reinstall(connection) in one transaction when one of `triggers` is missing; returns
    whether it did. Nothing when `table` is not there (migrated back to before it)."""
    if table not in connection.introspection.table_names():
        return False
    if set(triggers) <= installed_triggers(connection):
        return False
    with transaction.atomic(using=connection.alias):
        reinstall(connection)
    return True
