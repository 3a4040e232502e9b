"""On PostgreSQL, the search text's copy carries each initiative's facet row too (see
initiatives.search_table): the copy is made again with those columns and the trigger copying
them. SQLite has no copy: nothing to do there."""

from django.db import migrations

from initiatives import search_table


def remake(apps, schema_editor):
    search_table.uninstall(schema_editor.connection)
    search_table.install(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("initiatives", "0021_kind_created_index")]

    operations = [migrations.RunPython(remake, remake, elidable=False)]
