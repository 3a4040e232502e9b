"""The visitor's address, the one every per-address limit counts by: the public forms' rate limit,
the admin login lockout and the API throttle.

Behind TRUSTED_PROXIES reverse proxies that each append the address they saw to X-Forwarded-For
(nginx's $proxy_add_x_forwarded_for), the visitor is the TRUSTED_PROXIES-th entry from the right:
whatever a client writes into the header itself stays on the left and is never read. With 0 (no
proxy) the header is ignored and the connection's address is the visitor's.
"""

from django.conf import settings
from ipware import get_client_ip


def client_address(request) -> str:
    proxies = settings.TRUSTED_PROXIES
    if proxies:
        # ipware counts the hops after the client, the last proxy's own address not among them.
        address, _ = get_client_ip(
            request, proxy_count=proxies - 1, request_header_order=["HTTP_X_FORWARDED_FOR"], strict=False
        )
    else:
        address, _ = get_client_ip(request, request_header_order=["REMOTE_ADDR"])
    # A request that did not come through every proxy (a health check on the host itself) has too
    # short a chain: the connection's address is all there is.
    return address or request.META.get("REMOTE_ADDR") or "unknown"
