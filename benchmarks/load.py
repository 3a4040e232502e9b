"""Load test: gunicorn on 127.0.0.1 over the benchmark database, a bounded mixed load, then the floor.

    .venv/bin/python benchmarks/load.py [--n 100000] [--clients 50] [--seconds 60] [--workers W] [--json OUT]

Starts gunicorn (sync workers, default 2 × CPUs + 1, as the README recommends) on a free port with
the benchmark settings and database (benchmarks/run.py prepares it the same way), then runs C
concurrent clients for T seconds: a Python asyncio client, one HTTP/1.1 request per connection
(gunicorn's sync workers close connections anyway), mixing home, lists with random filters,
details, GeoJSON and the API. Endpoints that answer 404 (not built yet) are left out of the mix
and reported as missing. Then the same clients hit the bare view for T seconds: its throughput is
the floor. Reports throughput, p50/p95/p99 and errors; stops gunicorn by itself. The client
shares the machine's CPUs with the server, so the figures are a lower bound.
"""

import argparse
import asyncio
import json
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1) + 1)
    parser.add_argument("--seed", type=int, default=9)
    parser.add_argument("--json", type=Path)
    return parser.parse_args(argv)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def fetch(port: int, path: str, timeout: float = 60) -> int:
    reader, writer = await asyncio.wait_for(asyncio.open_connection("127.0.0.1", port), timeout)
    try:
        request = f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept-Encoding: gzip\r\nConnection: close\r\n\r\n"
        writer.write(request.encode())
        await writer.drain()
        status_line = await asyncio.wait_for(reader.readline(), timeout)
        while await asyncio.wait_for(reader.read(65536), timeout):
            pass
        return int(status_line.split()[1])
    finally:
        writer.close()


class Mix:
    """Random requests like visitors make, from the catalogue's own values."""

    def __init__(self, rng: random.Random, slugs, countries, sectors, kinds, available):
        self.rng, self.slugs, self.countries, self.sectors, self.kinds = rng, slugs, countries, sectors, kinds
        weights = {"home": 15, "list": 35, "detail": 30, "geojson": 10, "api": 10}
        self.kinds_of_request = [k for k in weights if k in available]
        self.weights = [weights[k] for k in self.kinds_of_request]

    def filters(self, pages: bool = True) -> str:
        rng, params = self.rng, []
        if rng.random() < 0.6:
            params.append(f"country={rng.choice(self.countries)}")
        if rng.random() < 0.4:
            params.append(f"sector={rng.choice(self.sectors)}")
        if rng.random() < 0.2:
            params.append(f"kind={rng.choice(self.kinds)}")
        if rng.random() < 0.15:
            params.append(f"q={rng.choice(['sao', 'cluster', 'mel', 'rede', 'cafe'])}")
        # The HTML list shows its last page for one beyond it; the API answers 404, as DRF does:
        # a request a visitor's link never makes, so the API's requests ask for no page.
        if pages and rng.random() < 0.2:
            params.append(f"page={rng.randint(2, 5)}")
        return "?" + "&".join(params) if params else ""

    def next(self) -> tuple[str, str]:
        kind = self.rng.choices(self.kinds_of_request, self.weights)[0]
        lang = self.rng.choice(["en", "es", "pt-br"])
        if kind == "home":
            return kind, f"/{lang}/"
        if kind == "list":
            return kind, f"/{lang}/initiatives/{self.filters()}"
        if kind == "detail":
            return kind, f"/{lang}/initiatives/{self.rng.choice(self.slugs)}/"
        if kind == "geojson":
            return kind, "/api/initiatives.geojson" + ("" if self.rng.random() < 0.3 else self.filters())
        return kind, "/api/initiatives/" + self.filters(pages=False)


async def load(port: int, clients: int, seconds: float, next_request) -> dict:
    deadline = time.perf_counter() + seconds
    samples: list[tuple[str, float, int | str]] = []

    async def client():
        while time.perf_counter() < deadline:
            kind, path = next_request()
            started = time.perf_counter()
            try:
                status = await fetch(port, path)
            except Exception as error:  # counted as an error, the load goes on
                status = type(error).__name__
            samples.append((kind, time.perf_counter() - started, status))

    started = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(clients)))
    return summarise(samples, time.perf_counter() - started)


def percentile(ordered: list[float], q: float) -> float:
    return ordered[min(len(ordered) - 1, max(0, round(q * len(ordered) + 0.5) - 1))]


