"""The facets of a selection alone, first count after an edit, in-process: for each query string,
bump the catalogue version as an edit does, read the search's matches (as the page does before
its facets), then time `facet_counts()`; medians of the wall time and of this process's CPU time
(on SQLite the database's work too; on PostgreSQL the server's work is in the wall time only).
With --with-matches, the search's matches are read inside the timing too: a search over every
published initiative reads its matches' facet rows with them, so facet_counts() alone no longer
shows that read.

    DATABASE_URL=sqlite:////tmp/x-100k.sqlite3 PYTHONPATH=. .venv/bin/python benchmarks/search_facets.py \
        [--repeat R] [--with-matches] "q=consorcio" "q=sao&country=BR" ...
"""

import argparse
import os
import statistics
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "benchmarks.settings")
os.environ.setdefault("PUBLIC_PAGE_STALE_SECONDS", "0")
os.environ.setdefault("CACHE_DIR", "/tmp/catalogue-cold-render-cache")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("queries", nargs="+")
    parser.add_argument("--repeat", type=int, default=9)
    parser.add_argument("--with-matches", action="store_true")
    args = parser.parse_args()

    import django

    django.setup()
    from django.http import QueryDict
    from django.utils import translation

    from initiatives.cache import bump_catalogue_version
    from initiatives.facets import facet_counts, search_matches
    from initiatives.selection import select

    translation.activate("en")
    for query in args.queries:
        wall, cpu = [], []
        for run in range(args.repeat + 1):  # the first warms imports and connections
            bump_catalogue_version()
            selection = select(QueryDict(query))
            if not args.with_matches:
                search_matches(selection)
            started, started_cpu = time.perf_counter(), time.process_time()
            if args.with_matches:
                search_matches(selection)
            facet_counts(selection)
            if run:
                wall.append((time.perf_counter() - started) * 1000)
                cpu.append((time.process_time() - started_cpu) * 1000)
        print(
            f"{query:40} {'matches+' if args.with_matches else ''}facet_counts wall median {statistics.median(wall):6.1f} ms, "
            f"CPU median {statistics.median(cpu):6.1f} ms"
        )


if __name__ == "__main__":
    main()
