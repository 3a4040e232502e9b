import csv
import io
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from initiatives.classification import DATA_DIR as CLASSIFICATION_DIR
from rotas_import.models import ImportRecord
from rotas_import.services import import_file, plan_file

POLOS = Path(settings.BASE_DIR) / "rotas_import" / "data" / "polos_rotas_publicos.csv"
INITIATIVES = Path(settings.BASE_DIR) / "initiatives" / "data" / "lac" / "clusters_lac_publicos.csv"
# The curated sectors of each free-text sector the shipped initiatives file uses.
SHIPPED_SECTORS = CLASSIFICATION_DIR / "shipped_sectors.csv"


def classified(path: Path) -> bytes:
    """The shipped initiatives with their source's wording moved to `specialisation` (it is
    English) and the curated sectors in its place, so the importer matches known sectors only."""
    with open(SHIPPED_SECTORS, encoding="utf-8", newline="") as f:
        mapping = {row["wording"]: row["sectors"] for row in csv.DictReader(f)}
    with open(path, encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        rows = list(reader)
        columns = [*reader.fieldnames, "specialisation", "specialisation_language"]
    unmapped = sorted({row["sector"] for row in rows if row["sector"] not in mapping})
    if unmapped:
        raise CommandError(f"{SHIPPED_SECTORS.name} gives no sectors for: {'; '.join(unmapped)}")
    out = io.StringIO()
    writer = csv.DictWriter(out, columns)
    writer.writeheader()
    for row in rows:
        wording = row["sector"]
        writer.writerow(row | {"sector": mapping[wording], "specialisation": wording, "specialisation_language": "en"})
    return out.getvalue().encode()


class Command(BaseCommand):
    help = "Load the public initiatives shipped with the project (MIDR's Rotas polos…) through the importers."

    def handle(self, *args, **options):
        files = [
            (ImportRecord.Kind.POLOS, POLOS.name, POLOS.read_bytes()),
            (ImportRecord.Kind.INITIATIVES, INITIATIVES.name, classified(INITIATIVES)),
        ]
        for kind, name, data in files:
            # The shipped files only create: what exists belongs to the imports, its managers and staff.
            plan = plan_file(kind, data, name, create_only=True)
            if plan.errors:
                raise CommandError(f"{name}: {plan.errors[0].message} ({len(plan.errors)} errors)")
            counts = plan.counts
            if counts["created"] or counts["updated"]:
                # Keep a record only of a load that changes something: `scripts/run` loads on every start.
                plan, _record = import_file(kind, data, name, create_only=True)
            self.stdout.write(
                f"{name}: {counts['created']} created, {counts['updated']} updated, {counts['unchanged']} unchanged."
            )
