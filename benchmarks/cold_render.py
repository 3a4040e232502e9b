"""First renders after an edit, in-process: for each URL, bump the catalogue version as an edit
does (stale window off), then one request, R times; medians of the wall time and of this process's
CPU time (on SQLite the database's work too; on PostgreSQL the server's work is in the wall time
only). Optionally the queries of each URL's last request, each run again to its last row (SQLite's
cursor reports only the first row's time).

    DATABASE_URL=sqlite:////tmp/x-100k.sqlite3 PYTHONPATH=. .venv/bin/python benchmarks/cold_render.py \
        [--repeat R] [--queries] [--templates] URL...

--templates adds each template's CPU time per render (including the templates it includes or
extends; an included one summed over its renders, e.g. the 24 cards), medians over the R renders.

Uses benchmarks.settings and its own CACHE_DIR (default /tmp/catalogue-cold-render-cache). For a
few requests on the benchmark's catalogue (see docs/performance.md), never a load test.
"""

import argparse
import collections
import os
import statistics
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "benchmarks.settings")
os.environ.setdefault("PUBLIC_PAGE_STALE_SECONDS", "0")
os.environ.setdefault("CACHE_DIR", "/tmp/catalogue-cold-render-cache")


def slowest_queries(connection, captured, shown=10) -> None:
    rows = []
    with connection.cursor() as cursor:
        for query in captured:
            if query["sql"].lstrip().upper().startswith("SELECT"):
                start = time.perf_counter()
                cursor.execute(query["sql"])
                cursor.fetchall()
                rows.append((time.perf_counter() - start, query["sql"]))
    print(f"  {len(rows)} queries, {1000 * sum(t for t, _ in rows):.0f} ms in all")
    for elapsed, sql in sorted(rows, reverse=True)[:shown]:
        print(f"  {1000 * elapsed:8.1f} ms  {sql[:140]}")


def time_templates() -> collections.Counter:
    """Make every template render add its CPU time to the returned counter, by template name."""
    from django.template.base import Template

    spent = collections.Counter()
    render = Template._render

    def timed(self, context):
        started = time.process_time()
        try:
            return render(self, context)
        finally:
            spent[self.origin.template_name] += time.process_time() - started

    Template._render = timed
    return spent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("urls", nargs="+")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--queries", action="store_true", help="time each query of the last request")
    parser.add_argument("--templates", action="store_true", help="each template's CPU time, medians")
    args = parser.parse_args()

    import django
    from django.apps import apps

    if not apps.ready:  # called in a process Django already runs (a test): its logging stays as it is
        django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from initiatives.cache import bump_catalogue_version

    spent = time_templates() if args.templates else None
    client = Client()
    for url in args.urls:  # imports, templates, connection: not what an edit costs
        if client.get(url).status_code != 200:
            raise SystemExit(f"{url} did not answer 200")
    for url in args.urls:
        wall, cpu = [], []
        per_template = collections.defaultdict(list)
        for _ in range(args.repeat):
            bump_catalogue_version()
            if spent is not None:
                spent.clear()
            with CaptureQueriesContext(connection) as captured:
                started, started_cpu = time.perf_counter(), time.process_time()
                status = client.get(url).status_code
                wall.append((time.perf_counter() - started) * 1000)
                cpu.append((time.process_time() - started_cpu) * 1000)
            if status != 200:
                raise SystemExit(f"{url} answered {status}")
            for name, seconds in (spent or {}).items():
                per_template[name].append(seconds * 1000)
        print(
            f"{connection.vendor:10} {url}  wall median {statistics.median(wall):.1f} ms"
            f" ({', '.join(f'{t:.0f}' for t in wall)}), CPU median {statistics.median(cpu):.1f} ms"
        )
        if args.queries:
            slowest_queries(connection, captured.captured_queries)
        for name, times in sorted(per_template.items(), key=lambda item: -statistics.median(item[1])):
            print(f"  {statistics.median(times):7.2f} ms  {name}")


if __name__ == "__main__":
    main()
