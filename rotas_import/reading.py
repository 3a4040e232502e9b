"""Step 1 of an import: a file's bytes and name -> sheets of rows of cell values.

Spreadsheets (.xlsx, .xls, .ods) are read by python-calamine, which returns the values that were
last computed and never evaluates a formula; .csv is decoded as UTF-8 or Windows-1252 with `,` or
`;` as delimiter. Every limit is checked before the expensive step it protects: the upload size
first, the declared uncompressed size of a zipped workbook before it is parsed; then, in a
subprocess limited in memory and time (`workbook_worker`), the rows × columns a .xlsx's sheets
claim before they are expanded, and the row count while rows are read.
"""

import csv
import io
import json
import logging
import os
import signal
import subprocess
import sys
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _

SPREADSHEET_EXTENSIONS = ("xlsx", "xls", "ods")
ACCEPTED_EXTENSIONS = (*SPREADSHEET_EXTENSIONS, "csv")
ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# An encrypted .xlsx is an OLE container holding these streams instead of a zip.
OLE_ENCRYPTION_MARKERS = ("EncryptionInfo".encode("utf-16-le"), "EncryptedPackage".encode("utf-16-le"))
ROOT = Path(__file__).resolve().parent.parent  # where `python -m rotas_import.workbook_worker` runs
logger = logging.getLogger(__name__)


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
    return parse_in_subprocess(data, ext)


def parse_in_subprocess(data: bytes, ext: str) -> list[Sheet]:
    """Parse in `workbook_worker`, a process limited in memory and time: a workbook built to
    exhaust the server is refused there (or kills only that process) and becomes a ReadError."""
    memory, seconds = settings.IMPORT_PARSE_MEMORY_MB, settings.IMPORT_PARSE_SECONDS
    command = [sys.executable, "-m", "rotas_import.workbook_worker", ext, str(settings.IMPORT_MAX_CELLS),
               str(settings.IMPORT_MAX_ROWS), str(memory * 1024 * 1024), str(seconds)]  # fmt: skip
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
           "RUST_BACKTRACE": "0"}  # fmt: skip
    started = time.monotonic()
    try:
        done = subprocess.run(command, input=data, capture_output=True, timeout=seconds, cwd=ROOT, env=env)
    except subprocess.TimeoutExpired as exc:
        raise ReadError(too_slow_message()) from exc
    try:
        result = json.loads(done.stdout)
    except ValueError:
        result = None
    if done.returncode != 0 or not isinstance(result, dict):
        raise ReadError(crash_message(done.returncode, done.stderr))
    elapsed = time.monotonic() - started
    logger.info("Workbook read in %.2f s, reader's peak %s MB: %s", elapsed, result.get("peak_mb"),
                result.get("refused", "read"), extra={"seconds": elapsed, "peak_mb": result.get("peak_mb")})  # fmt: skip
    if "sheets" in result:
        return [Sheet(name, rows) for name, rows in result["sheets"]]
    raise ReadError(refusal_message(result))


def too_slow_message() -> str:
    return _(
        "Reading the workbook took longer than the %(seconds)s seconds an import may take, so it was stopped. "
        "Delete empty rows and columns after the data, or split the file."
    ) % {"seconds": settings.IMPORT_PARSE_SECONDS}


def out_of_memory_message() -> str:
    return _(
        "Opening the workbook needs more than the %(limit)s MB of memory an import may use, so it was stopped: "
        "it may be a crafted file, or far more data than an import needs. Delete empty rows and columns after "
        "the data, or split the file."
    ) % {"limit": settings.IMPORT_PARSE_MEMORY_MB}


def crash_message(returncode: int, stderr: bytes) -> str:
    """The reader process died: out of memory (Rust aborts when an allocation fails), out of CPU
    time, or a crash of the library."""
    output = stderr.decode(errors="replace").strip()[-500:]
    logger.warning("The workbook reader exited with %s: %s", returncode, output)
    if returncode == -signal.SIGXCPU:
        return too_slow_message()
    if returncode in (-signal.SIGABRT, -signal.SIGKILL, -signal.SIGSEGV) or "MemoryError" in output:
        return out_of_memory_message()
    return _("The workbook could not be read (the reader stopped with code %(code)s). Open it and save it again.") % {
        "code": returncode
    }


def refusal_message(result: dict) -> str:
    reason = result.get("refused")
    if reason == "cells":
        return _(
            "Sheet “%(sheet)s” spans %(rows)s rows × %(columns)s columns (up to cell %(corner)s), that is "
            "%(cells)s cells, more than the %(budget)s one import reads, so it was not opened. It may be a "
            "crafted file, or hold a stray cell or merged range far from the data: delete the rows and columns "
            "after the data and save it again."
        ) % {
            "sheet": result["sheet"], "rows": f"{result['rows']:,}", "columns": f"{result['columns']:,}",
            "corner": result["corner"], "cells": f"{result['rows'] * result['columns']:,}",
            "budget": f"{settings.IMPORT_MAX_CELLS:,}",
        }  # fmt: skip
    if reason == "rows":
        return too_many_rows_message()
    if reason == "password":
        return _("The workbook is password-protected. Save a copy without a password and import that.")
    if reason == "unsafe":
        return _("The workbook declares XML entities (a document type), which a spreadsheet never needs: refused.")
    if reason == "memory":
        return out_of_memory_message()
    return _("The workbook is damaged or not a spreadsheet (%(detail)s). Open it and save it again.") % {
        "detail": result.get("detail", "")
    }


def check_row_count(count: int) -> None:
    if count > settings.IMPORT_MAX_ROWS:
        raise ReadError(too_many_rows_message())


def too_many_rows_message() -> str:
    return _("The file has more than %(limit)s rows, the most one import takes. Split it into several files.") % {
        "limit": f"{settings.IMPORT_MAX_ROWS:,}"
    }


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
