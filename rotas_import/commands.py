"""The shell shared by `import_polos` and `import_initiatives`: arguments, exit codes, output."""

import json
from dataclasses import asdict
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from .issues import where
from .plan import ImportPlan
from .reading import too_big_message
from .services import import_file, unreadable

EXIT_ERRORS = 1  # the file has errors: nothing was written
EXIT_USAGE = 2  # a missing file, a bad option


class ImportCommand(BaseCommand):
    kind = ""  # an ImportRecord.Kind
    noun = ""  # "polos" or "initiatives": the key of the counts in --json

    def add_arguments(self, parser):
        parser.add_argument("file", help="a .xlsx, .xls, .ods or .csv file")
        parser.add_argument("--dry-run", action="store_true", help="check and report; write nothing")
        parser.add_argument("--json", action="store_true", help="print the report as one JSON object")

    def options_for_plan(self, options) -> dict:
        return {}

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"No such file: {path}", returncode=EXIT_USAGE)
        size = path.stat().st_size
        if size > settings.IMPORT_MAX_UPLOAD_BYTES:
            # Refused before reading it into memory.
            plan, record = unreadable(self.kind, too_big_message(size)), None
        else:
            plan, record = import_file(
                self.kind, path.read_bytes(), path.name, dry_run=options["dry_run"], **self.options_for_plan(options)
            )
        if options["json"]:
            self.stdout.write(json.dumps(as_json(plan, self.noun), ensure_ascii=False))
        else:
            self.stdout.write(self.summary(plan, record, options["dry_run"]))
        if plan.errors:
            raise CommandError(
                f"The file has {len(plan.errors)} error(s): nothing was written.", returncode=EXIT_ERRORS
            )

    def summary(self, plan: ImportPlan, record, dry_run) -> str:
        counts = plan.counts
        lines = []
        if plan.layout:
            lines.append(f"Layout: {plan.layout}. Rows read: {plan.rows_read}, skipped: {plan.rows_skipped}.")
        lines.append(
            f"{self.noun.capitalize()}: {counts['created']} created, {counts['updated']} updated, "
            f"{counts['unchanged']} unchanged, {counts['absent']} absent."
        )
        for title, issues in (("Warnings", plan.warnings), ("Errors", plan.errors)):
            if issues:
                lines.append(f"{title} ({len(issues)}):")
                lines += [f"  {where(i) or '-'}: {i.message}" for i in issues]
        if plan.errors:
            lines.append("Nothing was written: correct the file and import it again.")
        elif dry_run:
            lines.append("Dry run: the file is clean; nothing was written.")
        else:
            lines.append(f"Applied (import #{record.pk}).")
        return "\n".join(lines)


def as_json(plan: ImportPlan, noun: str) -> dict:
    """The documented --json object: counts under the command's noun, rows, issues, layout."""
    return {
        noun: plan.counts,
        "rows": plan.rows,
        "errors": [asdict(e) for e in plan.errors],
        "warnings": [asdict(w) for w in plan.warnings],
        "layout": plan.layout,
    }
