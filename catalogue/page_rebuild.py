"""Public pages rendered again off the request path, after the catalogue changed (catalogue.http_cache).

When the page cache hands an anonymous visitor the previous version of a page (stale-while-
revalidate), it asks for that page to be rendered here: in a background thread of the same worker,
through the whole middleware stack, as a visitor without cookies would get it; the page cache then
stores the result under the new version. The first worker to see a new catalogue version also
renders the most visited pages this way (`warm`), so they are warm again within seconds of an edit
or an import, wherever it ran (admin, a command, another server): the deployment runs only
gunicorn, the database and perhaps Redis, no task queue and no cron of its own.

Bounded: one rebuild of an address at a time across processes (a lock in the shared cache), one rendering thread per process working through a queue of at most MAX_QUEUED
addresses; what does not fit is left to the next visitor, who renders it as before.
"""

import hashlib
import io
import logging
import sys
import threading
from collections import deque

from django.conf import settings
from django.core.cache import cache
from django.core.handlers.wsgi import WSGIHandler
from django.db import connections, transaction

logger = logging.getLogger(__name__)

REBUILD_FLAG = "catalogue.page_rebuild"  # in the environ of a rebuild: render, never serve a stale page
MAX_QUEUED = 100  # addresses waiting per process; beyond, visitors render them as before
LOCK_SECONDS = 60  # a worker killed mid-rebuild holds the lock no longer than this
# What the page's address, scheme and language depend on, copied from the visitor's request.
KEPT_META = (
    "SCRIPT_NAME",
    "SERVER_NAME",
    "SERVER_PORT",
    "SERVER_PROTOCOL",
    "REMOTE_ADDR",
    "HTTP_HOST",
    "HTTP_ACCEPT_LANGUAGE",
    "HTTP_X_FORWARDED_FOR",
    "HTTP_X_FORWARDED_HOST",
    "HTTP_X_FORWARDED_PORT",
    "HTTP_X_FORWARDED_PROTO",
    "wsgi.url_scheme",
)

_handler: WSGIHandler | None = None
_queue: deque[tuple[str, dict]] = deque()
_worker: threading.Thread | None = None  # the latest rendering thread, kept after it stops taking work
_taking_work = False  # whether _worker still takes queued addresses
_guard = threading.Lock()


def is_rebuild(request) -> bool:
    return bool(request.META.get(REBUILD_FLAG))


def warm_addresses() -> list[tuple[str, str]]:
    """The most visited (path, query string): home and the list's first page in each language, and
    the map's points in each language, as the map asks for them."""
    addresses = []
    for code, _name in settings.LANGUAGES:
        addresses += [(f"/{code}/", ""), (f"/{code}/initiatives/", ""), ("/api/initiatives.geojson", f"lang={code}")]
    return addresses


def _environ(meta, path_info: str, query_string: str) -> dict:
    environ = {name: meta[name] for name in KEPT_META if name in meta}
    environ.update(
        {
            "REQUEST_METHOD": "GET",
            "PATH_INFO": path_info,
            "QUERY_STRING": query_string,
            # As browsers ask: the map's GeoJSON then stores its gzipped body too.
            "HTTP_ACCEPT_ENCODING": "gzip",
            "wsgi.input": io.BytesIO(),
            "wsgi.errors": sys.stderr,
            "wsgi.version": (1, 0),
            "wsgi.multithread": True,
            "wsgi.multiprocess": True,
            "wsgi.run_once": False,
            REBUILD_FLAG: True,
        }
    )
    return environ


def _lock_key(environ: dict) -> str:
    # Not the version: one render of an address at a time whatever the edits meanwhile; it renders
    # the version current when its turn comes (on SQLite, endless renders would starve writers).
    parts = [
        *(str(environ.get(name, "")) for name in KEPT_META),
        environ["PATH_INFO"],
        environ["QUERY_STRING"],
    ]
    return "page-rebuild:" + hashlib.blake2b("|".join(parts).encode(), digest_size=16).hexdigest()


def _render(environ: dict) -> None:
    global _handler
    if _handler is None:  # built on first use: two threads building one each is harmless
        _handler = WSGIHandler()
    response = _handler(environ, lambda status, headers, exc_info=None: None)
    try:
        for _chunk in response:
            pass
    finally:
        response.close()


def _work(previous: threading.Thread | None) -> None:
    global _taking_work
    try:
        while True:
            with _guard:
                if not _queue:
                    _taking_work = False
                    return
                lock, environ = _queue.popleft()
            try:
                _render(environ)
            except Exception:  # a failed rebuild leaves the page to the next visitor
                logger.exception("Rebuilding %s failed", environ["PATH_INFO"])
            finally:
                cache.delete(lock)
    finally:
        connections.close_all()  # this thread's own connections
        if previous is not None:
            # It may still be closing its connections: joining the latest thread joins them all.
            previous.join()


def _enqueue(jobs: list[tuple[str, dict]]) -> None:
    global _worker, _taking_work
    with _guard:
        room = MAX_QUEUED - len(_queue)
        for lock, _environ in jobs[max(room, 0) :]:
            cache.delete(lock)  # no room: the next visitor renders it
        _queue.extend(jobs[: max(room, 0)])
        if not _taking_work and _queue:
            _worker = threading.Thread(target=_work, args=(_worker,), name="page-rebuild", daemon=True)
            _taking_work = True
            _worker.start()


def rebuild(request, addresses: list[tuple[str, str]]) -> bool:
    """Queue these (path_info, query string) to be rendered in the background, after the current
    transaction commits. False when none was queued (each already queued or under way)."""
    jobs = []
    for path_info, query_string in addresses:
        environ = _environ(request.META, path_info, query_string)
        lock = _lock_key(environ)
        if cache.add(lock, 1, LOCK_SECONDS):
            jobs.append((lock, environ))
    if not jobs:
        return False
    transaction.on_commit(lambda: _enqueue(jobs))
    return True


def warm(request, version: str) -> bool:
    """Queue the most visited pages for a version no process has warmed yet."""
    if not cache.add(f"page-warm:{version}", 1, settings.PUBLIC_PAGE_CACHE_SECONDS or LOCK_SECONDS):
        return False
    return rebuild(request, warm_addresses())


def wait(timeout: float = 60) -> None:
    """Block until the queued rebuilds have finished and their threads closed their database
    connections (tests)."""
    with _guard:
        worker = _worker
    if worker is not None:
        worker.join(timeout)


def stop(timeout: float = 60) -> None:
    """Forget the addresses still queued and wait for the page being rendered, e.g. before the
    database goes away: a rebuild thread left running would connect to it again."""
    with _guard:
        dropped = list(_queue)
        _queue.clear()
    for lock, _environ in dropped:
        cache.delete(lock)
    wait(timeout)
