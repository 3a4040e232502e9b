"""The one page other sites may frame: the embeddable map.

Every page refuses to be framed (X-Frame-Options: DENY and CSP frame-ancestors 'none'). The
embeddable map is exempt by route, here, rather than by decorators on its view: the page cache
(catalogue/http_cache.py) answers a repeated request with a fresh HttpResponse made of the stored
body and headers, which carries none of the attributes a view decorator sets, so a cached embed
would be refused again. This middleware sits between the two that add those headers and the page
cache, and marks both responses alike, with the attributes Django's xframe_options_exempt and
django-csp's csp_replace set.
"""

from django.urls import Resolver404, resolve

FRAMEABLE_VIEWS = frozenset({"initiatives:embed-map"})
FRAMEABLE_CSP = {"frame-ancestors": ["*"]}


def is_frameable(path: str) -> bool:
    if "/embed/" not in path:  # no URL resolution for the other pages
        return False
    try:
        return resolve(path).view_name in FRAMEABLE_VIEWS
    except Resolver404:
        return False


class FrameableRouteMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if is_frameable(request.path_info):
            response.xframe_options_exempt = True
            response._csp_replace = FRAMEABLE_CSP
        return response
