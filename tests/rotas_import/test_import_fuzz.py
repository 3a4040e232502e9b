"""Fuzz and property tests of the importer's reading and layout steps: random bytes under every
accepted extension, random workbooks (openpyxl-written, random cell types), random spellings of
the headers. Never an unhandled exception; every rejection comes with a message."""

import datetime
import io
import string

import openpyxl
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from rotas_import.issues import Issues
from rotas_import.lac.rows import COLUMNS, accept_header, initiative_rows
from rotas_import.layout import find_header
from rotas_import.polos.layout import polo_layouts
from rotas_import.reading import ReadError, read_file

from ..import_files import write_csv

FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
EXTENSIONS = ["xlsx", "xls", "ods", "csv", "XLSX", "txt", ""]

# Cells of every type a workbook can hold, hostile text included.
CELLS = st.one_of(
    st.none(),
    st.text(max_size=40),
    st.integers(min_value=-(10**15), max_value=10**15),
    st.floats(allow_nan=False, allow_infinity=False),
    st.booleans(),
    st.datetimes(min_value=datetime.datetime(1900, 3, 1), max_value=datetime.datetime(2100, 1, 1)),
    st.dates(min_value=datetime.date(1900, 3, 1), max_value=datetime.date(2100, 1, 1)),
    st.sampled_from(["ROTA", "POLO", "UF", "MUNICIPIO", "COD_IBGE", "SEDE", "name", "country", "=1/0", "=SUM(A1:A2)"]),
)
SHEET_NAMES = st.text(alphabet=string.ascii_letters + string.digits + " -_áçã", min_size=1, max_size=31)
ILLEGAL = set(chr(c) for c in range(32)) - {"\t", "\n", "\r"}  # openpyxl refuses these in cells


def clean(value):
    if isinstance(value, str):
        return "".join(c for c in value if c not in ILLEGAL)
    return value


def explained(data: bytes, name: str) -> tuple[int, Issues]:
    """Read and lay out a file as both importers do; return the records found and the issues."""
    try:
        sheets = read_file(data, name)
    except ReadError as exc:
        assert str(exc).strip(), "a read error without a message"
        return 0, Issues()
    polo_issues, row_issues = Issues(), Issues()
    layout = polo_layouts(sheets, polo_issues)
    rows, _read, _skipped, _name = initiative_rows(sheets, row_issues)
    for issues in (polo_issues, row_issues):
        assert all(issue.message.strip() for issue in issues.errors + issues.warnings)
    # Nothing usable is always explained: an error, or a header was recognised (an empty table).
    assert layout.records or polo_issues.errors or layout.name
    filled = [sheet for sheet in sheets if any(any(r) for r in sheet.rows)]
    assert rows or row_issues.errors or all(find_header(s, COLUMNS, accept_header)[0] for s in filled)
    return len(layout.records), polo_issues


@FUZZ
@given(data=st.binary(max_size=4096), ext=st.sampled_from(EXTENSIONS))
def test_it_explains_or_reads_random_bytes_under_every_extension(data, ext):
    explained(data, f"upload.{ext}")


@FUZZ
@given(
    prefix=st.sampled_from([b"PK\x03\x04", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", b"\xef\xbb\xbf"]),
    rest=st.binary(max_size=2048),
)
def test_it_explains_damaged_files_that_start_like_real_ones(prefix, rest):
    for ext in ("xlsx", "xls", "ods", "csv"):
        explained(prefix + rest, f"damaged.{ext}")


@FUZZ
@given(
    sheets=st.dictionaries(
        SHEET_NAMES.map(str.strip).filter(bool),
        st.lists(st.lists(CELLS, max_size=8), max_size=12),
        min_size=1,
        max_size=3,
    )
)
@example(sheets={"Header only": [["name", "country"]]})  # a header and no rows: an empty table, fine
@example(sheets={"Polos": [["ROTA", "POLO", "UF", "MUNICIPIO"]], "Notes": [[1, 2.5, True]]})
def test_it_reads_random_workbooks_or_explains_why_not(sheets):
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for name, rows in sheets.items():
        sheet = workbook.create_sheet(name)
        for row in rows:
            sheet.append([clean(v) for v in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    explained(buffer.getvalue(), "random.xlsx")


def spelled(name: str):
    """A header as people type it: any case, accents, underscores or hyphens, stray spaces."""
    accents = {"a": "áàâã", "e": "éê", "i": "í", "o": "óôõ", "u": "úü", "c": "ç"}

    def letter(c):
        options = [c, c.upper(), *accents.get(c, "")]
        return st.sampled_from(options)

    separators = st.sampled_from([" ", "_", "-", "  ", ". "])
    words = name.split(" ")
    parts = [st.tuples(*[letter(c) for c in word]).map("".join) for word in words]
    return st.tuples(
        st.sampled_from(["", " ", "  "]),
        st.tuples(*parts),
        st.lists(separators, min_size=len(words), max_size=len(words)),
        st.sampled_from(["", " ", ":"]),
    ).map(
        lambda t: (
            t[0]
            + "".join(w + (s if i < len(t[1]) - 1 else "") for i, (w, s) in enumerate(zip(t[1], t[2], strict=True)))
            + t[3]
        )
    )


@FUZZ
@given(
    route=st.sampled_from(["rota", "nome da rota", "rota de integracao"]).flatmap(spelled),
    polo=st.sampled_from(["polo", "nome do polo", "polo de integracao"]).flatmap(spelled),
    uf=st.sampled_from(["uf", "sigla uf", "estado"]).flatmap(spelled),
    municipality=st.sampled_from(["municipio", "nome do municipio", "cidade"]).flatmap(spelled),
    title_rows=st.integers(min_value=0, max_value=3),
)
def test_it_recognises_every_spelling_of_the_polo_headers(tmp_path_factory, route, polo, uf, municipality, title_rows):
    rows = [["Polos das Rotas"]] * title_rows + [
        [route, polo, uf, municipality],
        ["Rota do Leite", "Polo Cariri", "CE", "Crato"],
        ["Rota do Leite", "Polo Cariri", "CE", "Barbalha"],
    ]
    path = write_csv(tmp_path_factory.mktemp("headers") / "polos.csv", rows)
    found, issues = explained(path.read_bytes(), path.name)
    assert found == 2, [i.message for i in issues.errors]
