from django.db import migrations, models
from django.db.models import Case, F, Q, When

SUFFIXES = {"pt-br": "pt_br", "es": "es", "en": "en"}
DEFAULT_LANGUAGE = "pt-br"  # settings.LANGUAGE_CODE when this was written


def fill_sort_keys(apps, schema_editor):
    """Initiative.sort_key() of every row, in one UPDATE per language."""
    Initiative = apps.get_model("initiatives", "Initiative")
    for language, suffix in SUFFIXES.items():
        own = Q(language=language) | (Q(language="") if language == DEFAULT_LANGUAGE else Q(pk__in=[]))
        translated = f"name_key_{suffix}"
        key = Case(When(own | Q(**{translated: ""}), then=F("name_key")), default=F(translated))
        Initiative.objects.update(**{f"sort_key_{suffix}": key})


class Migration(migrations.Migration):
    dependencies = [
        ("initiatives", "0008_initiative_logo"),
    ]

    operations = [
        *[
            migrations.AddField(
                model_name="initiative",
                name=f"sort_key_{suffix}",
                field=models.CharField(default="", editable=False, max_length=300),
            )
            for suffix in SUFFIXES.values()
        ],
        migrations.RunPython(fill_sort_keys, migrations.RunPython.noop),
        # The indexes come in the next migration: PostgreSQL refuses CREATE INDEX in the
        # transaction that updated the rows ("pending trigger events").
    ]
