"""Unprefixed machine-readable URLs under /api/: the REST API, GeoJSON and exports."""

from django.urls import path
from drf_spectacular.views import SpectacularAPIView

from .api import views as api

app_name = "api"

urlpatterns = [
    path("initiatives.geojson", api.SlimGeoJson.as_view(), name="initiatives-geojson"),
    path("initiatives.full.geojson", api.FullGeoJson.as_view(), name="initiatives-full-geojson"),
    path("initiatives/", api.InitiativeList.as_view(), name="initiative-list"),
    # Any text, not <slug:>: the view answers a JSON 404 for what is not a slug.
    path("initiatives/<path:slug>/", api.InitiativeDetail.as_view(), name="initiative-detail"),
    path("initiatives.csv", api.CsvExport.as_view(), name="initiatives-csv"),
    path("initiatives.xlsx", api.XlsxExport.as_view(), name="initiatives-xlsx"),
    path("countries/", api.CountryList.as_view(), name="countries"),
    path("regions/", api.RegionList.as_view(), name="regions"),
    path("families/", api.FamilyList.as_view(), name="families"),
    path("sectors/", api.SectorList.as_view(), name="sectors"),
    path("themes/", api.ThemeList.as_view(), name="themes"),
    path("programs/", api.ProgramList.as_view(), name="programs"),
    path("routes/", api.RouteList.as_view(), name="routes"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", api.api_docs_in_language, name="docs"),
]
