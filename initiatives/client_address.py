"""The visitor's address, the one every per-address limit counts by: the public forms' rate limit,
the admin login lockout and the API throttle.

Behind TRUSTED_PROXIES reverse proxies that each append the address they saw to X-Forwarded-For
(nginx's $proxy_add_x_forwarded_for), the visitor is the TRUSTED_PROXIES-th entry from the right:
whatever a client writes into the header itself stays on the left and is never read. With 0 (no
proxy) the header is ignored and the connection's address is the visitor's.
"""

from django.conf import settings
from ipware import get_client_ip


def client_address(request) -> str | None:
    """The visitor's address, or None when the request has none (a test's or a command's)."""
    if proxies := settings.TRUSTED_PROXIES:
        # ipware counts the hops after the client, the last proxy's own address not among them.
        address, _ = get_client_ip(
            request, proxy_count=proxies - 1, request_header_order=["HTTP_X_FORWARDED_FOR"], strict=False
        )
        if address:
            return address
        # A chain shorter than the proxies (a probe on the proxy host itself): the connection's.
    address, _ = get_client_ip(request, request_header_order=["REMOTE_ADDR"])
    return address
