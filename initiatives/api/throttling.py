"""Anonymous rate limits, read from settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"] at request time.

DRF's SimpleRateThrottle copies the rates into a class attribute when it is imported, so a changed
setting (another deployment's environment, a test's override) would never be seen.
"""

import math

from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import render
from django.utils import translation
from django.utils.translation import gettext, ngettext
from rest_framework.exceptions import Throttled
from rest_framework.request import Request
from rest_framework.settings import api_settings
from rest_framework.throttling import AnonRateThrottle
from rest_framework.views import exception_handler as drf_exception_handler

from ..client_address import client_address


class AnonThrottle(AnonRateThrottle):
    scope = "anon"

    def get_rate(self):
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)

    def get_ident(self, request):
        # The same visitor as the forms' rate limit and the login lockout (TRUSTED_PROXIES).
        return client_address(request)


class ExportThrottle(AnonThrottle):
    """Exports send whole selections: a smaller budget, counted apart from the JSON API's."""

    scope = "exports"


def over_anon_budget(request) -> JsonResponse | None:
    """For a plain Django view (the GeoJSON): the API's anonymous budget, counted with the API's
    requests and refused as the API refuses, a 429 saying in Retry-After how long to wait. None
    while within the budget."""
    throttle = AnonThrottle()
    # Wrapped as DRF wraps it, with no authentication: everyone counts as the API counts them.
    if throttle.allow_request(Request(request), None):
        return None
    wait = throttle.wait()
    response = JsonResponse({"detail": str(TooManyRequests(wait).detail)}, status=429)
    if wait is not None:
        response["Retry-After"] = str(math.ceil(wait))
    return response


def too_many_requests_message(seconds: int | None) -> str:
    if seconds is None:
        return gettext("Too many requests from your address. Wait a moment and try again.")
    return ngettext(
        "Too many requests from your address. Wait %(seconds)d second and try again.",
        "Too many requests from your address. Wait %(seconds)d seconds and try again.",
        seconds,
    ) % {"seconds": seconds}


class TooManyRequests(Throttled):
    """DRF's Throttled with a message of our own: its Portuguese one is garbled ("diponível"),
    and it formats the wait before looking the sentence up, so it is never translated."""

    def __init__(self, wait=None):
        seconds = None if wait is None else math.ceil(wait)
        super().__init__(detail=too_many_requests_message(seconds))
        self.wait = seconds


def exception_handler(exc, context):
    """DRF's handler, with our 429: JSON for programs, a page of the site for a person who
    followed a download link (the browser asks for HTML), both saying how long to wait."""
    if not isinstance(exc, Throttled):
        return drf_exception_handler(exc, context)
    request = context["request"]
    language = request.GET.get("lang", "").lower()
    with translation.override(language if language in dict(settings.LANGUAGES) else translation.get_language()):
        exc = TooManyRequests(exc.wait)
        if "text/html" not in request.META.get("HTTP_ACCEPT", ""):
            return drf_exception_handler(exc, context)
        response = render(request._request, "api/too_many_requests.html", {"message": exc.detail}, status=429)
    if exc.wait is not None:
        response["Retry-After"] = str(exc.wait)
    return response
