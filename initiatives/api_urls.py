"""Unprefixed machine-readable URLs under /api/: the REST API, GeoJSON and exports."""

from django.urls import path  # noqa: F401

app_name = "api"

urlpatterns = []
