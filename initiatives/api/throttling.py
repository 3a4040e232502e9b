"""Anonymous rate limits, read from settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"] at request time.

DRF's SimpleRateThrottle copies the rates into a class attribute when it is imported, so a changed
setting (another deployment's environment, a test's override) would never be seen.
"""

import math

from django.http import JsonResponse
from rest_framework.exceptions import Throttled
from rest_framework.request import Request
from rest_framework.settings import api_settings
from rest_framework.throttling import AnonRateThrottle

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
    response = JsonResponse({"detail": str(Throttled(wait).detail)}, status=429)
    if wait is not None:
        response["Retry-After"] = str(math.ceil(wait))
    return response
