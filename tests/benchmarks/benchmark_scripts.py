"""Running a benchmark script as the README does, in a subprocess, on a throwaway SQLite database."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run_benchmark(tmp_path: Path, script: str, *args: str) -> tuple[subprocess.CompletedProcess, dict]:
    """Run benchmarks/<script> with `args` plus --json; return the process and the JSON it wrote.
    The database is a file in tmp_path: never the suite's."""
    out = tmp_path / f"{Path(script).stem}.json"
    env = {k: v for k, v in os.environ.items() if k not in ("DJANGO_SETTINGS_MODULE", "DATABASE_URL")}
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / (Path(script).stem + '.sqlite3')}"
    result = subprocess.run(
        [sys.executable, f"benchmarks/{script}", *args, "--json", str(out)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return result, json.loads(out.read_text())
