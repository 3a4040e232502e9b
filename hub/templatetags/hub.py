"""Data for the hub's panels on pages other apps render (home, theme, initiative detail)."""

from django import template
from django.core.cache import cache
from django.utils.translation import get_language

from initiatives.cache import versioned_key

from ..models import Event, LibraryItem, News
from ..time_zones import time_zone_label as _time_zone_label

register = template.Library()

HOME_NEWS = 3
HOME_EVENTS = 3
THEME_ITEMS = 5
# Upcoming events move to the past as time goes by, without any edit: keep the panels briefly.
HOME_PANELS_SECONDS = 300


@register.simple_tag
def home_panels():
    key = versioned_key("hub-home-panels", get_language())
    panels = cache.get(key)
    if panels is None:
        events = Event.objects.published()
        upcoming = list(events.upcoming()[:HOME_EVENTS])
        panels = {
            "news": list(News.objects.published().latest_first()[:HOME_NEWS]),
            # With nothing ahead, the latest events show the network is alive.
            "events": upcoming or list(events.past()[:HOME_EVENTS]),
            "events_are_past": not upcoming,
        }
        cache.set(key, panels, HOME_PANELS_SECONDS)
    return panels


@register.simple_tag
def theme_panels(theme):
    return {
        "library": LibraryItem.objects.published().on_theme(theme)[:THEME_ITEMS],
        "events": Event.objects.published().on_theme(theme).upcoming()[:THEME_ITEMS],
        "past_events": Event.objects.published().on_theme(theme).past()[:THEME_ITEMS],
        "news": News.objects.published().on_theme(theme).latest_first()[:THEME_ITEMS],
    }


@register.filter
def time_zone_label(event) -> str:
    """The event's time zone by its readable name and its offset at the start ("hora de Colombia, UTC−5")."""
    return _time_zone_label(event.time_zone, event.start)
