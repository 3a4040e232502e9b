"""The WSGI entry point as a server loads it, in a process of its own."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

LOAD = """
import gc, json
import catalogue.wsgi
print(json.dumps({"frozen": gc.get_freeze_count(), "tracked": len(gc.get_objects())}))
"""


def test_it_keeps_the_loaded_application_out_of_the_cyclic_collector():
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "catalogue.settings"}
    done = subprocess.run(
        [sys.executable, "-c", LOAD], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=True
    )
    counts = json.loads(done.stdout.strip().splitlines()[-1])
    # A full collection then walks only what was made after loading: a few objects, not the code.
    assert counts["frozen"] > 50_000
    assert counts["tracked"] < counts["frozen"] / 10
