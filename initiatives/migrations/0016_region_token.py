"""Triggers renewing a token in the facet-count table whenever a region changes (facet_table)."""

from django.db import migrations

from initiatives import facet_table

REGION_TABLES = facet_table.TOKEN_TABLES[facet_table.REGION_TOKEN]


def region_triggers(vendor):
    return [trigger for trigger in facet_table.vocabulary_triggers(vendor) if trigger[2] in REGION_TABLES]


def _drop_triggers(cursor, vendor):
    for name, _events, table, _each, _statement in region_triggers(vendor):
        if vendor == "postgresql":
            cursor.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
            cursor.execute(f"DROP FUNCTION IF EXISTS {name}()")
        else:
            cursor.execute(f"DROP TRIGGER IF EXISTS {name}")


def create(apps, schema_editor):
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        # A database migrated from scratch has them already: 0012 creates every trigger of today.
        _drop_triggers(cursor, connection.vendor)
        for name, events, table, each, statement in region_triggers(connection.vendor):
            facet_table._create(cursor, connection.vendor, name, f"{events} ON {table} FOR EACH {each}", [statement])
        cursor.execute(facet_table._renew_token(connection.vendor, facet_table.REGION_TOKEN))


def drop(apps, schema_editor):
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        _drop_triggers(cursor, connection.vendor)
        cursor.execute(f"DELETE FROM {facet_table.TABLE} WHERE facet = %s", [facet_table.REGION_TOKEN])


class Migration(migrations.Migration):
    dependencies = [
        ("initiatives", "0015_country_name_order_indexes"),
    ]

    operations = [migrations.RunPython(create, drop)]
