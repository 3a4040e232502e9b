"""CSV and Excel exports of a selection of initiatives, in bounded memory.

Rows are plain values (`values_list()`, no model instance) from one query read a chunk at a time;
each row carries the ids of its regions, municipalities, sectors and themes, aggregated from the
through tables in the same query, and they are named from dictionaries built once per export (the
regions and municipalities the selection uses, the few dozen sectors, themes, programmes, Rotas).
So an export runs the same handful of queries whatever its size, and the whole catalogue never
sits in memory at once (model instances with prefetched relations are several times slower;
docs/performance.md). The column names are those the importer of other countries' initiatives
reads (name, country, region, city, sector, …), so an export can be edited and imported back;
the extra columns are readable names and the translations. The contact e-mail is not exported:
the public writes through the catalogue (hub), and staff export addresses in the admin.
"""

import csv
import io
import re
import tempfile
from collections.abc import Callable, Iterable, Iterator
from datetime import date
from itertools import islice

from django.db.models import Aggregate, CharField, Func, OuterRef, Subquery
from django.db.models.expressions import RawSQL
from django.db.models.sql.constants import LOUTER
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from ..models import Initiative, Program, Region, Route, Sector, Theme
from ..text import FORMULA_START

CHUNK_SIZE = 1000  # rows fetched from the database at a time
LINES_PER_WRITE = 500  # CSV lines sent to the client at a time
MEMO_SIZE = 20_000  # finished cells kept per relation: ~15 MB at most (docs/performance.md)
SEPARATOR = "; "

COLUMNS = [
    "slug", "name", "kind", "kind_name", "status", "country", "country_name", "region", "region_codes", "city",
    "municipalities", "sector", "family", "cluster_category", "isic_section", "specialisation", "themes", "program", "route", "managing_organisation", "year_started", "member_firms",
    "website", "latitude", "longitude", "location_precision", "language", "description",
    "name_pt_br", "name_es", "name_en", "description_pt_br", "description_es", "description_en",
    "source", "source_url", "url", "updated",
]  # fmt: skip

# The row's own columns, read with values_list(), the text ones first: a row's are checked for
# formulas in one slice. (`updated` is read as text: UtcSeconds.)
TEXT_FIELDS = (
    "slug", "name", "kind", "status", "country", "territory", "managing_organisation", "website",
    "location_precision", "language", "description", "name_pt_br", "name_es", "name_en",
    "description_pt_br", "description_es", "description_en", "source_text", "source_url", "specialisation",
)  # fmt: skip
OTHER_FIELDS = ("program_id", "route_id", "year_started", "member_count", "latitude", "longitude")
FIELDS = (*TEXT_FIELDS, *OTHER_FIELDS, "updated")


