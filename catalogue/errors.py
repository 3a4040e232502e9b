"""The project's error handlers (handler404, handler500): JSON under /api/, pages elsewhere."""

import logging
import sys

from django.http import HttpResponseServerError, JsonResponse
from django.template import loader
from django.utils.translation import gettext
from django.views import defaults

from .unavailable import DATABASE_DOWN, unavailable_response

logger = logging.getLogger(__name__)

FALLBACK_500 = "<!DOCTYPE html><title>500</title><h1>Server error</h1><p>Reference: %(request_id)s</p>"


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
