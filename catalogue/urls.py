from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.shortcuts import redirect
from django.templatetags.static import static as static_url  # not django.conf.urls.static's
from django.urls import include, path

from catalogue import health

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/", include("initiatives.api_urls")),
]

urlpatterns += i18n_patterns(
    path(settings.ADMIN_URL, admin.site.urls),
    path("", include("initiatives.urls")),
    prefix_default_language=True,
)

# --- Operations (issue 10): the load balancers' health check and the error pages. ---
urlpatterns += [
    path("healthz", health.healthz, name="healthz"),
    # Browsers ask for /favicon.ico on pages that name no icon (the admin): no 404 in their console.
    path("favicon.ico", lambda request: redirect(static_url("favicon.svg"), permanent=True)),
]
handler500 = "catalogue.health.server_error"
