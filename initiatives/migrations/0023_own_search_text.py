"""An initiative's own_search_text (search_text without its sectors', Rota's and programme's
names), filled for every initiative; on PostgreSQL the search text's copy then holds it
(initiatives.search_table).

Not one transaction: adding the column takes the initiatives' table's strongest lock, which one
transaction would hold through the fill (~80 s at 100,000 initiatives), blocking every page. The
column is added on its own (if missing, so that a run interrupted later can run again), the fill
commits a batch at a time and writes only rows still empty (a save meanwhile sets its own), and
the copy is made again at the end. Until then the copy and its trigger stay as they were (the
fill changes no search_text, so the trigger copies nothing). SQLite remakes the initiatives'
table to add or drop a column, which the kept tables' triggers naming it would refuse: they are
dropped meanwhile and made again (the facets change nowhere, so nothing is recounted)."""

from django.db import migrations, models, transaction

from initiatives import facet_rows, facet_table, search_fts, search_index, search_table

BATCH = 1000
COLUMN = "own_search_text"


def _field():
    field = models.TextField(default="", editable=False)
    field.set_attributes_from_name(COLUMN)
    return field


def _has_column(connection, table: str) -> bool:
    with connection.cursor() as cursor:
        return COLUMN in {column.name for column in connection.introspection.get_table_description(cursor, table)}


def put_aside(apps, schema_editor):
    """Before the column is added: SQLite's kept triggers off. (Backwards, drop_copy also drops
    PostgreSQL's copy, whose trigger names the column, before the column is.)"""
    connection = schema_editor.connection
    if connection.vendor == "sqlite":
        facet_table.drop_triggers(connection)
        facet_rows.drop_triggers(connection)


def put_back(apps, schema_editor):
    connection = schema_editor.connection
    with transaction.atomic(using=connection.alias):
        if connection.vendor == "sqlite":
            for kept in (facet_table, facet_rows):
                kept.drop_triggers(connection)
                kept.create_triggers(connection)
            search_fts.install(connection, only_if_present=True)
        search_table.uninstall(connection)
        search_table.install(connection)


def drop_copy(apps, schema_editor):
    put_aside(apps, schema_editor)
    search_table.uninstall(schema_editor.connection)


def add_column(apps, schema_editor):
    model = apps.get_model("initiatives", "Initiative")
    if not _has_column(schema_editor.connection, model._meta.db_table):
        schema_editor.add_field(model, _field())


def remove_column(apps, schema_editor):
    model = apps.get_model("initiatives", "Initiative")
    if _has_column(schema_editor.connection, model._meta.db_table):
        schema_editor.remove_field(model, _field())


def _write(cursor, vendor: str, written: list[tuple[int, str]]) -> None:
    if vendor == "postgresql":  # one statement a batch: each one also runs the kept tables' triggers
        values = ", ".join(["(%s, %s)"] * len(written))
        cursor.execute(
            f"UPDATE initiatives_initiative i SET {COLUMN} = v.text FROM (VALUES {values}) v(id, text) "
            f"WHERE i.id = v.id AND i.{COLUMN} = ''",
            [value for row in written for value in row],
        )
    else:
        cursor.executemany(
            f"UPDATE initiatives_initiative SET {COLUMN} = %s WHERE id = %s AND {COLUMN} = ''",
            [(text, pk) for pk, text in written],
        )


def fill(apps, schema_editor):
    connection = schema_editor.connection
    initiatives = apps.get_model("initiatives", "Initiative").objects.using(connection.alias)
    last = 0
    while True:
        with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
            batch = list(
                initiatives.filter(pk__gt=last, **{COLUMN: ""})
                .order_by("pk")
                .prefetch_related("municipalities", "regions")[:BATCH]
            )
            if not batch:
                return
            written = []
            for initiative in batch:
                text = search_index.own_search_text(
                    initiative,
                    municipalities=[m.name for m in initiative.municipalities.all()],
                    regions=[r.name for r in initiative.regions.all()],
                )
                if text:
                    written.append((initiative.pk, text))
            if written:
                _write(cursor, connection.vendor, written)
            last = batch[-1].pk


class Migration(migrations.Migration):
    atomic = False
    dependencies = [("initiatives", "0022_search_text_facet_rows")]

    operations = [
        migrations.RunPython(put_aside, put_back, atomic=True, elidable=False),
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.RunPython(add_column, remove_column, atomic=True, elidable=False)],
            state_operations=[
                migrations.AddField(
                    model_name="initiative",
                    name=COLUMN,
                    field=models.TextField(default="", editable=False),
                )
            ],
        ),
        migrations.RunPython(fill, migrations.RunPython.noop, atomic=False, elidable=False),
        migrations.RunPython(put_back, drop_copy, atomic=True, elidable=False),
    ]
