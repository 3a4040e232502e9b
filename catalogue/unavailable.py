"""The friendly 503 page for when the database is down, and the middleware that shows it.

Nothing here may need the database to answer: this is the page shown when it is down.
"""

import logging

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template import loader

logger = logging.getLogger(__name__)

# Errors that mean "the database cannot answer now" rather than "our code is wrong".
DATABASE_DOWN = (OperationalError, InterfaceError)

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
