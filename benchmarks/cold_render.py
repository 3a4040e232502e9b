"""The first render after an edit of one page, in-process: medians of a few requests, each after
bumping the catalogue version as an edit does (stale window off), and optionally the queries of
the last one, each run again to its last row (SQLite's cursor reports only the first row's time).

    DATABASE_URL=sqlite:////tmp/x-100k.sqlite3 PYTHONPATH=. .venv/bin/python benchmarks/cold_render.py \
        "/en/initiatives/?q=sao" --repeat 5 --queries

Uses benchmarks.settings and its own CACHE_DIR (default /tmp/catalogue-cold-render-cache).
"""

import argparse
import os
import statistics
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "benchmarks.settings")
os.environ.setdefault("PUBLIC_PAGE_STALE_SECONDS", "0")
os.environ.setdefault("CACHE_DIR", "/tmp/catalogue-cold-render-cache")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("url")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--queries", action="store_true", help="time each query of the last request")
    args = parser.parse_args()

    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from initiatives.cache import bump_catalogue_version

    client = Client()
    client.get(args.url)  # imports, templates, connection: not what an edit costs
    times = []
    for _ in range(args.repeat):
        bump_catalogue_version()
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            response = client.get(args.url)
            times.append(time.perf_counter() - start)
        if response.status_code != 200:
            raise SystemExit(f"{args.url} answered {response.status_code}")
    print(f"{connection.vendor} {args.url}: median {1000 * statistics.median(times):.1f} ms", end=" ")
    print("(" + ", ".join(f"{1000 * t:.0f}" for t in times) + ")")
    if args.queries:
        rows = []
        with connection.cursor() as cursor:
            for query in captured.captured_queries:
                if query["sql"].lstrip().upper().startswith("SELECT"):
                    start = time.perf_counter()
                    cursor.execute(query["sql"])
                    cursor.fetchall()
                    rows.append((time.perf_counter() - start, query["sql"]))
        print(f"{len(rows)} queries, {1000 * sum(t for t, _ in rows):.0f} ms in all")
        for elapsed, sql in sorted(rows, reverse=True)[:10]:
            print(f"{1000 * elapsed:8.1f} ms  {sql[:140]}")


if __name__ == "__main__":
    main()
