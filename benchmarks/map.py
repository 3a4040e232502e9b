"""Benchmark of the map at scale: the GeoJSON response, and the browser's drawing of the clusters.

    .venv/bin/python benchmarks/map.py [--sizes 10000 100000] [--repeats 5] [--browser-repeats 3] [--postgres]

For each size N it writes N synthetic published initiatives (plus 5% drafts, and 5% without a
point) into a throwaway SQLite database (and PostgreSQL's `map_bench` with --postgres), then:
- server: GET /api/initiatives.geojson?lang=en through Django's full stack (in process), first
  (the catalogue version bumped, so built from the database) and cached; medians over repeats;
  the body's size raw and gzipped (as the endpoint sends it to a client that accepts gzip);
- browser: Debian's Chromium (Playwright) opens /en/map/ on a `runserver` over the same database
  and reads map.js's flag: the performance.now() at which the clusters were drawn (ms since the
  navigation started), cold (server cache empty) and warm, which waits for the base layer
  (static/map/basemap.json, drawn on its canvas) as well; when the base layer alone was drawn;
  and the time to zoom in once afterwards.
Each backend runs in its own process (Django is set up once per process).
"""

import argparse
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
POSTGRES_SERVER = os.getenv("BENCH_POSTGRES", "postgres://postgres@127.0.0.1:55432")
CHROMIUM = os.getenv("CHROMIUM", "/usr/bin/chromium")
# Rough extents of Latin America and the Caribbean: (country, min_lon, min_lat, max_lon, max_lat).
COUNTRIES = [
    ("BR", -73.0, -33.0, -35.0, 4.0), ("MX", -117.0, 15.0, -87.0, 32.0), ("CO", -79.0, -4.0, -67.0, 12.0),
    ("AR", -72.0, -54.0, -54.0, -22.0), ("PE", -81.0, -18.0, -69.0, -1.0), ("CL", -75.0, -55.0, -67.0, -18.0),
    ("EC", -81.0, -5.0, -75.0, 1.0), ("GT", -92.0, 14.0, -88.0, 17.5), ("CR", -85.9, 8.0, -82.6, 11.2),
    ("CU", -85.0, 19.8, -74.1, 23.2), ("DO", -72.0, 17.6, -68.3, 19.9), ("UY", -58.4, -35.0, -53.1, -30.1),
]  # fmt: skip
KINDS = ["cluster", "apl", "rotas_polo", "network", "tech_park", "value_chain", "other"]
PRECISIONS = ["municipality"] * 14 + ["exact"] * 3 + ["region"] * 2 + ["country"]
GZIP = {"Accept-Encoding": "gzip"}
WORDS = ["Café", "Mel", "Leite", "Software", "Têxtil", "Turismo", "Pesca", "Moda", "Cacau", "Açaí", "Vinho"]


def median(values):
    return statistics.median(values)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# --- worker: runs inside one Django process, for one database -------------------------------------


def fill(n: int, seed: int = 5) -> None:
    from django.db import connection

    from initiatives.cache import bump_catalogue_version
    from initiatives.models import Initiative
    from initiatives.text import fold

    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {Initiative._meta.db_table}")
    rng = random.Random(seed)
    batch = []
    total = int(n * 1.05)  # 5% drafts on top of the N published
    for i in range(total):
        country, x0, y0, x1, y1 = rng.choice(COUNTRIES)
        name = f"{rng.choice(WORDS)} {rng.choice(WORDS)} {i}"
        located = rng.random() >= 0.05
        batch.append(
            Initiative(
                name=name,
                slug=f"bench-{i}",
                kind=rng.choice(KINDS),
                country=country,
                language="pt-br",
                is_published=i < n,
                territory=f"Território {i % 997}",
                name_key=fold(name),
                search_text=fold(name),
                latitude=rng.uniform(y0, y1) if located else None,
                longitude=rng.uniform(x0, x1) if located else None,
                location_precision=rng.choice(PRECISIONS),
            )  # fmt: skip
        )
        if len(batch) == 5000:
            Initiative.objects.bulk_create(batch)
            batch = []
    Initiative.objects.bulk_create(batch)
    bump_catalogue_version()  # bulk writes send no signal


def server_figures(repeats: int) -> dict:
    from django.test import Client

    from initiatives.cache import bump_catalogue_version

    client = Client(HTTP_HOST="localhost")
    figures = {}
    for label, query in (("all", "lang=en"), ("country=BR", "lang=en&country=BR")):
        first, cached, first_gzip, cached_gzip = [], [], [], []
        for _ in range(repeats):
            bump_catalogue_version()
            for timings, headers in ((first, {}), (cached, {}), (first_gzip, GZIP), (cached_gzip, GZIP)):
                start = time.perf_counter()
                reply = client.get(f"/api/initiatives.geojson?{query}", headers=headers)
                timings.append(time.perf_counter() - start)
                assert reply.status_code == 200, reply.content[:300]
                if not headers:
                    body = reply.content
                else:
                    zipped = reply.content
        figures[label] = {
            "features": len(json.loads(body)["features"]),
            "first_ms": round(median(first) * 1000, 1),
            "cached_ms": round(median(cached) * 1000, 2),
            "first_gzip_ms": round(median(first_gzip) * 1000, 1),  # compressing the cached body once
            "cached_gzip_ms": round(median(cached_gzip) * 1000, 2),
            "raw_bytes": len(body),
            "gzip_bytes": len(zipped),
        }
    return figures


