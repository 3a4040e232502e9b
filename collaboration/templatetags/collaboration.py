"""Opportunities on pages other apps render (registered as panels, see initiatives.panels)."""

from django import template

from ..models import Opportunity

register = template.Library()

INITIATIVE_OPEN = 10
HOME_LATEST = 4
THEME_ITEMS = 5


@register.simple_tag
def open_opportunities_of(initiative):
    return list(
        Opportunity.objects.published()
        .open()
        .filter(initiative=initiative)
        .select_related("initiative")[:INITIATIVE_OPEN]
    )


@register.simple_tag
def latest_open_opportunities():
    return list(Opportunity.objects.published().open().select_related("initiative").latest_first()[:HOME_LATEST])


@register.simple_tag
def opportunities_on_theme(theme):
    return list(
        Opportunity.objects.published().on_theme(theme).select_related("initiative").latest_first()[:THEME_ITEMS]
    )
