"""The side-by-side benchmark against Datasette (benchmarks/peer.py): its arguments, the URLs it asks
both servers for and its table; no server, no network, no timing."""

import http.client
import json
import sqlite3
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from benchmarks import peer
from initiatives.models import Initiative, Municipality


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
    assert query(by_key["search_same"].datasette)["_search"] == ["consorcio"]
    assert by_key["search_same"].project == "/en/initiatives/?q=consorcio"
    assert query(by_key["search_same"].datasette)["_facet"] == ["country", "kind", "status"]
    filtered = query(by_key["filtered"].datasette)
    assert (filtered["country"], filtered["is_published"], filtered["_size"]) == (["BR"], ["1"], ["24"])
    assert filtered["_facet"] == ["country", "kind", "status"]
    assert by_key["filtered"].project == "/en/initiatives/?country=BR"
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
    results = {r.key: {"warm": result(2.0), "cold": result(300.0), "datasette": result(150.0)} for r in peer.requests()}
    lines = peer.table({"results": results, "stale": {"list": result(4.0)}})

    listing = next(line for line in lines if line.startswith("| faceted list"))
    assert "| 2.0 ms (p95 4.0) | 300.0 ms (p95 600.0) | 4.0 ms (p95 8.0) | 150.0 ms (p95 300.0) | 2.0× |" in listing
    floor = next(line for line in lines if line.startswith("| floor"))
    assert floor.endswith("| 0.01× | – | – |")  # no render after an edit: the warm one against Datasette's
    assert lines[0].endswith("| Datasette | cold ratio | Datasette, word index | cold ratio to it |")


def test_it_prints_the_searches_against_datasette_s_word_index_too():
    results = {r.key: {"warm": result(2.0), "cold": result(300.0), "datasette": result(150.0)} for r in peer.requests()}
    results["search"]["datasette_word"] = result(30.0)

    lines = peer.table({"results": results, "stale": {}})

    search = next(line for line in lines if line.startswith('| search "sao"'))
    assert search.endswith("| 150.0 ms (p95 300.0) | 2.0× | 30.0 ms (p95 60.0) | 10.0× |")
    by_key = {r.key: r for r in peer.requests()}
    assert query(by_key["search"].datasette_word)["_fts_table"] == [peer.WORD_FTS]
    assert query(by_key["search_same"].datasette_word)["_search"] == ["consorcio"]
    assert "_fts_table" not in query(by_key["search"].datasette)  # the metadata's index: the same question


def test_it_prints_how_many_rows_each_search_matches_on_each_side():
    results = {r.key: {"warm": result(2.0), "cold": result(300.0), "datasette": result(150.0)} for r in peer.requests()}
    matches = {
        "sao": {"project": 13164, "datasette": 13164, "datasette_word": 1532},
        "consorcio": {"project": 11742, "datasette": 11742, "datasette_word": 11742},
    }
    lines = peer.table({"results": results, "stale": {}, "matches": matches})

    assert any(
        line.startswith('| search "sao" (matches: project 13,164, Datasette 13,164, Datasette\'s word index 1,532) |')
        for line in lines
    )
    assert any(
        line.startswith(
            '| search "consorcio" (matches: project 11,742, Datasette 11,742, Datasette\'s word index 11,742) |'
        )
        for line in lines
    )
    assert not any("UNEQUAL" in line for line in lines)
    assert peer.unequal_match_lines({"matches": matches}) == []


def test_it_flags_a_search_whose_matches_differ_between_the_two_sides():
    results = {r.key: {"warm": result(2.0), "cold": result(300.0), "datasette": result(150.0)} for r in peer.requests()}
    matches = {"sao": {"project": 13164, "datasette": 1532}, "consorcio": {"project": 11742, "datasette": 11742}}

    lines = peer.table({"results": results, "stale": {}, "matches": matches})

    sao = next(line for line in lines if line.startswith('| search "sao"'))
    assert sao.startswith(
        '| search "sao" (matches: project 13,164, Datasette 1,532) **UNEQUAL MATCHES: not the same question** |'
    )
    consorcio = next(line for line in lines if line.startswith('| search "consorcio"'))
    assert "UNEQUAL" not in consorcio
    assert peer.unequal_match_lines({"matches": matches}) == [
        "WARNING: 'sao' matches 13,164 rows in the project and 1,532 in Datasette: its ratio compares different "
        "questions"
    ]


