from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from catalogue.backup import BackupError, backup


class Command(BaseCommand):
    help = "Write the whole catalogue (every record and the uploaded files) to one .tar.gz archive."

    def add_arguments(self, parser):
        parser.add_argument("out", type=Path, help="Archive to write, e.g. catalogue-2026-11-26.tar.gz")
        parser.add_argument("--database", default="default")

    def handle(self, out, database, **options):
        if out.exists():
            raise CommandError(f"{out} already exists; choose a new name (a backup never overwrites one).")
        if not out.parent.is_dir():
            raise CommandError(f"{out.parent} is not a folder.")
        try:
            manifest = backup(out, using=database)
        except BackupError as error:
            raise CommandError(str(error)) from None
        records = sum(manifest["records"].values())
        files = sum(len(names) for names in manifest["files"].values())
        self.stdout.write(f"Wrote {out}: {records} records of {len(manifest['records'])} models, {files} files.")
