"""HTTP caching of public pages, so that a proxy or CDN in front of the app servers can serve them.

For an anonymous GET or HEAD answered with 200, the response gets a weak ETag and a Last-Modified
derived from the catalogue version (bumped on every change, see initiatives.cache), the release,
the page's language and its full path, plus `Cache-Control: public, max-age=PUBLIC_CACHE_MAX_AGE`
and `Vary: Accept-Language, Cookie`. A conditional request whose validator still matches gets a
304 before the view runs, when the request carries no session or messages cookie.

Anything tied to one visitor is never shared: a logged-in user, a page that embeds a CSRF token
(any form), a modified session, pending messages or a response setting a cookie all get
`Cache-Control: private, no-store`. A view that sets its own Cache-Control or ETag is left alone.

The app servers keep those public pages too: a GET that was marked public is stored in the cache
(Redis when REDIS_URL is set, shared by every server) under the same identity as its ETag plus the
host and scheme, for PUBLIC_PAGE_CACHE_SECONDS, and the next anonymous visitor without a session
gets it without the view running. An edit bumps the catalogue version: for PUBLIC_PAGE_STALE_SECONDS
after it, an anonymous visitor still gets the page of the previous version while a background thread
renders the new one (catalogue.page_rebuild; `stale-while-revalidate` in Cache-Control says the
same to proxies); after that window a page of an older version is never served. Staff and managers
are logged in, so they never get a stored page and see their own edits at once.

The stored page is keyed on the path and the normalised parameters the public views read (see
PAGE_PARAMETERS and initiatives.selection.cache_query), not on the raw query string: ?utm=1, ?utm=2…
or ?q=Café, ?q=cafe share one entry instead of each storing a copy. The entry remembers the exact
query string it was rendered for and answers only that one; another spelling renders again and
takes the entry's place, so a page never shows a link or a search box made for another visitor.
"""

import hashlib
import re
import time as clock
from datetime import datetime, time

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.http import HttpResponse
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.http import http_date
from django.utils.translation import get_language

from hub.filters import LibraryFilterSet
from initiatives.cache import catalogue_version
from initiatives.filters import InitiativeFilterSet
from initiatives.selection import cache_query

from . import page_rebuild
from .unavailable import DATABASE_DOWN

# Staff screens and the language switch are never shared, whatever their status.
EXCLUDED_PATHS = re.compile(r"^/(?:[a-z]{2}(?:-[a-z]{2})?/)?(?:admin|i18n)/")
SAFE_METHODS = ("GET", "HEAD")
# Every query parameter a public view reads: the filters, pagination, the API's language and
# format, the proposal lookup and the sitemap's page. Others cannot change a page.
PAGE_PARAMETERS = frozenset(
    {*InitiativeFilterSet.base_filters, *LibraryFilterSet.base_filters}
    | {"page", "page_size", "lang", "format", "reference", "p"}
)


def _identity(request, version: str, address: str | None = None) -> str:
    """What a public page depends on: the catalogue, the deploy, the language, the address and the
    day (pages list upcoming events: one that has ended moves to the past at midnight)."""
    today = timezone.localdate().isoformat()
    address = request.get_full_path() if address is None else address
    return "|".join([version, settings.RELEASE, get_language() or "", today, address])


def _edited_at(version: str) -> float | None:
    try:
        return int(version) / 1_000_000_000  # versions are time.time_ns() strings
    except ValueError:
        return None


def validators(request, version: str) -> tuple[str, int | None]:
    """(weak ETag, Last-Modified timestamp) of the public version of this page."""
    digest = hashlib.blake2b(_identity(request, version).encode(), digest_size=12).hexdigest()
    etag = f'W/"{digest}"'
    try:
        changed = int(version) // 1_000_000_000  # versions are time.time_ns() strings
    except ValueError:
        return etag, None
    midnight = timezone.make_aware(datetime.combine(timezone.localdate(), time.min)).timestamp()
    return etag, max(changed, int(midnight))


def page_key(request) -> str:
    """One entry per address, whatever the version: the entry says which version it holds, so the
    previous version's page is at hand during the stale window and a new one takes its place."""
    address = request.path + "?" + cache_query(request.GET, PAGE_PARAMETERS)
    # Host and scheme too: pages hold absolute links (canonical, og:url, the API's URLs).
    identity = "|".join([_identity(request, "", address), request.scheme, request.get_host()])
    return "page:" + hashlib.blake2b(identity.encode(), digest_size=16).hexdigest()


def _query_string(request) -> str:
    return request.META.get("QUERY_STRING", "")


def stored_page(request, key: str) -> tuple[str, HttpResponse] | None:
    """(version, page) stored under this key, if it was rendered for this very query string."""
    stored = cache.get(key)
    if stored is None or len(stored) != 4:
        return None
    version, query_string, content, headers = stored
    if query_string != _query_string(request):
        return None
    return version, HttpResponse(content, headers=headers)


