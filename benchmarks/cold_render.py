"""First renders after an edit, in-process: bump the catalogue version, then GET each URL.

    DATABASE_URL=sqlite:////tmp/e-100k.sqlite3 DJANGO_SETTINGS_MODULE=benchmarks.settings \\
        python -m benchmarks.cold_render --repeat 7 /en/initiatives/ /es/initiatives/ /en/

Prints each URL's median and every time, in milliseconds. Single requests, no server: for
profiling one part of the code (compare two checkouts by running this from each, alternating).
"""

import argparse
import os
import statistics
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "benchmarks.settings")
os.environ["PUBLIC_PAGE_STALE_SECONDS"] = "0"  # measure the render, not the previous page

import django  # noqa: E402

django.setup()

from django.test import Client  # noqa: E402

from initiatives.cache import bump_catalogue_version  # noqa: E402


def cold_times(client: Client, url: str, repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        bump_catalogue_version()
        start = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - start) * 1000)
        if response.status_code != 200:
            raise SystemExit(f"{url}: HTTP {response.status_code}")
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("urls", nargs="+")
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    client = Client()
    for url in args.urls:
        client.get(url)  # imports, templates and connections warmed
    for url in args.urls:
        times = cold_times(client, url, args.repeat)
        print(f"{url}  median {statistics.median(times):.1f} ms  {[round(t) for t in times]}")


if __name__ == "__main__":
    main()
