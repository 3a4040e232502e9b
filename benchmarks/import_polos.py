"""Benchmark of the polo importer.

    .venv/bin/python benchmarks/import_polos.py [--runs 5]

1. A generated .xlsx in the long layout, 77 polos over 1,249 municipalities: median time of the
   whole import (read, match, plan, apply) into a catalogue without them, and of re-importing it
   (everything unchanged).
2. A generated .xlsx of 50,000 rows (1,000 polos): time and peak memory, measured in a child
   process so that its peak resident size is the import's (with Django and the reference data).

Uses its own SQLite database under /tmp unless DATABASE_URL is set.
"""

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "catalogue.settings")
WORKDIR = Path(tempfile.gettempdir()) / "import-polos-benchmark"
WORKDIR.mkdir(exist_ok=True)
os.environ.setdefault("DATABASE_URL", f"sqlite:///{WORKDIR / 'benchmark.sqlite3'}")
os.environ.setdefault("PRIVATE_MEDIA_ROOT", str(WORKDIR / "private-media"))

import django  # noqa: E402

django.setup()

import openpyxl  # noqa: E402
from django.core.management import call_command  # noqa: E402

from initiatives.models import Initiative, Municipality, Route  # noqa: E402
from initiatives.reference import load_reference_data  # noqa: E402
from rotas_import.models import ImportRecord  # noqa: E402
from rotas_import.services import import_file  # noqa: E402

HEADER = ["ROTA", "POLO", "UF", "MUNICIPIO", "COD_IBGE", "SEDE"]


def prepare_database():
    call_command("migrate", verbosity=0)
    if not Municipality.objects.exists():
        load_reference_data()


def generate(path: Path, polos: int, rows: int) -> Path:
    """`rows` rows spread over `polos` polos of the 13 Rotas, each municipality in one polo when
    rows <= the number of municipalities, the first of each polo marked as its seat."""
    routes = list(Route.objects.values_list("name", flat=True))
    municipalities = list(Municipality.objects.select_related("region").order_by("code"))
    step = max(1, len(municipalities) // rows) if rows <= len(municipalities) else 1
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet("Polos")
    sheet.append(["Ministério da Integração e do Desenvolvimento Regional — polos (gerado)"])
    sheet.append(HEADER)
    for n in range(rows):
        polo = n * polos // rows
        m = municipalities[(n * step) % len(municipalities)]
        first = n == 0 or (n - 1) * polos // rows != polo
        uf = m.region.code.split("-")[1]
        sheet.append(
            [routes[polo % len(routes)], f"Polo Benchmark {polo + 1}", uf, m.name, int(m.code), "sim" if first else ""]
        )
    workbook.save(path)
    return path


def import_once(path: Path) -> tuple[float, dict]:
    """Wall-clock seconds of one import (CPU seconds of this process kept in CPU_SECONDS: the
    machine may be shared, and the database server's time is in the wall clock only)."""
    start, cpu = time.perf_counter(), time.process_time()
    plan, _record = import_file("polos", path.read_bytes(), path.name)
    elapsed = time.perf_counter() - start
    CPU_SECONDS.append(time.process_time() - cpu)
    assert not plan.errors, plan.errors[:3]
    return elapsed, plan.counts


CPU_SECONDS: list[float] = []


def forget_benchmark_polos():
    Initiative.objects.filter(name__startswith="Polo Benchmark").delete()
    ImportRecord.objects.all().delete()


def small(runs: int):
    path = generate(WORKDIR / "polos-77.xlsx", polos=77, rows=1249)
    created, unchanged, created_cpu = [], [], []
    for _ in range(runs):
        forget_benchmark_polos()
        elapsed, counts = import_once(path)
        created_cpu.append(CPU_SECONDS[-1])
        assert counts["created"] == 77, counts
        created.append(elapsed)
        elapsed, counts = import_once(path)
        assert counts["unchanged"] == 77, counts
        unchanged.append(elapsed)
    forget_benchmark_polos()
    print(f"77 polos, 1,249 municipalities ({path.stat().st_size / 1024:.0f} KB .xlsx), {runs} runs:")
    print(
        f"  first import (77 created):  median {statistics.median(created):.2f} s  (min {min(created):.2f}, max {max(created):.2f}; CPU median {statistics.median(created_cpu):.2f} s)"
    )
    print(
        f"  re-import (77 unchanged):   median {statistics.median(unchanged):.2f} s  (min {min(unchanged):.2f}, max {max(unchanged):.2f})"
    )


def large_child():
    """Runs in its own process: import 50,000 rows, print time and peak resident memory."""
    path = WORKDIR / "polos-50000.xlsx"
    forget_benchmark_polos()
    baseline = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    elapsed, counts = import_once(path)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    forget_benchmark_polos()
    print(f"50,000 rows, {counts['created']} polos ({path.stat().st_size / 1024 / 1024:.1f} MB .xlsx):")
    print(
        f"  import {elapsed:.2f} s (CPU {CPU_SECONDS[-1]:.2f} s); peak resident memory {peak:.0f} MB (the process held {baseline:.0f} MB before the import)"
    )


def large(runs: int):
    generate(WORKDIR / "polos-50000.xlsx", polos=1000, rows=50_000)
    for _ in range(max(1, runs // 2)):
        subprocess.run([sys.executable, __file__, "--large-child"], check=True, env=os.environ)


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--large-child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    prepare_database()
    if args.large_child:
        large_child()
    else:
        print(f"database: {django.db.connection.vendor}")
        small(args.runs)
        large(args.runs)
