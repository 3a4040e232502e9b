"""One version number for everything derived from the published catalogue.

Cached figures, facet counts, rendered pages and GeoJSON put `catalogue_version()` in their keys;
any change to an initiative or a vocabulary bumps it, so stale entries are never read again and
simply expire. Code that writes without model signals (bulk_create, update(), imports) calls
`bump_catalogue_version()`.

The version is one database row (CatalogueVersion), so every process agrees on it whatever the
cache: web workers, `manage.py shell`, an import run from the command line. A process re-reads the
row at most every CATALOGUE_VERSION_RECHECK_SECONDS, so an edit made elsewhere shows within that
time while a busy page costs no query; an edit made in the process itself shows at once.
"""

import time

from django.apps import apps
from django.conf import settings
from django.db import IntegrityError, connection, transaction

_remembered: tuple[str, float] | None = None  # (version, monotonic time it was read or written)


def _remember(version: str) -> str:
    global _remembered
    _remembered = (version, time.monotonic())
    return version


def forget_catalogue_version() -> None:
    """Make the next catalogue_version() read the database (tests, after rolling it back)."""
    global _remembered
    _remembered = None


def _row_model():
    # Looked up in the app registry: the models import what imports this module (search, querysets).
    return apps.get_model("initiatives", "CatalogueVersion")


def _stored_version() -> str:
    CatalogueVersion = _row_model()  # noqa: N806

    version = CatalogueVersion.objects.filter(pk=CatalogueVersion.ROW_ID).values_list("value", flat=True).first()
    if version is None:  # a database just created or flushed: start one
        version = str(time.time_ns())
        try:
            with transaction.atomic():
                CatalogueVersion.objects.create(pk=CatalogueVersion.ROW_ID, value=version)
        except IntegrityError:  # another process started it meanwhile: use theirs
            version = CatalogueVersion.objects.values_list("value", flat=True).get(pk=CatalogueVersion.ROW_ID)
    return version


def catalogue_version() -> str:
    if _remembered is not None:
        version, read_at = _remembered
        if time.monotonic() - read_at < settings.CATALOGUE_VERSION_RECHECK_SECONDS:
            return version
    return _remember(_stored_version())


def _set_new_version() -> str:
    CatalogueVersion = _row_model()  # noqa: N806
    version = str(time.time_ns())
    if not CatalogueVersion.objects.filter(pk=CatalogueVersion.ROW_ID).update(value=version):
        _stored_version()
        CatalogueVersion.objects.filter(pk=CatalogueVersion.ROW_ID).update(value=version)
    return _remember(version)


def bump_catalogue_version() -> str:
    version = _set_new_version()
    # Until the transaction commits, a reader may cache the old rows under the new version:
    # bump once more when it lands (once per transaction, however many rows it writes).
    if connection.in_atomic_block and not any(entry[1] is _set_new_version for entry in connection.run_on_commit):
        transaction.on_commit(_set_new_version)
    return version


def versioned_key(*parts: object) -> str:
    return ":".join(["catalogue", catalogue_version(), *map(str, parts)])
