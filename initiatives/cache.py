"""One version number for everything derived from the published catalogue.

Cached figures, facet counts and GeoJSON put `catalogue_version()` in their keys; any change to
an initiative or a vocabulary bumps it, so stale entries are never read again and simply expire.
Code that writes without model signals (bulk_create, update(), imports) calls `bump_catalogue_version()`.
The version lives in the cache itself, so every app server sharing the cache agrees on it.
"""

import time

from django.core.cache import cache
from django.db import connection, transaction

VERSION_KEY = "catalogue:version"


def catalogue_version() -> str:
    version = cache.get(VERSION_KEY)
    if version is None:
        version = str(time.time_ns())
        # add(): if another process set it meanwhile, use theirs.
        if not cache.add(VERSION_KEY, version, timeout=None):
            version = cache.get(VERSION_KEY, version)
    return version


def _set_new_version() -> str:
    version = str(time.time_ns())
    cache.set(VERSION_KEY, version, timeout=None)
    return version


def bump_catalogue_version() -> str:
    version = _set_new_version()
    # Until the transaction commits, a reader may cache the old rows under the new version:
    # bump once more when it lands (once per transaction, however many rows it writes).
    if connection.in_atomic_block and not any(entry[1] is _set_new_version for entry in connection.run_on_commit):
        transaction.on_commit(_set_new_version)
    return version


def versioned_key(*parts: object) -> str:
    return ":".join(["catalogue", catalogue_version(), *map(str, parts)])
