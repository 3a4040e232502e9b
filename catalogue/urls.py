from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path

from initiatives.sitemaps import cached_sitemap

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/", include("initiatives.api_urls")),
    # One sitemap for all languages: each page is listed per language with hreflang alternates.
    path("sitemap.xml", cached_sitemap, name="sitemap"),
]

urlpatterns += i18n_patterns(
    path("admin/", admin.site.urls),
    path("", include("initiatives.urls")),
    path("", include("hub.urls")),
    prefix_default_language=True,
)

# Public uploads (library PDFs, news images); in production the web server serves MEDIA_ROOT.
urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
