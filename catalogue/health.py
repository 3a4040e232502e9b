"""Health check for load balancers, the friendly 503 page and small response headers.

Nothing here may need the database to answer: these are the pages shown when it is down.
"""

import logging
import sys

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, DatabaseError, InterfaceError, OperationalError, connections
from django.db.migrations.loader import MigrationLoader
from django.http import HttpResponse, HttpResponseServerError, JsonResponse
from django.template import loader
from django.utils.translation import gettext
from django.views import defaults
from django.views.decorators.cache import never_cache

logger = logging.getLogger(__name__)

# Errors that mean "the database cannot answer now" rather than "our code is wrong".
DATABASE_DOWN = (OperationalError, InterfaceError)


def unapplied_migrations(connection) -> list[tuple[str, str]]:
    """Every migration on disk not applied, not only the leaves: an applied leaf can hide an
    unapplied parent (a migration recorded as unapplied, or one merged in later)."""
    loader = MigrationLoader(connection)
    return [key for key in loader.graph.nodes if key not in loader.applied_migrations]


def database_problem(alias: str = DEFAULT_DB_ALIAS) -> str | None:
    """None when the database answers and every migration is applied, else what is wrong."""
    connection = connections[alias]
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        unapplied = unapplied_migrations(connection)
    except DatabaseError:
        logger.exception("Health check: the database does not answer")
        return "database unavailable"
    if unapplied:
        return f"{len(unapplied)} unapplied migration(s)"
    return None


@never_cache
def healthz(request):
    problem = database_problem()
    if problem:
        return JsonResponse({"status": "unavailable", "problem": problem}, status=503)
    return JsonResponse({"status": "ok"})


FALLBACK_500 = "<!DOCTYPE html><title>500</title><h1>Server error</h1><p>Reference: %(request_id)s</p>"
FALLBACK_503 = (
    "<!DOCTYPE html><title>503</title><h1>Service temporarily unavailable</h1><p>Please try again shortly.</p>"
)


def unavailable_response() -> HttpResponse:
    # A plain render: no request, so no context processor can touch the database.
    try:
        body = loader.get_template("503.html").render()
    except Exception:  # the page for when things are broken must not break in turn
        logger.exception("The 503 page could not be rendered")
        body = FALLBACK_503
    response = HttpResponse(body, status=503)
    response["Retry-After"] = "60"
    response["Cache-Control"] = "no-store"
    return response


class DatabaseUnavailableMiddleware:
    """A view (or its template) that finds the database down gives visitors the 503 page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, DATABASE_DOWN):
            logger.error("Database unavailable while serving %s", request.path, exc_info=exception)
            return unavailable_response()
        return None


def page_not_found(request, exception, template_name="404.html"):
    """handler404: under /api/ a JSON body, as the API documents its 404s (an address no route
    matches, e.g. a slug with a newline, would otherwise get the HTML page); elsewhere the page."""
    if request.path_info.startswith("/api/"):
        return JsonResponse({"detail": gettext("No published initiative or page with this address.")}, status=404)
    return defaults.page_not_found(request, exception, template_name)


def server_error(request, template_name="500.html"):
    """handler500: the database failing outside a view (a middleware) still gets the 503 page.
    The page shows the request id, which names the error's line in the log (catalogue.logs)."""
    if isinstance(sys.exc_info()[1], DATABASE_DOWN):
        return unavailable_response()
    request_id = getattr(request, "request_id", "")
    # A plain render, as Django's own handler does: no context processor may touch the database.
    try:
        body = loader.get_template(template_name).render({"request_id": request_id})
    except Exception:  # the page for when things are broken must not break in turn
        logger.exception("The 500 page could not be rendered")
        body = FALLBACK_500 % {"request_id": request_id}
    return HttpResponseServerError(body)


class HealthCheckMiddleware:
    """Answers /healthz before host validation and the HTTPS redirect: load balancers probe
    over plain HTTP with their own Host header (an address), and must get the real answer."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info == "/healthz":
            return healthz(request)
        return self.get_response(request)


class PermissionsPolicyMiddleware:
    """Browser features no page uses are switched off (settings.PERMISSIONS_POLICY)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if settings.PERMISSIONS_POLICY:
            response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response
