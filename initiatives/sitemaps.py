"""sitemap.xml: an index of sections, each listing public pages in every language with hreflang alternates.

`/sitemap.xml` is a sitemap index; each section (`/sitemap-<name>.xml`, `?p=2`… beyond its first
page) holds at most `settings.SITEMAP_SECTION_SIZE` <url> entries, the protocol's limit being
50,000, where each language version of a page is one entry. A section page is built from
`values_list()` rows, its paths from one `reverse()` per language (a placeholder replaced by each
slug), and cached per catalogue version; only canonical page numbers are answered (`?p=01` is a
404), so a visitor can make at most one build per section page and catalogue version.

Apps declare their sections as `Section` subclasses; the project's URLconf puts them together.
"""

import re
from datetime import datetime
from urllib.parse import quote
from xml.sax.saxutils import escape as escape_text

from django.conf import settings
from django.core.cache import cache
from django.http import Http404, HttpResponse
from django.urls import reverse
from django.utils import translation

from .cache import versioned_key
from .models import Initiative, Route, Theme

CACHE_SECONDS = 60 * 60
CONTENT_TYPE = "application/xml; charset=utf-8"
# 1, 2, 3…: "01", "+1" or "1.0" would name the same page under another cache key.
CANONICAL_PAGE = re.compile(r"[1-9][0-9]{0,8}")
PLACEHOLDER = "sitemap-placeholder"
XML_HEAD = '<?xml version="1.0" encoding="UTF-8"?>\n'


def escape(text: str) -> str:
    return escape_text(text, {'"': "&quot;"})


def languages() -> list[str]:
    return [code for code, _name in settings.LANGUAGES]