def browser_figures(database_url: str, repeats: int) -> dict:
    from playwright.sync_api import sync_playwright

    port = free_port()
    env = {**os.environ, "DATABASE_URL": database_url, "MAP_TILES_URL": "", "DEBUG": "1"}
    server = subprocess.Popen(
        [PYTHON, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        ready, geojson_end, dom_ready, parsed, markers, zoom, basemap = [], [], [], [], [], [], []
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
            for _ in range(repeats + 1):  # the first run finds the server's cache empty
                context = browser.new_context(viewport={"width": 1366, "height": 900})
                page = context.new_page()
                page.goto(f"http://127.0.0.1:{port}/en/map/", timeout=300_000)
                page.locator("html[data-map-loads='1']").wait_for(state="attached", timeout=300_000)
                ready.append(float(page.evaluate("document.documentElement.dataset.mapReadyAt")))
                # Where the time went: the page parsed, then the GeoJSON received (ms since navigation).
                marks = page.evaluate(
                    "Object.fromEntries(performance.getEntriesByType('mark').map(m => [m.name, m.startTime]))"
                )
                parsed.append(marks["catalogue-map:parsed"])
                markers.append(marks["catalogue-map:markers"])
                basemap.append(marks["catalogue-map:basemap"])
                dom_ready.append(
                    page.evaluate("performance.getEntriesByType('navigation')[0].domContentLoadedEventEnd")
                )
                geojson_end.append(
                    page.evaluate(
                        "performance.getEntriesByType('resource').find(e => e.name.includes('geojson')).responseEnd"
                    )
                )
                zoom.append(
                    page.evaluate(
                        """() => new Promise(resolve => {
                            const map = document.querySelector('[data-catalogue-map]').catalogueMap.map;
                            const start = performance.now();
                            map.once('moveend', () => requestAnimationFrame(() => resolve(performance.now() - start)));
                            map.setZoom(map.getZoom() + 1, {animate: false});
                        })"""
                    )
                )
                drawn = int(page.evaluate("document.documentElement.dataset.mapReady"))
                context.close()
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=10)
    return {
        "markers": drawn,
        "dom_content_loaded_ms": round(median(dom_ready[1:])),
        "geojson_received_ms": round(median(geojson_end[1:])),
        "geojson_parsed_ms": round(median(parsed[1:])),
        "markers_built_ms": round(median(markers[1:])),
        "basemap_drawn_ms": round(median(basemap[1:])),
        "ready_cold_ms": round(ready[0]),
        "ready_warm_ms": round(median(ready[1:])),
        "zoom_in_ms": round(median(zoom[1:])),
    }


def worker(args) -> None:
    os.environ["DATABASE_URL"] = args.database_url
    os.environ["MAP_TILES_URL"] = ""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "catalogue.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    from initiatives.models import Municipality
    from initiatives.reference import load_reference_data

    call_command("migrate", verbosity=0)
    if not Municipality.objects.exists():
        load_reference_data()  # the page's filter form lists the regions, Rotas, sectors…
    results = {}
    for n in args.sizes:
        start = time.perf_counter()
        fill(n)
        entry = {"fill_s": round(time.perf_counter() - start, 1), "server": server_figures(args.repeats)}
        if args.browser_repeats:
            entry["browser"] = browser_figures(args.database_url, args.browser_repeats)
        results[n] = entry
        print(json.dumps({"backend": args.backend, "n": n, **entry}), flush=True)


# --- driver ------------------------------------------------------------------------------------------


def postgres_url() -> str:
    import psycopg

    with psycopg.connect(f"{POSTGRES_SERVER}/postgres", autocommit=True) as connection:
        if not connection.execute("SELECT 1 FROM pg_database WHERE datname = 'map_bench'").fetchone():
            connection.execute("CREATE DATABASE map_bench")
    return f"{POSTGRES_SERVER}/map_bench"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--repeats", type=int, default=5, help="server-side repeats (medians)")
    parser.add_argument("--browser-repeats", type=int, default=3, help="warm browser runs (0: no browser)")
    parser.add_argument("--postgres", action="store_true", help="also run on PostgreSQL (database map_bench)")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--backend", default="sqlite", help=argparse.SUPPRESS)
    parser.add_argument("--database-url", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        return worker(args)

    with tempfile.TemporaryDirectory(prefix="map-bench-") as tmp:
        backends = [("sqlite", f"sqlite:///{tmp}/bench.sqlite3")]
        if args.postgres:
            backends.append(("postgres", postgres_url()))
        common = ["--sizes", *map(str, args.sizes), "--repeats", str(args.repeats)]
        common += ["--browser-repeats", str(args.browser_repeats)]
        for backend, url in backends:
            subprocess.run(
                [PYTHON, __file__, "--worker", "--backend", backend, "--database-url", url, *common],
                cwd=ROOT, check=True,
            )  # fmt: skip


if __name__ == "__main__":
    main()
