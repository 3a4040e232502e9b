"""The project's URLs plus the floor: a bare view that does nothing, behind the full middleware."""

from django.http import HttpResponse
from django.urls import path

from catalogue.urls import urlpatterns as project_urlpatterns

FLOOR_PATH = "/bench/floor/"


def floor(request):
    return HttpResponse(b"ok", content_type="text/plain")


urlpatterns = [path(FLOOR_PATH.strip("/") + "/", floor, name="bench-floor"), *project_urlpatterns]
