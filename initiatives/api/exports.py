"""CSV and Excel exports of a selection of initiatives, in bounded memory.

Rows come from `.iterator(chunk_size=…)`, which prefetches the related names one chunk at a time,
so 100,000 initiatives never sit in memory together. The column names are those the importer of
other countries' initiatives reads (name, country, region, city, sector, …), so an export can be
edited and imported back; the extra columns are readable names and the translations.
"""

import csv
import re
import tempfile
from collections.abc import Callable, Iterable, Iterator
from datetime import date

from django.db.models import Prefetch
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from ..models import Municipality
from ..text import FORMULA_START

CHUNK_SIZE = 1000  # rows (and their prefetched relations) in memory at once
LINES_PER_WRITE = 500  # CSV lines sent to the client at a time
SEPARATOR = "; "

COLUMNS = [
    "slug", "name", "kind", "kind_name", "status", "country", "country_name", "region", "region_codes", "city",
    "municipalities", "sector", "themes", "program", "route", "managing_organisation", "year_started", "member_firms",
    "website", "email", "latitude", "longitude", "location_precision", "language", "description",
    "name_pt_br", "name_es", "name_en", "description_pt_br", "description_es", "description_en",
    "source", "source_url", "url", "updated",
]  # fmt: skip


def neutralise(value):
    """Text that a spreadsheet would run as a formula gets a leading apostrophe; numbers stay numbers."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def export_queryset(selection):
    """The selection with everything a row shows, fetched per chunk rather than per row."""
    return selection.with_vocabularies().prefetch_related(
        Prefetch("municipalities", queryset=Municipality.objects.only("id", "name"))
    )


def _names(items) -> str:
    return SEPARATOR.join(str(item.display_name) for item in items)


def initiative_rows(selection, page_url: Callable[[str], str]) -> Iterator[list]:
    """The header, then one list of values per initiative, in the selection's order.

    Call it with the language to export in active: country, sector, theme and kind names follow it.
    """
    yield list(COLUMNS)
    for i in export_queryset(selection).iterator(chunk_size=CHUNK_SIZE):
        regions = list(i.regions.all())
        yield [
            i.slug, i.name, i.kind, str(i.get_kind_display()), i.status, i.country.code, str(i.country.name),
            SEPARATOR.join(r.name for r in regions), SEPARATOR.join(r.code for r in regions),
            i.territory, SEPARATOR.join(m.name for m in i.municipalities.all()),
            _names(i.sectors.all()), _names(i.themes.all()),
            str(i.program.display_name) if i.program else "", str(i.route.display_name) if i.route else "",
            i.managing_organisation, i.year_started, i.member_count, i.website, i.email,
            i.latitude, i.longitude, i.location_precision, i.language, i.description,
            i.name_pt_br, i.name_es, i.name_en, i.description_pt_br, i.description_es, i.description_en,
            i.source_text, i.source_url, page_url(i.get_absolute_url()), i.updated.isoformat(timespec="seconds"),
        ]  # fmt: skip
        # Each prefetched queryset points back at its initiative (a reference cycle): break it, so the
        # row is freed now rather than at the next full garbage collection.
        i._prefetched_objects_cache.clear()


class _Echo:
    """A file-like object whose write() hands back the line, so csv.writer can feed a generator."""

    def write(self, value: str) -> str:
        return value


def csv_chunks(rows: Iterable[list]) -> Iterator[bytes]:
    """UTF-8 with a byte-order mark (Excel then reads accents right), a few hundred lines per chunk."""
    writer = csv.writer(_Echo())
    lines = ["\ufeff"]
    for row in rows:
        lines.append(writer.writerow([neutralise(value) for value in row]))
        if len(lines) >= LINES_PER_WRITE:
            yield "".join(lines).encode()
            lines = []
    if lines:
        yield "".join(lines).encode()


def _cell(value):
    # openpyxl refuses control characters (IllegalCharacterError): they cannot be stored in XLSX.
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
    return neutralise(value)


def write_xlsx(rows: Iterable[list], title: str):
    """An .xlsx in an anonymous temporary file, rewound: openpyxl's write-only mode keeps one row in
    memory at a time and spools the sheet to disk."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])
    for row in rows:
        sheet.append([_cell(value) for value in row])
    spool = tempfile.TemporaryFile(suffix=".xlsx")
    workbook.save(spool)
    spool.seek(0)
    return spool


_UNSAFE_NAME = re.compile(r"[^A-Za-z0-9-]+")
MAX_COUNTRIES_IN_NAME = 4


def export_filename(countries: list[str] | None, extension: str, today: date) -> str:
    """initiatives-BR-2026-11-26.csv: the countries of a filtered selection (at most a few, else
    'selection'), or 'all' when nothing was filtered."""
    if countries is None:
        scope = "all"
    elif not countries:
        scope = "none"
    elif len(countries) > MAX_COUNTRIES_IN_NAME:
        scope = "selection"
    else:
        scope = "-".join(sorted(countries))
    return f"initiatives-{_UNSAFE_NAME.sub('', scope)}-{today.isoformat()}.{extension}"