def summarise(samples, elapsed: float) -> dict:
    def stats(rows):
        times = sorted(t for _, t, _ in rows)
        if not times:
            return {"requests": 0}
        return {
            "requests": len(times),
            "p50_ms": round(statistics.median(times) * 1000, 1),
            "p95_ms": round(percentile(times, 0.95) * 1000, 1),
            "p99_ms": round(percentile(times, 0.99) * 1000, 1),
        }

    errors = [s for s in samples if not isinstance(s[2], int) or s[2] >= 400]
    by_kind = {kind: stats([s for s in samples if s[0] == kind]) for kind in sorted({s[0] for s in samples})}
    return {
        **stats(samples),
        "seconds": round(elapsed, 1),
        "throughput_rps": round(len(samples) / elapsed, 1),
        "errors": len(errors),
        "error_examples": sorted({f"{kind} {status}" for kind, _, status in errors})[:10],
        "statuses": dict(sorted(Counter(str(status) for _, _, status in samples).items())),
        "by_kind": by_kind,
    }


def start_gunicorn(port: int, workers: int) -> subprocess.Popen:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "benchmarks.settings"}
    command = [
        str(Path(sys.executable).with_name("gunicorn")), "catalogue.wsgi:application",
        "--bind", f"127.0.0.1:{port}", "--workers", str(workers), "--timeout", "120",
        "--backlog", "2048", "--log-level", "warning",
    ]  # fmt: skip
    process = subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True)
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            if asyncio.run(fetch(port, "/bench/floor/", timeout=5)) == 200:
                return process
        except OSError:
            time.sleep(0.3)
    stop(process)
    raise RuntimeError("gunicorn did not answer within 60 s")


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)  # its own session: gunicorn and its workers
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def main(argv=None) -> int:
    args = parse_args(argv)
    from benchmarks.run import prepare, setup_django

    setup_django(args.n)
    args.regenerate = False
    print("Preparing the database…", flush=True)
    prepare(args)
    from benchmarks.synthetic import SLUG_PREFIX, synthetic_count
    from initiatives.models import Initiative, Sector

    published = Initiative.objects.published().filter(slug__startswith=SLUG_PREFIX)
    rng = random.Random(args.seed)
    slugs = list(published.order_by("?").values_list("slug", flat=True)[:500])
    countries = sorted(set(published.values_list("country", flat=True).distinct()))
    sectors = list(Sector.objects.values_list("slug", flat=True))
    kinds = [k for k, _ in Initiative.Kind.choices]
    from django.db import connections

    connections.close_all()  # gunicorn's workers open their own

    load_before = [round(x, 1) for x in os.getloadavg()]  # other work on the machine skews everything
    port = free_port()
    print(f"Starting gunicorn with {args.workers} workers on 127.0.0.1:{port}…", flush=True)
    server = start_gunicorn(port, args.workers)
    try:
        probes = {"home": "/en/", "list": "/en/initiatives/", "detail": f"/en/initiatives/{slugs[0]}/"}
        probes |= {"geojson": "/api/initiatives.geojson?country=UY", "api": "/api/initiatives/"}
        statuses = {kind: asyncio.run(fetch(port, path)) for kind, path in probes.items()}
        available = {kind for kind, status in statuses.items() if status != 404}
        mix = Mix(rng, slugs, countries, sectors, kinds, available)
        print(f"Mixed load: {args.clients} clients for {args.seconds:.0f} s over {sorted(available)}…", flush=True)
        mixed = asyncio.run(load(port, args.clients, args.seconds, mix.next)) if available else summarise([], 1)
        print(f"Floor: {args.clients} clients for {args.seconds:.0f} s on the bare view…", flush=True)
        floor = asyncio.run(load(port, args.clients, args.seconds, lambda: ("floor", "/bench/floor/")))
    finally:
        stop(server)
    document = {
        "meta": {
            "n": synthetic_count(),
            "load_average_before": load_before,
            "database": connections["default"].vendor,
            "workers": args.workers,
            "clients": args.clients,
            "seconds": args.seconds,
            "client": "Python asyncio, one request per connection, on the same machine",
            "missing": sorted(set(probes) - available),
        },
        "mixed": mixed,
        "floor": floor,
    }
    print_load(document)
    if args.json:
        args.json.write_text(json.dumps(document, indent=2))
        print(f"Wrote {args.json}")
    return 0


def print_load(document: dict) -> None:
    meta = document["meta"]
    print(f"\nLoad: N={meta['n']:,} on {meta['database']}, gunicorn {meta['workers']} sync workers, ", end="")
    print(f"{meta['clients']} clients × {meta['seconds']:.0f} s; missing: {', '.join(meta['missing']) or 'none'}")
    print(f"  {'':10} {'req/s':>8} {'requests':>9} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'errors':>7}")
    rows = [("mixed", document["mixed"]), ("floor", document["floor"])]
    rows += [(f"  {k}", v) for k, v in document["mixed"]["by_kind"].items()]
    for name, r in rows:
        rps = f"{r['throughput_rps']:.1f}" if "throughput_rps" in r else ""
        errors = str(r.get("errors", ""))
        print(f"  {name:10} {rps:>8} {r['requests']:>9} {r.get('p50_ms', '-'):>8} {r.get('p95_ms', '-'):>8} ", end="")
        print(f"{r.get('p99_ms', '-'):>8} {errors:>7}")


if __name__ == "__main__":
    sys.exit(main())
