"""The map page and its GeoJSON: both driven by the one InitiativeFilterSet."""

from django.shortcuts import render
from django.views.decorators.http import require_safe

from . import browse, geojson
from .api.throttling import over_anon_budget
from .filters import InitiativeFilterSet


@require_safe
def map_page(request):
    # Without JavaScript the filter form submits here and the page answers with the count and a
    # link to the same selection as a list; with it, map.js refetches the GeoJSON instead.
    filterset = InitiativeFilterSet(request.GET)
    count = filterset.qs.count() if filterset.is_valid() else None
    context = {"filterset": filterset, "count": count, "query": geojson.normalised_query(request.GET)}
    return render(request, "initiatives/map.html", context)


@require_safe
def embed_map(request):
    # The list page's cleaning: unknown parameters ignored, bad values dropped and named; the map
    # then loads the GeoJSON of the cleaned selection. Framed by other sites: see
    # catalogue/framing.py, which exempts this route (and only it) from the framing refusal.
    selection = browse.select(request.GET)
    context = {"selection": selection, "query": selection.query(), "notices": selection.notices}
    return render(request, "initiatives/embed_map.html", context)


@require_safe
def initiatives_geojson(request):
    # Each distinct selection costs a build: the same budget as the API, which it belongs to.
    return over_anon_budget(request) or geojson.response(request)
