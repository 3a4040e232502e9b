"""Server-time benchmark of the catalogue at N synthetic initiatives (docs/performance.md).

    .venv/bin/python benchmarks/run.py [--n 100000] [--repeat 15] [--json OUT] [--compare 1000]

Into its own database: a SQLite file /tmp/catalogue-bench-<N>.sqlite3, or the PostgreSQL named by
DATABASE_URL (a dedicated one: the generator refuses a database holding real initiatives). It
migrates, loads the reference data, generates the catalogue (reused when it already holds N
synthetic rows), then calls the WSGI application directly with the full middleware stack:
warm-up, R timed repeats, medians and p95, SQL queries counted on a separate request.
Endpoints that do not exist yet (404) are reported as missing; nothing here asserts a timing.
"""

import argparse
import gzip
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.report import evaluate, print_report  # noqa: E402

LANG = "en"
GZIP = {"Accept-Encoding": "gzip"}
HEAVY_REPEAT = 5  # exports, cold GeoJSON and imports take seconds: fewer repeats


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=100_000, help="synthetic initiatives (default 100,000)")
    parser.add_argument("--repeat", type=int, default=15, help="timed repeats per endpoint (default 15)")
    parser.add_argument("--warmup", type=int, default=2, help="untimed requests first (default 2)")
    parser.add_argument("--seed", type=int, default=9)
    parser.add_argument("--json", type=Path, help="write the results there")
    parser.add_argument("--regenerate", action="store_true", help="generate even if N synthetic rows exist")
    parser.add_argument("--compare", type=int, metavar="SMALL_N", help="also run at SMALL_N (e.g. 1000) and compare")
    parser.add_argument(
        "--compare-database-url", metavar="URL", help="with --compare and PostgreSQL: another database for SMALL_N"
    )
    parser.add_argument("--skip-import", action="store_true", help="do not benchmark the polo importer")
    parser.add_argument(
        "--only", metavar="ROWS", help="only these comma-separated rows (e.g. list,detail,api_list): a quick rerun"
    )
    return parser.parse_args(argv)


def setup_django(n: int) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "benchmarks.settings")
    os.environ.setdefault("DATABASE_URL", f"sqlite:////tmp/catalogue-bench-{n}.sqlite3")
    os.environ.setdefault("PRIVATE_MEDIA_ROOT", tempfile.gettempdir() + "/catalogue-bench-private")
    # "cold" is what rendering a page costs after a change: not the previous page served during the
    # stale window, nor a render competing with background rebuilds (benchmarks/peer.py shows both).
    os.environ.setdefault("PUBLIC_PAGE_STALE_SECONDS", "0")
    import django

    django.setup()


def prepare(args) -> dict:
    from benchmarks import synthetic

    started = time.perf_counter()
    synthetic.prepare_database()
    synthetic.ensure_synthetic_only()
    generated = False
    if args.regenerate or synthetic.synthetic_count() != args.n:
        print(f"Generating {args.n:,} synthetic initiatives…", flush=True)
        synthetic.generate(args.n, seed=args.seed)
        generated = True
    return {"seconds": round(time.perf_counter() - started, 1), "generated": generated}


