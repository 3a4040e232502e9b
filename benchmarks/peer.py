"""The project side by side with Datasette on the same synthetic catalogue (docs/performance.md).

    .venv/bin/python benchmarks/peer.py [--n 100000] [--repeat 15] [--json OUT] [--database-url postgres://…]
        [--baseline-n 1000] [--csv-repeat 5] [--skip-stale] [--sqlite PATH]

Datasette is what a data publisher would pick instead to put the same table online with facets,
search, a JSON API and CSV. This script installs it into a throwaway environment under /tmp (never a
project dependency), prepares the benchmark's SQLite file of N synthetic initiatives (the one
benchmarks/run.py uses, reused when it holds N rows), and gives Datasette what a publisher would
load (build_copy): the initiatives table alone with the columns the project publishes, an index per
facet and filter asked for, none of the project's tables, derived columns or indexes, and the
search index a publisher wanting the project's search would build: a trigram FTS5 index of each
row's folded search text, so that Datasette's `_search` finds the rows the project's search finds
(the earlier copies' word index stays as a second reference). It serves that copy with
`datasette -i -m` and the project on gunicorn (2 workers, benchmarks.settings), then alternates
the requests, R of each, over HTTP on 127.0.0.1:

- the project as visitors get it (its page cache warm);
- the project's first render after an edit: the catalogue version is bumped before each request,
  the way an edit does (with the stale window off: that render is what the page cache would wait for);
- the project after an edit as an anonymous visitor gets it with the stale window on (default
  settings, a second gunicorn): the previous page while a background thread renders the new one;
- Datasette with `_nosuggest=1`, 3 facets and the same filters (published rows only); for the
  searches, also by its word index (`_fts_table`).

Two searches: "sao" (the issue's) and "consorcio"; the table says how many rows each side's
search matched, and flags a search whose counts differ (a ratio of two different questions). A
list filtered by one country (both sides facet it under that filter); the table says how many rows
it keeps.
The detail page is that of the first published initiative (by slug) with sectors and themes, so
that its similar initiatives are computed; its reference is Datasette's faceted table page (the
target), and Datasette's page of that row is shown too. With --baseline-n the project is also
served on a catalogue of that size (a second gunicorn, its own SQLite file or PostgreSQL database
`<name>_<size>`, created here), and its cold list is timed alternately with N's for the growth
ratio. With --database-url the project runs on that database (PostgreSQL) with the same rows,
generated there with the same seed; Datasette stays on the SQLite file. Nothing here asserts a
timing.
"""

import argparse
import http.client
import json
import os
import re
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack, closing
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode, urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

DATASETTE = "datasette>=0.65,<0.66"
TABLE = "initiatives_initiative"
DATABASE = "bench"  # Datasette names a database after its file
FACETS = ("country", "kind", "status")
LIST_SIZE = 24  # the project's list page (initiatives.pagination.PAGE_SIZE)
API_SIZE = 100
SEARCH = "sao"
# A word inside names only: the word index of earlier copies matched it in the same rows as the
# project's search, where it matched "sao" in 1,532 rows out of the project's 13,164.
SAME_MATCHES_SEARCH = "consorcio"
# A list filtered by one value: the country with most initiatives, a column both sides filter on.
FILTER_COUNTRY = "BR"
# The copy's search index (Datasette's `fts_table`, by its metadata): the project's question, a
# substring of the folded text of every name, place, sector… (initiatives.search_index), which a
# trigram index answers for any phrase of 3 letters or more. The text is folded already: SQLite's
# trigram tokenizer folds case, not accents.
SEARCH_FTS = f"{TABLE}_search"
# The word index earlier copies served (what `sqlite-utils enable-fts --fts5` makes), kept as a
# second reference so that the history stays comparable; it answers another question (whole
# words of the names, territory and description).
WORD_FTS = f"{TABLE}_fts"
FTS_COLUMNS = ("name", "name_en", "name_es", "name_pt_br", "territory", "description")
# What a publisher would put online: the columns of the project's CSV export (its FIELDS), the key,
# and the two columns Datasette filters by and could sort by. Not the project's derived columns
# (sort keys, name keys, the folded search text, which the FTS index replaces) nor its private ones.
PUBLISHED_COLUMNS = (
    "id", "is_published", "created", "slug", "name", "kind", "status", "country", "territory",
    "program_id", "route_id", "managing_organisation", "year_started", "member_count", "website",
    "latitude", "longitude", "location_precision", "language", "description", "name_pt_br", "name_es",
    "name_en", "description_pt_br", "description_es", "description_en", "source_text", "source_url",
    "updated", "specialisation",
)  # fmt: skip
# For the filter Datasette is asked for, and for each facet under that filter: the filter's column
# first, so that a facet is counted from its index alone (as the project's own indexes do).
INDEXES = (("is_published",), *(("is_published", facet) for facet in FACETS))
COPY_FORMAT = "publisher-2"  # in the copy's stamp: copies built another way are rebuilt
CSV_REPEAT = 5  # a CSV of everything takes seconds


