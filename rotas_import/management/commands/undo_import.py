from django.core.management.base import BaseCommand, CommandError

from rotas_import.models import ImportRecord
from rotas_import.undoing import UndoError, plan_undo, undo_import

EXIT_REFUSED = 1  # the import cannot be undone: nothing was changed
EXIT_USAGE = 2  # no such import


class Command(BaseCommand):
    help = "Undo a whole import: delete what it created, put back what it changed (one transaction)."

    def add_arguments(self, parser):
        parser.add_argument("id", type=int, help="the import's number (its ImportRecord id)")
        parser.add_argument("--dry-run", action="store_true", help="say what would be undone; change nothing")

    def handle(self, *args, **options):
        record = ImportRecord.objects.filter(pk=options["id"]).first()
        if record is None:
            raise CommandError(f"No import #{options['id']}.", returncode=EXIT_USAGE)
        try:
            if options["dry_run"]:
                plan = plan_undo(record)
                self.stdout.write(
                    f"Undoing import #{record.pk} would delete {len(plan.created)} and restore "
                    f"{len(plan.changed)} initiative(s). Dry run: nothing was changed."
                )
                return
            undo = undo_import(record)
        except UndoError as exc:
            lines = [str(exc), *(f"  {reason}" for reason in exc.reasons)]
            raise CommandError("\n".join(lines), returncode=EXIT_REFUSED) from exc
        counts = undo.counts
        self.stdout.write(
            f"Import #{record.pk} undone (record #{undo.pk}): {counts['deleted']} deleted, "
            f"{counts['restored']} restored, {counts['terms_deleted']} new sector(s)/theme(s) removed."
        )