class Bench:
    def __init__(self, args):
        from benchmarks.wsgi_client import WSGIClient

        self.args = args
        self.client = WSGIClient()

    def queries(self, path, headers=None) -> int:
        with counting_queries() as count:
            self.client.get(path, headers=headers)
        return count[0]

    def endpoint(self, path, *, repeat=None, headers=None, before=None, size=False) -> dict:
        """Warm up, count queries on one request, then time `repeat` requests."""
        from benchmarks.wsgi_client import summary

        first = self.client.get(path, headers=headers, keep_body=size)
        result = {"path": path, "http_status": first.status}
        if first.status == 404:
            return {**result, "status": "missing"}
        if first.status >= 400:
            return {**result, "status": f"error {first.status}"}
        for _ in range(self.args.warmup):
            self.client.get(path, headers=headers)
        if before:
            before()
        result["queries"] = self.queries(path, headers)
        totals, ttfbs = [], []
        for _ in range(repeat or self.args.repeat):
            if before:
                before()
            response = self.client.get(path, headers=headers)
            totals.append(response.total)
            ttfbs.append(response.ttfb)
        result.update(status="ok", **summary(totals), ttfb=summary(ttfbs), streaming=first.streaming)
        result["bytes"] = first.size
        if size and first.body is not None:
            result["bytes_gzip"] = len(gzip.compress(first.body, compresslevel=6))
        result["etag"] = first.headers.get("etag")
        result["cache_control"] = first.headers.get("cache-control")
        return result

    def page(self, path) -> dict:
        """A public page as visitors get it (rendered once per catalogue version, then served from
        the cache), and cold: the first request after a change, with every cache empty for it."""
        from initiatives.cache import bump_catalogue_version

        warm = self.endpoint(path)
        if warm["status"] == "ok":
            warm["cold"] = self.endpoint(path, before=bump_catalogue_version)
        return warm

    def peak_memory(self, path) -> dict:
        tracemalloc.start()
        try:
            self.client.get(path)
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
        return {
            "python_peak_mb": round(peak / 2**20, 1),
            "process_max_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        }

    def geojson(self, name, path) -> dict:
        from initiatives.cache import bump_catalogue_version

        heavy = min(self.args.repeat, HEAVY_REPEAT)
        cold = self.endpoint(path, repeat=heavy, before=bump_catalogue_version, size=True)
        if cold["status"] != "ok":
            return cold
        # A browser asks for gzip: the endpoint then compresses the body once and caches that too.
        cold_gzip = self.endpoint(path, repeat=heavy, headers=GZIP, before=bump_catalogue_version)
        repeat = self.endpoint(path)
        etag = self.client.get(path).headers.get("etag")
        result = {**cold, "first": {k: cold[k] for k in ("median_ms", "p95_ms", "queries")}, "repeat": repeat}
        result["first_gzip"] = {k: cold_gzip.get(k) for k in ("median_ms", "p95_ms", "queries")}
        zipped = self.client.get(path, headers=GZIP)
        if zipped.headers.get("content-encoding") == "gzip":
            result["bytes_gzip"] = zipped.size  # what the endpoint sends, rather than a level-6 estimate
        if etag:
            conditional = self.endpoint(path, headers={"If-None-Match": etag})
            result["conditional"] = conditional
        else:
            result["conditional"] = {"status": "no ETag"}
        return result

    def import_polos(self) -> dict:
        from django.core.management import call_command, get_commands
        from django.db import transaction

        from benchmarks.synthetic import write_polos_file
        from benchmarks.wsgi_client import summary

        if "import_polos" not in get_commands():
            return {"status": "missing", "http_status": None}
        path = Path(tempfile.gettempdir()) / "catalogue-bench-polos-77.csv"
        shape = write_polos_file(path, seed=self.args.seed)
        times, queries, outcome = [], None, {}
        for _ in range(min(self.args.repeat, HEAVY_REPEAT)):
            out = _Text()
            with counting_queries() as count:
                started = time.perf_counter()
                with transaction.atomic():  # rolled back: the benchmark database stays synthetic
                    try:
                        call_command("import_polos", str(path), "--json", stdout=out, stderr=out)
                        outcome = {"exit": 0}
                    except SystemExit as exit:
                        outcome = {"exit": exit.code}
                    except Exception as error:  # report, never crash the benchmark
                        outcome = {"exit": None, "error": f"{type(error).__name__}: {error}"[:500]}
                    transaction.set_rollback(True)
                times.append(time.perf_counter() - started)
            queries = count[0]
            if outcome.get("exit") not in (0, None) or "error" in outcome:
                break
        try:
            report = json.loads(out.getvalue())
            outcome["report"] = {
                "polos": report.get("polos"),
                "rows": report.get("rows"),
                "errors": len(report.get("errors") or []),
                "warnings": len(report.get("warnings") or []),
                "first_problems": (report.get("errors") or report.get("warnings") or [])[:3],
            }
        except (ValueError, AttributeError):
            outcome["output"] = out.getvalue()[-500:]
        ok = outcome.get("exit") == 0
        return {"status": "ok" if ok else "error", "file": shape, "queries": queries, **summary(times), **outcome}

    def run(self) -> dict:
        from benchmarks.synthetic import SLUG_PREFIX
        from benchmarks.urls import FLOOR_PATH
        from initiatives.models import Initiative

        published = Initiative.objects.published().filter(slug__startswith=SLUG_PREFIX, country="BR")
        slug = published.order_by("pk").values_list("slug", flat=True)[published.count() // 2]
        heavy = min(self.args.repeat, HEAVY_REPEAT)
        rows = {
            "floor": lambda: self.endpoint(FLOOR_PATH),
            "home": lambda: self.page(f"/{LANG}/"),
            "list": lambda: self.page(f"/{LANG}/initiatives/"),
            "list_filtered_search": lambda: self.page(f"/{LANG}/initiatives/?country=BR&sector=fruit-growing&q=sao"),
            "detail": lambda: self.page(f"/{LANG}/initiatives/{slug}/"),
            "geojson_all": lambda: self.geojson("geojson_all", "/api/initiatives.geojson"),
            "geojson_filtered": lambda: self.geojson(
                "geojson_filtered", "/api/initiatives.geojson?country=BR&sector=beekeeping"
            ),
            "api_list": lambda: self.page("/api/initiatives/"),
            "csv_all": lambda: self.endpoint("/api/initiatives.csv", repeat=heavy),
            "sitemap_index": lambda: self.page("/sitemap.xml"),
            # The biggest section page: up to 50,000 URLs (cached apart from the page cache, too big for it).
            "sitemap_initiatives": lambda: self.page("/sitemap-initiatives.xml"),
        }
        only = set(self.args.only.split(",")) if self.args.only else set(rows) | {"import_polos"}
        results = {name: measure() if name in only else {"status": "skipped"} for name, measure in rows.items()}
        home = results["home"]
        # The cold rows bumped the catalogue version since: ask for the current ETag.
        etag = self.client.get(f"/{LANG}/").headers.get("etag") if home["status"] == "ok" else None
        if etag:
            # What a proxy revalidating the page costs: a 304 before the view runs.
            home["conditional"] = self.endpoint(f"/{LANG}/", headers={"If-None-Match": etag})
        if results["csv_all"]["status"] == "ok":
            results["csv_all"]["memory"] = self.peak_memory("/api/initiatives.csv")
        skip_import = self.args.skip_import or "import_polos" not in only
        results["import_polos"] = {"status": "skipped"} if skip_import else self.import_polos()
        return results


@contextmanager
def counting_queries():
    """Count the SQL statements run on the default connection (no limit, unlike the query log)."""
    from django.db import connection

    count = [0]

    def counter(execute, sql, params, many, context):
        count[0] += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(counter):
        yield count


class _Text:
    """A stdout for call_command that keeps everything written."""

    def __init__(self):
        self.parts = []

    def write(self, text):
        self.parts.append(text)

    def flush(self):
        pass

    def getvalue(self):
        return "".join(self.parts)


def meta(args, preparation) -> dict:
    import django
    from django.db import connection

    from benchmarks.synthetic import synthetic_count

    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
        ).stdout
    except OSError:
        commit = ""
    return {
        "n": synthetic_count(),
        "database": connection.vendor,
        "database_name": str(connection.settings_dict["NAME"]),
        "repeat": args.repeat,
        "warmup": args.warmup,
        "method": "direct call of Django's WSGIHandler (full MIDDLEWARE stack), DEBUG=0, body consumed",
        "preparation": preparation,
        "commit": commit.strip(),
        "date": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "python": platform.python_version(),
        "django": django.get_version(),
        "cpus": os.cpu_count(),
        "load_average_at_end": [round(x, 1) for x in os.getloadavg()],  # other work skews the figures
    }


def run_once(args) -> dict:
    setup_django(args.n)
    preparation = prepare(args)
    results = Bench(args).run()
    return {"meta": meta(args, preparation), "results": results}


def run_child(args, n: int, database_url: str | None = None) -> dict:
    """One run in its own process: settings (and the SQLite file) depend on N."""
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as f:
        out = Path(f.name)
    command = [sys.executable, __file__, "--n", str(n), "--repeat", str(args.repeat), "--warmup", str(args.warmup)]
    command += ["--seed", str(args.seed), "--json", str(out)]
    command += ["--regenerate"] * args.regenerate + ["--skip-import"] * args.skip_import
    command += ["--only", args.only] if args.only else []
    env = {**os.environ, "DATABASE_URL": database_url} if database_url else None
    subprocess.run(command, check=True, env=env)
    try:
        return json.loads(out.read_text())["runs"][0]
    finally:
        out.unlink()


def main(argv=None) -> int:
    args = parse_args(argv)
    if args.compare:
        runs = [run_child(args, args.compare, args.compare_database_url), run_child(args, args.n)]
    else:
        runs = [run_once(args)]
    targets = evaluate(runs[-1], runs[0] if len(runs) > 1 else None)
    document = {"runs": runs, "targets": targets}
    print_report(document)
    if args.json:
        args.json.write_text(json.dumps(document, indent=2, default=str))
        print(f"\nWrote {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
