"""One version number for everything derived from the published catalogue.

Cached figures, facet counts and GeoJSON put `catalogue_version()` in their keys; any change to
an initiative or a vocabulary bumps it, so stale entries are never read again and simply expire.
Code that writes without model signals (bulk_create, update(), imports) calls `bump_catalogue_version()`.
The version lives in the cache itself, so every app server sharing the cache agrees on it.
"""

import time

from django.core.cache import cache

VERSION_KEY = "catalogue:version"


def catalogue_version() -> str:
    version = cache.get(VERSION_KEY)
    if version is None:
        version = str(time.time_ns())
        # add(): if another process set it meanwhile, use theirs.
        if not cache.add(VERSION_KEY, version, timeout=None):
            version = cache.get(VERSION_KEY, version)
    return version


def bump_catalogue_version() -> str:
    version = str(time.time_ns())
    cache.set(VERSION_KEY, version, timeout=None)
    return version


def versioned_key(*parts: object) -> str:
    return ":".join(["catalogue", catalogue_version(), *map(str, parts)])
