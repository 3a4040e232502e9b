"""Lighthouse 12 (mobile) on the public pages, served as production serves them.

    .venv/bin/python benchmarks/lighthouse.py [--runs 3] [--pages home map] [--lang pt-br]
        [--json FILE] [--reports DIR] [--npm-dir DIR]

In a throwaway folder it builds a SQLite catalogue (migrate, load_reference_data,
load_public_initiatives, load_hub_content: what scripts/run loads), collects the static files
(WhiteNoise's compressed manifest storage, as settings.py configures it) and starts gunicorn on
127.0.0.1 with DEBUG=0, ALLOWED_HOSTS=127.0.0.1, SECURE_SSL_REDIRECT=0 (plain HTTP on the
loopback: the HTTPS warnings of `check --deploy` are expected) and MAP_TILES_URL empty, so that no
page reaches the network. Each page is requested once (the first visitor fills the page cache),
then audited N times by Lighthouse 12 from the npm registry (installed once into --npm-dir) in
Debian's Chromium, with Lighthouse's defaults: mobile form factor, simulated throttling.

Prints the median score per page and category and, per page, the audits that lost points; writes
everything (every run's scores, key metrics, failing audits) to --json. It reports and asserts
nothing: the exit status is 0 unless the set-up itself fails.
"""

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.load import stop  # noqa: E402

PYTHON = sys.executable
CHROME_PATH = os.getenv("CHROME_PATH", "/usr/bin/chromium")
CHROME_FLAGS = (
    "--headless=new --no-sandbox --disable-gpu --disable-background-networking "
    "--disable-component-update --disable-sync --no-first-run"
)
ATTEMPTS = 3  # per run, when Lighthouse itself fails
CATEGORIES = ["performance", "accessibility", "best-practices", "seo"]
METRICS = [
    "first-contentful-paint",
    "largest-contentful-paint",
    "total-blocking-time",
    "cumulative-layout-shift",
    "speed-index",
]
# Page name -> path after the language prefix; "{detail}" is a published initiative's slug.
PAGES = {
    "home": "",
    "list": "initiatives/",
    "detail": "initiatives/{detail}/",
    "map": "map/",
    "library": "library/",
    "events": "events/",
    "propose": "propose/",
}


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=1, help="Lighthouse runs per page; the median is reported")
    parser.add_argument("--pages", nargs="+", choices=list(PAGES), default=list(PAGES))
    parser.add_argument("--lang", default="pt-br", help="language prefix of the audited URLs")
    parser.add_argument("--detail", help="slug of the initiative whose page is audited (default: the first published)")
    parser.add_argument("--json", type=Path, default=Path(tempfile.gettempdir()) / "catalogue-lighthouse.json")
    parser.add_argument("--reports", type=Path, help="keep Lighthouse's full JSON reports in this folder")
    parser.add_argument(
        "--npm-dir",
        type=Path,
        default=Path(tempfile.gettempdir()) / "catalogue-lighthouse-npm",
        help="folder where `npm install lighthouse@12` runs (reused when already there)",
    )
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    return parser.parse_args(argv)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def install_lighthouse(npm_dir: Path) -> Path:
    binary = npm_dir / "node_modules" / ".bin" / "lighthouse"
    if not binary.exists():
        npm_dir.mkdir(parents=True, exist_ok=True)
        print(f"Installing lighthouse@12 into {npm_dir}…", flush=True)
        subprocess.run(
            ["npm", "install", "--no-audit", "--no-fund", "--no-save", "lighthouse@12"],
            cwd=npm_dir,
            check=True,
            stdout=subprocess.DEVNULL,
        )
    version = subprocess.run([str(binary), "--version"], capture_output=True, text=True, check=True).stdout.strip()
    if not version.startswith("12."):
        sys.exit(f"{binary} is Lighthouse {version}, not 12: empty {npm_dir} and run again.")
    return binary


def production_env(work: Path) -> dict:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "benchmarks.lighthouse_settings",
        "LIGHTHOUSE_STATIC_ROOT": str(work / "static"),
        "DATABASE_URL": f"sqlite:///{work / 'catalogue.sqlite3'}",
        "MEDIA_ROOT": str(work / "media"),
        "PRIVATE_MEDIA_ROOT": str(work / "private-media"),
        "DEBUG": "0",
        "SECRET_KEY": "lighthouse-only-" + "k" * 50,
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "MAP_TILES_URL": "",
        "PYTHONPATH": str(ROOT),
    }


def prepare(env: dict) -> None:
    def manage(*args):
        subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)

    print("Preparing the database and the static files…", flush=True)
    manage("migrate", "--no-input", "-v0")
    manage("load_reference_data", "-v0")
    manage("load_public_initiatives")
    manage("load_hub_content")
    manage("collectstatic", "--no-input", "-v0")


