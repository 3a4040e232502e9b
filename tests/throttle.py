"""Shared by the API test modules: DRF's throttles count requests in the cache, so each test
starts (and leaves) with a clean slate. Import `fresh_throttle_counts` into a module to use it."""

import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def fresh_throttle_counts():
    cache.clear()
    yield
    cache.clear()
