from django.core.management.base import BaseCommand
from django.db import connection

from initiatives import search_fts, search_table
from initiatives.cache import bump_catalogue_version


class Command(BaseCommand):
    help = (
        "Rebuild what the search reads from the initiatives' search text (SQLite's trigram index, "
        "PostgreSQL's narrow copy of the text), e.g. after writing to the database with the triggers off. "
        "Safe to run at any time."
    )

    def handle(self, *args, **options):
        search_fts.rebuild(connection)
        search_table.rebuild(connection)
        # Searches cached from the old index must not be served again.
        bump_catalogue_version()
        if options["verbosity"] >= 1:
            self.stdout.write("Search index rebuilt.")
