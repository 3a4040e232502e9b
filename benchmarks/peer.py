"""The project side by side with Datasette on the same synthetic catalogue (docs/performance.md).

    .venv/bin/python benchmarks/peer.py [--n 100000] [--repeat 15] [--json OUT] [--database-url postgres://…]

Datasette is what a data publisher would pick instead to put the same table online with facets,
search, a JSON API and CSV. This script installs it into a throwaway environment under /tmp (never a
project dependency), prepares the benchmark's SQLite file of N synthetic initiatives (the one
benchmarks/run.py uses, reused when it holds N rows), gives Datasette a copy with a full-text index
on it, serves that copy with `datasette -i` and the project on gunicorn (2 workers,
benchmarks.settings), then alternates the requests, R of each, over HTTP on 127.0.0.1:

- the project as visitors get it (its page cache warm);
- the project's first render after an edit: the catalogue version is bumped before each request,
  the way an edit does (with the stale window off: that render is what the page cache would wait for);
- the project after an edit as an anonymous visitor gets it with the stale window on (default
  settings, a second gunicorn): the previous page while a background thread renders the new one;
- Datasette with `_nosuggest=1`, 3 facets and the same filters (published rows only).

With --database-url the project runs on that database (PostgreSQL) with the same rows, generated
there with the same seed; Datasette stays on the SQLite file. Nothing here asserts a timing.
"""

import argparse
import http.client
import json
import os
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

DATASETTE = "datasette>=0.65,<0.66"
SQLITE_UTILS = "sqlite-utils>=3.35"
TABLE = "initiatives_initiative"
DATABASE = "bench"  # Datasette names a database after its file
FACETS = ("country", "kind", "status")
LIST_SIZE = 24  # the project's list page (initiatives.pagination.PAGE_SIZE)
API_SIZE = 100
SEARCH = "sao"
FTS_COLUMNS = ("name", "name_en", "name_es", "name_pt_br", "territory", "description")
CSV_REPEAT = 5  # a CSV of everything takes seconds


@dataclass(frozen=True)
class Request:
    key: str
    label: str
    project: str
    datasette: str
    warm: bool = True  # measured from the page cache
    cold: bool = True  # measured after a bump of the catalogue version


def datasette_path(*, fmt: str = "", facets: bool = True, size: int | str | None = None, **extra) -> str:
    params = [("is_published", "1"), ("_nosuggest", "1")]
    params += [("_facet", facet) for facet in FACETS] if facets else []
    params += [("_size", str(size))] if size is not None else []
    params += list(extra.items())
    return f"/{DATABASE}/{TABLE}{fmt}?{urlencode(params)}"


def requests() -> list[Request]:
    return [
        Request("list", "faceted list, first page", "/en/initiatives/", datasette_path(size=LIST_SIZE)),
        Request(
            "search",
            f'search "{SEARCH}"',
            f"/en/initiatives/?q={SEARCH}",
            datasette_path(size=LIST_SIZE, _search=SEARCH),
        ),
        Request(
            "api",
            f"API page of {API_SIZE} rows",
            f"/api/initiatives/?page_size={API_SIZE}",
            datasette_path(fmt=".json", facets=False, size=API_SIZE),
        ),
        Request(
            "csv",
            "CSV of everything",
            "/api/initiatives.csv",
            datasette_path(fmt=".csv", facets=False, size="max", _stream="on"),
            warm=False,  # streamed, never stored: every request renders
        ),
        Request("floor", "floor", "/bench/floor/", "/-/versions.json", cold=False),
    ]


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=100_000, help="synthetic initiatives (default 100,000)")
    parser.add_argument("--repeat", type=int, default=15, help="timed requests of each kind (default 15)")
    parser.add_argument("--csv-repeat", type=int, default=CSV_REPEAT, help=f"for the CSV (default {CSV_REPEAT})")
    parser.add_argument("--seed", type=int, default=9)
    parser.add_argument("--json", type=Path, help="write the results there")
    parser.add_argument("--sqlite", type=Path, help="the SQLite file (default /tmp/catalogue-bench-<N>.sqlite3)")
    parser.add_argument("--database-url", help="run the project on this database (PostgreSQL); Datasette on SQLite")
    parser.add_argument("--venv", type=Path, default=Path(tempfile.gettempdir()) / "catalogue-peer-venv")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--skip-stale", action="store_true", help="skip the run with the stale window on")
    parser.add_argument("--prepare-only", action="store_true", help=argparse.SUPPRESS)  # the child's job
    args = parser.parse_args(argv)
    args.sqlite = args.sqlite or Path(tempfile.gettempdir()) / f"catalogue-bench-{args.n}.sqlite3"
    return args


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"


