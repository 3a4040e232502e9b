from django.core.paginator import Paginator
from django.db.models import Count, Sum
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django_countries import countries

from .filters import InitiativeFilterSet
from .models import Initiative, Route, Theme

PAGE_SIZE = 24


def home(request):
    published = Initiative.objects.published()
    figures = published.aggregate(
        initiatives=Count("pk"), countries=Count("country", distinct=True), members=Sum("member_count")
    )
    figures["rotas_polos"] = published.rotas_polos().count()
    return render(request, "initiatives/home.html", {"figures": figures})


def initiative_list(request, preset=None, heading=None):
    data = request.GET.copy()
    for key, value in (preset or {}).items():
        data.setlist(key, [value])
    filterset = InitiativeFilterSet(data)
    page = Paginator(filterset.qs.with_vocabularies(), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "initiatives/list.html",
        {"filterset": filterset, "page": page, "count": page.paginator.count, "heading": heading},
    )


def initiative_detail(request, slug):
    initiative = get_object_or_404(Initiative.objects.published().select_related("program", "route"), slug=slug)
    return render(request, "initiatives/detail.html", {"initiative": initiative})


def country(request, code):
    code = code.upper()
    if code not in dict(countries):
        raise Http404
    return initiative_list(request, preset={"country": code}, heading=countries.name(code))


def route(request, slug):
    rota = get_object_or_404(Route, slug=slug)
    return initiative_list(request, preset={"route": slug}, heading=rota.display_name)


def theme(request, slug):
    topic = get_object_or_404(Theme, slug=slug)
    return initiative_list(request, preset={"theme": slug}, heading=topic.display_name)
