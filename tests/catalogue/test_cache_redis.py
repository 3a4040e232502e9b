"""The cache shared by every app server, on a real Redis (REDIS_URL; CI starts one with
scripts/start-redis and sets REQUIRE_REDIS=1 so that a missing server fails instead of skipping)."""

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.core.cache import cache, caches
from django.core.cache.backends.redis import RedisCache

from initiatives.cache import bump_catalogue_version, versioned_key

from .test_stale_pages import serve_stale_then_rebuilt, stale_window  # noqa: F401  (fixture)

REDIS_URL = os.getenv("REDIS_URL", "")
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def redis_cache(settings):
    """The default cache on Redis under a fresh key prefix, and a second client with the same
    configuration standing for another app server."""
    if not REDIS_URL:
        if os.getenv("REQUIRE_REDIS") == "1":
            pytest.fail("REQUIRE_REDIS=1 but REDIS_URL is not set")
        pytest.skip("REDIS_URL is not set")
    prefix = f"test-{uuid.uuid4().hex}"
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": prefix,
        }
    }
    other_server = RedisCache(REDIS_URL, {"KEY_PREFIX": prefix})
    yield other_server
    cache.clear()


def test_it_uses_redis_when_redis_url_is_set(redis_cache):
    assert isinstance(caches["default"], RedisCache)
    cache.set("probe", "value")

    assert redis_cache.get("probe") == "value"  # the other server reads what this one wrote


def test_it_shares_cached_pages_and_figures_between_servers(redis_cache, make_initiative):
    make_initiative(name="Polo do Mel")
    key = versioned_key("home-figures")
    cache.set(key, {"initiatives": 1})

    assert redis_cache.get(key) == {"initiatives": 1}  # the other server reads it under the same version


def test_it_invalidates_a_cached_value_when_an_initiative_changes(redis_cache, make_initiative):
    key = versioned_key("home-figures")
    cache.set(key, {"initiatives": 0})

    make_initiative(name="Polo do Mel")  # signals bump the version in the database

    assert versioned_key("home-figures") != key
    assert cache.get(versioned_key("home-figures")) is None


def test_it_invalidates_after_a_bulk_write_that_bumps_the_version(redis_cache, db):  # the version is a row
    key = versioned_key("geojson")
    cache.set(key, "old")

    bump_catalogue_version()

    assert cache.get(versioned_key("geojson")) is None


def cache_backend(**env) -> str:
    environment = {k: v for k, v in os.environ.items() if k != "REDIS_URL"} | env
    code = (
        "import django; django.setup(); from django.conf import settings; print(settings.CACHES['default']['BACKEND'])"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


@pytest.mark.slow
def test_it_chooses_the_cache_backend_from_redis_url():
    assert cache_backend() == "catalogue.file_cache.FileBasedCache"
    assert cache_backend(REDIS_URL="redis://127.0.0.1:6379/0") == "django.core.cache.backends.redis.RedisCache"


@pytest.mark.django_db(transaction=True)  # the rebuild's own thread reads the committed rows
def test_it_serves_the_previous_page_then_the_rebuilt_one_from_redis(redis_cache, stale_window, make_initiative):  # noqa: F811
    serve_stale_then_rebuilt(make_initiative)
