import csv
import io
from datetime import date

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from initiatives.api import exports
from initiatives.api.exports import COLUMNS, export_filename, neutralise
from initiatives.models import Municipality, Sector

from ..throttle import fresh_throttle_counts  # noqa: F401  (autouse)

pytestmark = pytest.mark.django_db

IMPORTER_COLUMNS = [
    "name", "country", "region", "city", "sector", "managing_organisation", "year_started", "member_firms",
    "website", "latitude", "longitude", "location_precision", "source",
]  # fmt: skip
TODAY = timezone.localdate().isoformat()


@pytest.fixture
def catalogue(make_initiative, rota_do_mel):
    fortaleza, sobral = Municipality.objects.filter(code__in=["2304400", "2312908"]).order_by("name")
    make_initiative(
        name="Polo do Mel do Sertão Central", slug="mel", country="BR", kind="rotas_polo", route=rota_do_mel,
        regions=["BR-CE"], municipalities=[fortaleza, sobral], sectors=["beekeeping", "fruit-growing"],
        themes=["market-access"], member_count=40, year_started=2019, managing_organisation="Cooperativa Açúcar",
        internal_notes="staff only: do not publish", source_text="MIDR, Portaria 123", latitude=-5.2, longitude=-39.3,
    )  # fmt: skip
    make_initiative(name="Clúster de Café de Nariño", slug="cafe", country="CO", regions=["CO-NAR"], status="inactive")
    make_initiative(name="Software Jalisco", slug="software", country="MX", kind="tech_park")
    make_initiative(name="Borrador secreto", slug="draft", country="CO", is_published=False)


def read_csv(response):
    assert response.status_code == 200, response.content
    assert response.streaming
    content = b"".join(response.streaming_content)
    assert content.startswith(b"\xef\xbb\xbf")  # UTF-8 byte-order mark
    return list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))


def read_xlsx(response):
    assert response.status_code == 200, response.content
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    header, *rows = workbook.active.iter_rows(values_only=True)
    return [dict(zip(header, row, strict=True)) for row in rows]


def api_slugs(client, query):
    slugs, url = [], f"/api/initiatives/?page_size=2&{query}"
    while url:
        body = client.get(url).json()
        slugs += [row["slug"] for row in body["results"]]
        url = body["next"]
    return slugs


@pytest.mark.parametrize(
    "query",
    ["", "country=BR", "country=co&country=mx", "status=active", "q=cafe", "ordering=-name", "kind=tech_park&kind=rotas_polo",
     "sector=beekeeping", "theme=market-access", "route=rota-do-mel", "region=CO-NAR", "bbox=-80,-10,-35,30", "q=nothing"],
)  # fmt: skip
def test_it_exports_exactly_the_api_selection_row_for_row(client, catalogue, query):
    expected = api_slugs(client, query)
    assert [row["slug"] for row in read_csv(client.get(f"/api/initiatives.csv?{query}"))] == expected
    assert [row["slug"] for row in read_xlsx(client.get(f"/api/initiatives.xlsx?{query}"))] == expected


def test_it_exports_public_columns_with_readable_names(client, catalogue):
    rows = read_csv(client.get("/api/initiatives.csv?lang=en&country=BR"))
    assert list(rows[0]) == COLUMNS
    assert set(IMPORTER_COLUMNS) <= set(rows[0])
    [mel] = rows
    assert mel["name"] == "Polo do Mel do Sertão Central"
    assert (mel["country"], mel["country_name"]) == ("BR", "Brazil")
    assert (mel["region"], mel["region_codes"]) == ("Ceará", "BR-CE")
    assert mel["municipalities"] == "Fortaleza; Sobral"
    assert mel["sector"] == "Beekeeping and honey; Fruit and vegetables"
    assert mel["themes"] == "Market access"
    assert (mel["route"], mel["program"]) == ("Honey Route", "National Integration Routes")
    assert (mel["kind"], mel["kind_name"]) == ("rotas_polo", "Rotas polo")
    assert (mel["member_firms"], mel["year_started"]) == ("40", "2019")
    assert (mel["latitude"], mel["longitude"]) == ("-5.2", "-39.3")
    assert mel["source"] == "MIDR, Portaria 123"
    assert mel["url"] == "http://testserver/en/initiatives/mel/"
    assert "internal_notes" not in mel and "staff only" not in str(rows)


