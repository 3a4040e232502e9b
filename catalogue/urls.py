from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.conf.urls.static import static
from django.contrib import admin
from django.shortcuts import redirect
from django.templatetags.static import static as static_url  # not django.conf.urls.static's
from django.urls import include, path

from catalogue import health, robots
from hub.sitemaps import SECTIONS as HUB_SITEMAP_SECTIONS
from initiatives import sitemaps
from initiatives.api.views import ApiDocsView

SITEMAP_SECTIONS = {**sitemaps.SECTIONS, **HUB_SITEMAP_SECTIONS}

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/", include("initiatives.api_urls")),
    # One sitemap index for all languages; each section lists its pages per language with hreflang alternates.
    path("sitemap.xml", sitemaps.index, {"sections": SITEMAP_SECTIONS}, name="sitemap"),
    path("robots.txt", robots.robots_txt, name="robots"),
    path("sitemap-<slug:name>.xml", sitemaps.section, {"sections": SITEMAP_SECTIONS}, name="sitemap-section"),
]

urlpatterns += i18n_patterns(
    path(settings.ADMIN_URL, admin.site.urls),
    # The API docs in each language (their language links work); /api/docs/ sends here.
    path("api/docs/", ApiDocsView.as_view(), name="api-docs"),
    path("", include("initiatives.urls")),
    path("", include("hub.urls")),
    path("accounts/", include("allauth.urls")),
    path("", include("collaboration.urls")),
    prefix_default_language=True,
)

# Public uploads (library PDFs, news images); in production the web server serves MEDIA_ROOT.
urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
# --- Operations: the load balancers' health check and the error pages. ---
urlpatterns += [
    path("healthz", health.healthz, name="healthz"),
    # Browsers ask for /favicon.ico on pages that name no icon (the admin): no 404 in their console.
    path("favicon.ico", lambda request: redirect(static_url("favicon.svg"), permanent=True)),
]
handler404 = "catalogue.errors.page_not_found"
handler500 = "catalogue.errors.server_error"
