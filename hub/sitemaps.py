"""The hub's public pages as sections of the sitemap index (see initiatives.sitemaps)."""

from initiatives.sitemaps import Section

from .models import Event, LibraryItem, News


class HubSection(Section):
    model = None

    def rows(self):
        return self.model.objects.published().order_by("pk").values_list("slug", "updated")


class LibrarySection(HubSection):
    url_name = "hub:library_item"
    model = LibraryItem


class EventSection(HubSection):
    url_name = "hub:event"
    model = Event


class NewsSection(HubSection):
    url_name = "hub:news_item"
    model = News


SECTIONS = {"library": LibrarySection, "events": EventSection, "news": NewsSection}
