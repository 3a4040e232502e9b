"""Median response times and query counts of the public pages, against the configured database.

    DATABASE_URL=… .venv/bin/python scripts/bench_pages.py [--runs 15]

Each URL is fetched --runs times with a cold cache (cleared before each request: the worst case
after a catalogue change) and --runs times warm. Needs a database with published initiatives.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "catalogue.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.cache import cache  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from initiatives.models import Initiative  # noqa: E402


def measure(client, url, runs, cold):
    times, queries = [], []
    for _ in range(runs):
        if cold:
            cache.clear()
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (url, response.status_code)
        queries.append(len(captured))
    return statistics.median(times), statistics.median(queries)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    settings.ALLOWED_HOSTS = ["*"]
    sample = Initiative.objects.published().exclude(sectors=None).order_by("pk").first()
    if sample is None:
        sys.exit("No published initiative with a sector: load some data first.")
    urls = [
        "/en/",
        "/en/initiatives/",
        "/en/initiatives/?country=BR&sector=" + sample.sectors.first().slug,
        "/en/initiatives/?q=polo+mel",
        "/en/initiatives/?q=cacau&ordering=-created&page=2",
        f"/en/initiatives/{sample.slug}/",
        f"/en/initiatives/{sample.slug}/similar/",
        "/sitemap.xml",
    ]
    client = Client()
    print(f"{connection.vendor}, {Initiative.objects.published().count()} published initiatives, {args.runs} runs")
    print(f"{'url':60} {'cold ms':>8} {'q':>3} {'warm ms':>8} {'q':>3}")
    for url in urls:
        cold_ms, cold_q = measure(client, url, args.runs, cold=True)
        warm_ms, warm_q = measure(client, url, args.runs, cold=False)
        print(f"{url[:60]:60} {cold_ms:8.1f} {cold_q:3.0f} {warm_ms:8.1f} {warm_q:3.0f}")


if __name__ == "__main__":
    main()
