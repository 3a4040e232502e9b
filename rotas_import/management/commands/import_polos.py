from rotas_import.commands import ImportCommand
from rotas_import.models import ImportRecord


class Command(ImportCommand):
    help = "Import a MIDR spreadsheet of Rotas polos (.xlsx, .xls, .ods, .csv). Exit 0 applied, 1 file errors, 2 usage."
    kind = ImportRecord.Kind.POLOS
    noun = "polos"

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("--sheet", help="read only this sheet of a workbook")
        parser.add_argument(
            "--mark-absent-inactive",
            action="store_true",
            help="mark as inactive the polos of the file's Rotas that the file no longer lists",
        )

    def options_for_plan(self, options):
        return {"sheet_name": options["sheet"], "mark_absent_inactive": options["mark_absent_inactive"]}
