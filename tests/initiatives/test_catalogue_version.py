"""The catalogue version lives in the database, so every process sees an edit made anywhere."""

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from initiatives.cache import bump_catalogue_version, catalogue_version, forget_catalogue_version
from initiatives.models import CatalogueVersion

from ..import_files import CARIRI, LONG_HEADER, write_csv

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.django_db


def test_it_keeps_the_version_in_one_database_row(make_initiative):
    make_initiative(name="Polo do Mel")

    assert list(CatalogueVersion.objects.values_list("pk", "value")) == [(1, catalogue_version())]


def test_it_starts_a_version_when_the_row_is_missing():
    CatalogueVersion.objects.all().delete()
    forget_catalogue_version()

    version = catalogue_version()

    assert CatalogueVersion.objects.get().value == version


def test_it_reads_a_version_written_by_another_process_once_the_recheck_interval_has_passed(settings):
    settings.CATALOGUE_VERSION_RECHECK_SECONDS = 0.2
    mine = bump_catalogue_version()
    CatalogueVersion.objects.update(value="written-elsewhere")  # what another process's bump does

    assert catalogue_version() == mine  # remembered: no query on every request
    time.sleep(0.25)
    assert catalogue_version() == "written-elsewhere"


def test_it_sees_its_own_bump_at_once(settings):
    settings.CATALOGUE_VERSION_RECHECK_SECONDS = 3600
    before = catalogue_version()

    after = bump_catalogue_version()

    assert after != before and catalogue_version() == after == CatalogueVersion.objects.get().value


# --- Across real processes, with the default settings (no REDIS_URL) -------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def default_environment(tmp_path):
    """The environment of a fresh checkout: SQLite file, default (file) cache, no Redis."""
    dropped = {"REDIS_URL", "DJANGO_ALLOW_ASYNC_UNSAFE", "DEBUG", "CACHE_DIR", "DJANGO_SETTINGS_MODULE"}
    env = {k: v for k, v in os.environ.items() if k not in dropped}
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'catalogue.sqlite3'}"
    return env


def manage(env, *args):
    result = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def fetch(url: str) -> str:
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.read().decode()


def seconds_until(url: str, text: str, limit: float) -> float | None:
    started = time.monotonic()
    while time.monotonic() - started < limit:
        if text in fetch(url):
            return time.monotonic() - started
        time.sleep(0.1)
    return None


@pytest.fixture
def running_server(default_environment, tmp_path):
    manage(default_environment, "migrate", "--no-input", "-v0")
    manage(default_environment, "load_reference_data", "-v0")
    create = (
        "from initiatives.models import Initiative; "
        "Initiative.objects.create(name='Cluster Antes', slug='cluster-x', country='CO', is_published=True)"
    )
    manage(default_environment, "shell", "-c", create)
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "catalogue.wsgi", "--workers", "2", "--bind", f"127.0.0.1:{port}"],
        cwd=ROOT,
        env=default_environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                fetch(f"{base}/healthz")
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise
                time.sleep(0.2)
        yield base
    finally:
        server.terminate()
        server.wait(timeout=10)


@pytest.mark.slow
def test_it_shows_a_shell_rename_and_a_command_line_import_on_the_running_server_within_5_s(
    running_server, default_environment, tmp_path
):
    page = f"{running_server}/en/initiatives/"
    for _ in range(4):  # both workers have rendered, cached and remembered the list
        assert "Cluster Antes" in fetch(page)

    rename = "from initiatives.models import Initiative; i = Initiative.objects.get(slug='cluster-x'); i.name = 'Cluster Depois'; i.save()"
    manage(default_environment, "shell", "-c", rename)
    waited = seconds_until(page, "Cluster Depois", limit=5)
    assert waited is not None, "the renamed initiative did not show within 5 s"

    manage(default_environment, "import_polos", str(write_csv(tmp_path / "polos.csv", [LONG_HEADER, *CARIRI])))
    waited = seconds_until(page, "Polo Cariri", limit=5)
    assert waited is not None, "the imported polo did not show within 5 s"
