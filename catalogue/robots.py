"""/robots.txt: where crawlers need not go, and where the sitemap is."""

from django.conf import settings
from django.http import HttpResponse
from django.urls import reverse
from django.views.decorators.http import require_safe

DEFAULT_ADMIN_URL = "admin/"


def rules() -> list[str]:
    lines = [
        "User-agent: *",
        # Two or more parameters: combinations of filters (and their pages), endless for a crawler.
        # Every initiative stays reachable through the sitemap and the single-filter pages.
        "Disallow: /*?*&",
        # Data, not pages: the API, its exports and the map's points.
        "Disallow: /api/",
        "Allow: /api/docs/",
    ]
    # A custom ADMIN_URL keeps the admin out of sight: naming it here would publish it (the
    # admin's pages say noindex themselves). The well-known default gives nothing away.
    if settings.ADMIN_URL == DEFAULT_ADMIN_URL:
        lines += [f"Disallow: /{code}/{DEFAULT_ADMIN_URL}" for code, _name in settings.LANGUAGES]
    return lines


@require_safe
def robots_txt(request):
    sitemap = request.build_absolute_uri(reverse("sitemap"))
    body = "\n".join([*rules(), "", f"Sitemap: {sitemap}", ""])
    return HttpResponse(body, content_type="text/plain; charset=utf-8")
