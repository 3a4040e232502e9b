"""On SQLite, the trigram index rebuilt with each trigram's positions, so that a word longer than
three characters is answered by the index alone (see initiatives.search_fts)."""

from django.db import migrations

from initiatives import search_fts


def with_positions(apps, schema_editor):
    search_fts.uninstall(schema_editor.connection)
    search_fts.install(schema_editor.connection)


def without_positions(apps, schema_editor):
    search_fts.uninstall(schema_editor.connection)
    search_fts.install(schema_editor.connection, detail="none")


class Migration(migrations.Migration):
    dependencies = [("initiatives", "0016_region_token")]

    operations = [migrations.RunPython(with_positions, without_positions, elidable=False)]
