from django import template
from django.utils.safestring import mark_safe

from ..panels import PANELS

register = template.Library()


@register.simple_tag(takes_context=True)
def page_panels(context, slot):
    """Every panel other apps registered for `slot`, rendered with this page's context."""
    engine = context.template.engine
    with context.push():
        return mark_safe("".join(engine.get_template(name).render(context) for name in PANELS.get(slot, [])))
