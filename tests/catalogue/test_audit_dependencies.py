"""The verdicts of scripts/audit-dependencies: fail on a known vulnerability, not on a dead index."""

from importlib.machinery import SourceFileLoader
from importlib.util import module_from_spec, spec_from_loader
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "audit-dependencies"
loader = SourceFileLoader("audit_dependencies", str(SCRIPT))
audit = module_from_spec(spec_from_loader("audit_dependencies", loader))
loader.exec_module(audit)

CLEAN = {"name": "django", "version": "5.2.19", "vulns": []}
VULNERABLE = {
    "name": "django",
    "version": "5.2.1",
    "vulns": [{"id": "PYSEC-2025-1", "fix_versions": ["5.2.2"], "aliases": ["CVE-2025-0001"]}],
}
UNKNOWN = {"name": "ruff", "version": "0.17.6", "skip_reason": "Dependency not found on PyPI"}


def test_it_fails_on_a_known_vulnerability_and_names_the_fix():
    code, message = audit.verdict({"dependencies": [CLEAN, VULNERABLE]}, "")
    assert code == 1
    assert "django 5.2.1: PYSEC-2025-1 (fixed in 5.2.2)" in message


def test_it_passes_a_clean_tree_and_lists_what_it_could_not_audit():
    code, message = audit.verdict({"dependencies": [CLEAN, UNKNOWN]}, "")
    assert code == 0
    assert message.startswith("No known vulnerabilities in 1 audited packages.")
    assert "ruff 0.17.6" in message


def test_it_warns_without_failing_when_nothing_could_be_audited():
    code, message = audit.verdict({"dependencies": [UNKNOWN]}, "")
    assert code == 0
    assert "NOT audited" in message


@pytest.mark.parametrize(
    "stderr",
    [
        "requests.exceptions.ConnectionError: HTTPSConnectionPool(host='pypi.org', port=443): Max retries exceeded",
        "Failed to resolve 'api.osv.dev' ([Errno -2] Name or service not known)) NameResolutionError",
    ],
)
def test_it_warns_without_failing_when_the_service_is_unreachable(stderr):
    code, message = audit.verdict(None, stderr)
    assert code == 0
    assert "could not be reached" in message


def test_it_fails_when_pip_audit_breaks_for_another_reason():
    code, message = audit.verdict(None, "pip_audit._cli: error: unrecognized arguments: --frobnicate")
    assert code == 1
    assert "unrecognized arguments" in message
