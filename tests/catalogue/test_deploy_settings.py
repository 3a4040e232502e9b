"""The production settings documented in README.md ("Production") pass Django's deployment checks."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

# Exactly the variables README.md's "Production" section tells operators to set.
PRODUCTION_ENV = {
    "DEBUG": "0",
    "SECRET_KEY": "k3#v9-production-like-secret-of-more-than-fifty-characters-Zq8!pL2@",
    "ALLOWED_HOSTS": "catalogue.example.org",
    "CSRF_TRUSTED_ORIGINS": "https://catalogue.example.org",
    "ADMIN_URL": "staff-entrance/",
    "REDIS_URL": "redis://cache.internal:6379/0",  # not contacted by the checks
}


def manage(*args, **env):
    # Not the test run's own switches (tests/browser.py sets DJANGO_ALLOW_ASYNC_UNSAFE).
    dropped = {*PRODUCTION_ENV, "DJANGO_ALLOW_ASYNC_UNSAFE", "SECURE_SSL_REDIRECT"}
    environment = {k: v for k, v in os.environ.items() if k not in dropped}
    environment.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=120
    )


@pytest.mark.slow
def test_it_passes_the_deployment_checks_with_no_warning_under_the_production_settings():
    result = manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


@pytest.mark.slow
def test_it_fails_the_deployment_checks_when_https_is_switched_off():
    # Proves the check above can fail: without the HTTPS redirect Django warns (security.W008).
    result = manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION_ENV, SECURE_SSL_REDIRECT="0")
    assert result.returncode != 0
    assert "security.W008" in result.stderr + result.stdout


@pytest.mark.slow
def test_it_passes_the_deployment_checks_without_redis():
    """The default cache (files) and the catalogue version (a database row) are shared by every
    process of a server, so a single server needs no Redis."""
    env = {key: value for key, value in PRODUCTION_ENV.items() if key != "REDIS_URL"}
    result = manage("check", "--deploy", "--fail-level", "WARNING", **env, REDIS_URL="")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_it_warns_when_each_worker_would_keep_its_own_cache(settings):
    from initiatives.checks import check_shared_cache

    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    assert [warning.id for warning in check_shared_cache(None)] == ["initiatives.W001"]
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache", "LOCATION": "x"}}
    assert check_shared_cache(None) == []


@pytest.mark.slow
def test_it_serves_the_admin_at_the_path_the_setting_names():
    code = "from django.urls import reverse; print(reverse('admin:index'))"
    result = manage("shell", "-c", code, ADMIN_URL="/staff-entrance")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "/pt-br/staff-entrance/"
