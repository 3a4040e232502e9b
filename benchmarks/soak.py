"""Soak test: mixed traffic on gunicorn (127.0.0.1) WHILE imports run through the import service,
then checks that nothing broke.

    .venv/bin/python benchmarks/soak.py [--seconds 300] [--n 5000] [--clients 8] [--workers W]
                                        [--importers 2] [--json OUT]

Reuses load.py's gunicorn, client and request mix over the benchmark database (synthetic
initiatives, prepared as benchmarks/run.py does). Meanwhile `--importers` threads loop: preview
and confirm one of two polo files (the same polos, then with more municipalities each: creations,
then updates), sometimes two threads confirming the same file at once, and now and then undo
their last import. Bounded: gunicorn is stopped and the threads joined when the time is up.

Afterwards it checks: no 5xx; no duplicate polo; every initiative's name_key and search_text as
a save would compute them; every polo's latest historical row shows its current state; every
import record finished (none left previewed); polos created minus polos deleted, counted from the
history tagged with the soak's imports, equals the polos there are. Exit 1 when a check fails.
Its polos and records are removed at the start and the end (the benchmark database stays
synthetic-only).
"""

import argparse
import asyncio
import json
import os
import random
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.load import Mix, fetch, free_port, load, start_gunicorn, stop  # noqa: E402

