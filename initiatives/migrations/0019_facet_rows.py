"""One narrow row of facet values per published initiative, kept by triggers (facet_rows)."""

from django.db import migrations, models

from initiatives import facet_rows


def create_and_fill(apps, schema_editor):
    facet_rows.create_triggers(schema_editor.connection)
    facet_rows.rebuild_facet_rows(schema_editor.connection)


def drop(apps, schema_editor):
    facet_rows.drop_triggers(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [
        ("initiatives", "0018_search_text_table"),
    ]

    operations = [
        migrations.CreateModel(
            name="FacetRow",
            fields=[
                ("id", models.BigAutoField(primary_key=True, serialize=False)),
                ("one_valued", models.TextField()),
                ("sectors", models.TextField(blank=True)),
                ("families", models.TextField(blank=True)),
                ("themes", models.TextField(blank=True)),
                ("regions", models.TextField(blank=True)),
            ],
        ),
        migrations.RunPython(create_and_fill, drop),
    ]
