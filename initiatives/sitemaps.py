"""sitemap.xml: every public page in each language, with hreflang alternates."""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

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
