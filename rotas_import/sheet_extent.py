"""How many rows and columns the sheets of a .xlsx claim, read without expanding anything.

A sheet's size is not its file's: one cell at XFD1048576 makes a reader allocate the 17 billion
cells before it, and a merged range makes the importer fill every cell it covers. Each worksheet's
XML is streamed once through expat (in chunks, keeping no tree) to find the furthest row and
column named by its declared <dimension>, any cell reference and any merged range. Document type
declarations are refused outright: a workbook never needs one, and they carry XXE and entity bombs.

No Django in here: this runs inside the parsing subprocess (`workbook_worker`).
"""

import posixpath
import re
import zipfile
from dataclasses import dataclass
from xml.parsers import expat

CHUNK = 64 * 1024
REFERENCE = re.compile(r"^\$?([A-Za-z]+)\$?([0-9]+)$")
WORKSHEET = re.compile(r"^xl/worksheets/[^/]+\.xml$")
RELATIONSHIPS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


class UnsafeXML(Exception):
    """The XML declares a document type (entities): refused, never expanded."""


@dataclass
class Extent:
    sheet: str
    rows: int = 0
    columns: int = 0

    @property
    def cells(self) -> int:
        return self.rows * self.columns

    @property
    def corner(self) -> str:
        """The furthest cell, as the spreadsheet names it ('XFD3000')."""
        return f"{column_letters(self.columns)}{self.rows}" if self.rows and self.columns else ""


def column_number(letters: str) -> int:
    number = 0
    for letter in letters.upper():
        number = number * 26 + ord(letter) - ord("A") + 1
    return number


def column_letters(number: int) -> str:
    letters = ""
    while number > 0:
        number, rest = divmod(number - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def reference(text: str) -> tuple[int, int] | None:
    """'XFD3000' -> (3000, 16384); None for anything else."""
    match = REFERENCE.match(text.strip())
    return (int(match[2]), column_number(match[1])) if match else None


def safe_parser(start) -> expat.XMLParserType:
    parser = expat.ParserCreate(namespace_separator=" ")

    def refuse(*args):
        raise UnsafeXML

    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.StartElementHandler = lambda name, attributes: start(name.rpartition(" ")[2], attributes)
    return parser


def stream(archive: zipfile.ZipFile, member: str, start) -> None:
    parser = safe_parser(start)
    with archive.open(member) as xml:
        while chunk := xml.read(CHUNK):
            parser.Parse(chunk, False)
    parser.Parse(b"", True)


def sheet_names(archive: zipfile.ZipFile) -> dict[str, str]:
    """Worksheet part ('xl/worksheets/sheet1.xml') -> the name the workbook shows ('Polos')."""
    targets, names = {}, {}

    def relationship(tag, attributes):
        if tag == "Relationship" and "Id" in attributes and "Target" in attributes:
            target = attributes["Target"]
            path = target.lstrip("/") if target.startswith("/") else posixpath.normpath(f"xl/{target}")
            targets[attributes["Id"]] = path

    def sheet(tag, attributes):
        if tag == "sheet" and "name" in attributes:
            names[attributes.get(f"{RELATIONSHIPS} id", "")] = attributes["name"]

    members = set(archive.namelist())
    for member, handler in (("xl/_rels/workbook.xml.rels", relationship), ("xl/workbook.xml", sheet)):
        if member in members:
            stream(archive, member, handler)
    return {targets[rid]: name for rid, name in names.items() if rid in targets}


def worksheet_extent(archive: zipfile.ZipFile, member: str, name: str) -> Extent:
    extent = Extent(name)
    cursor = {"row": 0, "column": 0}

    def reach(row: int, column: int) -> None:
        extent.rows, extent.columns = max(extent.rows, row), max(extent.columns, column)

    def reach_range(text: str) -> None:
        for corner in text.split(":"):
            found = reference(corner)
            if found:
                reach(*found)

    def start(tag, attributes):
        if tag == "c":
            found = reference(attributes.get("r", ""))
            # A cell without a reference follows the previous one on its row.
            row, column = found or (cursor["row"], cursor["column"] + 1)
            cursor["column"] = column
            reach(row, column)
        elif tag == "row":
            r = attributes.get("r", "")
            cursor["row"] = int(r) if r.isdigit() else cursor["row"] + 1
            cursor["column"] = 0
        elif tag in ("dimension", "mergeCell"):
            reach_range(attributes.get("ref", ""))

    stream(archive, member, start)
    return extent


def xlsx_extents(archive: zipfile.ZipFile) -> list[Extent]:
    """Every worksheet of the workbook with the rows and columns it claims. Raises UnsafeXML, and
    expat.ExpatError or zipfile errors for a damaged file."""
    names = sheet_names(archive)
    return [
        worksheet_extent(archive, member, names.get(member, posixpath.basename(member)))
        for member in archive.namelist()
        if WORKSHEET.match(member)
    ]
