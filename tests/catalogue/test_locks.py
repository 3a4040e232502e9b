"""Production installs production dependencies: requirements/run.txt holds what the application
imports and nothing of the test tools; requirements/test.txt adds those, at the same versions."""

import ast
import re
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]
APPLICATION = ["catalogue", "initiatives", "rotas_import", "hub"]
TEST_TOOLS = {"pytest", "pytest-django", "playwright", "axe-playwright-python", "ruff", "schemathesis", "hypothesis"}


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def pins(lock: str) -> dict[str, str]:
    """Name -> version of each entry; an entry without a hash fails here."""
    entries = re.split(r"\n(?=\S)", (ROOT / "requirements" / lock).read_text())
    found = {}
    for entry in entries:
        if match := re.match(r"([A-Za-z0-9._-]+)==(\S+)", entry):
            assert "--hash=sha256:" in entry, f"{lock}: {match[1]} has no hash"
            found[canonical(match[1])] = match[2]
    return found


def distributions_imported_by(folders: list[str]) -> set[str]:
    local = {path.name for path in ROOT.iterdir() if path.is_dir()}
    modules = set()
    for folder in folders:
        for path in (ROOT / folder).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text())):
                if isinstance(node, ast.Import):
                    modules |= {alias.name.split(".")[0] for alias in node.names}
                elif isinstance(node, ast.ImportFrom) and node.level == 0:
                    modules.add(node.module.split(".")[0])
    modules -= set(sys.stdlib_module_names) | local
    owners = packages_distributions()
    return {canonical(owners[module][0]) for module in modules}


def test_it_pins_what_the_application_imports_and_declares_in_the_run_lock():
    run = pins("run.txt")
    imported = distributions_imported_by(APPLICATION)
    # Apps and middleware named only in the settings (whitenoise, corsheaders, leaflet…).
    named = {entry.split(".")[0] for entry in [*settings.INSTALLED_APPS, *settings.MIDDLEWARE]}
    imported |= {
        canonical(packages_distributions()[module][0]) for module in named if module in packages_distributions()
    }
    declared = {canonical(re.split(r"[\[<>=]", requirement)[0]) for requirement in project()["dependencies"]}
    assert {"django", "django-ipware", "psycopg", "gunicorn", "whitenoise"} <= imported | declared
    assert sorted((imported | declared) - set(run)) == []


def test_it_keeps_the_test_tools_out_of_the_run_lock():
    assert sorted(TEST_TOOLS & set(pins("run.txt"))) == []
    assert TEST_TOOLS <= set(pins("test.txt"))


def test_it_pins_what_the_tests_and_benchmarks_import_in_the_test_lock_at_the_run_locks_versions():
    run, test = pins("run.txt"), pins("test.txt")
    assert sorted(distributions_imported_by(["tests", "benchmarks"]) - set(test)) == []
    assert {name: test.get(name) for name in run} == run


def project() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