def test_it_names_things_in_the_requested_language(client, catalogue):
    [mel] = read_csv(client.get("/api/initiatives.csv?country=BR&lang=es"))
    assert (mel["country_name"], mel["route"], mel["url"]) == (
        "Brasil",
        "Ruta de la Miel",
        "http://testserver/es/initiatives/mel/",
    )
    [mel] = read_csv(client.get("/api/initiatives.csv?country=BR", headers={"accept-language": "pt-br"}))
    assert (mel["country_name"], mel["route"]) == ("Brasil", "Rota do Mel")
    [mel] = read_xlsx(client.get("/api/initiatives.xlsx?country=BR&lang=en"))
    assert (mel["country_name"], mel["sector"]) == ("Brazil", "Beekeeping and honey; Fruit and vegetables")


def test_it_never_exports_drafts(client, catalogue):
    for fmt in ("csv", "xlsx"):
        response = client.get(f"/api/initiatives.{fmt}?country=CO&q=borrador")
        rows = read_csv(response) if fmt == "csv" else read_xlsx(response)
        assert rows == []
        all_rows = read_csv(client.get("/api/initiatives.csv"))
        assert "draft" not in [row["slug"] for row in all_rows]


@pytest.mark.parametrize(
    ("query", "filename"),
    [
        ("", f"initiatives-all-{TODAY}"),
        ("?ordering=-name&lang=en", f"initiatives-all-{TODAY}"),
        ("?country=br", f"initiatives-BR-{TODAY}"),
        ("?region=BR-CE", f"initiatives-BR-{TODAY}"),
        ("?status=active", f"initiatives-BR-MX-{TODAY}"),
        ("?q=nothing", f"initiatives-none-{TODAY}"),
    ],
)
def test_it_names_files_after_the_selection_and_the_day(client, catalogue, query, filename):
    csv_response = client.get(f"/api/initiatives.csv{query}")
    assert csv_response["Content-Type"] == "text/csv; charset=utf-8"
    assert csv_response["Content-Disposition"] == f'attachment; filename="{filename}.csv"'
    xlsx = client.get(f"/api/initiatives.xlsx{query}")
    assert xlsx["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert xlsx["Content-Disposition"] == f'attachment; filename="{filename}.xlsx"'


def test_it_shortens_file_names_of_many_countries():
    day = date(2026, 11, 26)
    assert export_filename(["UY", "AR"], "csv", day) == "initiatives-AR-UY-2026-11-26.csv"
    assert export_filename(["AR", "BO", "BR", "CL", "CO"], "csv", day) == "initiatives-selection-2026-11-26.csv"
    assert export_filename(None, "xlsx", day) == "initiatives-all-2026-11-26.xlsx"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ('=HYPERLINK("http://evil")', '\'=HYPERLINK("http://evil")'),
        ("+55 85 3333", "'+55 85 3333"),
        ("-2+3+cmd|' /C calc'!A0", "'-2+3+cmd|' /C calc'!A0"),
        ("@SUM(A1:A2)", "'@SUM(A1:A2)"),
        ("\t=1+1", "'\t=1+1"),
        ("\r=1+1", "'\r=1+1"),
        ("Polo =1", "Polo =1"),
        ("", ""),
        (-5.2, -5.2),
        (None, None),
    ],
)
def test_it_neutralises_formulas(value, expected):
    assert neutralise(value) == expected


def test_it_neutralises_formulas_in_both_files(client, make_initiative):
    make_initiative(
        name="=HYPERLINK(\"http://evil.example\",\"click\")", slug="evil", managing_organisation="@SUM(1+1)",
        territory="-1+2", description="+cmd", source_text="\t=1", email="a@example.org", latitude=-3.5, longitude=-40.0,
    )  # fmt: skip
    [row] = read_csv(client.get("/api/initiatives.csv"))
    assert row["name"] == '\'=HYPERLINK("http://evil.example","click")'
    assert (row["managing_organisation"], row["city"], row["description"], row["source"]) == (
        "'@SUM(1+1)", "'-1+2", "'+cmd", "'\t=1",
    )  # fmt: skip
    assert row["latitude"] == "-3.5"  # numbers are not text: left as they are
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(client.get("/api/initiatives.xlsx").streaming_content)))
    sheet = workbook.active
    header = [cell.value for cell in sheet[1]]
    name = sheet.cell(row=2, column=header.index("name") + 1)
    assert name.data_type == "s" and name.value.startswith("'=HYPERLINK")
    latitude = sheet.cell(row=2, column=header.index("latitude") + 1)
    assert latitude.data_type == "n" and latitude.value == -3.5


