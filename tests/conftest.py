import pytest
from django.contrib.auth.models import User

from initiatives.models import Initiative, Municipality, Region, Route, Sector, Theme
from initiatives.reference import load_reference_data

from .browser import browser, live_server, new_page, page  # noqa: F401  (shared fixtures)
from .hub_fixtures import hub_isolation, make_event, make_library_item, make_news  # noqa: F401


def pytest_configure(config):
    """Under pytest-xdist (`scripts/test --fast`), each worker keeps its own file cache: one
    worker's `cache.clear()` must not empty the pages another worker's test just stored."""
    import os

    from django.conf import settings

    worker = os.environ.get("PYTEST_XDIST_WORKER")
    cache = settings.CACHES["default"]
    if worker and cache["BACKEND"].endswith("FileBasedCache"):
        cache["LOCATION"] = f"{cache['LOCATION']}-{worker}"


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    # Reference data is read-only for the tests: load it once per test database.
    with django_db_blocker.unblock():
        load_reference_data()
    yield
    # A background page rebuild still running would reach the test database while pytest-django
    # drops it (PostgreSQL then refuses: "being accessed by other users"). The page under way
    # finishes on the database; the rest of the queue is dropped.
    from catalogue import page_rebuild

    with django_db_blocker.unblock():
        page_rebuild.stop()
        warn_of_other_sessions()


def warn_of_other_sessions():
    """On PostgreSQL, name what is still connected to the test database just before it is dropped:
    the drop then fails with only "being accessed by other users" and no clue whose session it is."""
    import threading
    import warnings

    from django.db import connection

    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid, application_name, client_port, backend_start, state, left(query, 300) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        sessions = cursor.fetchall()
    if sessions:
        threads = [thread.name for thread in threading.enumerate()]
        warnings.warn(
            f"Still connected to the test database before its drop: {sessions}; threads: {threads}", stacklevel=1
        )


@pytest.fixture
def _django_db_helper(_django_db_helper):
    """pytest-django's own fixture, which gives each test its database, wrapped: once a test ends
    and before a transactional test's flush, the page rebuilds it queued stop. A rebuild thread
    still reading would make the flush fail on SQLite ("database table is locked") and, on either
    database, render and cache pages from the next test's data."""
    yield _django_db_helper
    from catalogue import page_rebuild

    page_rebuild.stop()


@pytest.fixture
def reference_data(db):
    """States, municipalities, regions, Rotas, sectors, themes. Reloaded after a transactional
    test (live server) flushed the database."""
    if not Municipality.objects.exists():
        load_reference_data()


@pytest.fixture
def staff_user(db):
    return User.objects.create_user("staff", "staff@example.org", "pw-staff-1234", is_staff=True)


@pytest.fixture
def superuser(db):
    return User.objects.create_superuser("admin", "admin@example.org", "pw-admin-1234")


@pytest.fixture
def make_initiative(reference_data):
    """Create a published initiative with sensible defaults; keyword arguments override them."""
    counter = iter(range(1, 100_000))

    def make(*, sectors=(), themes=(), regions=(), municipalities=(), **fields):
        n = next(counter)
        fields.setdefault("name", f"Initiative {n}")
        fields.setdefault("slug", f"initiative-{n}")
        fields.setdefault("country", "CO")
        fields.setdefault("is_published", True)
        fields.setdefault("latitude", 6.25)
        fields.setdefault("longitude", -75.56)
        initiative = Initiative.objects.create(**fields)
        initiative.sectors.set([Sector.objects.get(slug=s) if isinstance(s, str) else s for s in sectors])
        initiative.themes.set([Theme.objects.get(slug=t) if isinstance(t, str) else t for t in themes])
        initiative.regions.set([Region.objects.get(code=r) if isinstance(r, str) else r for r in regions])
        initiative.municipalities.set(municipalities)
        return initiative

    return make


@pytest.fixture
def rota_do_mel(reference_data):
    return Route.objects.get(slug="rota-do-mel")


@pytest.fixture(autouse=True)
def plain_static_storage(settings):
    # The manifest storage needs collectstatic; tests serve static files straight from the finders.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    # Imported files are stored; keep the tests' out of the working tree.
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private-media"
    return settings.PRIVATE_MEDIA_ROOT


@pytest.fixture(autouse=True)
def steady_catalogue_version(settings):
    """A test's process is the only writer, and its own edits update the version it remembers:
    re-reading the row on a timer would only add a query here or there to the counted ones.
    tests/initiatives/test_catalogue_version.py checks the re-reading itself."""
    settings.CATALOGUE_VERSION_RECHECK_SECONDS = 3600


@pytest.fixture(autouse=True)
def no_stale_pages(settings):
    """Pages rendered in background threads would outlive a test and its rolled-back database:
    tests/catalogue/test_stale_pages.py turns the stale window on, with a database that commits."""
    settings.PUBLIC_PAGE_STALE_SECONDS = 0


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with an empty cache: the database is rolled back after every test, so a
    catalogue version, a count or a rendered page left by an earlier test would describe rows
    that no longer exist. The labels and the API's rows a process keeps go too."""
    from django.core.cache import cache

    from initiatives.api import fragments
    from initiatives.labels import forget_vocabulary_labels

    cache.clear()
    forget_vocabulary_labels()
    fragments.forget()


@pytest.fixture
def english(settings):
    """Run the test in English: the default language (pt-br) now has a catalogue, so tests that
    read the importer's or the admin's English messages ask for English explicitly."""
    from django.utils import translation

    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def default_language():
    """Every test starts in the site's default language (pt-br), whatever an earlier test's
    requests left active in this thread; tests that read English messages ask for `english`."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


@pytest.fixture
def cache_keys(settings):
    """The cache's keys containing a text, for tests that count entries. The project's cache may be
    Redis or files, whose keys cannot be listed alike (a file's name is a hash): such tests run on a
    local-memory cache of their own, a real Django cache whose keys can be read back."""
    from django.core.cache import cache

    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "counted-keys"}
    }
    cache.clear()

    def keys(containing: str) -> list[str]:
        return [key for key in cache._cache if containing in key]

    yield keys
    cache.clear()