def test_it_prints_how_many_rows_the_country_filter_keeps_on_each_side():
    results = {r.key: {"warm": result(2.0), "cold": result(300.0), "datasette": result(150.0)} for r in peer.requests()}
    lines = peer.table(
        {"results": results, "stale": {}, "matches": {"country=BR": {"project": 25374, "datasette": 25374}}}
    )

    assert any(
        line.startswith("| list filtered by country=BR (matches: project 25,374, Datasette 25,374) |") for line in lines
    )


@pytest.mark.django_db
def test_it_counts_the_published_initiatives_the_project_s_search_finds():
    for slug, name, published in [
        ("a", "Consórcio do Mel", True),
        ("b", "Consorcio Lácteo", True),
        ("c", "Consórcio X", False),
    ]:
        Initiative.objects.create(slug=slug, name=name, is_published=published, country="BR", kind="cluster")
    Initiative.objects.create(slug="d", name="Rede do Mel", is_published=True, country="BR", kind="cluster")

    assert peer.project_matches("consorcio") == 2
    assert peer.project_matches("mel") == 2
    assert peer.project_in_country("BR") == 3  # the draft left out


# --- the copy Datasette serves ----------------------------------------------------------------------


def project_sqlite_file(path: Path, django_db_blocker, rows: list[dict] | None = None) -> dict[str, int]:
    """A real SQLite file with the project's initiatives table as its migrations make it (the
    model's columns and indexes), holding a published initiative, another one and a draft, each
    with its folded search text; or `rows` (by column, with their ids)."""
    from django.db.utils import ConnectionHandler

    from initiatives.search_index import search_text

    # A connection of its own, outside the test database (which may be PostgreSQL).
    database = ConnectionHandler({"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": str(path)}})["default"]
    fields = Initiative._meta.concrete_fields
    blank = {
        field.column: (None if field.null else "2026-01-01 00:00:00" if "Date" in type(field).__name__ else "")
        for field in fields
    }

    def insert(cursor, **values) -> int:
        row = {**blank, **values}
        if not row["id"]:  # a new row of its own: its id from SQLite, its text from its name
            row.pop("id")
            row["search_text"] = search_text(Initiative(name=row["name"], country=row["country"]))
        columns = ", ".join(f'"{column}"' for column in row)
        cursor.execute(
            f'INSERT INTO "{peer.TABLE}" ({columns}) VALUES ({", ".join("%s" for _ in row)})', list(row.values())
        )
        return cursor.lastrowid

    with django_db_blocker.unblock():
        # Not atomic: the schema editor's atomic block names its alias, "default", and so opened a
        # connection to the test database through the project's own handler, left open at its drop.
        with database.schema_editor(atomic=False) as editor:
            editor.create_model(Initiative)
        with database.cursor() as cursor:
            cursor.execute("PRAGMA foreign_keys = OFF")  # only this table: no programme or Rota to point to
            ids = {row["id"]: insert(cursor, **row) for row in rows or ()} or {
                "sao": insert(
                    cursor,
                    slug="sao-miguel",
                    name="Cooperativa São Miguel",
                    is_published=True,
                    country="BR",
                    kind="cluster",
                ),
                "other": insert(cursor, slug="rio", name="Polo do Rio", is_published=True, country="BR", kind="apl"),
                "draft": insert(
                    cursor, slug="draft", name="Rascunho São João", is_published=False, country="AR", kind="apl"
                ),
            }
        database.close()
    return ids