# --- preparing ------------------------------------------------------------------------------------


def prepare_in_child(args, database_url: str) -> None:
    """Generate (or reuse) the N synthetic rows in that database, in a process of its own: the
    settings depend on DATABASE_URL."""
    env = {**os.environ, "DATABASE_URL": database_url, "DJANGO_SETTINGS_MODULE": "benchmarks.settings"}
    command = [sys.executable, __file__, "--prepare-only", "--n", str(args.n), "--seed", str(args.seed)]
    subprocess.run(command, check=True, env=env, cwd=ROOT)


def prepare_here(args) -> None:
    from benchmarks.run import prepare, setup_django

    setup_django(args.n)
    args.regenerate = False
    print(f"Database ready: {prepare(args)}", flush=True)


def install_datasette(venv: Path) -> Path:
    datasette = venv / "bin" / "datasette"
    if not datasette.exists():
        print(f"Installing Datasette into {venv}…", flush=True)
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        pip = [str(venv / "bin" / "pip"), "install", "--quiet", "--disable-pip-version-check"]
        subprocess.run([*pip, DATASETTE, SQLITE_UTILS], check=True)
    return datasette


def datasette_copy(source: Path, venv: Path) -> Path:
    """A copy of the file for Datasette, with a full-text index (FTS5, accents folded) on the
    searched columns; reused while the source is unchanged."""
    copy = source.with_name(f"{source.stem}-peer") / f"{DATABASE}.db"
    stamp = copy.with_suffix(".source")
    signature = f"{source.stat().st_size}:{source.stat().st_mtime_ns}"
    if copy.exists() and stamp.exists() and stamp.read_text() == signature:
        return copy
    print(f"Copying {source} for Datasette and indexing it for search…", flush=True)
    copy.parent.mkdir(parents=True, exist_ok=True)
    with sqlite3.connect(source) as src, sqlite3.connect(copy.with_suffix(".tmp")) as dst:
        src.backup(dst)
    copy.with_suffix(".tmp").replace(copy)
    sqlite_utils = venv / "bin" / "sqlite-utils"
    command = [str(sqlite_utils), "enable-fts", str(copy), TABLE, *FTS_COLUMNS, "--fts5", "--replace"]
    subprocess.run(command, check=True)
    stamp.write_text(signature)
    return copy


# --- serving --------------------------------------------------------------------------------------


def free_port() -> int:
    from benchmarks.load import free_port as port

    return port()


def wait_for(port: int, path: str, process: subprocess.Popen, what: str) -> None:
    deadline = time.time() + 120
    while time.time() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{what} exited with {process.returncode}")
        try:
            if fetch(port, path)["status"] == 200:
                return
        except OSError:
            pass
        time.sleep(0.3)
    stop(process)
    raise RuntimeError(f"{what} did not answer within 120 s")


def start_datasette(datasette: Path, copy: Path, port: int) -> subprocess.Popen:
    command = [
        str(datasette), "serve", "-i", str(copy), "--host", "127.0.0.1", "--port", str(port),
        # Limits high enough that Datasette computes every facet and count asked for, as the
        # project does, instead of giving up at its defaults (1 s per query, 200 ms per facet).
        "--setting", "sql_time_limit_ms", "60000", "--setting", "facet_time_limit_ms", "60000",
        "--setting", "max_csv_mb", "0",  # the whole table, as the project's CSV (default: stop at 100 MB)
    ]  # fmt: skip
    process = subprocess.Popen(command, start_new_session=True, stdout=subprocess.DEVNULL)
    wait_for(port, "/-/versions.json", process, "Datasette")
    return process


