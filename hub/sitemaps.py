"""Sitemaps of the hub's public pages, one entry per language, for the lead's sitemap index."""

from django.contrib.sitemaps import Sitemap

from .models import Event, LibraryItem, News


class HubSitemap(Sitemap):
    i18n = True
    model = None

    def items(self):
        return self.model.objects.published().order_by("pk")

    def lastmod(self, item):
        return item.updated


class LibrarySitemap(HubSitemap):
    model = LibraryItem


class EventSitemap(HubSitemap):
    model = Event


class NewsSitemap(HubSitemap):
    model = News


SITEMAPS = {"library": LibrarySitemap, "events": EventSitemap, "news": NewsSitemap}
