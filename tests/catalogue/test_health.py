"""/healthz for load balancers, and what visitors see when the database or the code fails."""

import json
import os
import subprocess
import sys
from pathlib import Path
from unittest import mock

import pytest
from django.db import InterfaceError, connection
from django.db.migrations.recorder import MigrationRecorder
from django.template.loader import render_to_string
from django.test import RequestFactory

from catalogue.errors import server_error

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]
ROOT = Path(__file__).resolve().parents[2]
LANGUAGES = ["pt-br", "es", "en"]


@pytest.fixture
def database_down():
    """The driver refuses every new cursor, as when the server is gone (Django wraps the error)."""
    refused = connection.Database.OperationalError("connection refused: is the server running?")
    with mock.patch.object(connection, "create_cursor", side_effect=refused):
        yield


def test_it_reports_healthy_when_the_database_answers_and_migrations_are_applied(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.parametrize("migration", ["0001_initial", "0004_history"])
def test_it_reports_unavailable_while_a_migration_is_unapplied(client, migration):
    # 0001 is not a leaf: the check must see any unapplied migration, not only the newest.
    MigrationRecorder(connection).record_unapplied("initiatives", migration)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "problem": "1 unapplied migration(s)"}


def test_it_reports_unavailable_when_the_database_does_not_answer(client, database_down):
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "problem": "database unavailable"}


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("path", ["", "initiatives/"])
def test_it_shows_visitors_a_friendly_503_page_when_the_database_is_down(client, database_down, language, path):
    response = client.get(f"/{language}/{path}")
    assert response.status_code == 503
    assert response["Retry-After"] == "60"
    page = response.content.decode()
    assert f'<html lang="{language}">' in page
    assert "<h1>" in page and "Traceback" not in page
    assert f'href="/{language}/"' in page  # the way back, in the visitor's language


@pytest.mark.parametrize("language", LANGUAGES)
def test_it_shows_a_404_page_in_each_language(client, language):
    response = client.get(f"/{language}/no-such-page/")
    assert response.status_code == 404
    page = response.content.decode()
    assert f'<html lang="{language}">' in page
    assert f'href="/{language}/initiatives/"' in page


def test_it_renders_the_500_and_503_pages_without_the_database(django_assert_num_queries):
    with django_assert_num_queries(0):
        for template in ("500.html", "503.html"):
            assert "<h1>" in render_to_string(template)


def test_it_falls_back_to_a_plain_503_when_even_the_error_template_fails(client, database_down):
    with mock.patch("catalogue.errors.loader.get_template", side_effect=ValueError("no manifest")):
        response = client.get("/en/")
    assert response.status_code == 503
    assert "Service temporarily unavailable" in response.content.decode()


def test_it_answers_503_for_a_database_failure_outside_any_view():
    request = RequestFactory().get("/en/")
    # handler500 runs inside Django's except block, as here.
    try:
        raise InterfaceError("connection already closed")
    except InterfaceError:
        assert server_error(request).status_code == 503
    try:
        raise ValueError("a bug")
    except ValueError:
        response = server_error(request)
    assert response.status_code == 500
    assert "Something went wrong" in response.content.decode()


@pytest.mark.slow
def test_it_survives_a_real_unreachable_database_under_production_settings():
    """A separate process, production settings, PostgreSQL on a closed port: 503s, no traceback."""
    script = """
import json, django
django.setup()
from django.conf import settings
# Static files from the finders, as in the other tests (production runs collectstatic first).
settings.STORAGES = {**settings.STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
from django.test import Client
client = Client(HTTP_HOST="catalogue.example.org")
health = client.get("/healthz", secure=True)
page = client.get("/es/initiatives/", secure=True)
# A load balancer: plain HTTP, its own address as the host.
probe = Client(HTTP_HOST="10.0.0.5:8000").get("/healthz")
print(json.dumps([health.status_code, health.json(), page.status_code, page.content.decode(), probe.status_code]))
"""
    env = {k: v for k, v in os.environ.items() if k not in ("DJANGO_ALLOW_ASYNC_UNSAFE",)}
    env.update(
        DEBUG="0",
        SECRET_KEY="s" * 60,
        ALLOWED_HOSTS="catalogue.example.org",
        DATABASE_URL="postgres://postgres@127.0.0.1:9/catalogue?connect_timeout=5",
        DJANGO_SETTINGS_MODULE="catalogue.settings",
    )
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    health_status, health, page_status, page, probe_status = json.loads(result.stdout.strip().splitlines()[-1])
    assert probe_status == 503  # the real answer: no HTTPS redirect, no "bad host" 400
    assert (health_status, health) == (503, {"status": "unavailable", "problem": "database unavailable"})
    assert page_status == 503
    assert '<html lang="es">' in page and "Traceback" not in page
