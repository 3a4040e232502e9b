"""The home page's figures: headline numbers and the browse-by lists' counts."""

from django.core.cache import cache

from .cache import versioned_key
from .models import Initiative, Theme

CACHE_SECONDS = 60 * 60


def home_figures() -> dict:
    """Headline figures and the browse-by lists' counts, cached until the catalogue changes."""
    key = versioned_key("home")
    figures = cache.get(key)
    if figures is None:
        counts = Initiative.objects.catalogue_facet_counts(["country", "sector", "theme"])
        figures = {
            "figures": Initiative.objects.catalogue_headline_figures(),
            "countries": counts["country"],
            "sectors": counts["sector"],
            "themes": counts["theme"],
            # Themes also live through the hub's content: offered when anything on them is published.
            "themes_in_use": sorted(Theme.objects.with_published().values_list("slug", flat=True)),
        }
        cache.set(key, figures, CACHE_SECONDS)
    return figures
