from django.core.management.base import BaseCommand

from initiatives.reference import load_reference_data


class Command(BaseCommand):
    help = "Load states, municipalities, regions, the Rotas programme and themes. Safe to run again."

    def handle(self, *args, **options):
        report = load_reference_data()
        if options["verbosity"] < 1:
            return
        for name in sorted(report.created):
            self.stdout.write(f"{name}: {report.created[name]} created, {report.updated[name]} updated")