def separators_outside_quotes(content: str) -> str:
    """The `,` and `;` a reader honouring double quotes would split on, whichever it takes for the separator."""
    outside, quoted = [], False
    for char in content:
        if char == '"':
            quoted = not quoted  # a doubled "" inside a field toggles twice: still inside
        elif char in ",;" and not quoted:
            outside.append(char)
    return "".join(outside)


def test_it_quotes_every_field_so_a_semicolon_never_splits_one(client, make_initiative):
    # Excel in Portuguese and Spanish splits a CSV on ";": an unquoted "a;=1+2;" gave a cell "=1+2".
    make_initiative(
        name="ZZFORM3 a;=1+2;", slug="semicolon", managing_organisation="x;=cmd|' /C calc'!A0",
        territory='"quoted";@SUM(A1)', description="two\nlines; =1", latitude=-3.5, longitude=-40.0,
    )  # fmt: skip
    content = b"".join(client.get("/api/initiatives.csv").streaming_content).decode("utf-8-sig")
    header, _row = content.split("\r\n", 1)
    assert header == ",".join(f'"{column}"' for column in COLUMNS)
    # Only the writer's own separators are outside quotes: a ";" (or ",") in a value never starts a cell.
    assert separators_outside_quotes(content) == "," * (len(COLUMNS) - 1) * 2
    [parsed] = read_csv(client.get("/api/initiatives.csv"))
    assert (parsed["name"], parsed["managing_organisation"], parsed["city"], parsed["description"]) == (
        "ZZFORM3 a;=1+2;", "x;=cmd|' /C calc'!A0", '"quoted";@SUM(A1)', "two\nlines; =1",
    )  # fmt: skip
    assert parsed["latitude"] == "-3.5"


def test_it_stores_every_excel_cell_as_a_value_never_a_formula(client, make_initiative):
    make_initiative(
        name="=1+2", slug="formula", managing_organisation="a;=1+2", territory="@SUM(A1)", description="-cmd",
        source_text="+1", website="\t=1", latitude=-3.5, longitude=-40.0,
    )  # fmt: skip
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(client.get("/api/initiatives.xlsx").streaming_content)))
    cells = [cell for row in workbook.active.iter_rows() for cell in row if cell.value is not None]
    assert cells and {cell.data_type for cell in cells} <= {"s", "n"}
    assert not [cell.value for cell in cells if cell.data_type == "s" and cell.value.startswith(("=", "+", "-", "@"))]


def test_it_exports_control_characters_to_excel_without_failing(client, make_initiative):
    make_initiative(name="Polo\x01 do\x0b Mel", slug="control")
    [row] = read_xlsx(client.get("/api/initiatives.xlsx"))
    assert row["name"] == "Polo do Mel"
    [row] = read_csv(client.get("/api/initiatives.csv"))
    assert row["name"] == "Polo\x01 do\x0b Mel"


@pytest.mark.parametrize("accept", ["text/csv", "application/json", "*/*", "text/html"])
def test_it_answers_the_file_whatever_the_accept_header(client, catalogue, accept):
    assert len(read_csv(client.get("/api/initiatives.csv", headers={"accept": accept}))) == 3
    assert len(read_xlsx(client.get("/api/initiatives.xlsx", headers={"accept": accept}))) == 3


def test_it_rejects_invalid_filters_as_json_whatever_the_accept_header(client, catalogue):
    for fmt in ("csv", "xlsx"):
        response = client.get(f"/api/initiatives.{fmt}?country=XX&lang=en", headers={"accept": "text/csv"})
        assert response.status_code == 400
        assert response["Content-Type"] == "application/json"
        assert list(response.json()) == ["country"]


def test_it_answers_head_without_building_the_file(client, catalogue):
    with CaptureQueriesContext(connection) as queries:
        response = client.head("/api/initiatives.csv?country=BR")
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="initiatives-BR-{TODAY}.csv"'
    assert len(queries) == 1  # the countries for the file name; no rows read


