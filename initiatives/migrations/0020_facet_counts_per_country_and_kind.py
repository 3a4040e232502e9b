"""The kept facet counts per country and per kind too (facet_table.SCOPES): the triggers remade,
the table recounted."""

from django.db import migrations

from initiatives import facet_table


def recreate(apps, schema_editor):
    connection = schema_editor.connection
    facet_table.drop_triggers(connection)
    facet_table.create_triggers(connection)
    facet_table.rebuild_facet_counts(connection)


class Migration(migrations.Migration):
    dependencies = [
        ("initiatives", "0019_facet_rows"),
    ]

    # Backwards the triggers stay as the code makes them: the rows per value mislead no earlier
    # reader (each reads its facets by name), and the earlier triggers are no longer in the code.
    operations = [migrations.RunPython(recreate, migrations.RunPython.noop)]
