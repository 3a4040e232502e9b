"""The API's page of 100 after three kinds of change, in-process, alternately: a version bump only
(what the peer benchmark's edit is: every row's kept JSON still good), an update() of one row of
the page and a bump (that row serialized again), every kept row dropped and a bump (a worker's
first page). Prints the medians of wall and of this thread's CPU time.

    DATABASE_URL=sqlite:////tmp/x-100k.sqlite3 CACHE_DIR=/tmp/x-cache PYTHONPATH=. \
        .venv/bin/python benchmarks/api_after_edit.py [--repeat R]
"""

import argparse
import os
import statistics
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "benchmarks.settings")
os.environ.setdefault("PUBLIC_PAGE_STALE_SECONDS", "0")
os.environ.setdefault("CACHE_DIR", "/tmp/catalogue-cold-render-cache")

URL = "/api/initiatives/?page_size=100"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=9)
    args = parser.parse_args()

    import django

    django.setup()
    from django.db.models import F
    from django.db.models.functions import Coalesce
    from django.test import Client

    from initiatives.api import fragments
    from initiatives.cache import bump_catalogue_version
    from initiatives.models import Initiative

    client = Client()
    client.get(URL)
    slug = client.get(URL).json()["results"][50]["slug"]

    def edit_one_row():
        Initiative.objects.filter(slug=slug).update(member_count=Coalesce(F("member_count"), 0) + 1)
        bump_catalogue_version()

    def drop_kept_rows():
        fragments.forget()
        bump_catalogue_version()

    changes = {"bump only": bump_catalogue_version, "one row edited": edit_one_row, "nothing kept": drop_kept_rows}
    samples = {name: ([], []) for name in changes}
    for _ in range(args.repeat):
        for name, change in changes.items():
            change()
            wall, cpu = time.perf_counter(), time.thread_time()
            if client.get(URL).status_code != 200:
                raise SystemExit(f"{URL} did not answer 200")
            samples[name][0].append((time.perf_counter() - wall) * 1000)
            samples[name][1].append((time.thread_time() - cpu) * 1000)
    for name, (walls, cpus) in samples.items():
        print(f"{name:15} wall median {statistics.median(walls):5.1f} ms, CPU median {statistics.median(cpus):5.1f} ms")


if __name__ == "__main__":
    main()
