"""Opportunities on pages other apps render (registered as panels, see initiatives.panels)."""

from django import template
from django.core.cache import cache

from initiatives.cache import versioned_key

from ..models import ManagerProfile, Opportunity

register = template.Library()

INITIATIVE_OPEN = 10
HOME_LATEST = 4
THEME_ITEMS = 5
# Opportunities close as days pass, without any edit: the home page's list is kept briefly.
HOME_SECONDS = 300


@register.simple_tag
def open_opportunities_of(initiative):
    # The page already holds the initiative: joining its wide row again cost more Python than
    # the rest of the query (mostly none to show), on every detail page.
    opportunities = list(Opportunity.objects.published().open().filter(initiative=initiative)[:INITIATIVE_OPEN])
    for opportunity in opportunities:
        opportunity.initiative = initiative
    return opportunities


@register.simple_tag
def latest_open_opportunities():
    key = versioned_key("collaboration-home")
    latest = cache.get(key)
    if latest is None:
        latest = list(Opportunity.objects.published().open().select_related("initiative").latest_first()[:HOME_LATEST])
        cache.set(key, latest, HOME_SECONDS)
    return latest


@register.simple_tag
def opportunities_on_theme(theme):
    return list(
        Opportunity.objects.published().on_theme(theme).select_related("initiative").latest_first()[:THEME_ITEMS]
    )


@register.simple_tag
def manager_profiles_of(initiative):
    return list(ManagerProfile.objects.shown_on(initiative))
