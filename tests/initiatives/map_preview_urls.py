"""The site's URLs plus two bare pages that include the shared map the way home and detail do."""

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.template import engines
from django.urls import path

from catalogue.urls import urlpatterns as site_urlpatterns
from initiatives.models import Initiative

PAGE = engines["django"].from_string(
    '{% extends "base.html" %}{% block content %}{% include "includes/map_preview.html" %}{% endblock %}'
)


def preview(request):
    return HttpResponse(PAGE.render({}, request))


def detail(request, slug):
    initiative = get_object_or_404(Initiative.objects.published(), slug=slug)
    return HttpResponse(PAGE.render({"initiative": initiative}, request))


urlpatterns = [
    *site_urlpatterns,
    path("map-preview/", preview),
    path("map-preview/<slug:slug>/", detail),
]
