"""The opportunities' Atom feed and their closing dates as all-day items of the events' iCalendar."""

from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import linebreaks
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hub.feeds import CalendarEntry

from .models import Opportunity

FEED_SIZE = 30
CALENDAR_PAST = 50


class OpportunityFeed(Feed):
    feed_type = Atom1Feed
    title = gettext_lazy("Collaboration opportunities · LAC catalogue of territorial productive initiatives")
    subtitle = gettext_lazy("Joint projects, professional stays, courses and missions offered by initiatives.")

    def link(self):
        return reverse("collaboration:opportunities")

    def feed_url(self):
        return reverse("collaboration:opportunity_feed")

    def items(self):
        return Opportunity.objects.published().select_related("initiative").latest_first()[:FEED_SIZE]

    def item_title(self, item):
        return f"{item.get_kind_display()}: {item.title}"

    def item_description(self, item):
        closing = _("Closes on %(date)s.") % {"date": item.closes_on.isoformat()}
        # Atom's summary is HTML: the plain text is escaped, never trusted as markup.
        return linebreaks(f"{item.initiative.display_name}\n\n{item.description}\n\n{closing}", autoescape=True)

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return item.updated


def calendar_entries():
    """Closing dates of open opportunities and of the recently closed ones (see hub.feeds)."""
    published = Opportunity.objects.published().select_related("initiative")
    shown = [*published.closed().order_by("-closes_on")[:CALENDAR_PAST], *published.open().order_by("closes_on")]
    return [
        CalendarEntry(
            uid=f"collaboration-opportunity-{o.pk}@lac-initiatives-catalogue",
            day=o.closes_on,
            summary=_("Closes: %(title)s") % {"title": o.title},
            description=f"{o.get_kind_display()} · {o.initiative.display_name}\n\n{o.description}",
            path=o.get_absolute_url(),
            updated=o.updated,
            category=str(_("Collaboration opportunity")),
        )
        for o in shown
    ]
