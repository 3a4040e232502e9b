"""Memory and time of the CSV / Excel export of N initiatives, in a throwaway SQLite database.

    .venv/bin/python benchmarks/export.py                      # 100,000 rows, CSV and XLSX
    .venv/bin/python benchmarks/export.py --rows 10000 --formats csv

Each measurement runs in a fresh process (so its peak RSS is the export's, not the data
generation's): after a warm-up request, three untraced runs give the median time and the peak
RSS, one run under tracemalloc gives the peak of Python allocations during the export alone. The export is read chunk by chunk through
Django's test client and thrown away, as a slow client would receive it. Results go to stdout as
JSON lines and to bench-results/export.jsonl.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BATCH = 5000


def setup_django(db_path: Path) -> None:
    os.environ.update(
        DATABASE_URL=f"sqlite:///{db_path}", DEBUG="0", SECRET_KEY="benchmark-only-" + "x" * 40, ALLOWED_HOSTS="*"
    )
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "catalogue.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.conf import settings

    # A benchmark, not an abuse: no throttling.
    settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"] = {"anon": None, "exports": None}


def generate(db_path: Path, rows: int) -> None:
    setup_django(db_path)
    from django.core.management import call_command

    from initiatives.models import Initiative, Municipality, Region, Sector, Theme
    from initiatives.reference import load_reference_data
    from initiatives.text import fold

    call_command("migrate", verbosity=0)
    load_reference_data()
    sectors, themes = list(Sector.objects.all()), list(Theme.objects.all())
    municipalities = list(Municipality.objects.select_related("region")[:2000])
    regions = {r.pk: r for r in Region.objects.all()}
    Through = {name: getattr(Initiative, name).through for name in ("sectors", "themes", "regions", "municipalities")}
    for start in range(0, rows, BATCH):
        batch = []
        for n in range(start, min(rows, start + BATCH)):
            place = municipalities[n % len(municipalities)]
            name = f"Polo {n} de {place.name}"
            batch.append(
                Initiative(
                    name=name,
                    slug=f"polo-{n}",
                    country="BR",
                    is_published=True,
                    kind="rotas_polo",
                    description="Arranjo produtivo com cooperativas, associações e empresas locais. " * 3,
                    managing_organisation=f"Cooperativa {n}",
                    member_count=n % 300,
                    year_started=1990 + n % 35,
                    latitude=place.latitude,
                    longitude=place.longitude,
                    territory=place.name,
                    name_key=fold(name),
                    search_text=fold(name),
                    own_search_text=fold(name),
                )  # fmt: skip
            )
        created = Initiative.objects.bulk_create(batch)
        links = {name: [] for name in Through}
        for initiative in created:
            n = int(initiative.slug.rsplit("-", 1)[1])
            place = municipalities[n % len(municipalities)]
            links["sectors"] += [
                Through["sectors"](initiative_id=initiative.pk, sector_id=sectors[(n + k) % len(sectors)].pk)
                for k in range(2)
            ]
            links["themes"].append(Through["themes"](initiative_id=initiative.pk, theme_id=themes[n % len(themes)].pk))
            links["regions"].append(
                Through["regions"](initiative_id=initiative.pk, region_id=regions[place.region_id].pk)
            )
            links["municipalities"].append(
                Through["municipalities"](initiative_id=initiative.pk, municipality_id=place.pk)
            )
        for name, objs in links.items():
            Through[name].objects.bulk_create(objs)


def measure(db_path: Path, fmt: str, trace: bool) -> dict:
    setup_django(db_path)
    import resource
    import tracemalloc

    from django.test import Client

    client = Client()
    # Warm up (imports, URLconf, translations) on an empty selection, so that the figures are the export's.
    assert client.get(f"/api/initiatives.{fmt}?q=no-such-initiative-anywhere", secure=True).status_code == 200
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    if trace:
        tracemalloc.start()
    started = time.perf_counter()
    response = client.get(f"/api/initiatives.{fmt}?lang=en", secure=True)  # DEBUG=0 redirects to https
    assert response.status_code == 200, response.status_code
    size = chunks = 0
    for chunk in response.streaming_content:
        size += len(chunk)
        chunks += 1
    response.close()
    seconds = time.perf_counter() - started
    result = {
        "format": fmt,
        "bytes": size,
        "chunks": chunks,
        "seconds": round(seconds, 2),
        "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "rss_before_mib": round(rss_before, 1),
    }
    if trace:
        result["tracemalloc_peak_mib"] = round(tracemalloc.get_traced_memory()[1] / 2**20, 1)
    return result


def child(*args: str) -> dict:
    done = subprocess.run([sys.executable, __file__, *args], capture_output=True, text=True)
    if done.returncode:
        sys.exit(f"{args}: {done.stderr}")
    output = done.stdout
    return json.loads(output.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--formats", default="csv,xlsx")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--child", choices=["generate", "measure", "trace"])
    parser.add_argument("--db")
    parser.add_argument("--format")
    args = parser.parse_args()
    if args.child == "generate":
        generate(Path(args.db), args.rows)
        print(json.dumps({"generated": args.rows}))
        return
    if args.child:
        print(json.dumps(measure(Path(args.db), args.format, trace=args.child == "trace")))
        return

    with tempfile.TemporaryDirectory() as tmp:
        # --db keeps the generated database for another run (with the same --rows).
        db = args.db or str(Path(tmp) / "bench.sqlite3")
        if not Path(db).exists():
            started = time.perf_counter()
            child("--child", "generate", "--db", db, "--rows", str(args.rows))
            print(f"# generated {args.rows} initiatives in {time.perf_counter() - started:.0f} s", file=sys.stderr)
        for fmt in args.formats.split(","):
            runs = [child("--child", "measure", "--db", db, "--format", fmt) for _ in range(args.runs)]
            traced = child("--child", "trace", "--db", db, "--format", fmt)
            result = {
                "rows": args.rows,
                "format": fmt,
                "bytes": runs[0]["bytes"],
                "chunks": runs[0]["chunks"],
                "median_seconds": statistics.median(r["seconds"] for r in runs),
                "peak_rss_mib": max(r["peak_rss_mib"] for r in runs),
                "rss_before_export_mib": max(r.get("rss_before_mib", 0) for r in runs),
                "tracemalloc_peak_mib": traced["tracemalloc_peak_mib"],
            }
            print(json.dumps(result))
            results = ROOT / "bench-results"
            results.mkdir(exist_ok=True)
            with open(results / "export.jsonl", "a", encoding="utf-8") as f:
                f.write(json.dumps({**result, "at": time.strftime("%Y-%m-%dT%H:%M:%S")}) + "\n")


if __name__ == "__main__":
    main()
