"""The soak test (benchmarks/soak.py) in brief: traffic and imports at once, then its checks."""

import pytest

from .benchmark_scripts import run_benchmark

pytestmark = pytest.mark.slow


def test_it_serves_traffic_while_imports_run_and_finds_everything_consistent(tmp_path):
    _result, document = run_benchmark(
        tmp_path, "soak.py", "--seconds", "4", "--n", "100", "--clients", "2", "--workers", "1"
    )
    assert document["failures"] == []
    assert document["traffic"]["requests"] > 0
    assert not [status for status in document["traffic"]["statuses"] if status.startswith("5")]
    assert document["imports"]["applied"] > 0 and document["imports"]["failed"] == 0
    assert document["checks"]["duplicate_polos"] == [] and document["checks"]["history_not_current"] == []
    assert document["checks"]["polos"] == document["checks"]["created_minus_deleted"]