def start_project(database_url: str, port: int, workers: int, stale: bool, cache_dir: Path) -> subprocess.Popen:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "benchmarks.settings", "DATABASE_URL": database_url}
    env.setdefault("CACHE_DIR", str(cache_dir))  # not a folder other benchmarks share
    if not stale:
        env["PUBLIC_PAGE_STALE_SECONDS"] = "0"
    else:
        env.pop("PUBLIC_PAGE_STALE_SECONDS", None)  # the default, as deployed
    command = [
        str(Path(sys.executable).with_name("gunicorn")), "catalogue.wsgi:application",
        "--bind", f"127.0.0.1:{port}", "--workers", str(workers), "--timeout", "300", "--log-level", "warning",
    ]  # fmt: skip
    process = subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True)
    wait_for(port, "/bench/floor/", process, "gunicorn")
    return process


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)  # its own session: the server and its workers
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


# --- measuring ------------------------------------------------------------------------------------


def fetch(port: int, path: str) -> dict:
    """One GET on a new connection: status, seconds to the response's head and to its last byte."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    try:
        started = time.perf_counter()
        connection.request("GET", path, headers={"Host": "127.0.0.1"})
        response = connection.getresponse()
        first = time.perf_counter()
        size = 0
        while chunk := response.read(65536):
            size += len(chunk)
        done = time.perf_counter()
        return {"status": response.status, "ttfb": first - started, "total": done - started, "bytes": size}
    finally:
        connection.close()


def summary(samples: list[dict]) -> dict:
    def ms(values):
        ordered = sorted(values)
        p95 = ordered[min(len(ordered) - 1, max(0, round(0.95 * len(ordered) + 0.5) - 1))]
        return {"median_ms": round(statistics.median(ordered) * 1000, 1), "p95_ms": round(p95 * 1000, 1)}

    if not samples:
        return {"samples": 0}
    errors = sorted({s["status"] for s in samples if s["status"] != 200})
    return {
        **ms([s["total"] for s in samples]),
        "ttfb": ms([s["ttfb"] for s in samples]),
        "bytes": samples[0]["bytes"],
        "samples": len(samples),
        **({"errors": errors} if errors else {}),
    }


class Editor:
    """Bumps the project's catalogue version as an edit does, then waits until every worker has
    re-read it (CATALOGUE_VERSION_RECHECK_SECONDS)."""

    def __init__(self, database_url: str):
        os.environ["DATABASE_URL"] = database_url
        os.environ["DJANGO_SETTINGS_MODULE"] = "benchmarks.settings"
        import django

        django.setup()
        self.locked = 0  # bumps refused with "database is locked", retried

    def edit(self) -> None:
        from django.conf import settings
        from django.db import OperationalError, connections

        from initiatives.cache import bump_catalogue_version

        for _attempt in range(5):
            try:
                bump_catalogue_version()
                break
            except OperationalError:  # SQLite: the write waited 5 s for the servers' readers
                self.locked += 1
                connections.close_all()
        connections.close_all()  # no lock held on SQLite while gunicorn reads
        time.sleep(settings.CATALOGUE_VERSION_RECHECK_SECONDS + 0.2)


def measure(args, project_port: int, datasette_port: int, editor: Editor) -> dict:
    samples = {r.key: {"warm": [], "cold": [], "datasette": []} for r in requests()}
    for r in requests():  # untimed: fill the page cache, let Datasette open the file
        fetch(project_port, r.project)
        fetch(datasette_port, r.datasette)
    for i in range(args.repeat):
        print(f"  round {i + 1}/{args.repeat}", flush=True)
        for r in requests():
            if r.key == "csv" and i >= args.csv_repeat:
                continue
            if r.cold:
                editor.edit()
                samples[r.key]["cold"].append(fetch(project_port, r.project))
            if r.warm:  # right after the cold one, which stored it: other kinds' edits bump the version
                fetch(project_port, r.project)  # the other worker's first request may open its connection
                samples[r.key]["warm"].append(fetch(project_port, r.project))
            samples[r.key]["datasette"].append(fetch(datasette_port, r.datasette))
    return {key: {column: summary(s) for column, s in columns.items()} for key, columns in samples.items()}


def measure_stale(args, project_port: int, editor: Editor) -> dict:
    """After an edit, as an anonymous visitor gets the page with the stale window on."""
    pages = [r for r in requests() if r.warm and r.cold]
    samples = {r.key: [] for r in pages}
    for r in pages:
        fetch(project_port, r.project)
    for i in range(args.repeat):
        print(f"  round {i + 1}/{args.repeat} (stale window on)", flush=True)
        for r in pages:
            editor.edit()
            samples[r.key].append(fetch(project_port, r.project))
    return {key: summary(s) for key, s in samples.items()}


# --- reporting ------------------------------------------------------------------------------------


def ratio(a: dict, b: dict) -> float | None:
    if not a.get("median_ms") or not b.get("median_ms"):
        return None
    return round(a["median_ms"] / b["median_ms"], 2)


def table(document: dict) -> list[str]:
    def cell(result: dict | None, first_byte: bool = False) -> str:
        if not result or not result.get("samples"):
            return "–"
        text = f"{result['median_ms']:,.1f} ms (p95 {result['p95_ms']:,.1f})"
        if first_byte:
            text += f", first byte {result['ttfb']['median_ms']:,.1f} ms"
        return text + (f" errors {result['errors']}" if result.get("errors") else "")

    lines = [
        "| request | project as visitors get it | project, first render after an edit | "
        "project after an edit, stale window on | Datasette | cold ratio |",
        "|---|---|---|---|---|---|",
    ]
    results, stale = document["results"], document.get("stale") or {}
    for r in requests():
        row = results[r.key]
        csv = r.key == "csv"
        cold_ratio = ratio(row["cold"], row["datasette"]) if r.cold else ratio(row["warm"], row["datasette"])
        lines.append(
            f"| {r.label} | {cell(row['warm'])} | {cell(row['cold'], csv)} | {cell(stale.get(r.key))} | "
            f"{cell(row['datasette'], csv)} | {'–' if cold_ratio is None else f'{cold_ratio}×'} |"
        )
    return lines


def main(argv=None) -> int:
    args = parse_args(argv)
    if args.prepare_only:
        prepare_here(args)
        return 0
    # Stopped with SIGTERM: still stop both servers (the finally clauses below).
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))
    datasette = install_datasette(args.venv)
    prepare_in_child(args, sqlite_url(args.sqlite))
    project_url = args.database_url or sqlite_url(args.sqlite)
    if args.database_url:
        prepare_in_child(args, args.database_url)
    copy = datasette_copy(args.sqlite, args.venv)
    cache_dir = copy.parent / f"cache-{'postgresql' if args.database_url else 'sqlite'}"
    editor = Editor(project_url)
    from django.db import connection

    vendor = connection.vendor
    load_before = [round(x, 1) for x in os.getloadavg()]
    datasette_port, project_port = free_port(), free_port()
    print(f"Datasette on :{datasette_port}, the project ({vendor}) on :{project_port}…", flush=True)
    peer = start_datasette(datasette, copy, datasette_port)
    try:
        project = start_project(project_url, project_port, args.workers, stale=False, cache_dir=cache_dir)
        try:
            results = measure(args, project_port, datasette_port, editor)
        finally:
            stop(project)
        stale = None
        if args.json:  # kept should the second part fail
            args.json.with_suffix(".partial.json").write_text(json.dumps(results, indent=2))
        if not args.skip_stale:
            project = start_project(project_url, project_port, args.workers, stale=True, cache_dir=cache_dir)
            try:
                stale = measure_stale(args, project_port, editor)
            finally:
                stop(project)
    finally:
        stop(peer)
    versions = subprocess.run([str(datasette), "--version"], capture_output=True, text=True).stdout.strip()
    document = {
        "meta": {
            "n": args.n,
            "project_database": vendor,
            "datasette": versions,
            "datasette_file": str(copy),
            "repeat": args.repeat,
            "csv_repeat": min(args.csv_repeat, args.repeat),
            "workers": args.workers,
            "facets_datasette": list(FACETS),
            "edits_refused_database_locked": editor.locked,
            "load_average_before": load_before,
            "load_average_after": [round(x, 1) for x in os.getloadavg()],
            "date": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
            "client": "http.client, one connection per request, on the same machine, requests alternated",
        },
        "requests": {r.key: {"project": r.project, "datasette": r.datasette} for r in requests()},
        "results": results,
        "stale": stale,
    }
    print(f"\nN={args.n:,}, project on {vendor} (gunicorn, {args.workers} workers), {versions} on SQLite:")
    print("\n".join(table(document)))
    if args.json:
        args.json.write_text(json.dumps(document, indent=2))
        print(f"\nWrote {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
