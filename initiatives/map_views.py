"""The map page: the selection's count and filters; map.js draws the GeoJSON of the same selection."""

from django.shortcuts import render
from django.views.decorators.http import require_safe

from .selection import select


@require_safe
def map_page(request):
    # Without JavaScript the filter form submits here and the page answers with the count and a
    # link to the same selection as a list; with it, map.js refetches the GeoJSON instead. Bad
    # values are dropped and explained, as on the list: the map loads the cleaned selection.
    selection = select(request.GET)
    context = {
        "filterset": selection.filterset,
        "notices": selection.notices,
        "count": selection.queryset.count(),
        "query": selection.full_query,
    }
    return render(request, "initiatives/map.html", context)
