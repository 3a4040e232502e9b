from django.core.management.base import BaseCommand, CommandError

from hub.loading import LoadError, load_hub_content


class Command(BaseCommand):
    help = "Load the library items and events shipped in hub/data/ (idempotent; keeps staff edits)."

    def handle(self, *args, **options):
        try:
            results = load_hub_content()
        except LoadError as exc:
            raise CommandError(f"{exc} Nothing was written.") from exc
        for name, result in results.items():
            self.stdout.write(result.summary(name))
            for kept in result.kept:
                self.stdout.write(f"  kept as edited: {kept}")
