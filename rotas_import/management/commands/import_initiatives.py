from django.core.management.base import CommandError
from django.utils.text import slugify

from rotas_import.commands import EXIT_USAGE, ImportCommand
from rotas_import.models import ImportRecord


class Command(ImportCommand):
    help = "Import initiatives of any LAC country (.xlsx, .xls, .ods, .csv). Exit 0 applied, 1 file errors, 2 usage."
    kind = ImportRecord.Kind.INITIATIVES
    noun = "initiatives"

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument(
            "--create-new-terms",
            action="store_true",
            help="create the sectors and themes the catalogue does not have yet (otherwise they are errors)",
        )
        parser.add_argument(
            "--new-sector-family",
            action="append",
            default=[],
            metavar="TERM=FAMILY",
            help="the family (its slug) of a new sector created with --create-new-terms; repeatable",
        )

    def options_for_plan(self, options):
        families = {}
        for pair in options["new_sector_family"]:
            term, sep, family = pair.partition("=")
            if not sep or not term.strip() or not family.strip():
                raise CommandError(f"--new-sector-family wants TERM=FAMILY, not “{pair}”.", returncode=EXIT_USAGE)
            families[slugify(term.strip())[:200]] = family.strip()
        return {"create_new_terms": options["create_new_terms"], "new_sector_families": families}
