"""Step 2, shared by both importers: find the header row of a sheet and read its cells.

Header names are compared folded (case, accents, spaces and underscores ignored), so `Município`,
`MUNICIPIO` and `municipio` are one column. Each importer gives its own column names and rule for
a header it accepts (`polos.layout`, `lac.rows`).
"""

from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _

from .issues import Issues
from .reading import Sheet
from .values import fold

HEADER_SCAN_ROWS = 30


@dataclass
class Header:
    index: int  # 0-based row index of the header in the sheet
    columns: dict[str, int]  # key -> 0-based column index
    names: list[str]  # the header cells as written


def find_header(sheet: Sheet, aliases: dict[str, set[str]], accept) -> tuple[Header | None, list[str]]:
    """The first row (below any title rows) whose known columns satisfy `accept(keys, folded)`;
    else None and the non-empty cells of the most header-like row, to say what was found."""
    best, best_count = [], -1
    for index, row in enumerate(sheet.rows[:HEADER_SCAN_ROWS]):
        folded = [fold(cell) for cell in row]
        columns = {}
        for position, name in enumerate(folded):
            for key, names in aliases.items():
                if name in names and key not in columns:
                    columns[key] = position
        if accept(columns, folded):
            return Header(index, columns, row), []
        filled = [cell for cell in row if cell]
        if len(columns) > best_count and filled:
            best, best_count = filled, len(columns)
    return None, best


def cell(row: list[str], position: int | None) -> str:
    if position is None or position >= len(row):
        return ""
    return row[position]


def too_long(sheet: Sheet, header: Header, row: list[str], number: int, issues: Issues) -> bool:
    """Cells longer than the limit are errors; the rest of their row is not read."""
    limit = settings.IMPORT_MAX_CELL_CHARS
    found = False
    for position, value in enumerate(row):
        if len(value) > limit:
            found = True
            issues.error(
                _("This cell holds %(count)s characters; the limit is %(limit)s.") % {"count": f"{len(value):,}", "limit": f"{limit:,}"},
                sheet.name, number, cell(header.names, position),
            )  # fmt: skip
    return found
