from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from rotas_import.models import ImportRecord
from rotas_import.services import import_file, plan_file

PUBLIC_FILES = [
    (ImportRecord.Kind.POLOS, Path(settings.BASE_DIR) / "rotas_import" / "data" / "polos_rotas_publicos.csv", {}),
    # Their sectors are the sources' own words: each becomes a sector of the catalogue.
    (
        ImportRecord.Kind.INITIATIVES,
        Path(settings.BASE_DIR) / "initiatives" / "data" / "lac" / "clusters_lac_publicos.csv",
        {"create_new_terms": True},
    ),
]


class Command(BaseCommand):
    help = "Load the public initiatives shipped with the project (MIDR's Rotas polos…) through the importers."

    def handle(self, *args, **options):
        for kind, path, plan_options in PUBLIC_FILES:
            data = path.read_bytes()
            plan = plan_file(kind, data, path.name, **plan_options)
            if plan["errors"]:
                raise CommandError(f"{path.name}: {plan['errors'][0]['message']} ({len(plan['errors'])} errors)")
            counts = plan["counts"]
            if counts["created"] or counts["updated"]:
                # Keep a record only of a load that changes something: `scripts/run` loads on every start.
                plan, _record = import_file(kind, data, path.name, **plan_options)
            self.stdout.write(
                f"{path.name}: {counts['created']} created, {counts['updated']} updated, {counts['unchanged']} unchanged."
            )
