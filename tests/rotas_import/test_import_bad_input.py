"""Bad files get a clear message, placed at sheet/row/column where there is one, and write nothing."""

import io
import zipfile

import pytest

from initiatives.models import Initiative
from rotas_import.services import import_file, plan_file

from ..import_files import CARIRI, LONG_HEADER, write_csv, write_encrypted_xlsx, write_xlsx

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def errors_of(path_or_bytes, name=None):
    data = path_or_bytes if isinstance(path_or_bytes, bytes) else path_or_bytes.read_bytes()
    plan, _record = import_file("polos", data, name or path_or_bytes.name)
    assert Initiative.objects.count() == 0  # all or nothing
    return plan.errors


def messages(errors):
    return " | ".join(e.message for e in errors)


def test_it_refuses_an_empty_file(reference_data):
    assert messages(errors_of(b"", "polos.xlsx")) == "The file is empty."
    assert "no data" in messages(errors_of(b"\n\n", "polos.csv"))


def test_it_refuses_a_file_that_is_not_a_spreadsheet(reference_data):
    assert "not a spreadsheet this importer reads" in messages(errors_of(b"%PDF-1.4", "polos.pdf"))
    assert "not a real .xlsx workbook" in messages(errors_of(b"<html><body>Polos</body></html>", "polos.xlsx"))
    assert "not a real .xls workbook" in messages(errors_of(b"ROTA,POLO\n", "polos.xls"))
    assert "binary data" in messages(errors_of(b"\x89PNG\r\n\x1a\n\x00\x00\x00", "polos.csv"))


def test_it_refuses_a_corrupt_workbook(reference_data):
    assert "damaged" in messages(errors_of(b"PK\x03\x04" + b"\x00" * 200, "polos.xlsx"))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "not a workbook")
    assert "damaged or not a spreadsheet" in messages(errors_of(buffer.getvalue(), "polos.ods"))


def test_it_refuses_a_password_protected_workbook(reference_data, tmp_path):
    path = write_encrypted_xlsx(tmp_path / "secret.xlsx", [LONG_HEADER, *CARIRI])
    assert messages(errors_of(path)) == (
        "The workbook is password-protected. Save a copy without a password and import that."
    )


def test_it_refuses_a_zip_bomb_before_expanding_it(reference_data, settings):
    settings.IMPORT_MAX_UNCOMPRESSED_BYTES = 10 * 1024 * 1024
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"\x00" * (50 * 1024 * 1024))
    assert len(buffer.getvalue()) < 100_000
    assert "expands to 50.0 MB" in messages(errors_of(buffer.getvalue(), "bomb.xlsx"))


def test_it_refuses_a_file_above_the_size_limit(reference_data, settings, tmp_path):
    settings.IMPORT_MAX_UPLOAD_BYTES = 1024
    path = write_csv(tmp_path / "big.csv", [LONG_HEADER] + [CARIRI[0]] * 50)
    assert "the limit is 0.0 MB" in messages(errors_of(path))


def test_it_refuses_more_rows_than_the_limit(reference_data, settings, tmp_path):
    settings.IMPORT_MAX_ROWS = 100
    path = write_csv(tmp_path / "many.csv", [LONG_HEADER] + [CARIRI[0]] * 150)
    assert "more than 100 rows" in messages(errors_of(path))


def test_it_says_which_columns_it_expected_and_found(reference_data, tmp_path):
    path = write_xlsx(tmp_path / "other.xlsx", {"Dados": [["Nome", "Telefone"], ["Ana", "123"]]})
    [error] = errors_of(path)
    assert error.sheet == "Dados"
    assert "Expected columns: ROTA, POLO and MUNICIPIO or COD_IBGE" in error.message
    assert error.message.endswith("Found: Nome, Telefone.")


def test_it_reports_every_error_at_once_with_sheet_row_and_column(reference_data, tmp_path):
    rows = [
        ["ROTA", "POLO", "UF", "MUNICIPIO", "COD_IBGE"],
        ["Rota do Leite", "Polo Cariri", "CE", "Crato", "2304202"],
        ["Rota do Leite", "Polo Cariri", "XX", "Juazeiro do Norte", ""],
        ["Rota do Chá", "Polo Cariri", "CE", "Barbalha", ""],
        ["Rota do Leite", "Polo Cariri", "CE", "Cratinho do Sul", ""],
        ["Rota do Leite", "Polo Cariri", "PE", "", "2304202"],
        ["Rota do Leite", "Polo Cariri", "CE", "Fortaleza", "2304202"],
        ["Rota do Leite", "Polo Cariri", "CE", "", "9999999"],
    ]
    errors = errors_of(write_xlsx(tmp_path / "bad.xlsx", {"Polos": rows}))
    located = [(e.row, e.column, e.message) for e in errors]
    assert located == [
        (3, "UF", "“XX” is not a Brazilian state (UF)."),
        (4, "ROTA", located[1][2]),
        (5, "MUNICIPIO", located[2][2]),
        (6, "COD_IBGE", "The code 2304202 is Crato (CE), not a municipality of PE."),
        (7, "MUNICIPIO", "The code 2304202 is Crato (CE), but the name says “Fortaleza”."),
        (8, "COD_IBGE", "“9999999” is not an IBGE municipality code (7 digits, or 6 without the check digit)."),
    ]
    assert located[1][2].startswith("“Rota do Chá” is not one of the Rotas: Rota da Avicultura Caipira")
    assert located[2][2].startswith("No municipality of CE is called “Cratinho do Sul”. Closest names: ")
    assert "Crato" in located[2][2]
    assert all(e.sheet == "Polos" for e in errors)


def test_it_writes_nothing_when_one_row_of_a_good_file_is_bad(reference_data, settings):
    good = (settings.BASE_DIR / "rotas_import" / "data" / "polos_rotas_publicos.csv").read_bytes()
    bad = good + b"Rota do Mel,Polo Novo,MG,Cidade Inventada,,,\n"
    errors = errors_of(bad, "polos.csv")
    assert [e.row for e in errors] == [222]  # the 221 rows of the shipped file, then the bad one


def test_it_reads_formula_values_and_never_evaluates_them(reference_data, tmp_path):
    rows = [LONG_HEADER, ["Rota do Leite", "Polo Cariri", "CE", "Crato", "=2304000+202", "", '=HYPERLINK("x")']]
    plan = plan_file("polos", write_xlsx(tmp_path / "f.xlsx", {"Polos": rows}).read_bytes(), "f.xlsx")
    # openpyxl stores no computed value, so the cell reads empty: the code is missing, the name matches.
    assert plan.errors == []
    assert plan.changes[0].municipality_names == ["Crato"]
    assert "source_url" not in plan.changes[0].values


def test_it_refuses_cells_of_thousands_of_characters(reference_data, tmp_path):
    rows = [LONG_HEADER, ["Rota do Leite", "Polo Cariri " + "x" * 5000, "CE", "Crato", "", "", ""]]
    [error] = errors_of(write_xlsx(tmp_path / "long.xlsx", {"Polos": rows}))
    assert (error.row, error.column) == (2, "POLO")
    assert error.message == "This cell holds 5,012 characters; the limit is 1,000."
