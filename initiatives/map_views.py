"""The map page: the selection's count and the list's facets; map.js draws the GeoJSON of the same selection."""

from django.shortcuts import render
from django.views.decorators.http import require_safe

from .facets import active_filters, build_facets
from .selection import select


@require_safe
def map_page(request):
    # The list's facet sidebar, counts and chips, from the same selection: the filter form submits
    # here (with or without JavaScript), so counts and chips always describe the map drawn. Bad
    # values are dropped and explained, as on the list: the map loads the cleaned selection.
    selection = select(request.GET)
    context = {
        "selection": selection,
        "facets": build_facets(selection),
        "active_filters": active_filters(selection),
        "notices": selection.notices,
        "count": selection.queryset.count(),
        "query": selection.full_query,
        "q": selection.params.get("q", ""),
    }
    return render(request, "initiatives/map.html", context)


@require_safe
def embed_map(request):
    # The list page's cleaning: unknown parameters ignored, bad values dropped and named; the map
    # then loads the GeoJSON of the cleaned selection. Framed by other sites: see
    # catalogue/framing.py, which exempts this route (and only it) from the framing refusal.
    selection = select(request.GET)
    context = {"selection": selection, "query": selection.full_query, "notices": selection.notices}
    return render(request, "initiatives/embed_map.html", context)
