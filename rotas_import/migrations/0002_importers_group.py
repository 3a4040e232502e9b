from django.db import migrations

# (app_label, model, codename, name): what the Importers may do.
IMPORTER_PERMISSIONS = [
    ("rotas_import", "importrecord", "import_polos", "Can import Rotas polos"),
    ("rotas_import", "importrecord", "import_initiatives", "Can import initiatives"),
    ("rotas_import", "importrecord", "view_importrecord", "Can view import"),
    ("initiatives", "initiative", "view_initiative", "Can view initiative"),
]


def create_importers_group(apps, schema_editor):
    # Permissions are normally created after migrate; create the ones the group needs now.
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    group, _ = Group.objects.get_or_create(name="Importers")
    for app_label, model, codename, name in IMPORTER_PERMISSIONS:
        content_type, _ = ContentType.objects.get_or_create(app_label=app_label, model=model)
        permission, _ = Permission.objects.get_or_create(
            content_type=content_type, codename=codename, defaults={"name": name}
        )
        group.permissions.add(permission)


def remove_importers_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name="Importers").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("rotas_import", "0001_initial"),
        ("initiatives", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_importers_group, remove_importers_group)]
