"""An initiative's own_search_text (search_text without its sectors', Rota's and programme's
names), filled for every initiative; on PostgreSQL the search text's copy then holds it
(initiatives.search_table). The copy is dropped before the writes (its trigger would copy each
one) and made again afterwards, in both directions. SQLite remakes the initiatives' table to add
or drop the column, which the kept tables' triggers naming it would refuse: they are dropped
meanwhile and made again (the facets change nowhere, so nothing is recounted)."""

from django.db import migrations, models

from initiatives import facet_rows, facet_table, search_fts, search_index, search_table

BATCH = 1000


def put_aside(apps, schema_editor):
    connection = schema_editor.connection
    search_table.uninstall(connection)
    if connection.vendor == "sqlite":
        facet_table.drop_triggers(connection)
        facet_rows.drop_triggers(connection)


def put_back(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor == "sqlite":
        for kept in (facet_table, facet_rows):
            kept.drop_triggers(connection)
            kept.create_triggers(connection)
        search_fts.install(connection, only_if_present=True)
    search_table.install(connection)


def _write(cursor, vendor: str, written: list[tuple[int, str]]) -> None:
    if vendor == "postgresql":  # one statement a batch: each one also runs the kept tables' triggers
        values = ", ".join(["(%s, %s)"] * len(written))
        cursor.execute(
            f"UPDATE initiatives_initiative i SET own_search_text = v.text FROM (VALUES {values}) v(id, text) "
            "WHERE i.id = v.id",
            [value for row in written for value in row],
        )
    else:
        cursor.executemany(
            "UPDATE initiatives_initiative SET own_search_text = %s WHERE id = %s", [(text, pk) for pk, text in written]
        )


def fill(apps, schema_editor):
    initiative_model = apps.get_model("initiatives", "Initiative")
    connection = schema_editor.connection
    rows = initiative_model.objects.using(connection.alias).prefetch_related("municipalities", "regions")
    written = []
    with connection.cursor() as cursor:
        for initiative in rows.order_by("pk").iterator(chunk_size=BATCH):
            text = search_index.own_search_text(
                initiative,
                municipalities=[m.name for m in initiative.municipalities.all()],
                regions=[r.name for r in initiative.regions.all()],
            )
            if text:
                written.append((initiative.pk, text))
            if len(written) >= BATCH:
                _write(cursor, connection.vendor, written)
                written = []
        if written:
            _write(cursor, connection.vendor, written)


class Migration(migrations.Migration):
    dependencies = [("initiatives", "0022_search_text_facet_rows")]

    operations = [
        migrations.RunPython(put_aside, put_back, elidable=False),
        migrations.AddField(
            model_name="initiative",
            name="own_search_text",
            field=models.TextField(default="", editable=False),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop, elidable=False),
        migrations.RunPython(put_back, put_aside, elidable=False),
    ]
