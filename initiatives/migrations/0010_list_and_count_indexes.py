from django.db import migrations, models
from django.db.models import Q

SUFFIXES = ["pt_br", "es", "en"]


class Migration(migrations.Migration):
    dependencies = [
        ("initiatives", "0009_initiative_sort_keys"),
    ]

    operations = [
        *[
            migrations.AddIndex(
                model_name="initiative",
                index=models.Index(
                    condition=Q(is_published=True), fields=[f"sort_key_{suffix}", "id"], name=f"initiative_pub_key_{suffix}"
                ),
            )
            for suffix in SUFFIXES
        ],
        migrations.AddIndex(
            model_name="initiative",
            index=models.Index(
                condition=Q(is_published=True),
                fields=["country", "kind", "status", "program", "route", "is_published"],
                name="initiative_published_facets",
            ),
        ),
        migrations.AddIndex(
            model_name="initiative",
            index=models.Index(
                condition=Q(is_published=False), fields=["is_published"], include=["id"], name="initiative_drafts"
            ),
        ),
        # The family facet counts each initiative once per family: from this index alone, without
        # reading every link row (the auto-created index on sector_id lacks the initiative).
        migrations.RunSQL(
            "CREATE INDEX initiative_sectors_by_sector ON initiatives_initiative_sectors (sector_id, initiative_id)",
            "DROP INDEX initiative_sectors_by_sector",
        ),
    ]
