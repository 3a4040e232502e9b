"""Tiny .xlsx bombs against the importer: time and peak memory of their refusal.

    .venv/bin/python benchmarks/xlsx_bombs.py [--runs 5] [--json OUT]

Builds three workbooks of a few kilobytes whose sheets claim billions of cells (one cell at
XFD3000, one at XFD1048576, 6,000 one-cell rows merged across A1:XFD6000) and an honest
long-layout workbook of 77 polos and 1,249 municipalities. Each import runs in a fresh child
process (`import_file`, as `manage.py import_polos` does, rolled back afterwards) that reports its
wall time and the peak resident memory of itself and of its children (the parsing subprocess).
Prints medians and each bomb's ratio to the honest import measured in the same run; asserts
nothing about timings. Uses its own SQLite database under /tmp unless DATABASE_URL is set.

The builders at the top need no Django: the tests write the same bombs.
"""

import argparse
import json
import logging
import os
import re
import statistics
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

ROOT = Path(__file__).resolve().parent.parent
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
PACKAGE_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
DOCUMENT_RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    "</Types>"
)


def write_sheet_xlsx(path: Path, cells: dict[str, str], *, merges=(), dimension="", sheet="Polos") -> Path:
    """A minimal .xlsx, written part by part: `cells` maps references ('XFD3000') to text.
    Nothing is expanded on the way, so a sheet may claim any size at a cost of a few bytes."""
    rows: dict[int, list[str]] = {}
    for ref, text in cells.items():
        rows.setdefault(int(re.sub(r"[A-Z]", "", ref)), []).append(
            f'<c r="{ref}" t="inlineStr"><is><t>{escape(text)}</t></is></c>'
        )
    data = "".join(f'<row r="{n}">{"".join(row)}</row>' for n, row in sorted(rows.items()))
    merged = "".join(f'<mergeCell ref="{ref}"/>' for ref in merges)
    worksheet = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="{MAIN}">'
        + (f'<dimension ref="{dimension}"/>' if dimension else "")
        + f"<sheetData>{data}</sheetData>"
        + (f'<mergeCells count="{len(merges)}">{merged}</mergeCells>' if merges else "")
        + "</worksheet>"
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr(
            "_rels/.rels",
            f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{PACKAGE_RELS}"><Relationship Id="rId1" '
            f'Type="{DOCUMENT_RELS}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        )
        archive.writestr(
            "xl/workbook.xml",
            f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{MAIN}" xmlns:r="{DOCUMENT_RELS}"><sheets>'
            f'<sheet name="{escape(sheet)}" sheetId="1" r:id="rId1"/></sheets></workbook>',
        )
        archive.writestr(
            "xl/_rels/workbook.xml.rels",
            f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{PACKAGE_RELS}"><Relationship Id="rId1" '
            f'Type="{DOCUMENT_RELS}/worksheet" Target="worksheets/sheet1.xml"/></Relationships>',
        )
        archive.writestr("xl/worksheets/sheet1.xml", worksheet)
    return path


def write_far_cell(path: Path, corner: str) -> Path:
    """A1 and one far cell: the reader would allocate every cell of the rectangle between."""
    return write_sheet_xlsx(path, {"A1": "ROTA", corner: "x"})


def write_merged_rows(path: Path, rows: int = 6000) -> Path:
    """`rows` one-cell rows and one merged range as wide as a sheet goes, over all of them."""
    return write_sheet_xlsx(path, {f"A{n}": f"r{n}" for n in range(1, rows + 1)}, merges=[f"A1:XFD{rows}"])


BOMBS = {
    "A1+XFD3000": lambda path: write_far_cell(path, "XFD3000"),
    "A1+XFD1048576": lambda path: write_far_cell(path, "XFD1048576"),
    "6000 rows+merged A1:XFD6000": write_merged_rows,
}


def setup_django(workdir: Path) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "catalogue.settings")
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{workdir / 'benchmark.sqlite3'}")
    os.environ.setdefault("PRIVATE_MEDIA_ROOT", str(workdir / "private-media"))
    import django

    django.setup()


def write_honest_workbook(path: Path) -> Path:
    """77 polos over 1,249 municipalities in the long layout, as a .xlsx."""
    import csv

    import openpyxl

    from benchmarks.synthetic import write_polos_file

    rows_file = path.with_suffix(".csv")
    write_polos_file(rows_file)
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet("Polos")
    with open(rows_file, newline="", encoding="utf-8") as f:
        for row in csv.reader(f):
            sheet.append(row)
    workbook.save(path)
    return path