def store_page(request, response, key: str, version: str) -> None:
    """Keep a public response for the next anonymous visitor, unless it is streamed, too big, or
    embeds this request's CSP nonce (an inline script allowed for this response only)."""
    if request.method != "GET" or response.streaming or getattr(request, "_csp_nonce", None):
        return
    if len(response.content) > settings.PUBLIC_PAGE_CACHE_MAX_BYTES:
        return
    stored = (version, _query_string(request), response.content, dict(response.items()))
    cache.set(key, stored, settings.PUBLIC_PAGE_CACHE_SECONDS)


def _newer(version: str, than: str) -> bool:
    edited_at, other = _edited_at(version), _edited_at(than)
    return edited_at is not None and other is not None and edited_at > other


def may_serve_stale(version: str) -> bool:
    """True while the edit that made `version` is younger than PUBLIC_PAGE_STALE_SECONDS."""
    edited_at = _edited_at(version)
    window = settings.PUBLIC_PAGE_STALE_SECONDS
    return window > 0 and edited_at is not None and clock.time() - edited_at <= window


def _serve_stale(request, page: HttpResponse) -> HttpResponse:
    page_rebuild.rebuild(request, [(request.path_info, _query_string(request))])
    # A proxy must not keep the previous version beyond the window either.
    patch_cache_control(page, max_age=0)
    return page


MESSAGES_COOKIE = CookieStorage.cookie_name


def _carries_visitor_state(request) -> bool:
    cookies = request.COOKIES
    return settings.SESSION_COOKIE_NAME in cookies or MESSAGES_COOKIE in cookies


def _is_personal(request, response) -> bool:
    """True when the response holds or sets something that belongs to this visitor only."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return True
    if request.META.get("CSRF_COOKIE_NEEDS_UPDATE"):  # get_token() was called: a form's token
        return True
    session = getattr(request, "session", None)
    if session is not None and session.modified:
        return True
    messages = getattr(request, "_messages", None)
    if messages is not None and getattr(messages, "_queued_messages", None):
        return True
    return MESSAGES_COOKIE in request.COOKIES or bool(response.cookies)


class PublicCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        applies = request.method in SAFE_METHODS and not EXCLUDED_PATHS.match(request.path_info)
        conditional = "HTTP_IF_NONE_MATCH" in request.META or "HTTP_IF_MODIFIED_SINCE" in request.META
        # Read once, before the view: a page rendered while an edit lands is then filed (and
        # validated) under the version it was rendered from, never under the newer one.
        try:
            version = catalogue_version() if applies else ""
        except DATABASE_DOWN:  # the view meets the same failure and answers with the 503 page
            applies, version = False, ""
        if applies and conditional and not _carries_visitor_state(request):
            etag, last_modified = validators(request, version)
            not_modified = get_conditional_response(request, etag=etag, last_modified=last_modified)
            if not_modified is not None and not_modified.status_code == 304:
                self._mark_public(not_modified, etag, last_modified)
                return not_modified
        page_cache = applies and settings.PUBLIC_PAGE_CACHE_SECONDS > 0 and not _carries_visitor_state(request)
        rebuilding = page_rebuild.is_rebuild(request)
        if page_cache and not rebuilding:
            self._warm_if_new(request, version)
        key = page_key(request) if page_cache else ""
        if page_cache and (stored := stored_page(request, key)) is not None:
            stored_version, page = stored
            if stored_version == version or _newer(stored_version, version):
                # Newer: another process has seen an edit this one has not re-read yet.
                return page
            if not rebuilding and may_serve_stale(version):
                return _serve_stale(request, page)

        response = self.get_response(request)
        if not applies or response.status_code != 200:
            return response
        if _is_personal(request, response):
            patch_cache_control(response, private=True, no_store=True)
            return response
        if response.has_header("Cache-Control") or response.has_header("ETag"):
            # The view decided (e.g. the GeoJSON with its own validators); still honour its ETag.
            etag = response.get("ETag")
            return self._not_modified_or(request, response, etag, None) if conditional and etag else response
        etag, last_modified = validators(request, version)
        self._mark_public(response, etag, last_modified)
        if page_cache:
            store_page(request, response, key, version)
        # Reached with a condition only by a visitor with a session cookie and nothing personal here.
        return self._not_modified_or(request, response, etag, last_modified) if conditional else response

    _seen_version = ""

    @classmethod
    def _warm_if_new(cls, request, version: str) -> None:
        """The first time this process sees a version, render the most visited pages for it."""
        if version == cls._seen_version or settings.PUBLIC_PAGE_STALE_SECONDS <= 0:
            return
        cls._seen_version = version
        page_rebuild.warm(request, version)

    @staticmethod
    def _not_modified_or(request, response, etag, last_modified):
        not_modified = get_conditional_response(request, etag=etag, last_modified=last_modified, response=response)
        if not_modified is not response:
            response.close()
        return not_modified

    @staticmethod
    def _mark_public(response, etag: str, last_modified: int | None) -> None:
        response["ETag"] = etag
        if last_modified is not None:
            response["Last-Modified"] = http_date(last_modified)
        patch_cache_control(response, public=True, max_age=settings.PUBLIC_CACHE_MAX_AGE)
        if settings.PUBLIC_PAGE_STALE_SECONDS > 0:
            patch_cache_control(response, stale_while_revalidate=settings.PUBLIC_PAGE_STALE_SECONDS)
        patch_vary_headers(response, ("Accept-Language", "Cookie"))
