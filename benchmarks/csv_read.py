"""Time full reads of /api/initiatives.csv through Django's test client, in this process.

    DATABASE_URL=postgres://…/catalogue_b .venv/bin/python benchmarks/csv_read.py --repeat 5

Run from a checkout (its code is measured): after one warm-up read, each read prints its wall
time, this process's CPU time (what the export costs Python), on PostgreSQL the server process's
CPU time for the same read, the first byte's time, the size and the SHA-256 of the body (two
checkouts exporting the same database must print the same); then the medians as one JSON line
(with --tracemalloc, the peak of Python memory of one more read). For A/B, alternate two
checkouts on the same database.
"""

import argparse
import hashlib
import json
import os
import statistics
import sys
import time
from pathlib import Path


def server_cpu(pid: int | None) -> float:
    if pid is None:
        return 0.0
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--path", default="/api/initiatives.csv")
    parser.add_argument("--tracemalloc", action="store_true", help="one more read, traced: its peak of Python memory")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "benchmarks.settings")
    os.environ.setdefault("API_THROTTLE_EXPORTS", "1000000/hour")  # a benchmark reads it many times
    sys.path.insert(0, os.getcwd())
    import django

    django.setup()
    from django.db import connection
    from django.test import Client

    client = Client()
    client.get("/bench/floor/")  # connects
    pid = None
    if connection.vendor == "postgresql" and Path("/proc").exists():
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            pid = cursor.fetchone()[0]

    def read() -> dict:
        started, cpu, server = time.perf_counter(), time.process_time(), server_cpu(pid)
        digest, size, first = hashlib.sha256(), 0, None
        for chunk in client.get(args.path).streaming_content:
            first = first if first is not None else time.perf_counter() - started
            digest.update(chunk)
            size += len(chunk)
        return {
            "wall": time.perf_counter() - started,
            "cpu": time.process_time() - cpu,
            "server_cpu": server_cpu(pid) - server,
            "first_ms": (first or 0) * 1000,
            "bytes": size,
            "sha256": digest.hexdigest()[:16],
        }

    read()
    reads = []
    for _ in range(args.repeat):
        reads.append(read())
        print(
            json.dumps(
                {key: round(value, 3) if isinstance(value, float) else value for key, value in reads[-1].items()}
            )
        )
    medians = {
        key: round(statistics.median(r[key] for r in reads), 3) for key in ("wall", "cpu", "server_cpu", "first_ms")
    }
    summary = {"checkout": os.getcwd(), "vendor": connection.vendor, "median": medians}
    if args.tracemalloc:
        import tracemalloc

        tracemalloc.start()
        read()
        summary["peak_mib"] = round(tracemalloc.get_traced_memory()[1] / 2**20, 1)
        tracemalloc.stop()
    print(json.dumps(summary), flush=True)


if __name__ == "__main__":
    main()
