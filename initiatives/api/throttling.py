"""Anonymous rate limits, read from settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"] at request time.

DRF's SimpleRateThrottle copies the rates into a class attribute when it is imported, so a changed
setting (another deployment's environment, a test's override) would never be seen.
"""

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
