import pytest
from csp.middleware import CSPMiddleware
from django.conf import settings
from django.http import HttpResponse
from django.template import RequestContext, Template
from django.test import RequestFactory
from django.urls import reverse

from catalogue.settings import url_origin

pytestmark = pytest.mark.django_db


def csp_directives(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {name: values for name, *values in (part.split() for part in header.split(";") if part.strip())}


@pytest.fixture(params=["page", "admin login", "api", "health", "not found"])
def response(request, client, reference_data):
    url = {
        "page": "/en/",
        "admin login": reverse("admin:login"),
        "api": "/api/",
        "health": "/healthz",
        "not found": "/es/no-such-page/",
    }[request.param]
    return client.get(url)


def test_it_sends_a_strict_content_security_policy_everywhere(response):
    directives = csp_directives(response)
    assert directives["default-src"] == ["'self'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["object-src"] == ["'none'"]
    for directive in ("script-src", "style-src"):
        assert "'unsafe-inline'" not in directives[directive]
        assert "'unsafe-eval'" not in directives[directive]
        assert directives[directive][0] == "'self'"


def test_it_sends_the_other_security_headers_everywhere(response):
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    if response["Content-Type"].startswith("text/html"):  # /healthz answers JSON before that middleware
        assert response["X-Frame-Options"] == "DENY"
    assert "camera=()" in response["Permissions-Policy"]


def test_it_lets_images_come_from_the_map_tile_host_and_data_urls(client, reference_data):
    img_src = csp_directives(client.get("/en/"))["img-src"]
    assert img_src == ["'self'", "data:", url_origin(settings.MAP_TILES_URL)]
    assert url_origin(settings.MAP_TILES_URL) == "https://tile.openstreetmap.org"


@pytest.mark.parametrize(
    ("url", "origin"),
    [
        ("https://tile.openstreetmap.org/{z}/{x}/{y}.png", "https://tile.openstreetmap.org"),
        ("https://{s}.tile.example.org:8443/{z}/{x}/{y}.png", "https://*.tile.example.org:8443"),
        ("", None),
        ("/tiles/{z}/{x}/{y}.png", None),  # same origin: 'self' already allows it
    ],
)
def test_it_derives_the_tile_origin_from_the_tile_url(url, origin):
    assert url_origin(url) == origin


def test_it_puts_the_nonce_a_template_used_into_the_policy():
    request = RequestFactory().get("/en/")
    middleware = CSPMiddleware(lambda request: None)
    middleware.process_request(request)
    html = Template('<script nonce="{{ request.csp_nonce }}"></script>').render(RequestContext(request, {}))
    nonce = html.split('"')[1]
    response = middleware.process_response(request, HttpResponse(html))
    assert len(nonce) >= 16
    assert f"'nonce-{nonce}'" in csp_directives(response)["script-src"]


def test_it_sends_no_nonce_when_no_template_asked_for_one(client, reference_data):
    assert not any(value.startswith("'nonce-") for value in csp_directives(client.get("/en/"))["script-src"])