def neutralise(value):
    """Text that a spreadsheet would run as a formula gets a leading apostrophe; numbers stay numbers."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def cell(text: str) -> str:
    """neutralise() of a value known to be text."""
    return "'" + text if text.startswith(FORMULA_START) else text


# What neutralise() looks for, as one C call per cell: `any(map(FORMULA.match, texts))`.
FORMULA = re.compile("|".join(map(re.escape, FORMULA_START)))


class IdList(Aggregate):
    """The related ids of a group as one text, "3,17,5": one value per row instead of a query per
    relation and chunk of rows."""

    function = "GROUP_CONCAT"
    output_field = CharField()

    def as_postgresql(self, compiler, connection, **extra):
        return self.as_sql(
            compiler, connection, function="STRING_AGG", template="%(function)s((%(expressions)s)::text, ',')", **extra
        )


class UtcSeconds(Func):
    """A timestamp as `isoformat(timespec="seconds")` writes it in UTC (the time zone of Django's
    connections), made by the database: no datetime object per row to parse and format again."""

    output_field = CharField()
    # As Django stores it: "2026-11-30 14:05:09.123456", in UTC.
    template = "substr(%(expressions)s, 1, 10) || 'T' || substr(%(expressions)s, 12, 8) || '+00:00'"

    def as_postgresql(self, compiler, connection, **extra):
        template = """to_char(%(expressions)s AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"+00:00"')"""
        return self.as_sql(compiler, connection, template=template, **extra)


def related_ids(relation: str) -> Subquery:
    """A row's ids of one many-to-many relation, read from its through table."""
    m2m = Initiative._meta.get_field(relation)
    term = m2m.m2m_reverse_name()  # the through table's column: "region_id"…
    linked = m2m.remote_field.through.objects.filter(initiative_id=OuterRef("pk")).order_by()
    return Subquery(linked.values("initiative_id").annotate(ids=IdList(term)).values("ids"), output_field=CharField())


class AllLinks:
    """A LEFT JOIN of one relation's through table aggregated by initiative, for the rows' query of
    the whole catalogue: its "ids" column is a row's "3,17,5", from one pass over the table, where
    `related_ids` probes the table's index once per row (for all 100,000 initiatives, about twice
    the database's time). Added to a query's joins as Django's own Join objects are."""

    join_type = LOUTER
    nullable = True
    filtered_relation = None

    def __init__(self, relation: str, parent_alias: str):
        m2m = Initiative._meta.get_field(relation)
        links = m2m.remote_field.through.objects.order_by().values("initiative_id")
        self.links = links.annotate(ids=IdList(m2m.m2m_reverse_name())).query
        self.table_name = self.table_alias = f"all_{relation}"
        self.parent_alias = parent_alias

    def as_sql(self, compiler, connection):
        sql, params = self.links.get_compiler(connection=connection).as_sql()
        alias, parent = connection.ops.quote_name(self.table_alias), connection.ops.quote_name(self.parent_alias)
        return f'{LOUTER} ({sql}) {alias} ON ({alias}."initiative_id" = {parent}."id")', params

    def relabeled_clone(self, change_map):
        return self  # never renamed: the rows' query is no other query's subquery


def with_all_links(selection, relations: dict[str, str]):
    """The selection annotated with {name: relation}, each relation's ids read through AllLinks."""
    selection = selection.all()
    query = selection.query
    parent = query.get_initial_alias()
    columns = {}
    for name, relation in relations.items():
        join = AllLinks(relation, parent)
        query.alias_map[join.table_alias] = join
        query.alias_refcount[join.table_alias] = 1
        columns[name] = RawSQL(f'"{join.table_alias}"."ids"', (), output_field=CharField())
    return selection.annotate(**columns)


def used_by(relation: str, selection):
    """The terms of a relation that a selection links to (thousands of municipalities, few used)."""
    m2m = Initiative._meta.get_field(relation)
    used = m2m.remote_field.through.objects.filter(initiative__in=selection.order_by().values("pk"))
    return m2m.related_model.objects.filter(pk__in=used.values(m2m.m2m_reverse_name()))


class Related:
    """{pk: value} of the terms of one relation, and their order (the related model's own, as pages
    and prefetches list them), loaded in one query: every term of a small vocabulary, or those a
    selection uses (`used_by`)."""

    def __init__(self, terms, value: Callable):
        self.model, self.value = terms.model, value
        self.values, self.position = {}, {}
        self._load(terms)

    def _load(self, terms):
        for item in terms:
            self.values[item.pk] = self.value(item)
            self.position[item.pk] = len(self.position)

    def __call__(self, ids: str | None) -> list:
        """The values of "3,17,5" in the related model's order ("" or None: none)."""
        return self.values_of([int(pk) for pk in ids.split(",")]) if ids else []

    def one(self, pk: int | None):
        """The value of a foreign key's term (a programme, a Rota); "" for none."""
        found = self.values_of([pk]) if pk is not None else []
        return found[0] if found else ""

    def values_of(self, pks: list[int]) -> list:
        if unknown := [pk for pk in pks if pk not in self.values]:
            # Linked while the export ran, after the terms were read: looked up once, listed last.
            self._load(self.model.objects.filter(pk__in=unknown))
            for pk in unknown:
                self.values.setdefault(pk, None)  # deleted meanwhile: left out, and not asked again
                self.position.setdefault(pk, len(self.position))
        found = [pk for pk in pks if self.values[pk] is not None]
        return [self.values[pk] for pk in sorted(found, key=self.position.__getitem__)]


class Cells(dict):
    """Finished cells by a row's value (a relation's ids "3,17,5", a programme's pk), built at the
    first row that has it: a catalogue has a few hundred combinations of regions or themes for
    100,000 rows. Bounded: emptied when full, then filled again as rows come."""

    def __init__(self, build: Callable):
        super().__init__()
        self.build = build

    def __missing__(self, key):
        if len(self) >= MEMO_SIZE:
            self.clear()
        value = self[key] = self.build(key)
        return value


def initiative_rows(selection, site_root: str, *, text: bool = False, everything: bool = False) -> Iterator[list]:
    """The header, then one list of values per initiative, in the selection's order; `site_root`
    ("https://example.org") makes the pages' addresses absolute. Every text cell comes neutralised
    (`neutralise`); with `text`, numbers come as the csv module writes them ("" for none), so that
    csv_chunks(rows, prepared=True) writes the rows as they are. `everything`: the selection is
    the whole catalogue, its relations read by AllLinks.

    Call it with the language to export in active: country, sector, theme and kind names follow it.
    """
    yield list(COLUMNS)
    kind_names = {value: neutralise(str(label)) for value, label in Initiative.Kind.choices}
    countries = Initiative._meta.get_field("country").countries
    country_names = Cells(lambda code: neutralise(str(countries.name(code))))
    # One absolute address built per export, not per row (the slug is all that differs).
    url_prefix, url_suffix = (site_root + Initiative.detail_url_template()).split("{slug}")

    regions = Related(Region.objects.all(), lambda region: (region.name, region.code))
    municipalities = Related(used_by("municipalities", selection), lambda place: place.name)
    # Names in the active language; a few dozen terms each, so all of them.
    sectors, themes, programs, routes = (
        Related(model.objects.all(), lambda term: str(term.display_name)) for model in (Sector, Theme, Program, Route)
    )
    # Each sector's family, named once per export, for the columns that compare with the US and
    # European cluster maps.
    families = {
        sector.pk: (sector.family.slug, str(sector.family.display_name), sector.family.cluster_category,
                    sector.family.isic_section)
        for sector in Sector.objects.select_related("family") if sector.family_id
    }  # fmt: skip

    def region_cells(ids) -> tuple[str, str]:
        its_regions = regions(ids)
        return cell(SEPARATOR.join([name for name, _code in its_regions])), cell(
            SEPARATOR.join([code for _name, code in its_regions])
        )

    def sector_cells(ids) -> tuple[str, str, str, str]:
        found = sorted({families[pk] for pk in {int(pk) for pk in (ids or "").split(",") if pk} if pk in families})
        return (
            cell(SEPARATOR.join(sectors(ids))),
            *(cell(SEPARATOR.join(family[column] for family in found)) for column in (1, 2, 3)),
        )

    region_columns = Cells(region_cells)
    municipality_column = Cells(lambda ids: cell(SEPARATOR.join(municipalities(ids))))
    sector_columns = Cells(sector_cells)
    theme_column = Cells(lambda ids: cell(SEPARATOR.join(themes(ids))))
    program_column = Cells(lambda pk: cell(programs.one(pk)))
    route_column = Cells(lambda pk: cell(routes.one(pk)))

    relations = {"region_ids": "regions", "municipality_ids": "municipalities", "sector_ids": "sectors",
                 "theme_ids": "themes"}  # fmt: skip
    if everything:
        rows = with_all_links(selection, relations)
    else:
        rows = selection.annotate(**{name: related_ids(relation) for name, relation in relations.items()})
    # Listed in the order they were annotated: the rows need no reordering.
    rows = rows.annotate(updated_text=UtcSeconds("updated"))
    rows = rows.values_list(*TEXT_FIELDS, *OTHER_FIELDS, *relations, "updated_text")
    texts = len(TEXT_FIELDS)
    for row in rows.iterator(chunk_size=CHUNK_SIZE):
        url = f"{url_prefix}{row[0]}{url_suffix}"  # from the slug as stored
        # One test in C of the row's text columns; the rare row with a formula is redone cell by cell.
        if any(map(FORMULA.match, row[:texts])):
            row = (*map(neutralise, row[:texts]), *row[texts:])
        (
            slug, name, kind, status, country, territory, managing_organisation, website, location_precision,
            language, description, name_pt_br, name_es, name_en, description_pt_br, description_es,
            description_en, source_text, source_url, specialisation,
            program_id, route_id, year_started, member_count, latitude, longitude,
            region_ids, municipality_ids, sector_ids, theme_ids, updated,
        ) = row  # fmt: skip
        kind_name = kind_names.get(kind, kind)
        region_names, region_codes = region_columns[region_ids]
        sector_names, family, cluster_category, isic_section = sector_columns[sector_ids]
        if text:
            year_started = "" if year_started is None else str(year_started)
            member_count = "" if member_count is None else str(member_count)
            latitude = "" if latitude is None else str(latitude)
            longitude = "" if longitude is None else str(longitude)
        # The address and the date start with the site's scheme and a year: never a formula.
        yield [
            slug, name, kind, kind_name, status, country, country_names[country], region_names, region_codes,
            territory, municipality_column[municipality_ids], sector_names, family, cluster_category,
            isic_section, specialisation, theme_column[theme_ids], program_column[program_id],
            route_column[route_id], managing_organisation, year_started, member_count, website,
            latitude, longitude, location_precision, language, description,
            name_pt_br, name_es, name_en, description_pt_br, description_es, description_en,
            source_text, source_url, url, updated,
        ]  # fmt: skip


def csv_chunks(rows: Iterable[list], *, prepared: bool = False) -> Iterator[bytes]:
    """UTF-8 with a byte-order mark (Excel then reads accents right), a few hundred lines per chunk.
    The header goes out on its own first, before a row is read: the download starts at once while
    the database sorts the selection. `prepared` rows (initiative_rows(..., text=True)) hold only
    neutralised text, written as it is; any others are neutralised cell by cell.

    Every field is quoted: Excel in Portuguese and Spanish splits on ";", and an unquoted
    "a;=1+2" would give a cell "=1+2" that no leading apostrophe protects."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, quoting=csv.QUOTE_ALL)
    rows = iter(rows)
    header = next(rows, None)
    if header is not None:
        writer.writerow(header)
    yield ("\ufeff" + buffer.getvalue()).encode()
    if prepared:
        yield from _joined_chunks(rows, writer, buffer)
        return
    rows = ([neutralise(value) for value in row] for row in rows)
    while True:
        buffer.seek(0)
        buffer.truncate()
        # The csv module takes the batch from the generator itself: no Python call per line.
        writer.writerows(islice(rows, LINES_PER_WRITE))
        if not buffer.tell():
            return
        yield buffer.getvalue().encode()


MARK = "\x01"  # a control character no catalogue text should hold: checked below
BETWEEN_CELLS, BETWEEN_LINES = f"{MARK},{MARK}", f"{MARK}\r\n{MARK}"


def _joined_chunks(rows: Iterator[list[str]], writer, buffer: io.StringIO) -> Iterator[bytes]:
    """What csv.writer(quoting=QUOTE_ALL) writes, from a few calls in C per chunk rather than its
    loop over every character: a chunk's cells joined with MARK around each comma and line end,
    each quote doubled, then every MARK made a quote."""
    while batch := list(islice(rows, LINES_PER_WRITE)):
        joined = BETWEEN_LINES.join([BETWEEN_CELLS.join(row) for row in batch])
        if joined.count(MARK) == 2 * (sum(map(len, batch)) - 1):
            quoted = joined.replace('"', '""').replace(MARK, '"')
            yield f'"{quoted}"\r\n'.encode()
        else:  # a MARK in the data itself: the csv module quotes this chunk
            buffer.seek(0)
            buffer.truncate()
            writer.writerows(batch)
            yield buffer.getvalue().encode()


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
