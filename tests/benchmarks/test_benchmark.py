"""The benchmark (benchmarks/run.py) and its synthetic catalogue; smoke tests, no timings."""

import io
import socket

import pytest

from benchmarks.synthetic import SLUG_PREFIX, SOURCE_TEXT, RealDataError, generate, write_polos_file
from initiatives.models import Initiative

from .benchmark_scripts import run_benchmark

ENDPOINTS = {
    "floor", "home", "list", "list_filtered_search", "detail", "geojson_all", "geojson_filtered",
    "api_list", "csv_all", "import_polos", "sitemap_index", "sitemap_initiatives",
}  # fmt: skip


@pytest.mark.slow
def test_it_runs_the_benchmark_at_a_tiny_size_and_writes_json(tmp_path):
    result, document = run_benchmark(tmp_path, "run.py", "--n", "200", "--repeat", "1", "--warmup", "0")
    run = document["runs"][0]
    assert run["meta"]["n"] == 200
    assert run["meta"]["database"] == "sqlite"
    assert set(run["results"]) == ENDPOINTS
    assert all("status" in result for result in run["results"].values())
    for name in ("floor", "home", "detail"):  # the others may not exist yet: "missing", never a crash
        assert run["results"][name]["status"] == "ok", name
        assert run["results"][name]["median_ms"] > 0 and run["results"][name]["queries"] >= 0
    for name in ("home", "list", "list_filtered_search", "detail", "api_list", "sitemap_index", "sitemap_initiatives"):
        page = run["results"][name]
        # Repeats come from the page cache; "cold" is the first request after a change.
        assert page["queries"] == 0 and page["cold"]["status"] == "ok" and page["cold"]["queries"] > 0, name
    assert run["results"]["home"]["conditional"]["http_status"] == 304  # a proxy revalidating
    assert {t["result"] for t in document["targets"]} <= {"PASS", "FAIL", "missing"}
    assert "× floor" in result.stdout and "list cold" in result.stdout


def test_it_generates_marked_initiatives_with_their_relations(reference_data):
    written = generate(120, seed=1, stdout=io.StringIO())

    rows = Initiative.objects.all()
    assert written == rows.count() == 120
    assert all(i.slug.startswith(SLUG_PREFIX) and i.source_text == SOURCE_TEXT for i in rows)
    assert 0 < Initiative.objects.published().count() < 120  # mostly published, some drafts
    assert rows.filter(country="BR").exists() and rows.exclude(country="BR").exists()
    assert Initiative.sectors.through.objects.count() >= 120  # every initiative has a sector
    brazilian = rows.filter(country="BR", municipalities__isnull=False).first()
    name = brazilian.municipalities.first().name.split()[0].lower()
    assert name[:3] in brazilian.search_text  # folded index built in Python


def test_it_replaces_an_earlier_synthetic_catalogue(reference_data):
    generate(50, seed=1, stdout=io.StringIO())

    generate(30, seed=2, stdout=io.StringIO())

    assert Initiative.objects.count() == 30
    assert not Initiative.sectors.through.objects.exclude(initiative__slug__startswith=SLUG_PREFIX).exists()


def test_it_refuses_a_database_that_holds_real_initiatives(make_initiative):
    make_initiative(name="Polo Apícola do Norte de Minas")

    with pytest.raises(RealDataError, match="non-synthetic"):
        generate(10, stdout=io.StringIO())

    assert Initiative.objects.count() == 1


def test_it_writes_a_long_layout_polo_file(reference_data, tmp_path):
    path = tmp_path / "polos.csv"

    shape = write_polos_file(path)

    lines = path.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "ROTA,POLO,UF,MUNICIPIO,COD_IBGE,SEDE,FONTE"
    assert shape == {"polos": 77, "municipalities": 1249}
    assert len(lines) == 1 + 1249
    assert len({line.split(",")[1] for line in lines[1:]}) == 77


@pytest.mark.slow
def test_it_runs_the_load_test_briefly_and_stops_gunicorn(tmp_path):
    result, document = run_benchmark(
        tmp_path, "load.py", "--n", "100", "--clients", "2", "--seconds", "1", "--workers", "1"
    )
    assert document["meta"]["workers"] == 1 and document["meta"]["n"] == 100
    assert document["mixed"]["requests"] > 0 and document["floor"]["requests"] > 0
    assert {"throughput_rps", "p50_ms", "p95_ms", "p99_ms", "errors"} <= set(document["floor"])
    port = int(result.stdout.split("127.0.0.1:")[1].split("…")[0])
    with socket.socket() as probe:
        assert probe.connect_ex(("127.0.0.1", port)) != 0  # gunicorn is gone


@pytest.mark.slow
def test_it_measures_the_refusal_of_the_xlsx_bombs_against_an_honest_import(tmp_path):
    result, document = run_benchmark(tmp_path, "xlsx_bombs.py", "--runs", "1")
    honest = document["results"].pop("honest 77 polos")
    assert honest["status"] == "applied" and honest["created"] == 77
    assert set(document["results"]) == {"A1+XFD3000", "A1+XFD1048576", "6000 rows+merged A1:XFD6000"}
    for bomb in document["results"].values():
        # The refusal names the furthest cell the sheet claims (in the site's default language).
        assert bomb["status"] == "failed" and "XFD" in bomb["error"] and bomb["bytes"] < 100_000
        assert bomb["tree_peak_mb"] > 0 and bomb["parser_peak_mb"] > 0 and bomb["seconds"] > 0
    assert "× honest" in result.stdout


def run_with(n, **queries):
    results = {"floor": {"status": "ok", "median_ms": 0.3, "queries": 0}}
    results |= {name: {"status": "ok", "median_ms": 1.0, "queries": count} for name, count in queries.items()}
    return {"meta": {"n": n}, "results": results}


def test_it_fails_the_queries_target_only_when_a_count_grows_with_n():
    from benchmarks.report import evaluate

    def verdict(small, large):
        target = next(t for t in evaluate(large, small) if t["target"].startswith("SQL queries"))
        return target["result"], target["note"]

    assert verdict(run_with(1000, detail=8, list=14), run_with(100000, detail=8, list=14)) == ("PASS", "")
    # One query fewer at 100,000 (the data allowed a shortcut) is reported, and is no failure…
    assert verdict(run_with(1000, detail=8), run_with(100000, detail=7)) == ("PASS", "detail 8→7")
    # …one more is the N+1 the target exists to catch.
    assert verdict(run_with(1000, detail=8), run_with(100000, detail=9)) == ("FAIL", "detail 8→9")
