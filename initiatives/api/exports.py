"""CSV and Excel exports of a selection of initiatives, in bounded memory.

Rows are plain values (`values_list()`, no model instance), read a chunk at a time; each chunk's
regions, municipalities, sectors and themes come from their through tables in one query each, and
the few dozen sectors, themes, programmes and Rotas are named from dictionaries built once. So
100,000 initiatives never sit in memory together, and their CSV takes ~5 s (model instances with
prefetched relations took ~40 s). The column names are those the importer of other countries'
initiatives reads (name, country, region, city, sector, …), so an export can be edited and imported
back; the extra columns are readable names and the translations.
"""

import csv
import re
import tempfile
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from datetime import date
from itertools import islice

from django.urls import reverse
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from ..models import Initiative, Program, Route, Sector, Theme
from ..text import FORMULA_START

CHUNK_SIZE = 1000  # rows (and their relations) in memory at once
LINES_PER_WRITE = 500  # CSV lines sent to the client at a time
SEPARATOR = "; "

COLUMNS = [
    "slug", "name", "kind", "kind_name", "status", "country", "country_name", "region", "region_codes", "city",
    "municipalities", "sector", "themes", "program", "route", "managing_organisation", "year_started", "member_firms",
    "website", "email", "latitude", "longitude", "location_precision", "language", "description",
    "name_pt_br", "name_es", "name_en", "description_pt_br", "description_es", "description_en",
    "source", "source_url", "url", "updated",
]  # fmt: skip

# The row's own columns, read with values_list(); the relations are looked up per chunk.
FIELDS = (
    "pk", "slug", "name", "kind", "status", "country", "territory", "program_id", "route_id",
    "managing_organisation", "year_started", "member_count", "website", "email", "latitude", "longitude",
    "location_precision", "language", "description", "name_pt_br", "name_es", "name_en",
    "description_pt_br", "description_es", "description_en", "source_text", "source_url", "updated",
)  # fmt: skip
SLUG_PLACEHOLDER = "slug-placeholder"


def neutralise(value):
    """Text that a spreadsheet would run as a formula gets a leading apostrophe; numbers stay numbers."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def linked(relation: str, ids: list[int], *fields: str) -> dict[int, list[tuple]]:
    """One many-to-many relation of a chunk of initiatives, in one query on its through table:
    {initiative id: [(initiative id, field, …) of each related row]}, in the related model's own
    order (as the pages and a prefetch list them)."""
    m2m = Initiative._meta.get_field(relation)
    term = m2m.m2m_reverse_field_name()  # the through table's key to the related model: "sector"…
    rows = (
        # The same SQL as initiative_id__in, but Django prepares the 1,000 values in half the time.
        m2m.remote_field.through.objects.filter(initiative__pk__in=ids)
        # Ordering by the relation orders by the related model's Meta.ordering.
        .order_by(term, "pk")
        .values_list("initiative_id", *(f"{term}__{field}" for field in fields))
    )
    by_initiative = defaultdict(list)
    for row in rows:
        by_initiative[row[0]].append(row)
    return by_initiative


class TermNames(dict):
    """{pk: name in the active language} of every term of a small vocabulary (a few dozen rows).
    A term created while a long export runs is looked up when first met."""

    def __init__(self, model):
        super().__init__((term.pk, str(term.display_name)) for term in model.objects.all())
        self.model = model

    def __missing__(self, pk):
        term = self.model.objects.filter(pk=pk).first()
        self[pk] = str(term.display_name) if term else ""
        return self[pk]


def initiative_rows(selection, page_url: Callable[[str], str]) -> Iterator[list]:
    """The header, then one list of values per initiative, in the selection's order.

    Call it with the language to export in active: country, sector, theme and kind names follow it.
    """
    yield list(COLUMNS)
    kind_names = {value: str(label) for value, label in Initiative.Kind.choices}
    countries = Initiative._meta.get_field("country").countries
    country_names = {}
    sectors, themes, programs, routes = (TermNames(model) for model in (Sector, Theme, Program, Route))
    # One absolute address built per export, not per row (the slug is all that differs).
    url_prefix, url_suffix = page_url(reverse("initiatives:detail", args=[SLUG_PLACEHOLDER])).split(SLUG_PLACEHOLDER)

    rows = selection.values_list(*FIELDS).iterator(chunk_size=CHUNK_SIZE)
    while chunk := list(islice(rows, CHUNK_SIZE)):
        ids = [row[0] for row in chunk]
        regions = linked("regions", ids, "name", "code")
        municipalities = linked("municipalities", ids, "name")
        sector_ids = linked("sectors", ids, "id")
        theme_ids = linked("themes", ids, "id")
        for (
            pk, slug, name, kind, status, country, territory, program_id, route_id,
            managing_organisation, year_started, member_count, website, email, latitude, longitude,
            location_precision, language, description, name_pt_br, name_es, name_en,
            description_pt_br, description_es, description_en, source_text, source_url, updated,
        ) in chunk:  # fmt: skip
            if country not in country_names:
                country_names[country] = str(countries.name(country))
            its_regions = regions.get(pk, ())
            yield [
                slug, name, kind, kind_names.get(kind, kind), status, country, country_names[country],
                SEPARATOR.join([region for _, region, _code in its_regions]),
                SEPARATOR.join([code for _, _region, code in its_regions]),
                territory, SEPARATOR.join([place for _, place in municipalities.get(pk, ())]),
                SEPARATOR.join([sectors[term] for _, term in sector_ids.get(pk, ())]),
                SEPARATOR.join([themes[term] for _, term in theme_ids.get(pk, ())]),
                programs[program_id] if program_id else "", routes[route_id] if route_id else "",
                managing_organisation, year_started, member_count, website, email,
                latitude, longitude, location_precision, language, description,
                name_pt_br, name_es, name_en, description_pt_br, description_es, description_en,
                source_text, source_url, f"{url_prefix}{slug}{url_suffix}", updated.isoformat(timespec="seconds"),
            ]  # fmt: skip


class _Echo:
    """A file-like object whose write() hands back the line, so csv.writer can feed a generator."""

    def write(self, value: str) -> str:
        return value


def csv_chunks(rows: Iterable[list]) -> Iterator[bytes]:
    """UTF-8 with a byte-order mark (Excel then reads accents right), a few hundred lines per chunk.
    The header goes out on its own first, before a row is read: the download starts at once while
    the database sorts the selection (at 100,000 rows that takes a few hundred milliseconds)."""
    writer = csv.writer(_Echo())
    rows = iter(rows)
    header = next(rows, None)
    yield ("\ufeff" + (writer.writerow(header) if header is not None else "")).encode()
    lines = []
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
