"""Unprefixed machine-readable URLs under /api/: the REST API, GeoJSON and exports."""

from django.urls import path

from . import map_views

app_name = "api"

urlpatterns = [
    path("initiatives.geojson", map_views.initiatives_geojson, name="initiatives-geojson"),
]
