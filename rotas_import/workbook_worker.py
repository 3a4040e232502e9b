"""Reads a workbook in a process of its own, inside a memory and CPU limit.

    python -m rotas_import.workbook_worker EXT MAX_CELLS MAX_ROWS MEMORY_BYTES CPU_SECONDS < file

A hostile workbook can make python-calamine (Rust) allocate gigabytes or abort the process; here
that costs this process only. It sets its own limits first, refuses a .xlsx whose sheets claim more
than MAX_CELLS rows × columns before calamine sees it, then writes one JSON object to stdout:
{"sheets": [[name, rows], …]} or {"refused": reason, …details}. The parent (`reading`) turns
that, a crash or a timeout into the staff's message. No Django in here, so that it starts at once.
"""

import datetime
import io
import json
import resource
import sys
import zipfile
from xml.parsers import expat

import python_calamine

from rotas_import.sheet_extent import UnsafeXML, xlsx_extents


class Refused(Exception):
    def __init__(self, reason: str, **details):
        super().__init__(reason)
        self.result = {"refused": reason, **details}


def limit(memory_bytes: int, cpu_seconds: int) -> None:
    resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 1))


def check_extents(data: bytes, max_cells: int) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            extents = xlsx_extents(archive)
    except UnsafeXML as exc:
        raise Refused("unsafe") from exc
    except (expat.ExpatError, zipfile.BadZipFile, KeyError, ValueError, EOFError, OSError) as exc:
        raise Refused("damaged", detail=str(exc)[:200]) from exc
    for extent in extents:
        if extent.cells > max_cells:
            raise Refused("cells", sheet=extent.sheet, rows=extent.rows, columns=extent.columns, corner=extent.corner)


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


def read_sheets(data: bytes, max_rows: int) -> list[tuple[str, list[list[str]]]]:
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
                if count > max_rows:
                    raise Refused("rows")
                rows.append([""] * left + [cell_text(value) for value in row])
            fill_merged_cells(rows, sheet.merged_cell_ranges or [])
            sheets.append((name, rows))
        return sheets
    except python_calamine.PasswordError as exc:
        raise Refused("password") from exc
    except (python_calamine.CalamineError, python_calamine.ZipError, python_calamine.XmlError) as exc:
        raise Refused("damaged", detail=str(exc)[:200]) from exc


def read(data: bytes, ext: str, max_cells: int, max_rows: int) -> dict:
    try:
        if ext == "xlsx":
            check_extents(data, max_cells)
        return {"sheets": read_sheets(data, max_rows)}
    except Refused as refusal:
        return refusal.result
    except MemoryError:
        return {"refused": "memory"}


def peak_megabytes() -> float | None:
    """This process's peak resident memory since it started (VmHWM: getrusage would also count
    the parent's memory at the fork)."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        pass
    return None


def main(argv: list[str]) -> None:
    ext, max_cells, max_rows, memory_bytes, cpu_seconds = argv[0], *map(int, argv[1:5])
    limit(memory_bytes, cpu_seconds)
    result = read(sys.stdin.buffer.read(), ext, max_cells, max_rows)
    result["peak_mb"] = peak_megabytes()
    sys.stdout.buffer.write(json.dumps(result).encode())


if __name__ == "__main__":
    main(sys.argv[1:])
