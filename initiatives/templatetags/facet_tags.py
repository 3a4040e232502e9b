"""A facet option's checkbox and label, each one tag: a list page shows about 150 options, and
as some twenty template nodes apiece they were a sixth of the page's first render."""

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe

register = template.Library()
CHECKED = mark_safe(" checked")


def _option_id(parts) -> str:
    return "-".join(["f", *(str(part) for part in parts)])


@register.simple_tag
def facet_checkbox(name, option, *id_parts):
    """<input> for `option` of the filter `name`; its id is f-<id_parts joined by hyphens>."""
    return format_html(
        '<input type="checkbox" name="{}" value="{}" id="{}"{}>',
        name,
        option.value,
        _option_id(id_parts),
        CHECKED if option.selected else "",
    )


@register.simple_tag
def facet_label(option, *id_parts):
    return format_html(
        '<label for="{}">{} <span class="count">{}</span></label>', _option_id(id_parts), option.label, option.count
    )
