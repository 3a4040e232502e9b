"""Nothing reaches the test database while pytest-django drops it at the end of a session. On
PostgreSQL a connection left open then makes the drop fail ("database … is being accessed by other
users", a warning at the end of the run); a thread connecting after the drop logs errors instead.
Two threads could: a background page rebuild (catalogue.page_rebuild) still running, and the live
server, which outlived the database when a browser test was the first to use it.

Seen only at the very end of a session, so each test runs a small pytest session of its own, on
the project's fixtures, against a test database of its own (on the same PostgreSQL server)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]

REBUILD_SESSION = """
import pytest

from catalogue import page_rebuild


@pytest.mark.django_db(transaction=True)
def test_a_rebuild_still_running_when_the_session_ends(rf, make_initiative):
    make_initiative(name="Cluster do Café")
    request = rf.get("/en/", HTTP_HOST="localhost")
    assert page_rebuild.rebuild(request, [("/en/", "")])
    page_rebuild.wait()  # one page rendered: the next ones start at once
    # Enough pages to keep the thread rendering well past the end of the test.
    addresses = [("/en/initiatives/", f"n={n}") for n in range(page_rebuild.MAX_QUEUED)]
    assert page_rebuild.rebuild(request, addresses)
"""

# Each rebuild reads the kept counts and holds its read for a while, as a long page render does,
# so that one is still under way when the first test ends and its database is flushed.
SLOW_REBUILD_CONFTEST = """
import time

from django.db import connection, transaction

from catalogue import page_rebuild

_render = page_rebuild._render


def slow_render(environ):
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM initiatives_facetcount")
        time.sleep(0.5)
    _render(environ)


page_rebuild._render = slow_render
"""

TWO_TESTS_SESSION = """
import pytest

from catalogue import page_rebuild


@pytest.mark.django_db(transaction=True)
def test_a_transactional_test_queues_rebuilds(rf, make_initiative):
    make_initiative(name="Cluster do Café")
    request = rf.get("/en/", HTTP_HOST="localhost")
    addresses = [("/en/initiatives/", f"n={n}") for n in range(10)]
    assert page_rebuild.rebuild(request, addresses)


def test_the_next_test_finds_no_rebuild_left():
    assert not page_rebuild._queue
    assert page_rebuild._worker is None or not page_rebuild._worker.is_alive()
"""

LIVE_SERVER_SESSION = """
import urllib.request


def test_the_live_server_before_any_other_use_of_the_database(live_server):
    with urllib.request.urlopen(live_server.url + "/robots.txt") as response:
        assert response.status == 200
"""

# Counts the live server's threads still running when the test database is about to be dropped.
LIVE_SERVER_CONFTEST = """
import threading
from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup):
    yield
    running = [thread for thread in threading.enumerate() if type(thread).__name__ == "LiveServerThread"]
    Path(__file__).with_name("at-drop.txt").write_text(str(len(running)))
"""


def run_session(tmp_path: Path, session: str, conftest: str = "", passed: int = 1) -> str:
    # `import *` leaves out the fixtures named with an underscore.
    fixtures = (
        "from tests.conftest import *  # noqa: F403\nfrom tests.conftest import _django_db_helper  # noqa: F401\n"
    )
    (tmp_path / "conftest.py").write_text(fixtures + conftest)
    (tmp_path / "test_session.py").write_text(session)
    db = connection.settings_dict
    if connection.vendor == "postgresql":
        # The inner session's test database is test_<this name>: never this run's own, nor another's.
        database_url = f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}_teardown"
    else:
        database_url = f"sqlite:///{tmp_path / 'session.sqlite3'}"
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "DJANGO_SETTINGS_MODULE": "catalogue.settings",
        "DATABASE_URL": database_url,
        "CACHE_DIR": str(tmp_path / "cache"),
    }
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--create-db",
         "--rootdir", str(tmp_path), str(tmp_path)],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    output = run.stdout + run.stderr
    assert f"{passed} passed" in output, output
    assert "Error when trying to teardown test databases" not in output, output
    assert run.returncode == 0, output
    return output


def test_it_lets_no_page_rebuild_reach_the_test_database_once_the_session_ends(tmp_path):
    output = run_session(tmp_path, REBUILD_SESSION)
    assert "Database access not allowed" not in output, output  # a render after the test's end
    assert "Database unavailable" not in output, output  # one during or after the drop
    assert "Rebuilding /en/initiatives/ failed" not in output, output


def test_it_stops_a_transactional_tests_rebuilds_before_its_database_is_flushed(tmp_path):
    output = run_session(tmp_path, TWO_TESTS_SESSION, SLOW_REBUILD_CONFTEST, passed=2)
    assert "database table is locked" not in output, output


def test_it_stops_the_live_server_before_the_test_database_is_dropped(tmp_path):
    run_session(tmp_path, LIVE_SERVER_SESSION, LIVE_SERVER_CONFTEST)
    assert (tmp_path / "at-drop.txt").read_text() == "0"
