"""The project's URLs plus stand-ins for the map and the exports that other branches build, so
the pages' links to 'the same selection elsewhere' can be tested before those exist."""

from django.conf.urls.i18n import i18n_patterns
from django.http import HttpResponse
from django.urls import include, path

from initiatives import urls as initiative_urls


def stand_in(request):
    return HttpResponse("stand-in")


exports = [
    path("initiatives.csv", stand_in, name="initiatives-csv"),
    path("initiatives.geojson", stand_in, name="initiatives-geojson"),
    path("initiatives.xlsx", stand_in, name="initiatives-xlsx"),
]
urlpatterns = [path("api/", include((exports, "api")))]
urlpatterns += i18n_patterns(
    path("", include(([*initiative_urls.urlpatterns, path("map/", stand_in, name="map")], "initiatives"))),
)
