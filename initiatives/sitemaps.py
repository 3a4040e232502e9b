"""sitemap.xml: every public page in each language, with hreflang alternates."""

from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps.views import sitemap
from django.core.cache import cache
from django.http import HttpResponse
from django.urls import reverse

from .cache import versioned_key
from .models import Initiative, Route, Theme


class CatalogueSitemap(Sitemap):
    i18n = True
    alternates = True
    x_default = True


class PagesSitemap(CatalogueSitemap):
    changefreq = "daily"

    def items(self):
        return ["initiatives:home", "initiatives:list"]

    def location(self, item):
        return reverse(item)


class InitiativeSitemap(CatalogueSitemap):
    changefreq = "weekly"

    def items(self):
        return Initiative.objects.published().only("slug", "updated").order_by("pk")

    def lastmod(self, item):
        return item.updated


class CountrySitemap(CatalogueSitemap):
    def items(self):
        return sorted(Initiative.objects.published().facet_counts("country"))

    def location(self, item):
        return reverse("initiatives:country", args=[item])


class RouteSitemap(CatalogueSitemap):
    def items(self):
        return Route.objects.order_by("slug")


class ThemeSitemap(CatalogueSitemap):
    def items(self):
        return Theme.objects.order_by("slug")


SITEMAPS = {
    "pages": PagesSitemap,
    "initiatives": InitiativeSitemap,
    "countries": CountrySitemap,
    "rotas": RouteSitemap,
    "themes": ThemeSitemap,
}


def cached_sitemap(request):
    """The sitemap, rendered once per catalogue version (it reverses every URL in every language,
    seconds of work for thousands of initiatives); bots fetch it often, it changes rarely."""
    key = versioned_key("sitemap", request.scheme, request.get_host(), request.GET.get("p", "1"))
    cached = cache.get(key)
    if cached is None:
        response = sitemap(request, sitemaps=SITEMAPS)
        if response.status_code != 200:
            return response
        response.render()
        cached = (response.content, response["Content-Type"])
        cache.set(key, cached, 60 * 60)
    content, content_type = cached
    return HttpResponse(content, content_type=content_type)
