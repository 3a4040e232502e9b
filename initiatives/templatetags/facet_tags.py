"""A facet's options (checkbox, label, count, a family's sectors) written in Python as one tag.

A list page shows about 150 options; as template nodes (a loop, two tags and four conditions
apiece) they were the largest part of the page's first render. The text between the markup
reproduces, byte for byte, the whitespace the template's loop wrote (tests/initiatives/
test_facet_options_html.py compares both)."""

from html import escape

from django import template
from django.utils.safestring import mark_safe
from django.utils.translation import ngettext

register = template.Library()

OPTION_START = "\n          <li>\n            "
OPTION_END = "\n          </li>\n          "
CHILD_START = "\n                <li>\n                  "
CHILD_END = "\n                </li>\n                "


def _text(value) -> str:
    """Escaped as conditional_escape would: already safe text (a SafeString) is kept as is."""
    if hasattr(value, "__html__"):
        return value.__html__()
    return escape(str(value))


def _checkbox_and_label(name: str, option, option_id: str, between: str) -> str:
    checked = " checked" if option.selected else ""
    return (
        f'<input type="checkbox" name="{_text(name)}" value="{_text(option.value)}" id="{option_id}"{checked}>'
        f'{between}<label for="{option_id}">{_text(option.label)} <span class="count">{_text(option.count)}</span>'
        "</label>"
    )


def _group(option, number: int) -> str:
    """A family's sectors under a <details>, open when one is chosen (or for sectors of no family)."""
    opened = " open" if option.has_selected_child or not option.value else ""
    if option.value:
        n = len(option.children)
        heading = ngettext("%(counter)s sector", "%(counter)s sectors", n) % {"counter": n}
        summary = f'{heading}<span class="visually-hidden">: {_text(option.label)}</span>'
    else:
        summary = _text(option.label)
    children = "".join(
        CHILD_START + _checkbox_and_label("sector", child, f"f-sector-{number}-{m}", "\n                  ") + CHILD_END
        for m, child in enumerate(option.children, 1)
    )
    return (
        f'\n            <details class="facet__group"{opened}>\n              <summary>{summary}</summary>'
        f"\n              <ul>\n                {children}\n              </ul>\n            </details>\n            "
    )


@register.simple_tag
def facet_options(facet) -> str:
    """Every <li> of `facet`'s options; each checkbox's id is f-<name>-<n> (f-sector-<n>-<m>)."""
    parts = []
    name = _text(facet.name)
    for number, option in enumerate(facet.options, 1):
        parts.append(OPTION_START)
        if option.value:
            option_id = f"f-{name}-{number}"
            between = "\n            "
            parts.append(between + _checkbox_and_label(facet.name, option, option_id, between) + between)
        parts.append("\n            ")
        if option.children:
            parts.append(_group(option, number))
        parts.append(OPTION_END)
    return mark_safe("".join(parts))
