"""On PostgreSQL, the facet rows carry the initiative's search text with a trigram index: a search
reads its matches' facet values from one table (facet_rows.SEARCHED). SQLite keeps its FTS5."""

from django.db import migrations

from initiatives import facet_rows

INDEX = f"{facet_rows.TABLE}_trgm"


def add(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute(
            f"ALTER TABLE {facet_rows.TABLE} ADD COLUMN IF NOT EXISTS {facet_rows.SEARCHED} text NOT NULL DEFAULT ''"
        )
    facet_rows.drop_triggers(connection)
    facet_rows.create_triggers(connection)
    facet_rows.rebuild_facet_rows(connection)
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE INDEX IF NOT EXISTS {INDEX} ON {facet_rows.TABLE} USING gin ({facet_rows.SEARCHED} gin_trgm_ops)"
        )


def remove(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    facet_rows.drop_triggers(connection)
    with connection.cursor() as cursor:
        cursor.execute(f"DROP INDEX IF EXISTS {INDEX}")
        cursor.execute(f"ALTER TABLE {facet_rows.TABLE} DROP COLUMN IF EXISTS {facet_rows.SEARCHED}")
    facet_rows.create_triggers(connection)


class Migration(migrations.Migration):
    dependencies = [
        ("initiatives", "0021_kind_created_index"),
    ]

    operations = [
        migrations.RunPython(add, remove),
    ]
