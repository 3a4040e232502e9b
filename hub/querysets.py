from django.db import models
from django.utils import timezone

from initiatives.querysets import FoldedSearchQuerySet


class HubQuerySet(FoldedSearchQuerySet):
    """Verbs shared by library items, events and news."""

    def published(self):
        return self.filter(is_published=True)

    def on_theme(self, theme):
        return self.filter(themes=theme)


class LibraryItemQuerySet(HubQuerySet):
    def in_countries(self, codes):
        """Items about any of the countries; they are stored as 'AR,BR', and a two-letter
        substring without a comma is always a whole code."""
        condition = models.Q()
        for code in codes:
            condition |= models.Q(countries__contains=code.upper())
        return self.filter(condition) if codes else self


class EventQuerySet(HubQuerySet):
    def upcoming(self, now=None):
        """Events not yet over (a running course is still upcoming for a visitor), soonest first."""
        return self.filter(end__gte=now or timezone.now()).order_by("start", "pk")

    def past(self, now=None):
        return self.filter(end__lt=now or timezone.now()).order_by("-start", "-pk")


class NewsQuerySet(HubQuerySet):
    def latest_first(self):
        return self.order_by("-published_on", "-pk")
