"""The news Atom feed and the events' iCalendar (RFC 5545) files, in the page's language."""

import datetime
from collections.abc import Callable
from dataclasses import dataclass

import icalendar
from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import linebreaks
from django.utils.translation import gettext_lazy as _

from .models import Event, News

FEED_SIZE = 30
PRODUCT_ID = "-//LAC catalogue of territorial productive initiatives//Knowledge hub//EN"


class NewsFeed(Feed):
    feed_type = Atom1Feed
    title = _("News · LAC catalogue of territorial productive initiatives")
    subtitle = _("News on territorial productive initiatives in Latin America and the Caribbean.")
    # RFC 4287 requires an author on the feed or on every entry; the catalogue's team writes the news.
    author_name = _("LAC catalogue")

    def link(self):
        return reverse("hub:news")

    def feed_url(self):
        return reverse("hub:news_feed")

    def items(self):
        return News.objects.published().latest_first()[:FEED_SIZE]

    def item_title(self, item):
        return item.display_title.text

    def item_description(self, item):
        # Atom's summary is HTML: the plain-text summary is escaped, never trusted as markup.
        return linebreaks(item.display_summary.text, autoescape=True)

    def item_pubdate(self, item):
        return timezone.make_aware(datetime.datetime.combine(item.published_on, datetime.time(12)))

    def item_updateddate(self, item):
        return item.updated


def _event_component(event: Event, url: str) -> icalendar.Event:
    component = icalendar.Event()
    component.add("uid", f"hub-event-{event.pk}@lac-initiatives-catalogue")
    component.add("dtstamp", event.updated)
    component.add("dtstart", timezone.localtime(event.start, event.zone))
    component.add("dtend", timezone.localtime(event.end, event.zone))
    component.add("summary", event.display_title.text)
    details = [event.display_summary.text, event.organiser, event.registration_url]
    component.add("description", "\n\n".join(part for part in details if part))
    component.add("location", event.place or str(_("Online")))
    component.add("url", url)
    component.add("categories", [str(event.get_kind_display())])
    return component


@dataclass
class CalendarEntry:
    """A dated item of another app shown as an all-day VEVENT (e.g. an opportunity's closing date)."""

    uid: str
    day: datetime.date
    summary: str
    description: str
    path: str
    updated: datetime.datetime
    category: str


# Other apps add their dated items to the events' calendar by registering a function returning
# CalendarEntry objects, from their AppConfig.ready(): the hub never imports them.
CALENDAR_SOURCES: list[Callable[[], list[CalendarEntry]]] = []


def register_calendar_source(source: Callable[[], list[CalendarEntry]]) -> None:
    if source not in CALENDAR_SOURCES:
        CALENDAR_SOURCES.append(source)


def registered_entries() -> list[CalendarEntry]:
    return [entry for source in CALENDAR_SOURCES for entry in source()]


def _entry_component(entry: CalendarEntry, url: str) -> icalendar.Event:
    component = icalendar.Event()
    component.add("uid", entry.uid)
    component.add("dtstamp", entry.updated)
    component.add("dtstart", entry.day)  # a DATE: an all-day item
    component.add("dtend", entry.day + datetime.timedelta(days=1))
    component.add("summary", entry.summary)
    component.add("description", entry.description)
    component.add("url", url)
    component.add("categories", [entry.category])
    component.add("transp", "TRANSPARENT")  # a deadline does not make anyone busy
    return component


def build_calendar(events, build_url, name: str, entries=()) -> bytes:
    """One VCALENDAR with a VEVENT per event, times in each event's own zone (with VTIMEZONEs),
    and an all-day VEVENT per CalendarEntry."""
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    for event in events:
        calendar.add_component(_event_component(event, build_url(event.get_absolute_url())))
    for entry in entries:
        calendar.add_component(_entry_component(entry, build_url(entry.path)))
    calendar.add_missing_timezones()
    return calendar.to_ical()