def items_per_page() -> int:
    """Pages per section page: each is listed once per language."""
    return max(1, settings.SITEMAP_SECTION_SIZE // len(languages()))


class Section:
    """One kind of public page. `rows()` gives (argument, lastmod) per page, in a stable order;
    the page's path is `url_name` reversed with that argument."""

    url_name = ""
    changefreq = ""

    def rows(self):
        raise NotImplementedError

    def count(self) -> int:
        return self.rows().count()

    def page_rows(self, page: int) -> list:
        size = items_per_page()
        return list(self.rows()[(page - 1) * size : page * size])

    def url_templates(self, root: str) -> dict[str, str]:
        """{language: escaped absolute URL with `%s` for the argument}: one reverse per language,
        not one per page (that made a 20,000-initiative sitemap take seconds)."""
        templates = {}
        for language in languages():
            with translation.override(language):
                path = reverse(self.url_name, args=[PLACEHOLDER])
            templates[language] = escape(root + path).replace("%", "%%").replace(PLACEHOLDER, "%s")
        return templates

    def entries(self, page: int, root: str):
        """(escaped absolute URL by language, lastmod) for each page of one section page."""
        templates = self.url_templates(root)
        for argument, lastmod in self.page_rows(page):
            # Percent-quoted: nothing left for XML to escape.
            value = quote(str(argument), safe="")
            yield {language: template % value for language, template in templates.items()}, lastmod


class PagesSection(Section):
    changefreq = "daily"
    url_names = ["initiatives:home", "initiatives:list"]

    def count(self) -> int:
        return len(self.url_names)

    def entries(self, page: int, root: str):
        for url_name in self.url_names[(page - 1) * items_per_page() :][: items_per_page()]:
            urls = {}
            for language in languages():
                with translation.override(language):
                    urls[language] = escape(root + reverse(url_name))
            yield urls, None


class InitiativeSection(Section):
    url_name = "initiatives:detail"
    changefreq = "weekly"

    def rows(self):
        return Initiative.objects.published().order_by("pk").values_list("slug", "updated")


class CountrySection(Section):
    url_name = "initiatives:country"

    def codes(self) -> list[str]:
        return sorted(Initiative.objects.published().facet_counts("country"))

    def count(self) -> int:
        return len(self.codes())

    def page_rows(self, page: int) -> list:
        size = items_per_page()
        return [(code, None) for code in self.codes()[(page - 1) * size : page * size]]


class SlugSection(Section):
    """A vocabulary's terms with something published, by slug, without a date: an empty term's
    page still answers, but is not offered to crawlers."""

    model = None

    def rows(self):
        return self.model.objects.with_published().order_by("slug").values_list("slug", "pk")

    def page_rows(self, page: int) -> list:
        return [(slug, None) for slug, _pk in super().page_rows(page)]


class RouteSection(SlugSection):
    url_name = "initiatives:route"
    model = Route


class ThemeSection(SlugSection):
    url_name = "initiatives:theme"
    model = Theme


SECTIONS = {
    "pages": PagesSection,
    "initiatives": InitiativeSection,
    "countries": CountrySection,
    "rotas": RouteSection,
    "themes": ThemeSection,
}


def _lastmod(value) -> str:
    if value is None:
        return ""
    day = value.date() if isinstance(value, datetime) else value
    return f"<lastmod>{day.isoformat()}</lastmod>"


def render_section(section: Section, page: int, root: str) -> bytes:
    """The <urlset> of one section page: each page once per language, with every language (and
    x-default, the default language) as alternates, as search engines expect."""
    changefreq = f"<changefreq>{section.changefreq}</changefreq>" if section.changefreq else ""
    parts = [
        XML_HEAD.encode(),
        b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:xhtml="http://www.w3.org/1999/xhtml">\n',
    ]
    codes, default = languages(), settings.LANGUAGE_CODE
    for urls, lastmod in section.entries(page, root):
        links = [f'<xhtml:link rel="alternate" hreflang="{code}" href="{urls[code]}"/>' for code in codes]
        links.append(f'<xhtml:link rel="alternate" hreflang="x-default" href="{urls[default]}"/>')
        tail = _lastmod(lastmod) + changefreq + "".join(links) + "</url>\n"
        # Encoded a page at a time: the section is never held as text and bytes at once.
        parts.append("".join([f"<url><loc>{urls[code]}</loc>{tail}" for code in codes]).encode())
    parts.append(b"</urlset>\n")
    return b"".join(parts)


def page_count(section: Section) -> int:
    return max(1, -(-section.count() // items_per_page()))


def render_index(sections: dict[str, type[Section]], root: str) -> bytes:
    parts = [XML_HEAD, '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n']
    for name, section_class in sections.items():
        location = root + reverse("sitemap-section", args=[name])
        for page in range(1, page_count(section_class()) + 1):
            url = location if page == 1 else f"{location}?p={page}"
            parts.append(f"<sitemap><loc>{escape(url)}</loc></sitemap>\n")
    parts.append("</sitemapindex>\n")
    return "".join(parts).encode()


def _cached(key: str, build, exists=lambda: True) -> HttpResponse:
    """The body cached under `key`, else built (when `exists()`) and cached; else a 404."""
    body = cache.get(key)
    if body is None:
        if not exists():
            raise Http404("No such sitemap page.")
        body = build()
        cache.set(key, body, CACHE_SECONDS)
    return HttpResponse(body, content_type=CONTENT_TYPE)


def _root(request) -> str:
    return request.build_absolute_uri("/").rstrip("/")


def index(request, sections):
    """GET /sitemap.xml: the sections and their pages. It has no pages of its own: any ?p= is a 404."""
    if "p" in request.GET:
        raise Http404("The sitemap index has a single page.")
    size = settings.SITEMAP_SECTION_SIZE
    key = versioned_key("sitemap-index", request.scheme, request.get_host(), size)
    return _cached(key, lambda: render_index(sections, _root(request)))


def section(request, sections, name):
    """GET /sitemap-<name>.xml[?p=N]: page 1 without p; N only as written in the index."""
    if name not in sections:
        raise Http404("No such sitemap section.")
    raw_page = request.GET.get("p")
    if raw_page is not None and not CANONICAL_PAGE.fullmatch(raw_page):
        raise Http404("Use the sitemap page addresses listed in /sitemap.xml.")
    page = int(raw_page or 1)
    size = settings.SITEMAP_SECTION_SIZE
    key = versioned_key("sitemap", request.scheme, request.get_host(), name, size, page)
    chosen = sections[name]()
    return _cached(key, lambda: render_section(chosen, page, _root(request)), lambda: page <= page_count(chosen))