def test_it_gives_datasette_only_the_published_columns_of_the_initiatives_table(tmp_path, django_db_blocker):
    source = tmp_path / "project.sqlite3"
    project_sqlite_file(source, django_db_blocker)
    project_indexes = {
        row[0] for row in sqlite3.connect(source).execute("SELECT name FROM sqlite_master WHERE type = 'index'")
    }
    assert "initiative_pub_country" in project_indexes  # the file holds the project's own indexes

    peer.build_copy(source, tmp_path / "bench.db")

    db = sqlite3.connect(tmp_path / "bench.db")
    tables = {name for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert {t for t in tables if not t.startswith((peer.WORD_FTS, peer.SEARCH_FTS, "sqlite_"))} == {peer.TABLE}
    columns = [row[1] for row in db.execute(f"PRAGMA table_info({peer.TABLE})")]
    assert columns == list(peer.PUBLISHED_COLUMNS)
    assert not {"search_text", "internal_notes", "name_key", "sort_key_en", "sort_key_es", "sort_key_pt_br"} & set(
        columns
    )
    assert db.execute(f"SELECT count(*) FROM {peer.TABLE}").fetchone() == (3,)  # drafts too: Datasette filters


def test_it_indexes_the_copy_as_a_publisher_would_and_not_as_the_project_does(tmp_path, django_db_blocker):
    source = tmp_path / "project.sqlite3"
    project_sqlite_file(source, django_db_blocker)

    peer.build_copy(source, tmp_path / "bench.db")

    db = sqlite3.connect(tmp_path / "bench.db")
    indexes = {
        name for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL")
    }
    assert indexes == {
        f"idx_{peer.TABLE}_is_published",
        f"idx_{peer.TABLE}_is_published_country",
        f"idx_{peer.TABLE}_is_published_kind",
        f"idx_{peer.TABLE}_is_published_status",
    }
    assert db.execute("SELECT count(*) FROM sqlite_stat1").fetchone()[0] > 0  # analysed
    # Datasette's facet query (parameters come as text) is answered from the facet's index alone.
    facet = f"SELECT country, count(*) FROM (SELECT * FROM {peer.TABLE} WHERE is_published = ?) GROUP BY country"
    plan = " ".join(row[3] for row in db.execute(f"EXPLAIN QUERY PLAN {facet}", ["1"]))
    assert f"COVERING INDEX idx_{peer.TABLE}_is_published_country" in plan
    assert db.execute(facet, ["1"]).fetchall() == [("BR", 2)]


def test_it_keeps_the_word_index_of_earlier_copies_which_datasette_finds_and_that_folds_accents(
    tmp_path, django_db_blocker
):
    source = tmp_path / "project.sqlite3"
    ids = project_sqlite_file(source, django_db_blocker)

    peer.build_copy(source, tmp_path / "bench.db")

    db = sqlite3.connect(tmp_path / "bench.db")
    found = db.execute(
        f"SELECT rowid FROM {peer.TABLE}_fts WHERE {peer.TABLE}_fts MATCH 'sao' ORDER BY rowid"
    ).fetchall()
    assert found == [(ids["sao"],), (ids["draft"],)]  # São folded; Datasette's filter drops the draft
    # How Datasette detects a table's FTS index (datasette.utils.detect_fts_sql).
    definition = db.execute("SELECT sql FROM sqlite_master WHERE name = ?", [f"{peer.TABLE}_fts"]).fetchone()[0]
    assert "USING FTS5" in definition and f"content=[{peer.TABLE}]" in definition
    assert peer.datasette_matches(tmp_path / "bench.db", "sao", peer.WORD_FTS) == 1
    assert peer.datasette_matches(tmp_path / "bench.db", "sa", peer.WORD_FTS) == 0  # words, not substrings


def test_it_counts_the_published_rows_datasette_s_search_finds_in_its_copy(tmp_path, django_db_blocker):
    source = tmp_path / "project.sqlite3"
    project_sqlite_file(source, django_db_blocker)
    peer.build_copy(source, tmp_path / "bench.db")

    assert peer.datasette_matches(tmp_path / "bench.db", "sao") == 1  # the draft "Rascunho São João" is left out
    assert peer.datasette_matches(tmp_path / "bench.db", "cooperativa") == 1
    assert peer.datasette_matches(tmp_path / "bench.db", "operat") == 1  # inside a word
    assert peer.datasette_matches(tmp_path / "bench.db", "brazil") == 2  # a country's name, in the search text
    assert peer.datasette_matches(tmp_path / "bench.db", "nowhere") == 0


@pytest.mark.django_db
def test_it_gives_datasette_a_search_index_that_finds_exactly_the_project_s_matches(
    tmp_path, django_db_blocker, make_initiative
):
    sao_joao = Municipality.objects.get(code="2210003")  # São João do Piauí
    make_initiative(name="Polo do Mel", country="BR", municipalities=[sao_joao])
    make_initiative(name="Polo Sertão", country="BR", sectors=["beekeeping"])  # Apicultura e meliponicultura
    make_initiative(name="Consórcio Lácteo", country="CO")
    make_initiative(name="Rascunho do Piauí", country="BR", municipalities=[sao_joao], is_published=False)
    make_initiative(name="Red Andina", country="PE")
    fields = Initiative._meta.concrete_fields
    rows = [
        {field.column: value for field, value in zip(fields, values, strict=True)}
        for values in Initiative.objects.values_list(*(field.attname for field in fields))
    ]
    project_sqlite_file(tmp_path / "project.sqlite3", django_db_blocker, rows)

    peer.build_copy(tmp_path / "project.sqlite3", tmp_path / "bench.db")

    # "piaui" is in a municipality's name only, "meliponicultura" in a sector's, "sorc" inside a word.
    for word in ["piaui", "meliponicultura", "sorc", "sao", "brasil", "polo mel"]:
        project = sorted(Initiative.objects.published().search(word).values_list("pk", flat=True))
        assert project, word
        assert peer.datasette_match_ids(tmp_path / "bench.db", word) == project, word
    # That is the index Datasette's _search reads, through the metadata it is served with.
    table = peer.datasette_metadata()["databases"][peer.DATABASE]["tables"][peer.TABLE]
    assert (table["fts_table"], table["fts_pk"]) == (peer.SEARCH_FTS, "id")
    definition = sqlite3.connect(tmp_path / "bench.db").execute(
        "SELECT sql FROM sqlite_master WHERE name = ?", [peer.SEARCH_FTS]
    )
    assert "tokenize='trigram'" in definition.fetchone()[0]


def test_it_quotes_each_word_as_datasette_does():
    assert peer.escape_fts("sao") == '"sao"'
    assert peer.escape_fts("polo  mel") == '"polo" "mel"'
    assert peer.escape_fts('"polo do" mel') == '"polo do" "mel"'
    assert peer.escape_fts('polo "mel') == '"polo" "mel"'  # the unbalanced quote closed


def test_it_counts_the_published_rows_of_a_country_in_datasette_s_copy(tmp_path, django_db_blocker):
    source = tmp_path / "project.sqlite3"
    project_sqlite_file(source, django_db_blocker)
    peer.build_copy(source, tmp_path / "bench.db")

    assert peer.datasette_in_country(tmp_path / "bench.db", "BR") == 2
    assert peer.datasette_in_country(tmp_path / "bench.db", "AR") == 0  # its one initiative is a draft


def test_it_rebuilds_a_copy_made_the_old_way(tmp_path, django_db_blocker):
    source = tmp_path / "project.sqlite3"
    project_sqlite_file(source, django_db_blocker)
    copy = tmp_path / "project-peer" / "bench.db"
    copy.parent.mkdir()
    sqlite3.connect(source).backup(sqlite3.connect(copy))  # the full copy earlier versions served
    copy.with_suffix(".source").write_text(f"{source.stat().st_size}:{source.stat().st_mtime_ns}")

    assert peer.datasette_copy(source) == copy

    tables = {name for (name,) in sqlite3.connect(copy).execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert "initiatives_initiative_sectors" not in tables and peer.TABLE in tables


def test_it_publishes_what_the_project_s_csv_export_publishes():
    from initiatives.api.exports import FIELDS

    assert set(peer.PUBLISHED_COLUMNS) == {"id", "is_published", "created", *FIELDS}


# --- the detail page and the baseline ---------------------------------------------------------------


def test_it_asks_for_one_initiative_s_page_and_datasette_s_faceted_and_row_pages():
    by_key = {r.key: r for r in peer.requests("polo-x", 42)}

    detail = by_key["detail"]
    assert detail.project == "/en/initiatives/polo-x/"
    assert detail.datasette == by_key["list"].datasette  # the target: the faceted table page
    assert detail.datasette_row == "/bench/initiatives_initiative/42"
    assert detail.cold and detail.warm


def test_it_takes_a_baseline_size_and_keeps_its_files_apart():
    args = peer.parse_args(["--n", "2000", "--baseline-n", "1000", "--sqlite", "/tmp/x/mine.sqlite3"])

    assert (args.n, args.baseline_n) == (2000, 1000)
    assert args.baseline_sqlite == Path("/tmp/x/mine-baseline-1000.sqlite3")
    assert peer.parse_args(["--baseline-n", "1000"]).baseline_sqlite.name == "catalogue-bench-1000.sqlite3"
    assert peer.parse_args([]).baseline_n is None
    assert peer.baseline_database_url("postgres://u@h:5432/catalogue_c", 1000) == "postgres://u@h:5432/catalogue_c_1000"


def test_it_refuses_a_baseline_no_smaller_than_the_catalogue(capsys):
    with pytest.raises(SystemExit):
        peer.parse_args(["--n", "1000", "--baseline-n", "1000"])

    assert "--baseline-n must be between 1 and --n (1,000) exclusive, not 1,000" in capsys.readouterr().err


def test_it_refuses_a_baseline_next_to_a_project_database_that_is_not_postgresql(capsys):
    with pytest.raises(SystemExit):
        peer.parse_args(["--n", "2000", "--baseline-n", "1000", "--database-url", "sqlite:////tmp/x.sqlite3"])

    assert (
        "--baseline-n creates its database next to --database-url's: give a postgres:// URL" in capsys.readouterr().err
    )
    assert peer.parse_args(["--baseline-n", "10", "--database-url", "postgresql://h/db"]).baseline_n == 10


def result(ms):
    return {"median_ms": ms, "p95_ms": ms * 2, "ttfb": {"median_ms": 1.0}, "bytes": 10, "samples": 3}


def test_it_prints_the_detail_page_against_both_datasette_pages():
    results = {r.key: {"warm": result(2.0), "cold": result(300.0), "datasette": result(150.0)} for r in peer.requests()}
    results["detail"]["datasette_row"] = result(10.0)

    lines = peer.table({"results": results, "stale": {}})

    faceted = next(line for line in lines if line.startswith("| detail page (Datasette: its faceted table page)"))
    assert faceted.endswith("| 150.0 ms (p95 300.0) | 2.0× | – | – |")
    row = next(line for line in lines if line.startswith("| detail page (Datasette: its row page)"))
    assert "| 300.0 ms (p95 600.0) |" in row and row.endswith("| 10.0 ms (p95 20.0) | 30.0× | – | – |")


def test_it_prints_the_cold_list_s_growth_from_the_baseline():
    results = {r.key: {"warm": result(2.0), "cold": result(300.0), "datasette": result(150.0)} for r in peer.requests()}
    results["list"]["cold_baseline"] = result(120.0)
    document = {"meta": {"n": 100_000, "baseline_n": 1000}, "results": results}

    assert peer.growth_lines(document) == [
        "Cold list at 100,000: 300.0 ms (p95 600.0); at 1,000: 120.0 ms (p95 240.0); ratio 2.5× (target ≤ 3×)"
    ]
    assert peer.growth_lines({**document, "meta": {"n": 100_000, "baseline_n": None}}) == []


def test_it_stops_with_a_clear_message_when_an_edit_cannot_be_made(tmp_path):
    editor = peer.Editor(f"sqlite:///{tmp_path}/missing/catalogue.sqlite3")  # a folder that does not exist
    try:
        assert editor.vendor == "sqlite"
        with pytest.raises(RuntimeError, match=r"The editor process on sqlite:///.*/missing/catalogue.sqlite3 exited"):
            editor.bump()
    finally:
        editor.close()


def test_it_rebuilds_a_copy_of_the_word_index_only_format(tmp_path, django_db_blocker):
    source = tmp_path / "project.sqlite3"
    project_sqlite_file(source, django_db_blocker)
    copy = tmp_path / "project-peer" / "bench.db"
    copy.parent.mkdir()
    peer.build_copy(source, copy)
    sqlite3.connect(copy).execute(f"DROP TABLE {peer.SEARCH_FTS}")  # what publisher-1 copies lacked
    copy.with_suffix(".source").write_text(f"publisher-1:{source.stat().st_size}:{source.stat().st_mtime_ns}")

    assert peer.datasette_copy(source) == copy

    assert peer.datasette_matches(copy, "cooperativa") == 1  # its search index is back


DATASETTE_BIN = Path(peer.parse_args([]).venv) / "bin" / "datasette"


@pytest.mark.skipif(not DATASETTE_BIN.exists(), reason="Datasette's throwaway venv (benchmarks/peer.py) is absent")
def test_it_serves_the_copy_so_that_datasette_s_search_counts_the_project_s_matches(tmp_path, django_db_blocker):
    source = tmp_path / "project.sqlite3"
    project_sqlite_file(source, django_db_blocker)
    copy = tmp_path / "peer" / "bench.db"
    copy.parent.mkdir()
    peer.build_copy(source, copy)
    port = peer.free_port()
    datasette = peer.start_datasette(DATASETTE_BIN, copy, port)
    try:
        found = {}
        for word in ["operat", "brazil", "sao"]:
            path = peer.datasette_path(fmt=".json", size=24, _search=word)
            found[word] = json.loads(fetch_body(port, path))["filtered_table_rows_count"]
        word_index = peer.datasette_path(fmt=".json", size=24, _search="operat", _fts_table=peer.WORD_FTS)
        found["operat, word index"] = json.loads(fetch_body(port, word_index))["filtered_table_rows_count"]
    finally:
        peer.stop(datasette)

    assert found == {"operat": 1, "brazil": 2, "sao": 1, "operat, word index": 0}


def fetch_body(port: int, path: str) -> bytes:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        assert response.status == 200, path
        return response.read()
    finally:
        connection.close()
