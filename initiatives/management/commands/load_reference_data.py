from django.core.management.base import BaseCommand, CommandError

from initiatives.classification import ClassificationError
from initiatives.reference import load_reference_data


class Command(BaseCommand):
    help = (
        "Load states, municipalities, regions, the sector classification, the Rotas programme and themes. "
        "Safe to run again."
    )

    def handle(self, *args, **options):
        try:
            report = load_reference_data()
        except ClassificationError as error:
            raise CommandError(
                "The sector classification was not loaded (nothing was written):\n" + str(error)
            ) from None
        if options["verbosity"] < 1:
            return
        for name in sorted(report.created):
            self.stdout.write(f"{name}: {report.created[name]} created, {report.updated[name]} updated")
