"""The side-by-side benchmark against Datasette (benchmarks/peer.py): its arguments, the URLs it asks
both servers for and its table; no server, no network, no timing."""

from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from benchmarks import peer
from initiatives.models import Initiative


def query(url: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(url).query)


def test_it_defaults_to_the_issue_s_measurement():
    args = peer.parse_args([])

    assert (args.n, args.repeat, args.database_url, args.json) == (100_000, 15, None, None)
    assert args.sqlite.name == "catalogue-bench-100000.sqlite3"  # the file benchmarks/run.py builds


def test_it_takes_the_size_repeats_output_and_project_database():
    args = peer.parse_args(
        ["--n", "1000", "--repeat", "3", "--json", "/tmp/out.json", "--database-url", "postgres://h/db"]
    )

    assert (args.n, args.repeat, args.json, args.database_url) == (1000, 3, Path("/tmp/out.json"), "postgres://h/db")
    assert args.sqlite.name == "catalogue-bench-1000.sqlite3"  # Datasette stays on SQLite


def test_it_asks_datasette_for_published_rows_three_facets_and_no_suggestions():
    by_key = {r.key: r for r in peer.requests()}

    listing = query(by_key["list"].datasette)
    assert listing["is_published"] == ["1"] and listing["_nosuggest"] == ["1"]
    assert listing["_facet"] == ["country", "kind", "status"]
    assert listing["_size"] == ["24"]
    assert query(by_key["search"].datasette)["_search"] == ["sao"]
    assert by_key["search"].project == "/en/initiatives/?q=sao"
    api = by_key["api"]
    assert urlsplit(api.datasette).path.endswith(".json") and "_facet" not in query(api.datasette)
    assert query(api.datasette)["_size"] == ["100"] and query(api.project)["page_size"] == ["100"]
    csv = query(by_key["csv"].datasette)
    assert (csv["_stream"], csv["_size"], csv["is_published"]) == (["on"], ["max"], ["1"])


def test_it_names_columns_the_initiatives_table_has():
    columns = {field.column for field in Initiative._meta.concrete_fields}

    assert Initiative._meta.db_table == peer.TABLE
    assert set(peer.FACETS) <= columns and set(peer.FTS_COLUMNS) <= columns
    assert "is_published" in columns


def test_it_prints_medians_and_the_ratio_to_datasette():
    def result(ms):
        return {"median_ms": ms, "p95_ms": ms * 2, "ttfb": {"median_ms": 1.0}, "bytes": 10, "samples": 3}

    results = {r.key: {"warm": result(2.0), "cold": result(300.0), "datasette": result(150.0)} for r in peer.requests()}
    lines = peer.table({"results": results, "stale": {"list": result(4.0)}})

    listing = next(line for line in lines if line.startswith("| faceted list"))
    assert "| 2.0 ms (p95 4.0) | 300.0 ms (p95 600.0) | 4.0 ms (p95 8.0) | 150.0 ms (p95 300.0) | 2.0× |" in listing
    floor = next(line for line in lines if line.startswith("| floor"))
    assert floor.endswith("| 0.01× |")  # no render after an edit: the warm one against Datasette's
