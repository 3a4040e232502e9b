from django.core.management.base import BaseCommand

from initiatives.cache import bump_catalogue_version
from initiatives.facet_rows import rebuild_facet_rows
from initiatives.facet_table import rebuild_facet_counts
from initiatives.models import FacetCount


class Command(BaseCommand):
    help = (
        "Recount the published catalogue's facet counts and rewrite each initiative's facet row (the "
        "tables the database triggers keep) from the initiatives themselves. Safe to run at any time."
    )

    def handle(self, *args, **options):
        rebuild_facet_counts()
        rebuild_facet_rows()
        # Pages and counts cached from the old table must not be served again.
        bump_catalogue_version()
        if options["verbosity"] >= 1:
            self.stdout.write(f"{FacetCount.objects.filter(n__gt=0).count()} facet values counted.")
