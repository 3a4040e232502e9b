"""The browser tests' live server outlives every browser connection: no request thread of the
server finishes after the server stopped sharing the test database's connection with it.

Seen only once the test database exists before the live server starts (an in-memory SQLite
connection is then shared with the request threads) and a browser page stays open until the
session ends, so this runs a small pytest session of its own, on the project's fixtures."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]

SESSION = """
import pytest
from django.contrib.auth.models import User


@pytest.mark.django_db
def test_the_test_database_exists_before_the_live_server_starts():
    assert not User.objects.exists()


def test_a_page_left_open_until_the_session_ends(browser, live_server):
    page = browser.new_context(base_url=live_server.url).new_page()
    for _ in range(3):  # requests on one kept-alive connection
        assert page.goto("/robots.txt").ok
"""


def test_a_page_left_open_until_the_session_ends_fails_no_request_thread(tmp_path):
    (tmp_path / "conftest.py").write_text("from tests.conftest import *  # noqa: F403\n")
    (tmp_path / "test_session.py").write_text(SESSION)
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "DJANGO_SETTINGS_MODULE": "catalogue.settings",
        # SQLite, where the connection is shared; its own file, never the outer run's database.
        "DATABASE_URL": f"sqlite:///{tmp_path / 'session.sqlite3'}",
        "CACHE_DIR": str(tmp_path / "cache"),
    }
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "--rootdir",
            str(tmp_path),
            str(tmp_path),
            "-W",
            "error::pytest.PytestUnhandledThreadExceptionWarning",
        ],  # fmt: skip
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    output = run.stdout + run.stderr
    assert "2 passed" in output, output
    assert "DatabaseWrapper objects created in a thread" not in output, output
    assert "PytestUnhandledThreadExceptionWarning" not in output, output
    assert run.returncode == 0, output
