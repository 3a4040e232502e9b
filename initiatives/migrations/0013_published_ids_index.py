from django.db import migrations, models


def analyze(apps, schema_editor):
    """On a SQLite database with statistics, give the new index its own: without them SQLite
    keeps looking each match up in the table. A database never analysed is left as it is (a
    single index's statistics would skew every other plan)."""
    connection = schema_editor.connection
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'sqlite_stat1'")
        if cursor.fetchone():
            cursor.execute("ANALYZE initiative_published_ids")


class Migration(migrations.Migration):
    dependencies = [
        ("initiatives", "0012_facet_counts"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="initiative",
            index=models.Index(
                fields=["id", "is_published", "sort_key_pt_br", "sort_key_es", "sort_key_en"],
                name="initiative_published_ids",
            ),
        ),
        migrations.RunPython(analyze, migrations.RunPython.noop),
    ]