POLO_PREFIX = "Polo Sintético"  # the names synthetic.write_polos_file gives


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=300)
    parser.add_argument("--n", type=int, default=5000, help="synthetic initiatives in the benchmark database")
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1) + 1)
    parser.add_argument("--importers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=9)
    parser.add_argument("--json", type=Path)
    return parser.parse_args(argv)


def forget_soak():
    """The soak's polos and import records, from an earlier or this run."""
    from initiatives.cache import bump_catalogue_version
    from initiatives.models import Initiative
    from rotas_import.models import ImportRecord

    Initiative.objects.filter(name__startswith=POLO_PREFIX).delete()
    ImportRecord.objects.filter(kind=ImportRecord.Kind.UNDO).delete()
    ImportRecord.objects.all().delete()
    bump_catalogue_version()


class Importer(threading.Thread):
    """Preview and confirm a polo file through the import service, in a loop; undo now and then."""

    def __init__(self, files, stop_at, start_together, seed):
        super().__init__(daemon=True)
        self.files, self.stop_at, self.start_together = files, stop_at, start_together
        self.rng = random.Random(seed)
        self.tally = {"applied": 0, "refused": 0, "undone": 0, "undo_refused": 0, "failed": 0}
        self.errors: list[str] = []

    def run(self):
        from django.db import connections

        from rotas_import import services
        from rotas_import.applying import PlanError
        from rotas_import.undoing import UndoError, undo_import

        last = None
        try:
            while time.monotonic() < self.stop_at:
                path = self.rng.choice(self.files)
                record = services.preview("polos", path.read_bytes(), path.name)
                try:
                    self.start_together.wait(timeout=5)  # often confirm at the same time as the other
                except threading.BrokenBarrierError:
                    pass
                try:
                    last = services.confirm(record)
                    self.tally["applied"] += 1
                except PlanError:
                    services.cancel(record)  # the other importer got there first
                    self.tally["refused"] += 1
                if last is not None and self.rng.random() < 0.25:
                    try:
                        undo_import(last)
                        self.tally["undone"] += 1
                    except UndoError:
                        self.tally["undo_refused"] += 1  # a later import touched the same polos
                    last = None
                time.sleep(self.rng.uniform(0, 1))
        except Exception as error:  # reported as a failed check, not hidden
            self.tally["failed"] += 1
            self.errors.append(f"{type(error).__name__}: {error}")
        finally:
            connections.close_all()


def consistency() -> dict:
    """What must hold after the soak, each check with its offenders (empty lists pass)."""
    from django.db.models import Count

    from initiatives.models import Initiative
    from initiatives.search_index import current_search_text
    from initiatives.text import fold
    from rotas_import.history_writers import current_links, fields_of, latest_rows, recorded_links
    from rotas_import.models import ImportRecord

    polos = Initiative.objects.filter(name__startswith=POLO_PREFIX)
    duplicates = list(
        Initiative.objects.filter(route__isnull=False)
        .values("route", "name_key")
        .annotate(c=Count("id"))
        .filter(c__gt=1)
    )
    sample = list(polos) + list(Initiative.objects.exclude(name__startswith=POLO_PREFIX).order_by("?")[:300])
    bad_keys = [i.slug for i in sample if i.name_key != fold(i.name)]
    # The same terms (the synthetic generator lists municipalities in another order).
    bad_search = [i.slug for i in sample if set(i.search_text.split()) != set(current_search_text(i).split())]
    ids = [p.pk for p in polos]
    latest, links = latest_rows(ids), current_links(ids)
    recorded = recorded_links([row.history_id for row in latest.values()])
    stale_history = [
        p.slug for p in polos
        if p.pk not in latest or fields_of(latest[p.pk]) != fields_of(p) or recorded[latest[p.pk].history_id] != links[p.pk]
    ]  # fmt: skip
    records = ImportRecord.objects.exclude(kind=ImportRecord.Kind.UNDO)
    history = Initiative.history.filter(import_record_id__in=ImportRecord.objects.values("pk"))
    created = history.filter(history_type="+", name__startswith=POLO_PREFIX).count()
    deleted = history.filter(history_type="-", name__startswith=POLO_PREFIX).count()
    return {
        "polos": polos.count(),
        "duplicate_polos": duplicates,
        "name_key_mismatches": bad_keys,
        "search_text_mismatches": bad_search,
        "history_not_current": stale_history,
        "records_left_previewed": list(records.filter(status="previewed").values_list("pk", flat=True)),
        "created_minus_deleted": created - deleted,
        "records": dict(records.values_list("status").annotate(c=Count("id")).order_by("status")),
    }


def main(argv=None) -> int:
    args = parse_args(argv)
    from benchmarks.run import prepare, setup_django

    setup_django(args.n)
    from benchmarks import synthetic

    synthetic.prepare_database()
    forget_soak()
    args.regenerate = False
    print("Preparing the database…", flush=True)
    prepare(args)
    from django.db import connections

    from initiatives.models import Initiative, Sector

    workdir = Path(tempfile.mkdtemp(prefix="soak-"))
    files = [workdir / "polos-a.csv", workdir / "polos-b.csv"]
    synthetic.write_polos_file(files[0], polos=40, municipalities=80, seed=args.seed)
    synthetic.write_polos_file(files[1], polos=40, municipalities=120, seed=args.seed)
    published = Initiative.objects.published().filter(slug__startswith=synthetic.SLUG_PREFIX)
    rng = random.Random(args.seed)
    slugs = list(published.order_by("?").values_list("slug", flat=True)[:500])
    countries = sorted(set(published.values_list("country", flat=True).distinct()))
    mix = Mix(rng, slugs, countries, list(Sector.objects.values_list("slug", flat=True)),
              [k for k, _ in Initiative.Kind.choices], {"home", "list", "detail", "geojson", "api"})  # fmt: skip
    connections.close_all()

    port = free_port()
    print(f"Starting gunicorn with {args.workers} workers on 127.0.0.1:{port}…", flush=True)
    server = start_gunicorn(port, args.workers)
    try:
        stop_at = time.monotonic() + args.seconds
        together = threading.Barrier(args.importers) if args.importers > 1 else threading.Barrier(1)
        importers = [Importer(files, stop_at, together, args.seed + n) for n in range(args.importers)]
        for importer in importers:
            importer.start()
        print(
            f"Mixed load: {args.clients} clients for {args.seconds:.0f} s while {args.importers} importers run…",
            flush=True,
        )
        traffic = asyncio.run(load(port, args.clients, args.seconds, mix.next))
        together.abort()
        for importer in importers:
            importer.join(timeout=300)
        # A last look at the pages of the polos the imports wrote, after the dust settled.
        after = {
            path: asyncio.run(fetch(port, path))
            for path in ("/en/", "/en/initiatives/?kind=rotas_polo", "/api/initiatives.geojson?kind=rotas_polo")
        }
    finally:
        stop(server)
    checks = consistency()
    tally = {k: sum(i.tally[k] for i in importers) for k in importers[0].tally}
    server_errors = {status: n for status, n in traffic["statuses"].items() if status.startswith("5")}
    failures = []
    if server_errors or any(s >= 500 for s in after.values()):
        failures.append(f"server errors: {server_errors} {after}")
    for name in (
        "duplicate_polos",
        "name_key_mismatches",
        "search_text_mismatches",
        "history_not_current",
        "records_left_previewed",
    ):
        if checks[name]:
            failures.append(f"{name}: {checks[name][:10]}")
    if checks["created_minus_deleted"] != checks["polos"]:
        failures.append(f"{checks['created_minus_deleted']} polos created minus deleted, but {checks['polos']} exist")
    if tally["applied"] == 0 or tally["failed"]:
        failures.append(f"imports: {tally} {[e for i in importers for e in i.errors][:3]}")
    if checks["records"].get("applied", 0) + checks["records"].get("undone", 0) != tally["applied"]:
        failures.append(f"records {checks['records']} do not match the imports {tally}")
    document = {
        "meta": {"n": args.n, "database": connections["default"].vendor, "workers": args.workers,
                 "clients": args.clients, "seconds": args.seconds, "importers": args.importers,
                 "load_average_after": [round(x, 1) for x in os.getloadavg()]},
        "traffic": traffic, "after": after, "imports": tally, "checks": checks, "failures": failures,
    }  # fmt: skip
    forget_soak()
    print_soak(document)
    if args.json:
        args.json.write_text(json.dumps(document, indent=2, default=str))
        print(f"Wrote {args.json}")
    return 1 if failures else 0


def print_soak(document: dict) -> None:
    meta, traffic, tally, checks = document["meta"], document["traffic"], document["imports"], document["checks"]
    print(f"\nSoak: {meta['seconds']:.0f} s on {meta['database']} (N={meta['n']:,}), gunicorn {meta['workers']} "
          f"workers, {meta['clients']} clients, {meta['importers']} importers")  # fmt: skip
    print(f"  requests {traffic['requests']:,} ({traffic['throughput_rps']} req/s), p50 {traffic.get('p50_ms')} ms, "
          f"p95 {traffic.get('p95_ms')} ms, p99 {traffic.get('p99_ms')} ms; statuses {traffic['statuses']}")  # fmt: skip
    print(f"  imports: {tally}; records {checks['records']}; {checks['polos']} polos at the end")
    print("  checks: " + ("all passed" if not document["failures"] else "FAILED: " + "; ".join(document["failures"])))


if __name__ == "__main__":
    sys.exit(main())