@dataclass(frozen=True)
class Request:
    """One kind of request to both servers; `search` is the word searched, if any."""

    key: str
    label: str
    project: str
    datasette: str
    warm: bool = True  # measured from the page cache
    cold: bool = True  # measured after a bump of the catalogue version
    datasette_row: str = ""  # a second reference: Datasette's page of that one row
    datasette_word: str = ""  # a second reference: Datasette's search by its word index
    search: str = ""
    country: str = ""  # the country filtered on, if any

    @property
    def matched(self) -> str:
        """What its match counts are filed under: the word searched, or the filter."""
        return self.search or (f"country={self.country}" if self.country else "")


def datasette_path(*, fmt: str = "", facets: bool = True, size: int | str | None = None, **extra) -> str:
    params = [("is_published", "1"), ("_nosuggest", "1")]
    params += [("_facet", facet) for facet in FACETS] if facets else []
    params += [("_size", str(size))] if size is not None else []
    params += list(extra.items())
    return f"/{DATABASE}/{TABLE}{fmt}?{urlencode(params)}"


def requests(detail_slug: str = "<slug>", detail_pk: int = 0) -> list[Request]:
    """What both servers are asked, in the order of a round; main() names the detail page's
    initiative (Editor.detail_slug) and its row in Datasette's copy."""
    return [
        Request("list", "faceted list, first page", "/en/initiatives/", datasette_path(size=LIST_SIZE)),
        Request(
            "detail",
            "detail page (Datasette: its faceted table page)",
            f"/en/initiatives/{detail_slug}/",
            datasette_path(size=LIST_SIZE),
            datasette_row=f"/{DATABASE}/{TABLE}/{detail_pk}",
        ),
        Request(
            "filtered",
            f"list filtered by country={FILTER_COUNTRY}",
            f"/en/initiatives/?country={FILTER_COUNTRY}",
            datasette_path(size=LIST_SIZE, country=FILTER_COUNTRY),
            country=FILTER_COUNTRY,
        ),
        Request(
            "search",
            f'search "{SEARCH}"',
            f"/en/initiatives/?q={SEARCH}",
            datasette_path(size=LIST_SIZE, _search=SEARCH),
            datasette_word=datasette_path(size=LIST_SIZE, _search=SEARCH, _fts_table=WORD_FTS),
            search=SEARCH,
        ),
        Request(
            "search_same",
            f'search "{SAME_MATCHES_SEARCH}"',
            f"/en/initiatives/?q={SAME_MATCHES_SEARCH}",
            datasette_path(size=LIST_SIZE, _search=SAME_MATCHES_SEARCH),
            datasette_word=datasette_path(size=LIST_SIZE, _search=SAME_MATCHES_SEARCH, _fts_table=WORD_FTS),
            search=SAME_MATCHES_SEARCH,
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
    parser.add_argument(
        "--baseline-n",
        type=int,
        help="also serve the project on a catalogue of this size and time its cold list alternated with N's",
    )
    parser.add_argument("--prepare-only", action="store_true", help=argparse.SUPPRESS)  # the child's job
    parser.add_argument("--edit-loop", action="store_true", help=argparse.SUPPRESS)  # the Editor's child
    args = parser.parse_args(argv)
    if args.baseline_n is not None and not 0 < args.baseline_n < args.n:
        parser.error(f"--baseline-n must be between 1 and --n ({args.n:,}) exclusive, not {args.baseline_n:,}")
    if args.baseline_n and args.database_url and urlsplit(args.database_url).scheme not in ("postgres", "postgresql"):
        parser.error("--baseline-n creates its database next to --database-url's: give a postgres:// URL")
    default = Path(tempfile.gettempdir()) / f"catalogue-bench-{args.n}.sqlite3"
    # Next to the main file when one is named, so that a run never touches another run's files.
    args.baseline_sqlite = None
    if args.baseline_n:
        args.baseline_sqlite = (
            args.sqlite.with_name(f"{args.sqlite.stem}-baseline-{args.baseline_n}.sqlite3")
            if args.sqlite
            else default.with_name(f"catalogue-bench-{args.baseline_n}.sqlite3")
        )
    args.sqlite = args.sqlite or default
    return args


def baseline_database_url(database_url: str, n: int) -> str:
    """The PostgreSQL database for the baseline: the main one's name with `_<n>`."""
    parts = urlsplit(database_url)
    return urlunsplit(parts._replace(path=f"{parts.path.rstrip('/')}_{n}"))


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"


# --- preparing ------------------------------------------------------------------------------------


def prepare_in_child(args, database_url: str, n: int) -> None:
    """Generate (or reuse) the n synthetic rows in that database, in a process of its own: the
    settings depend on DATABASE_URL."""
    env = {**os.environ, "DATABASE_URL": database_url, "DJANGO_SETTINGS_MODULE": "benchmarks.settings"}
    command = [sys.executable, __file__, "--prepare-only", "--n", str(n), "--seed", str(args.seed)]
    subprocess.run(command, check=True, env=env, cwd=ROOT)


def create_baseline_database(database_url: str, n: int) -> str:
    """The baseline's PostgreSQL database (the main one's name with `_<n>`), created on the same
    server unless it exists."""
    import psycopg
    from psycopg import sql

    url = baseline_database_url(database_url, n)
    name = urlsplit(url).path.lstrip("/")
    with psycopg.connect(database_url, autocommit=True) as connection:
        if not connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            print(f"Creating the database {name}…", flush=True)
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return url


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
        subprocess.run([*pip, DATASETTE], check=True)
    return datasette


def datasette_copy(source: Path) -> Path:
    """The table as a data publisher would put it online, for Datasette (build_copy); rebuilt when
    the source or the way it is built changes."""
    copy = source.with_name(f"{source.stem}-peer") / f"{DATABASE}.db"
    stamp = copy.with_suffix(".source")
    signature = f"{COPY_FORMAT}:{source.stat().st_size}:{source.stat().st_mtime_ns}"
    if copy.exists() and stamp.exists() and stamp.read_text() == signature:
        return copy
    print(f"Copying the published columns of {source} for Datasette, indexing them…", flush=True)
    copy.parent.mkdir(parents=True, exist_ok=True)
    build_copy(source, copy.with_suffix(".tmp"))
    copy.with_suffix(".tmp").replace(copy)
    stamp.write_text(signature)
    return copy


def build_copy(source: Path, target: Path) -> None:
    """Only the initiatives table, with the columns the project publishes, none of the project's
    indexes (they are tuned to its queries, and Datasette's planner picks them for its own to its
    cost: docs/performance.md), an index per facet and filter Datasette is asked for (what
    `sqlite-utils create-index` makes), two FTS5 indexes, then ANALYZE and VACUUM. SEARCH_FTS, the
    one Datasette searches (datasette_metadata): a contentless trigram index of the source's folded
    `search_text`, what a publisher wanting the project's search would build, so that both sides
    answer the same question; the text stays out of the table (it would widen every row, its JSON
    and CSV). WORD_FTS, the earlier copies' index, as `sqlite-utils enable-fts --fts5` makes it
    (its tokenizer folds accents), asked for by `_fts_table` as a second reference."""
    target.unlink(missing_ok=True)
    quoted = ", ".join(f'"{column}"' for column in PUBLISHED_COLUMNS)
    with closing(sqlite3.connect(f"file:{target}", uri=True, isolation_level=None)) as db:  # URIs in ATTACH
        db.execute("ATTACH DATABASE ? AS source", (f"file:{source}?mode=ro",))
        types = {row[1]: row[2] for row in db.execute(f'PRAGMA source.table_info("{TABLE}")')}
        definition = ", ".join(
            '"id" INTEGER PRIMARY KEY' if column == "id" else f'"{column}" {types[column]}'
            for column in PUBLISHED_COLUMNS
        )
        db.execute("BEGIN")
        db.execute(f'CREATE TABLE "{TABLE}" ({definition})')
        db.execute(f'INSERT INTO main."{TABLE}" ({quoted}) SELECT {quoted} FROM source."{TABLE}" ORDER BY id')
        db.execute(f"CREATE VIRTUAL TABLE [{SEARCH_FTS}] USING FTS5 (search_text, tokenize='trigram', content='')")
        db.execute(f'INSERT INTO [{SEARCH_FTS}] (rowid, search_text) SELECT id, search_text FROM source."{TABLE}"')
        db.execute("COMMIT")
        db.execute("DETACH DATABASE source")
        for columns in INDEXES:
            name, quoted = "_".join(columns), ", ".join(f'"{column}"' for column in columns)
            db.execute(f'CREATE INDEX "idx_{TABLE}_{name}" ON "{TABLE}" ({quoted})')
        fts = ", ".join(f"[{column}]" for column in FTS_COLUMNS)
        db.execute(f"CREATE VIRTUAL TABLE [{WORD_FTS}] USING FTS5 ({fts}, content=[{TABLE}])")
        db.execute(f"INSERT INTO [{WORD_FTS}] (rowid, {fts}) SELECT rowid, {fts} FROM [{TABLE}]")
        for index in (WORD_FTS, SEARCH_FTS):
            db.execute(f"INSERT INTO [{index}] ([{index}]) VALUES ('optimize')")
        db.execute("ANALYZE")
        db.execute("VACUUM")


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


def datasette_metadata() -> dict:
    """Datasette's metadata for the copy: `_search` reads the trigram index (its auto-detection
    finds only an index declared with the table as its content, the word index)."""
    return {"databases": {DATABASE: {"tables": {TABLE: {"fts_table": SEARCH_FTS, "fts_pk": "id"}}}}}


def start_datasette(datasette: Path, copy: Path, port: int) -> subprocess.Popen:
    metadata = copy.with_suffix(".metadata.json")
    metadata.write_text(json.dumps(datasette_metadata(), indent=2))
    command = [
        str(datasette), "serve", "-i", str(copy), "-m", str(metadata), "--host", "127.0.0.1", "--port", str(port),
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
    """Bumps a database's catalogue version as an edit does, from a child process of its own (the
    settings depend on DATABASE_URL, and the baseline is another database); it also chooses the
    detail page."""

    def __init__(self, database_url: str):
        env = {**os.environ, "DATABASE_URL": database_url, "DJANGO_SETTINGS_MODULE": "benchmarks.settings"}
        command = [sys.executable, __file__, "--edit-loop"]
        self.database_url = database_url
        self.process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
        )
        self.vendor, recheck = self.answer("start").split()
        self.recheck_seconds = float(recheck)
        self.locked = 0  # bumps refused with "database is locked", retried

    def ask(self, command: str) -> str:
        self.process.stdin.write(command + "\n")
        self.process.stdin.flush()
        return self.answer(command)

    def answer(self, command: str) -> str:
        answer = self.process.stdout.readline()
        if not answer:  # its traceback is on stderr
            raise RuntimeError(
                f"The editor process on {self.database_url} exited with {self.process.wait()} on {command!r}"
            )
        return answer.strip()

    def bump(self) -> None:
        self.locked += int(self.ask("edit"))

    def detail_slug(self) -> str:
        return self.ask("detail")

    def matches(self, word: str) -> int:
        """How many published initiatives the project's search for `word` finds."""
        return int(self.ask(f"matches {word}"))

    def in_country(self, code: str) -> int:
        """How many published initiatives the project has in the country `code`."""
        return int(self.ask(f"country {code}"))

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.stdin.close()  # its loop ends
            self.process.wait(30)


def edit(*editors: Editor) -> None:
    """An edit in each database, then the wait until every worker has re-read the version
    (CATALOGUE_VERSION_RECHECK_SECONDS)."""
    for editor in editors:
        editor.bump()
    time.sleep(max(editor.recheck_seconds for editor in editors) + 0.2)


def edit_loop() -> None:
    """The Editor's child: one answer line per command line read."""
    import django

    django.setup()
    from django.conf import settings
    from django.db import OperationalError, connection, connections

    from initiatives.cache import bump_catalogue_version
    from initiatives.models import Initiative

    print(connection.vendor, settings.CATALOGUE_VERSION_RECHECK_SECONDS, flush=True)
    for command in sys.stdin:
        if command.strip() == "detail":
            # The first published initiative with sectors and themes: its page computes similar ones.
            chosen = Initiative.objects.filter(is_published=True, sectors__isnull=False, themes__isnull=False)
            print(chosen.order_by("slug").values_list("slug", flat=True).first() or "", flush=True)
            continue
        if command.startswith("matches "):
            print(project_matches(command.split(" ", 1)[1].strip()), flush=True)
            continue
        if command.startswith("country "):
            print(project_in_country(command.split(" ", 1)[1].strip()), flush=True)
            continue
        locked = 0
        for attempt in range(5):
            try:
                bump_catalogue_version()
                break
            except OperationalError:  # SQLite: the write waited 5 s for the servers' readers
                if attempt == 4:
                    raise  # not a lock, or locked for good: no edit, no cold render to time
                locked += 1
                connections.close_all()
        connections.close_all()  # no lock held on SQLite while gunicorn reads
        print(locked, flush=True)


def datasette_pk(copy: Path, slug: str) -> int:
    with closing(sqlite3.connect(f"file:{copy}?mode=ro", uri=True)) as db:
        row = db.execute(f'SELECT id FROM "{TABLE}" WHERE slug = ?', [slug]).fetchone()
    if row is None:
        raise RuntimeError(f"The initiative {slug!r} chosen for the detail page is not in Datasette's copy {copy}")
    return row[0]


def project_matches(word: str) -> int:
    """How many published initiatives the project's search for `word` finds."""
    from initiatives.models import Initiative

    return Initiative.objects.published().search(word).count()


def project_in_country(code: str) -> int:
    """How many published initiatives the project's list filtered by the country `code` shows."""
    from initiatives.models import Initiative

    return Initiative.objects.published().filter(country=code).count()


_FTS_BITS = re.compile(r'\s+|(".*?")')


def escape_fts(query: str) -> str:
    """What Datasette's `_search` matches for `query` (datasette.utils.escape_fts in 0.65): each
    word quoted as a phrase, so that a trigram index finds it as a substring."""
    if query.count('"') % 2:
        query += '"'
    bits = [bit for bit in _FTS_BITS.split(query) if bit and bit != '""']
    return " ".join(bit if bit.startswith('"') else f'"{bit}"' for bit in bits)


def datasette_match_ids(copy: Path, word: str, index: str = SEARCH_FTS) -> list[int]:
    """The published rows Datasette's `_search` for `word` finds in its copy by that FTS index,
    with its where clause (datasette.filters.search_filters), by id."""
    with closing(sqlite3.connect(f"file:{copy}?mode=ro", uri=True)) as db:
        found = f"SELECT rowid FROM [{index}] WHERE [{index}] MATCH ?"
        query = f'SELECT id FROM "{TABLE}" WHERE is_published = 1 AND id IN ({found}) ORDER BY id'
        return [pk for (pk,) in db.execute(query, [escape_fts(word)])]


def datasette_matches(copy: Path, word: str, index: str = SEARCH_FTS) -> int:
    """How many published rows Datasette's `_search` finds in its copy by that FTS index."""
    return len(datasette_match_ids(copy, word, index))


def datasette_in_country(copy: Path, code: str) -> int:
    """How many published rows Datasette's filter country=`code` keeps in its copy."""
    with closing(sqlite3.connect(f"file:{copy}?mode=ro", uri=True)) as db:
        query = f'SELECT COUNT(*) FROM "{TABLE}" WHERE is_published = 1 AND country = ?'
        return db.execute(query, [code]).fetchone()[0]


def match_counts(plan: list[Request], editor: "Editor", copy: Path) -> dict[str, dict[str, int]]:
    """How many rows each search or filter keeps on each side, by Request.matched."""
    counts = {}
    for r in plan:
        if r.search:
            counts[r.matched] = {
                "project": editor.matches(r.search),
                "datasette": datasette_matches(copy, r.search),
                "datasette_word": datasette_matches(copy, r.search, WORD_FTS),
            }
        elif r.country:
            counts[r.matched] = {
                "project": editor.in_country(r.country),
                "datasette": datasette_in_country(copy, r.country),
            }
    for found in counts.values():
        found["equal"] = found["project"] == found["datasette"]
    return counts


def unequal(found: dict) -> bool:
    return found["project"] != found["datasette"]


@dataclass
class Baseline:
    """The project on the smaller catalogue, for the cold list's growth."""

    n: int
    port: int
    editor: Editor


def measure(args, plan: list[Request], project_port: int, datasette_port: int, editor: Editor, baseline=None) -> dict:
    columns = ("warm", "cold", "datasette", "datasette_row", "datasette_word", "cold_baseline")
    samples = {r.key: {column: [] for column in columns} for r in plan}
    for r in plan:  # untimed: fill the page cache, let Datasette open the file
        fetch(project_port, r.project)
        for path in filter(None, (r.datasette, r.datasette_word)):
            fetch(datasette_port, path)
    if baseline:
        fetch(baseline.port, "/en/initiatives/")
    for i in range(args.repeat):
        print(f"  round {i + 1}/{args.repeat}", flush=True)
        for r in plan:
            if r.key == "csv" and i >= args.csv_repeat:
                continue
            if r.cold and r.key == "list" and baseline:
                edit(editor, baseline.editor)
                # Alternated: each goes first in every other round.
                for port, column in [(project_port, "cold"), (baseline.port, "cold_baseline")][:: 1 - 2 * (i % 2)]:
                    samples[r.key][column].append(fetch(port, r.project))
            elif r.cold:
                edit(editor)
                samples[r.key]["cold"].append(fetch(project_port, r.project))
            if r.warm:  # right after the cold one, which stored it: other kinds' edits bump the version
                fetch(project_port, r.project)  # the other worker's first request may open its connection
                samples[r.key]["warm"].append(fetch(project_port, r.project))
            samples[r.key]["datasette"].append(fetch(datasette_port, r.datasette))
            if r.datasette_row:
                samples[r.key]["datasette_row"].append(fetch(datasette_port, r.datasette_row))
            if r.datasette_word:
                samples[r.key]["datasette_word"].append(fetch(datasette_port, r.datasette_word))
    return {
        key: {column: summary(s) for column, s in by_column.items() if s or column in columns[:3]}
        for key, by_column in samples.items()
    }


def measure_stale(args, plan: list[Request], project_port: int, editor: Editor) -> dict:
    """After an edit, as an anonymous visitor gets the page with the stale window on."""
    pages = [r for r in plan if r.warm and r.cold]
    samples = {r.key: [] for r in pages}
    for r in pages:
        fetch(project_port, r.project)
    for i in range(args.repeat):
        print(f"  round {i + 1}/{args.repeat} (stale window on)", flush=True)
        for r in pages:
            edit(editor)
            samples[r.key].append(fetch(project_port, r.project))
    return {key: summary(s) for key, s in samples.items()}


# --- reporting ------------------------------------------------------------------------------------


def ratio(a: dict | None, b: dict | None) -> float | None:
    if not a or not b or not a.get("median_ms") or not b.get("median_ms"):
        return None
    return round(a["median_ms"] / b["median_ms"], 2)


def cell(result: dict | None, first_byte: bool = False) -> str:
    if not result or not result.get("samples"):
        return "–"
    text = f"{result['median_ms']:,.1f} ms (p95 {result['p95_ms']:,.1f})"
    if first_byte:
        text += f", first byte {result['ttfb']['median_ms']:,.1f} ms"
    return text + (f" errors {result['errors']}" if result.get("errors") else "")


def table(document: dict) -> list[str]:
    def times(value: float | None) -> str:
        return "–" if value is None else f"{value}×"

    lines = [
        "| request | project as visitors get it | project, first render after an edit | "
        "project after an edit, stale window on | Datasette | cold ratio | Datasette, word index | cold ratio to it |",
        "|---|---|---|---|---|---|---|---|",
    ]
    results, stale = document["results"], document.get("stale") or {}
    matches = document.get("matches") or {}
    for r in requests():
        row = results[r.key]
        label = r.label
        if r.matched in matches:
            found = matches[r.matched]
            label += f" (matches: project {found['project']:,}, Datasette {found['datasette']:,}"
            if "datasette_word" in found:
                label += f", Datasette's word index {found['datasette_word']:,}"
            label += ")" + (" **UNEQUAL MATCHES: not the same question**" if unequal(found) else "")
        csv = r.key == "csv"
        cold_ratio = ratio(row["cold"], row["datasette"]) if r.cold else ratio(row["warm"], row["datasette"])
        word = row.get("datasette_word")
        word_cells = f"{cell(word)} | {times(ratio(row['cold'], word))}" if word else "– | –"
        project = f"| {cell(row['warm'])} | {cell(row['cold'], csv)} | {cell(stale.get(r.key))} |"
        lines.append(f"| {label} {project} {cell(row['datasette'], csv)} | {times(cold_ratio)} | {word_cells} |")
        if r.datasette_row:
            row_ratio = times(ratio(row["cold"], row.get("datasette_row")))
            lines.append(
                f"| detail page (Datasette: its row page) {project} {cell(row.get('datasette_row'))} | {row_ratio} "
                "| – | – |"
            )
    return lines


def unequal_match_lines(document: dict) -> list[str]:
    """A warning per search or filter whose rows differ between the two sides: its ratio compares
    two different questions."""
    return [
        f"WARNING: {matched!r} matches {found['project']:,} rows in the project and {found['datasette']:,} in "
        "Datasette: its ratio compares different questions"
        for matched, found in (document.get("matches") or {}).items()
        if unequal(found)
    ]


def growth_lines(document: dict) -> list[str]:
    """The cold list at N against the cold list at the baseline's size, measured alternately."""
    listing, n, baseline_n = document["results"]["list"], document["meta"]["n"], document["meta"].get("baseline_n")
    if not baseline_n:
        return []
    growth = ratio(listing["cold"], listing.get("cold_baseline"))
    return [
        f"Cold list at {n:,}: {cell(listing['cold'])}; at {baseline_n:,}: {cell(listing.get('cold_baseline'))}; "
        f"ratio {'–' if growth is None else f'{growth}×'} (target ≤ 3×)"
    ]


def main(argv=None) -> int:
    args = parse_args(argv)
    if args.prepare_only:
        prepare_here(args)
        return 0
    if args.edit_loop:
        edit_loop()
        return 0
    # Stopped with SIGTERM: still stop the servers and the editors (the with blocks below).
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))
    datasette = install_datasette(args.venv)
    prepare_in_child(args, sqlite_url(args.sqlite), args.n)
    project_url = args.database_url or sqlite_url(args.sqlite)
    if args.database_url:
        prepare_in_child(args, args.database_url, args.n)
    baseline_url = None
    if args.baseline_n:
        baseline_url = (
            create_baseline_database(args.database_url, args.baseline_n)
            if args.database_url
            else sqlite_url(args.baseline_sqlite)
        )
        prepare_in_child(args, baseline_url, args.baseline_n)
    copy = datasette_copy(args.sqlite)
    cache_dir = copy.parent / f"cache-{'postgresql' if args.database_url else 'sqlite'}"
    with ExitStack() as stack:
        editor = Editor(project_url)
        stack.callback(editor.close)
        slug = editor.detail_slug()
        if not slug:
            raise RuntimeError("No published initiative with sectors and themes for the detail page")
        plan = requests(slug, datasette_pk(copy, slug))
        matches = match_counts(plan, editor, copy)
        print("\n".join(unequal_match_lines({"matches": matches})) or "Both sides match the same rows.", flush=True)
        vendor = editor.vendor
        load_before = [round(x, 1) for x in os.getloadavg()]
        datasette_port, project_port = free_port(), free_port()
        print(f"Datasette on :{datasette_port}, the project ({vendor}) on :{project_port}…", flush=True)
        peer = start_datasette(datasette, copy, datasette_port)
        stack.callback(stop, peer)
        with ExitStack() as first:  # the first part's servers: the project, the baseline's
            baseline = None
            if baseline_url:
                baseline = Baseline(args.baseline_n, free_port(), Editor(baseline_url))
                first.callback(baseline.editor.close)
                print(f"The project on {args.baseline_n:,} initiatives on :{baseline.port}…", flush=True)
                baseline_cache = cache_dir.with_name(f"{cache_dir.name}-{args.baseline_n}")
                first.callback(stop, start_project(baseline_url, baseline.port, args.workers, False, baseline_cache))
            first.callback(stop, start_project(project_url, project_port, args.workers, False, cache_dir))
            results = measure(args, plan, project_port, datasette_port, editor, baseline)
        stale = None
        if args.json:  # kept should the second part fail
            args.json.with_suffix(".partial.json").write_text(json.dumps(results, indent=2))
        if not args.skip_stale:
            project = start_project(project_url, project_port, args.workers, stale=True, cache_dir=cache_dir)
            try:
                stale = measure_stale(args, plan, project_port, editor)
            finally:
                stop(project)
    versions = subprocess.run([str(datasette), "--version"], capture_output=True, text=True).stdout.strip()
    document = {
        "meta": {
            "n": args.n,
            "baseline_n": args.baseline_n,
            "project_database": vendor,
            "datasette": versions,
            "datasette_file": str(copy),
            "datasette_indexes": ["(" + ", ".join(columns) + ")" for columns in INDEXES],
            "datasette_search": f"{SEARCH_FTS}: FTS5 trigram over the folded search_text ({COPY_FORMAT})",
            "datasette_word_index": f"{WORD_FTS}: FTS5 unicode61 over {', '.join(FTS_COLUMNS)}",
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
        "requests": {
            r.key: {
                "project": r.project,
                "datasette": r.datasette,
                **({"datasette_row": r.datasette_row} if r.datasette_row else {}),
                **({"datasette_word": r.datasette_word} if r.datasette_word else {}),
            }
            for r in plan
        },
        "matches": matches,
        "matches_equal": not any(unequal(found) for found in matches.values()),
        "results": results,
        "stale": stale,
    }
    print(f"\nN={args.n:,}, project on {vendor} (gunicorn, {args.workers} workers), {versions} on SQLite:")
    print("\n".join(table(document) + growth_lines(document) + unequal_match_lines(document)))
    if args.json:
        args.json.write_text(json.dumps(document, indent=2))
        print(f"\nWrote {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