def first_published_slug(env: dict) -> str:
    code = (
        "from initiatives.models import Initiative;"
        "print(Initiative.objects.published().order_by('pk').values_list('slug', flat=True).first())"
    )
    out = subprocess.run(
        [PYTHON, "manage.py", "shell", "-c", code], cwd=ROOT, env=env, check=True, capture_output=True, text=True
    )
    return out.stdout.strip().splitlines()[-1]


def start_gunicorn(env: dict, port: int, workers: int) -> subprocess.Popen:
    command = [
        str(Path(PYTHON).with_name("gunicorn")), "catalogue.wsgi:application",
        "--bind", f"127.0.0.1:{port}", "--workers", str(workers), "--log-level", "warning",
    ]  # fmt: skip
    process = subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True)
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5):
                return process
        except OSError:
            time.sleep(0.3)
    stop(process)
    raise RuntimeError("gunicorn did not answer within 60 s")


def audit(binary: Path, url: str, output: Path) -> dict:
    command = [
        str(binary), url, "--quiet", "--output=json", f"--output-path={output}",
        f"--only-categories={','.join(CATEGORIES)}", f"--chrome-flags={CHROME_FLAGS}",
    ]  # fmt: skip
    for attempt in range(ATTEMPTS):
        done = subprocess.run(command, env={**os.environ, "CHROME_PATH": CHROME_PATH}, capture_output=True, text=True)
        if done.returncode == 0:
            break
        # Lighthouse sometimes loses the trace on a busy machine (NO_NAVSTART): the run is repeated.
        error = (done.stderr.strip().splitlines() or [f"exit status {done.returncode}"])[-1]
        print(f"  Lighthouse failed (attempt {attempt + 1}/{ATTEMPTS}): {error}", flush=True)
    else:
        return {"error": error}
    report = json.loads(output.read_text())
    failing = {}
    for category in CATEGORIES:
        for ref in report["categories"][category]["auditRefs"]:
            result = report["audits"][ref["id"]]
            score = result.get("score")
            # Performance's weighted audits are the metrics (listed apart); its other audits are
            # the advice worth reading when a metric is poor.
            if category == "performance":
                lost = score is not None and score < 0.9 and ref["weight"] == 0
            else:
                lost = score is not None and score < 1 and ref["weight"] > 0
            if lost:
                shown = result.get("displayValue")
                title = f"{result['title']} ({shown})" if shown else result["title"]
                failing.setdefault(category, []).append(f"{ref['id']}: {title}")
    return {
        "lighthouse": report["lighthouseVersion"],
        "form_factor": report["configSettings"]["formFactor"],
        "scores": {c: round(report["categories"][c]["score"] * 100) for c in CATEGORIES},
        "metrics": {m: report["audits"][m].get("displayValue") for m in METRICS},
        "failing": failing,
        "warnings": report.get("runWarnings", []),
    }


def main(argv=None) -> int:
    args = parse_args(argv)
    binary = install_lighthouse(args.npm_dir)
    with tempfile.TemporaryDirectory(prefix="catalogue-lighthouse-") as tmp:
        work = Path(tmp)
        env = production_env(work)
        prepare(env)
        detail = args.detail or first_published_slug(env)
        port = free_port()
        server = start_gunicorn(env, port, args.workers)
        results = {}
        try:
            for name in args.pages:
                url = f"http://127.0.0.1:{port}/{args.lang}/{PAGES[name].format(detail=detail)}"
                with urllib.request.urlopen(url, timeout=60) as response:  # fills the page cache
                    response.read()
                runs = []
                for i in range(args.runs):
                    print(f"Lighthouse {name} ({i + 1}/{args.runs}): {url}", flush=True)
                    output = (args.reports or work) / f"{name}-{i + 1}.json"
                    output.parent.mkdir(parents=True, exist_ok=True)
                    runs.append(audit(binary, url, output))
                scored = [r for r in runs if "scores" in r]
                results[name] = {
                    "url": url,
                    "median": {
                        c: statistics.median(r["scores"][c] for r in scored) if scored else None for c in CATEGORIES
                    },
                    "runs": runs,
                }
        finally:
            stop(server)
        print_table(results)
        args.json.write_text(json.dumps(results, indent=2, ensure_ascii=False))
        print(f"\nResults written to {args.json}")
    return 0


def print_table(results: dict) -> None:
    print(f"\n{'page':<10}" + "".join(f"{c:>16}" for c in CATEGORIES))
    for name, result in results.items():
        cells = ["failed" if result["median"][c] is None else f"{result['median'][c]:g}" for c in CATEGORIES]
        print(f"{name:<10}" + "".join(f"{cell:>16}" for cell in cells))
    for name, result in results.items():
        scored = [r for r in result["runs"] if "scores" in r]
        if not scored:
            print(f"\n{name}: Lighthouse failed: {result['runs'][-1]['error']}")
            continue
        last = scored[-1]
        metrics = ", ".join(f"{m.replace('-', ' ')} {v}" for m, v in last["metrics"].items())
        print(f"\n{name}: {metrics}")
        for category, audits in last["failing"].items():
            for line in audits:
                print(f"  {category}: {line}")


if __name__ == "__main__":
    sys.exit(main())
