"""Step 1 of an import: a file's bytes and name -> sheets of rows of cell values.

Spreadsheets (.xlsx, .xls, .ods) are read by python-calamine, which returns the values that were
last computed and never evaluates a formula; .csv is decoded as UTF-8 or Windows-1252 with `,` or
`;` as delimiter. Every limit is checked before the expensive step it protects: the upload size
first, the declared uncompressed size of a zipped workbook before it is parsed, the row count
while rows are read.
"""

import csv
import datetime
import io
import zipfile
from dataclasses import dataclass

import python_calamine
from django.conf import settings
from django.utils.translation import gettext as _

SPREADSHEET_EXTENSIONS = ("xlsx", "xls", "ods")
ACCEPTED_EXTENSIONS = (*SPREADSHEET_EXTENSIONS, "csv")
ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# An encrypted .xlsx is an OLE container holding these streams instead of a zip.
OLE_ENCRYPTION_MARKERS = ("EncryptionInfo".encode("utf-16-le"), "EncryptedPackage".encode("utf-16-le"))


class ReadError(Exception):
    """The file cannot be read at all; the message says why in the staff's words."""


@dataclass
class Sheet:
    name: str
    rows: list[list[str]]


def extension(file_name: str) -> str:
    return file_name.rsplit(".", 1)[-1].lower() if "." in file_name else ""


def read_file(data: bytes, file_name: str) -> list[Sheet]:
    ext = extension(file_name)
    if ext not in ACCEPTED_EXTENSIONS:
        raise ReadError(
            _("“%(name)s” is not a spreadsheet this importer reads: use .xlsx, .xls, .ods or .csv.")
            % {"name": file_name}
        )
    if not data:
        raise ReadError(_("The file is empty."))
    if len(data) > settings.IMPORT_MAX_UPLOAD_BYTES:
        raise ReadError(too_big_message(len(data)))
    sheets = read_csv(data) if ext == "csv" else read_workbook(data, ext)
    if not any(any(row) for sheet in sheets for row in sheet.rows):
        raise ReadError(_("The file has no data: every sheet is empty."))
    return sheets


def too_big_message(size: int) -> str:
    return _("The file is %(size)s; the limit is %(limit)s. Split it, or remove unused sheets and columns.") % {
        "size": megabytes(size),
        "limit": megabytes(settings.IMPORT_MAX_UPLOAD_BYTES),
    }


def megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB"


def check_zip(data: bytes) -> None:
    """Refuse a zipped workbook that is corrupt or expands beyond the limit, before parsing it."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            declared = sum(member.file_size for member in archive.infolist())
    except zipfile.BadZipFile as exc:
        raise ReadError(_("The workbook is damaged (its zip structure cannot be read). Save it again.")) from exc
    if declared > settings.IMPORT_MAX_UNCOMPRESSED_BYTES:
        raise ReadError(
            _(
                "The workbook expands to %(size)s when opened, more than the %(limit)s allowed: "
                "it may be a compressed bomb, or far more data than a polo list needs."
            )
            % {"size": megabytes(declared), "limit": megabytes(settings.IMPORT_MAX_UNCOMPRESSED_BYTES)}
        )


def read_workbook(data: bytes, ext: str) -> list[Sheet]:
    if ext in ("xlsx", "ods"):
        if data.startswith(OLE_MAGIC) and any(marker in data for marker in OLE_ENCRYPTION_MARKERS):
            raise ReadError(_("The workbook is password-protected. Save a copy without a password and import that."))
        if not data.startswith(ZIP_MAGIC):
            raise ReadError(
                _(
                    "This file is not a real .%(ext)s workbook (its contents are something else). Save it again as .%(ext)s."
                )
                % {"ext": ext}
            )
        check_zip(data)
    elif not data.startswith(OLE_MAGIC):
        raise ReadError(_("This file is not a real .xls workbook (its contents are something else). Save it again."))
    try:
        workbook = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
        sheets = []
        for name in workbook.sheet_names:
            sheet = workbook.get_sheet_by_name(name)
            # calamine starts at the first filled cell: pad so that rows and columns keep the
            # numbers the spreadsheet shows (row 5 is rows[4]).
            top, left = sheet.start or (0, 0)
            rows, count = [[] for _ in range(top)], top
            for row in sheet.iter_rows():
                count += 1
                check_row_count(count)
                rows.append([""] * left + [cell_text(value) for value in row])
            fill_merged_cells(rows, sheet.merged_cell_ranges or [])
            sheets.append(Sheet(name, rows))
        return sheets
    except python_calamine.PasswordError as exc:
        raise ReadError(
            _("The workbook is password-protected. Save a copy without a password and import that.")
        ) from exc
    except (python_calamine.CalamineError, python_calamine.ZipError, python_calamine.XmlError) as exc:
        raise ReadError(
            _("The workbook is damaged or not a spreadsheet (%(detail)s). Open it and save it again.") % {"detail": exc}
        ) from exc


def fill_merged_cells(rows: list[list[str]], ranges) -> None:
    """A merged cell's value belongs to every cell it covers (files leave them blank)."""
    for (top, left), (bottom, right) in ranges:
        if top >= len(rows) or left >= len(rows[top]):
            continue
        value = rows[top][left]
        for r in range(top, min(bottom, len(rows) - 1) + 1):
            row = rows[r]
            if len(row) <= right:
                row.extend([""] * (right + 1 - len(row)))
            for c in range(left, right + 1):
                row[c] = row[c] or value


def check_row_count(count: int) -> None:
    if count > settings.IMPORT_MAX_ROWS:
        raise ReadError(
            _("The file has more than %(limit)s rows, the most one import takes. Split it into several files.")
            % {"limit": f"{settings.IMPORT_MAX_ROWS:,}"}
        )


def cell_text(value) -> str:
    """Every cell as text: 2304400.0 (a code stored as a number) -> '2304400'."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    return str(value).strip()


def decode(data: bytes) -> str:
    if b"\x00" in data[:4096]:
        raise ReadError(_("This file is not a text .csv file (it holds binary data). Export the sheet as CSV again."))
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError as exc:
        raise ReadError(_("The .csv file is neither UTF-8 nor Windows-1252 text. Export it again as UTF-8.")) from exc


def sniff_delimiter(text: str) -> str:
    """`;` (Excel in Portuguese and Spanish) or `,`: whichever the first lines hold more of."""
    sample = text[:8192]
    return ";" if sample.count(";") > sample.count(",") else ","


def read_csv(data: bytes) -> list[Sheet]:
    text = decode(data)
    rows = []
    try:
        for count, row in enumerate(csv.reader(io.StringIO(text, newline=""), delimiter=sniff_delimiter(text)), 1):
            check_row_count(count)
            rows.append([cell.strip() for cell in row])
    except csv.Error as exc:
        raise ReadError(_("The .csv file is malformed (%(detail)s).") % {"detail": exc}) from exc
    return [Sheet("CSV", rows)]
