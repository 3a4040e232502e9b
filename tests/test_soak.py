"""The soak test (benchmarks/soak.py) in brief: traffic and imports at once, then its checks."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_it_serves_traffic_while_imports_run_and_finds_everything_consistent(tmp_path):
    out = tmp_path / "soak.json"
    env = {k: v for k, v in os.environ.items() if k not in ("DJANGO_SETTINGS_MODULE", "DATABASE_URL")}
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'soak.sqlite3'}"
    command = ["benchmarks/soak.py", "--seconds", "4", "--n", "100", "--clients", "2", "--workers", "1"]
    result = subprocess.run(
        [sys.executable, *command, "--json", str(out)], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]

    document = json.loads(out.read_text())
    assert document["failures"] == []
    assert document["traffic"]["requests"] > 0
    assert not [status for status in document["traffic"]["statuses"] if status.startswith("5")]
    assert document["imports"]["applied"] > 0 and document["imports"]["failed"] == 0
    assert document["checks"]["duplicate_polos"] == [] and document["checks"]["history_not_current"] == []
    assert document["checks"]["polos"] == document["checks"]["created_minus_deleted"]
