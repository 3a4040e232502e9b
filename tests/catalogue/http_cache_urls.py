"""Views that use per-visitor state, for tests/catalogue/test_http_cache.py and tests/catalogue/test_page_cache.py."""

from django.contrib import messages
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.urls import path
from django.views.decorators.cache import cache_control

from catalogue.urls import urlpatterns as project_urlpatterns


def with_form(request):
    return HttpResponse(f'<form method="post"><input name="csrfmiddlewaretoken" value="{get_token(request)}"></form>')


def with_message(request):
    messages.info(request, "Saved.")
    return HttpResponse("a message is waiting")


def with_cookie(request):
    response = HttpResponse("a cookie")
    response.set_cookie("seen", "1")
    return response


@cache_control(no_cache=True)
def own_policy(request):
    return HttpResponse("the view decides")


def own_etag(request):
    response = HttpResponse("validated by the middleware with the view's ETag")
    response["ETag"] = '"v1"'
    return response


def plain(request):
    return HttpResponse("public")


RENDERED = []


def counted(request):
    """Says how many times a view has run, so a test sees whether the page cache answered."""
    RENDERED.append(request.get_full_path())
    response = HttpResponse(f"rendered {len(RENDERED)} times", content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = "inline"
    return response


def with_nonce(request):
    RENDERED.append(request.get_full_path())
    return HttpResponse(f'<script nonce="{request.csp_nonce}">1</script>')


def edited_meanwhile(request):
    """An edit lands while the page renders."""
    from initiatives.cache import bump_catalogue_version

    RENDERED.append(request.get_full_path())
    bump_catalogue_version()
    return HttpResponse(f"rendered {len(RENDERED)} times")


def big(request):
    RENDERED.append(request.get_full_path())
    return HttpResponse("x" * 2000)


urlpatterns = [
    path("t/form/", with_form),
    path("t/message/", with_message),
    path("t/cookie/", with_cookie),
    path("t/own-policy/", own_policy),
    path("t/own-etag/", own_etag),
    path("t/plain/", plain),
    path("t/counted/", counted),
    path("t/nonce/", with_nonce),
    path("t/big/", big),
    path("t/edited-meanwhile/", edited_meanwhile),
    *project_urlpatterns,
]
