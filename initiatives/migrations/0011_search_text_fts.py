"""On SQLite, an FTS5 trigram index of the folded search text, kept by triggers (see
initiatives.search_fts). PostgreSQL has its pg_trgm index (0003): nothing to do there."""

from django.db import migrations

from initiatives import search_fts


def create_index(apps, schema_editor):
    search_fts.install(schema_editor.connection)


def drop_index(apps, schema_editor):
    search_fts.uninstall(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("initiatives", "0010_list_and_count_indexes")]

    operations = [migrations.RunPython(create_index, drop_index, elidable=False)]
