"""First renders after an edit, in-process: bump the catalogue version, then one request, R times.

    DATABASE_URL=... DJANGO_SETTINGS_MODULE=benchmarks.settings PYTHONPATH=. \
        python benchmarks/cold_render.py [--repeat R] URL...

Prints, per URL, the median wall time and the median CPU time of this process (on SQLite the
database's work too; on PostgreSQL the server's work is in the wall time only). One warm-up
request per URL first. The stale window is off, so every request renders. For a few requests
on the benchmark's catalogue (see docs/performance.md), never a load test.
"""

import argparse
import os
import statistics
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "benchmarks.settings")
os.environ["PUBLIC_PAGE_STALE_SECONDS"] = "0"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("urls", nargs="+")
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()

    import django

    django.setup()
    from django.db import connection
    from django.test import Client

    from initiatives.cache import bump_catalogue_version

    client = Client()
    for url in args.urls:
        assert client.get(url).status_code == 200, url
    for url in args.urls:
        wall, cpu = [], []
        for _ in range(args.repeat):
            bump_catalogue_version()
            started, started_cpu = time.perf_counter(), time.process_time()
            status = client.get(url).status_code
            wall.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - started_cpu) * 1000)
            assert status == 200, (url, status)
        print(
            f"{connection.vendor:10} {url}  wall median {statistics.median(wall):.1f} ms"
            f"  (min {min(wall):.1f}), CPU median {statistics.median(cpu):.1f} ms"
        )


if __name__ == "__main__":
    main()
