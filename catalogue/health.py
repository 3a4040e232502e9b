"""The load balancers' health check: the database answers and every migration is applied.

Nothing here may need more than a cursor: it is asked when things may be broken.
"""

import logging

from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections
from django.db.migrations.loader import MigrationLoader
from django.http import JsonResponse
from django.views.decorators.cache import never_cache

logger = logging.getLogger(__name__)


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


class HealthCheckMiddleware:
    """Answers /healthz before host validation and the HTTPS redirect: load balancers probe
    over plain HTTP with their own Host header (an address), and must get the real answer."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info == "/healthz":
            return healthz(request)
        return self.get_response(request)
