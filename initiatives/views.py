"""Public pages. Thin: parameters go through the selection layer and the one FilterSet."""

from django.core.cache import cache
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django_countries import countries

from .cache import versioned_key
from .cards import preload_card_terms
from .facets import active_filters, build_facets, count_facets
from .figures import home_figures
from .labels import vocabulary_labels
from .models import Initiative, Municipality, Route, Theme
from .pagination import paginate
from .selection import select
from .similarity import explain_similarity, rank_similar

SIMILAR_ON_DETAIL = 6
SIMILAR_PAGE_SIZE = 48
SIMILAR_CACHE_SECONDS = 60 * 60
OG_LOCALES = {"pt-br": "pt_BR", "es": "es_419", "en": "en_GB"}


def home(request):
    data = home_figures()
    labels = vocabulary_labels()
    context = {
        "figures": data["figures"],
        "countries": sorted(
            ((code, countries.name(code), n) for code, n in data["countries"].items()), key=lambda c: c[1]
        ),
        "sectors": _busiest(_terms_with_counts(labels["sector"], data["sectors"])),
        "themes": _busiest(
            _terms_with_counts(labels["theme"], {slug: data["themes"].get(slug, 0) for slug in data["themes_in_use"]})
        ),
    }
    return render(request, "initiatives/home.html", context)


HOME_TERMS = 15  # the home page is a way in, not the index: the list's facets hold every term


def _busiest(rows):
    """The HOME_TERMS terms with the most initiatives, in alphabetical order."""
    top = sorted(rows, key=lambda row: -row[1])[:HOME_TERMS]
    return sorted(top, key=lambda row: row[0].display_name)


def _terms_with_counts(terms: dict, counts: dict):
    rows = [(terms[slug], n) for slug, n in counts.items() if slug in terms]
    return sorted(rows, key=lambda row: row[0].display_name)


def initiative_list(request, preset=None, heading=None, intro=None, subject=None, template="initiatives/list.html"):
    selection = select(request.GET, preset)
    counted = count_facets(selection)  # may read the selected ids, for the total and the page
    facets = build_facets(selection, counted.counts)
    total = selection.known_count(selected_ids=counted.selected_ids)
    if not selection.filters_besides():  # read in order from an index (initiative_pub_key_*)
        page, page_notice = paginate(selection.queryset.select_related("route"), request.GET.get("page"), total)
    else:
        # A search's thousands of matches, or any filter: the page's ids alone, then its rows.
        # Joined to their programme and Rota, a filtered page's query led SQLite to sort every
        # selected wide row instead of reading them in order (?status=active: 160 ms).
        rows = Initiative.objects.published().select_related("route")
        selected = selection.queryset
        if counted.selected_ids is not None:
            # The ids read with the facets: the page's from them, in the list's order, walking
            # the name's index instead of each filter's subquery (InitiativeQuerySet.page_ids).
            selected = rows.among(counted.selected_ids).order_by(*selected.query.order_by)
        page, page_notice = paginate(selected, request.GET.get("page"), total, rows=rows)
    preload_card_terms(page.object_list)
    notices = selection.notices + ([page_notice] if page_notice else [])
    chips = active_filters(selection)
    context = {
        "selection": selection,
        "filterset": selection.filterset,
        "facets": facets,
        "active_filters": chips,
        # Two or more filters (a country page's own counts): crawlers follow the links, not index the page.
        "noindex": len(chips) + len(selection.preset) >= 2,
        "page": page,
        "count": page.paginator.count,
        "heading": heading,
        "intro": intro,
        "subject": subject,
        "notices": notices,
        "ordering": selection.params.get("ordering", ""),
        "ordering_choices": selection.filterset.filters["ordering"].extra["choices"],
        "q": selection.params.get("q", ""),
        "page_range": page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1),
        # Canonical: the cleaned filters (bad values dropped), page only beyond the first.
        "canonical_query": selection.query(
            include_preset=False, **({"page": str(page.number)} if page.number > 1 else {})
        ),
    }
    return render(request, template, context)


def _published_with_everything():
    return (
        Initiative.objects.published()
        .select_related("program", "route__program", "route__sector")
        .prefetch_related(
            Initiative.objects.sectors_with_families(),
            "themes",
            "regions",
            Prefetch("municipalities", queryset=Municipality.objects.select_related("region")),
        )
    )


def initiative_detail(request, slug):
    initiative = get_object_or_404(_published_with_everything(), slug=slug)
    similar = similar_on_detail(initiative)
    shown = similar[:SIMILAR_ON_DETAIL]
    # Their links only, not their sectors and themes: what they share are the initiative's own.
    links = Initiative.objects.term_links([other.pk for other in shown]) if shown else []
    context = {
        "initiative": initiative,
        "og_locale": OG_LOCALES.get(get_language(), "pt_BR"),
        "similar": explain_similarity(initiative, shown, links),
        "more_similar": len(similar) > SIMILAR_ON_DETAIL,
    }
    return render(request, "initiatives/detail.html", context)


def similar_on_detail(initiative) -> list:
    """The first similar initiatives (one more, to know whether to offer "all"). Ranking them reads
    every initiative sharing a sector or theme (tens of thousands at 100,000): the ranking is kept
    per catalogue version, so a page costs that once per change, then one query by key."""
    key = versioned_key("similar", initiative.pk)
    ids = cache.get(key)
    if ids is None:
        ids = rank_similar(initiative, Initiative.objects.published(), SIMILAR_ON_DETAIL + 1)
        cache.set(key, ids, SIMILAR_CACHE_SECONDS)
    if not ids:
        return []
    found = Initiative.objects.published().select_related("route").in_bulk(ids)
    return [found[pk] for pk in ids if pk in found]


def similar(request, slug):
    initiative = get_object_or_404(_published_with_everything(), slug=slug)
    ids = rank_similar(initiative, Initiative.objects.published(), SIMILAR_PAGE_SIZE)
    found = (
        Initiative.objects.published()
        .prefetch_related(Initiative.objects.sectors_with_families(), "themes")
        .in_bulk(ids)
    )
    candidates = [found[pk] for pk in ids if pk in found]
    context = {"initiative": initiative, "results": explain_similarity(initiative, candidates)}
    return render(request, "initiatives/similar.html", context)


def country(request, code):
    code = code.upper()
    if code not in dict(countries):
        raise Http404(_("Unknown country code."))
    name = countries.name(code)
    return initiative_list(
        request,
        preset={"country": code},
        heading=_("Initiatives in %(country)s") % {"country": name},
        intro=_("Cluster initiatives, productive arrangements and polos in %(country)s.") % {"country": name},
    )


def route(request, slug):
    rota = get_object_or_404(Route.objects.select_related("program", "sector"), slug=slug)
    intro = rota.description or _("The polos of the %(route)s, part of the %(program)s programme.") % {
        "route": rota.display_name,
        "program": rota.program.display_name,
    }
    return initiative_list(request, preset={"route": slug}, heading=rota.display_name, intro=intro, subject=rota)


def theme(request, slug):
    topic = get_object_or_404(Theme, slug=slug)
    intro = topic.description or _(
        "Initiatives that work on %(theme)s. Compare how they do it in different countries."
    ) % {"theme": topic.display_name.lower()}
    return initiative_list(
        request,
        preset={"theme": slug},
        heading=_("Theme: %(theme)s") % {"theme": topic.display_name},
        intro=intro,
        subject=topic,
        template="initiatives/theme.html",
    )
