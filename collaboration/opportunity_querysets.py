from datetime import timedelta

from django.db import models
from django.utils import timezone


class OpportunityQuerySet(models.QuerySet):
    def published(self):
        return self.filter(is_published=True)

    def awaiting_approval(self):
        return self.filter(is_published=False, reviewed_at__isnull=True)

    def open(self):
        return self.filter(closes_on__gte=timezone.localdate())

    def closed(self):
        return self.filter(closes_on__lt=timezone.localdate())

    def on_theme(self, theme):
        return self.filter(themes=theme)

    def latest_first(self):
        return self.order_by("-published_at", "-pk")

    def by(self, user):
        return self.filter(author=user)

    def created_since(self, moment):
        return self.filter(created__gte=moment)

    def created_today_by(self, user):
        """What the per-account daily limit counts: the last 24 hours, whatever the outcome."""
        return self.by(user).created_since(timezone.now() - timedelta(days=1))

    def seeking(self, country):
        """Open to partners in `country`: it names that country, or none at all."""
        return self.filter(models.Q(sought_countries__country=country) | models.Q(sought_countries__isnull=True))

    def matching(self, initiative):
        """Opportunities of other initiatives that `initiative` could answer: a shared sector,
        sector family or theme, in a country they seek partners in."""
        sectors = list(initiative.sectors.all())
        shares = (
            models.Q(sectors__in=[s.pk for s in sectors])
            | models.Q(sectors__family__in=[s.family_id for s in sectors if s.family_id])
            | models.Q(themes__in=[t.pk for t in initiative.themes.all()])
        )
        matches = self.exclude(initiative=initiative).filter(shares)
        ids = matches.seeking(initiative.country).values("pk")
        return self.filter(pk__in=ids)


class ResponseQuerySet(models.QuerySet):
    def sent_today_by(self, user):
        return self.filter(sender=user, created__gte=timezone.now() - timedelta(days=1))
