"""Page-wide helpers: the language switcher, canonical and hreflang links, dates as each language
writes them."""

from django import template
from django.conf import settings
from django.urls import NoReverseMatch, reverse
from django.utils import translation
from django.utils.dateformat import DateFormat
from django.utils.formats import get_format
from django.utils.translation import get_language_info

register = template.Library()


def _page_in(request, language: str, query: str = "") -> str:
    """This page's path in a language, rebuilt from the URL pattern it resolved to, never echoed
    from the request: `//evil.example/` or `/\\evil.example/` would make an off-site link. A page
    that no pattern matched (a 404) links to that language's home page."""
    match = request.resolver_match
    with translation.override(language):
        if match is not None:
            try:
                path = reverse(match.view_name, args=match.args, kwargs=match.kwargs)
                return path + (f"?{query}" if query else "")
            except NoReverseMatch:
                pass
        return reverse("initiatives:home")


@register.simple_tag(takes_context=True)
def language_links(context):
    """The current page in each language, filters kept: [(code, native name, url, is_current)]."""
    request = context["request"]
    current = context.get("LANGUAGE_CODE")
    query = request.META.get("QUERY_STRING", "")
    return [
        (code, _own_name(code, name), _page_in(request, code, query), code == current)
        for code, name in settings.LANGUAGES
    ]


def _own_name(code: str, name) -> str:
    """A language named in itself, as settings.LANGUAGES names it ("Português"): Django's own
    native name for pt-br, "Português Brasileiro", capitalises as English does."""
    with translation.override(code):
        return str(name)


@register.simple_tag(takes_context=True)
def canonical_url(context):
    """Absolute URL of this page with only the cleaned parameters a view passes as canonical_query."""
    request = context["request"]
    language = translation.get_language() or settings.LANGUAGE_CODE
    return request.build_absolute_uri(_page_in(request, language, context.get("canonical_query", "")))


@register.simple_tag(takes_context=True)
def alternate_urls(context):
    """[(hreflang, absolute url)] for each language and x-default (Portuguese, the default)."""
    request = context["request"]
    query = context.get("canonical_query", "")
    links = [(code, request.build_absolute_uri(_page_in(request, code, query))) for code, _name in settings.LANGUAGES]
    default = request.build_absolute_uri(_page_in(request, settings.LANGUAGE_CODE, query))
    return [*links, ("x-default", default)]


@register.filter
def web_url(value) -> str:
    """The address when it is an http(s) one, else "": a stored `javascript:` or `data:` URL
    (a bulk write, an old row) is shown as text, never made a link."""
    text = str(value or "").strip()
    return text if text.lower().startswith(("http://", "https://")) else ""


# Portuguese and Spanish write month names in lowercase ("29 de novembro de 2026"); Django's
# Brazilian Portuguese catalogue capitalises them.
LOWERCASE_MONTH_LANGUAGES = {"pt", "es"}


class _LocalDateFormat(DateFormat):
    def F(self):
        month = super().F()
        language = (translation.get_language() or "").split("-")[0]
        return month.lower() if language in LOWERCASE_MONTH_LANGUAGES else month


@register.filter(expects_localtime=True, is_safe=False)
def local_date(value, format_name="DATE_FORMAT"):
    """Django's `date` filter with the page language's format (DATE_FORMAT, DATETIME_FORMAT…) and
    month names as that language writes them."""
    if value in (None, ""):
        return ""
    return _LocalDateFormat(value).format(get_format(format_name))


# The same two languages write language names in lowercase inside a sentence ("disponible solo en
# portugués de Brasil"); Django's catalogues capitalise them, as in a menu.
LOWERCASE_LANGUAGE_NAME_LANGUAGES = {"pt", "es"}


@register.filter
def language_in_sentence(code) -> str:
    """The name of the language `code` in the page's language, as written inside a sentence."""
    name = str(get_language_info(str(code))["name_translated"])
    page_language = (translation.get_language() or "").split("-")[0]
    return name[:1].lower() + name[1:] if page_language in LOWERCASE_LANGUAGE_NAME_LANGUAGES else name