def test_it_sends_the_header_before_reading_a_row(client, catalogue):
    response = client.get("/api/initiatives.csv")
    chunks = iter(response.streaming_content)

    with CaptureQueriesContext(connection) as queries:
        first = next(chunks)

    assert first.decode("utf-8-sig") == ",".join(f'"{column}"' for column in COLUMNS) + "\r\n"
    assert len(queries) == 0  # the client has its first bytes before the database sorts the selection
    rows = list(csv.DictReader(io.StringIO((first + b"".join(chunks)).decode("utf-8-sig"))))
    assert rows and rows == read_csv(client.get("/api/initiatives.csv"))


def test_it_streams_in_chunks_with_a_constant_number_of_queries(client, make_initiative, rota_do_mel):
    fortaleza = Municipality.objects.get(code="2304400")

    def export_queries():
        with CaptureQueriesContext(connection) as queries:
            rows = read_csv(client.get("/api/initiatives.csv"))
        return len(rows), len(queries)

    for _ in range(3):
        make_initiative(regions=["BR-CE"], municipalities=[fortaleza], sectors=["dairy"], themes=["sustainability"])
    few = export_queries()
    for _ in range(30):
        make_initiative(regions=["BR-CE"], municipalities=[fortaleza], sectors=["dairy"], themes=["sustainability"])
    many = export_queries()
    assert (few[0], many[0]) == (3, 33)
    assert many[1] == few[1]


def test_it_keeps_each_row_with_its_relations_across_chunks(client, make_initiative, rota_do_mel, monkeypatch):
    fortaleza, sobral = Municipality.objects.filter(code__in=["2304400", "2312908"]).order_by("name")
    for n, (region, place, sector) in enumerate(
        [("BR-CE", fortaleza, "beekeeping"), ("BR-PI", sobral, "dairy"), ("BR-CE", sobral, "fruit-growing")] * 3
    ):
        make_initiative(
            name=f"Polo {n}", slug=f"polo-{n}", country="BR", regions=[region], municipalities=[place],
            sectors=[sector], themes=["market-access"] if n % 2 else [], route=rota_do_mel if n % 3 else None,
        )  # fmt: skip
    whole = read_csv(client.get("/api/initiatives.csv?lang=en&ordering=-name"))
    monkeypatch.setattr(exports, "CHUNK_SIZE", 2)  # five chunks, the last one short

    def export():
        with CaptureQueriesContext(connection) as queries:
            rows = read_csv(client.get("/api/initiatives.csv?lang=en&ordering=-name"))
        return rows, len(queries)

    chunked, queries = export()
    assert chunked == whole
    assert [row["slug"] for row in chunked] == api_slugs(client, "ordering=-name")
    first = chunked[0]
    assert (first["slug"], first["region_codes"], first["municipalities"]) == ("polo-8", "BR-CE", "Sobral")
    assert (first["sector"], first["route"]) == ("Fruit and vegetables", "Honey Route")
    # The relations come with the rows, aggregated in the same query: a sixth chunk costs nothing more.
    make_initiative(name="Polo 90", slug="polo-90", country="BR", sectors=["dairy"])
    make_initiative(name="Polo 91", slug="polo-91", country="BR")
    assert export()[1] == queries


def test_it_names_places_linked_while_an_export_runs(make_initiative):
    from initiatives.models import Initiative

    initiative = make_initiative(regions=["BR-CE"])
    regions = exports.Related(exports.used_by("regions", Initiative.objects.all()), lambda region: region.code)
    pernambuco = initiative.regions.model.objects.get(code="BR-PE")
    initiative.regions.add(pernambuco)  # after the export read the regions in use

    assert regions(f"{pernambuco.pk},{initiative.regions.get(code='BR-CE').pk}") == ["BR-CE", "BR-PE"]
    assert regions("") == [] and regions(None) == []
    assert regions("999999") == []  # deleted meanwhile: left out rather than a broken file
    with CaptureQueriesContext(connection) as again:
        assert regions("999999,999999") == [] and regions(str(pernambuco.pk)) == ["BR-PE"]
    assert len(again) == 0  # each missing one asked for once


def test_it_names_a_term_created_while_an_export_runs(reference_data):
    from django.utils import translation

    with translation.override("en"):
        names = exports.Related(Sector.objects.all(), lambda term: str(term.display_name))
        created = Sector.objects.create(name="Cacau", language="pt-br", name_en="Cocoa beans", slug="new-cocoa")
        assert names.one(created.pk) == "Cocoa beans"
        assert names.one(0) == "" and names.one(None) == ""  # gone meanwhile: empty rather than a broken file
