from rotas_import.commands import ImportCommand
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

    def options_for_plan(self, options):
        return {"create_new_terms": options["create_new_terms"]}