def peak_megabytes() -> float:
    """This process's peak resident memory since its exec (getrusage would count the parent's)."""
    from rotas_import.workbook_worker import peak_megabytes

    return peak_megabytes()


class ReaderPeak(logging.Handler):
    """Collects the parsing subprocess's own peak, which the importer logs."""

    peaks: list[float] = []

    def emit(self, record):
        if getattr(record, "peak_mb", None) is not None:
            self.peaks.append(record.peak_mb)


def child(path: Path) -> None:
    """In a fresh process: import the file once, rolled back; print one JSON line."""
    import time

    from django.db import transaction

    from rotas_import.services import import_file

    reader = logging.getLogger("rotas_import.reading")
    reader.addHandler(ReaderPeak())
    reader.setLevel(logging.INFO)
    baseline = peak_megabytes()
    data = path.read_bytes()
    with transaction.atomic():
        start = time.perf_counter()
        plan, record = import_file("polos", data, path.name)
        seconds = time.perf_counter() - start
        status = record.status
        if record.file:
            record.file.delete(save=False)
        transaction.set_rollback(True)
    own, parser = peak_megabytes(), max(ReaderPeak.peaks, default=0.0)
    print(json.dumps({
        "seconds": seconds, "status": status, "errors": [e.message for e in plan.errors][:1],
        "created": plan.counts["created"], "baseline_mb": baseline, "process_peak_mb": own,
        "parser_peak_mb": parser, "tree_peak_mb": own + parser,
    }))  # fmt: skip


def measure(path: Path, runs: int) -> dict:
    samples = []
    for _ in range(runs):
        done = subprocess.run(
            [sys.executable, __file__, "--child", str(path)], capture_output=True, text=True, env=os.environ
        )
        if done.returncode != 0:
            raise SystemExit(f"the child importing {path.name} failed:\n{done.stdout}\n{done.stderr[-3000:]}")
        samples.append(json.loads(done.stdout.strip().splitlines()[-1]))
    median = {key: statistics.median(s[key] for s in samples) for key in samples[0] if key.endswith(("mb", "seconds"))}
    return {**median, "status": samples[0]["status"], "error": (samples[0]["errors"] or [""])[0],
            "created": samples[0]["created"], "bytes": path.stat().st_size, "runs": runs}  # fmt: skip


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--json", type=Path, help="write the results there")
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    workdir = Path(tempfile.gettempdir()) / "xlsx-bombs-benchmark"
    workdir.mkdir(exist_ok=True)
    setup_django(workdir)
    if args.child:
        return child(args.child)
    from benchmarks.synthetic import prepare_database

    prepare_database()
    honest = measure(write_honest_workbook(workdir / "polos-77.xlsx"), args.runs)
    results = {"honest 77 polos": honest}
    for name, build in BOMBS.items():
        results[name] = measure(build(workdir / f"bomb-{len(results)}.xlsx"), args.runs)
    print(f"Medians of {args.runs} runs, each a fresh process (database: {os.environ['DATABASE_URL'].split(':')[0]}):")
    print(f"{'file':30} {'bytes':>7} {'status':>8} {'time s':>7} {'× honest':>8} {'tree MB':>8} {'× honest':>8} "
          f"{'parser MB':>9}")  # fmt: skip
    for name, r in results.items():
        print(f"{name:30} {r['bytes']:>7,} {r['status']:>8} {r['seconds']:>7.2f} {r['seconds'] / honest['seconds']:>8.2f} "
              f"{r['tree_peak_mb']:>8.0f} {r['tree_peak_mb'] / honest['tree_peak_mb']:>8.2f} {r['parser_peak_mb']:>9.0f}")  # fmt: skip
    for name, r in results.items():
        if name != "honest 77 polos":
            verdict = "PASS" if r["seconds"] < 2 and r["tree_peak_mb"] < 200 and r["status"] == "failed" else "FAIL"
            print(
                f"  {verdict} {name}: refused in {r['seconds']:.2f} s, {r['tree_peak_mb']:.0f} MB: {r['error'][:90]}…"
            )
    if args.json:
        args.json.write_text(json.dumps({"runs": args.runs, "results": results}, indent=1))
    return results


if __name__ == "__main__":
    main()
