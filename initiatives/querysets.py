from django.db import models
from django.db.models import Q

from .text import search_terms


class InitiativeQuerySet(models.QuerySet):
    """The domain verbs shared by pages, map, API and exports."""

    def published(self):
        return self.filter(is_published=True)

    def drafts(self):
        return self.filter(is_published=False)

    def active(self):
        return self.filter(status="active")

    def rotas_polos(self):
        return self.filter(kind="rotas_polo")

    def located(self):
        return self.filter(latitude__isnull=False, longitude__isnull=False)

    def search(self, query: str | None):
        """Every folded word of the query must appear in the folded index (accents, case and
        punctuation ignored), so 'sao joao' finds 'São João' on every database."""
        terms = search_terms(query)
        if not terms:
            return self
        condition = Q()
        for term in terms:
            condition &= Q(search_text__contains=term)
        return self.filter(condition)

    def in_bbox(self, min_lon: float, min_lat: float, max_lon: float, max_lat: float):
        return self.filter(latitude__gte=min_lat, latitude__lte=max_lat, longitude__gte=min_lon, longitude__lte=max_lon)

    def with_vocabularies(self):
        """What a list or an export shows of each row, loaded in a constant number of queries."""
        return self.select_related("program", "route").prefetch_related("sectors", "themes", "regions")
