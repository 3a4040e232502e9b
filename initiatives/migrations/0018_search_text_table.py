"""On PostgreSQL, a narrow copy of the initiatives' search text with its own trigram index, kept
by triggers (see initiatives.search_table). SQLite has its FTS5 index (0011): nothing to do there."""

from django.db import migrations

from initiatives import search_table


def create_table(apps, schema_editor):
    search_table.install(schema_editor.connection)


def drop_table(apps, schema_editor):
    search_table.uninstall(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("initiatives", "0017_search_fts_positions")]

    operations = [migrations.RunPython(create_table, drop_table, elidable=False)]
