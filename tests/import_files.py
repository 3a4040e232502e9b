"""Real spreadsheet files for the importer tests: .xlsx (openpyxl), .xls (xlwt), .ods (a small
zip + XML writer below: calamine only reads), .csv; and a password-protected .xlsx (msoffcrypto)."""

import csv
import io
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

import msoffcrypto.format.ooxml
import openpyxl
import xlwt

LONG_HEADER = ["ROTA", "POLO", "UF", "MUNICIPIO", "COD_IBGE", "SEDE", "FONTE"]
CARIRI = [
    ["Rota do Leite", "Polo Cariri", "CE", "Crato", "2304202", "sim", "gov.br/mdr/cariri"],
    ["Rota do Leite", "Polo Cariri", "CE", "Juazeiro do Norte", "2307304", "", "gov.br/mdr/cariri"],
    ["Rota do Leite", "Polo Cariri", "CE", "Barbalha", "2301901", "", "gov.br/mdr/cariri"],
]


def write_xlsx(path: Path, sheets: dict[str, list[list]], merges: dict[str, list[str]] | None = None) -> Path:
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for name, rows in sheets.items():
        sheet = workbook.create_sheet(name)
        for row in rows:
            sheet.append(row)
        for cells in (merges or {}).get(name, []):
            sheet.merge_cells(cells)
    workbook.save(path)
    return path


def write_xls(path: Path, rows: list[list], sheet="Polos") -> Path:
    workbook = xlwt.Workbook()
    sheet = workbook.add_sheet(sheet)
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            sheet.write(r, c, value)
    workbook.save(str(path))
    return path


def ods_cell(value) -> str:
    if value is None or value == "":
        return "<table:table-cell/>"
    if isinstance(value, int | float):
        return f'<table:table-cell office:value-type="float" office:value="{value}"><text:p>{value}</text:p></table:table-cell>'
    return f'<table:table-cell office:value-type="string"><text:p>{escape(str(value))}</text:p></table:table-cell>'


def write_ods(path: Path, sheets: dict[str, list[list]]) -> Path:
    tables = "".join(
        f'<table:table table:name="{escape(name)}">'
        + "".join("<table:table-row>" + "".join(map(ods_cell, row)) + "</table:table-row>" for row in rows)
        + "</table:table>"
        for name, rows in sheets.items()
    )
    content = (
        '<?xml version="1.0" encoding="UTF-8"?><office:document-content '
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        f"<office:body><office:spreadsheet>{tables}</office:spreadsheet></office:body></office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
        'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
        '<manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("META-INF/manifest.xml", manifest)
        archive.writestr("content.xml", content)
    return path


def write_csv(path: Path, rows: list[list], encoding="utf-8", delimiter=",") -> Path:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter).writerows(rows)
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


def write_encrypted_xlsx(path: Path, rows: list[list], password="segredo") -> Path:
    plain = path.with_suffix(".plain.xlsx")
    write_xlsx(plain, {"Polos": rows})
    with open(plain, "rb") as source, open(path, "wb") as target:
        msoffcrypto.format.ooxml.OOXMLFile(source).encrypt(password, target)
    return path
