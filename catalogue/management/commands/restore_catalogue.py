from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from catalogue.backup import BackupError, restore


class Command(BaseCommand):
    help = "Restore an archive made by backup_catalogue into an EMPTY, migrated database."

    def add_arguments(self, parser):
        parser.add_argument("archive", type=Path, help="A .tar.gz written by backup_catalogue")
        parser.add_argument("--database", default="default")

    def handle(self, archive, database, **options):
        if not archive.is_file():
            raise CommandError(f"{archive} does not exist.")
        try:
            manifest = restore(archive, using=database)
        except BackupError as error:
            raise CommandError(str(error)) from None
        records = sum(manifest["records"].values())
        files = sum(len(names) for names in manifest["files"].values())
        self.stdout.write(f"Restored {records} records and {files} files from {archive} (made {manifest['created']}).")
