"""Page-wide helpers: the language switcher, canonical and hreflang links."""

from django import template
from django.conf import settings
from django.urls import translate_url
from django.utils.translation import get_language_info

register = template.Library()


def _path_with_query(request, query=None) -> str:
    if query is None:
        query = request.META.get("QUERY_STRING", "")
    return request.path + (f"?{query}" if query else "")


@register.simple_tag(takes_context=True)
def language_links(context):
    """The current page in each language, filters kept: [(code, native name, url, is_current)]."""
    request = context["request"]
    current = context.get("LANGUAGE_CODE")
    here = _path_with_query(request)
    return [
        (code, get_language_info(code)["name_local"], translate_url(here, code), code == current)
        for code, _name in settings.LANGUAGES
    ]


@register.simple_tag(takes_context=True)
def canonical_url(context):
    """Absolute URL of this page with only the cleaned parameters a view passes as canonical_query."""
    request = context["request"]
    return request.build_absolute_uri(_path_with_query(request, context.get("canonical_query", "")))


@register.simple_tag(takes_context=True)
def alternate_urls(context):
    """[(hreflang, absolute url)] for each language and x-default (Portuguese, the default)."""
    request = context["request"]
    here = _path_with_query(request, context.get("canonical_query", ""))
    links = [(code, request.build_absolute_uri(translate_url(here, code))) for code, _name in settings.LANGUAGES]
    default = request.build_absolute_uri(translate_url(here, settings.LANGUAGE_CODE))
    return [*links, ("x-default", default)]


@register.filter
def web_url(value) -> str:
    """The address when it is an http(s) one, else "": a stored `javascript:` or `data:` URL
    (a bulk write, an old row) is shown as text, never made a link."""
    text = str(value or "").strip()
    return text if text.lower().startswith(("http://", "https://")) else ""
