"""The project's URLs plus a view with a bug, for tests/catalogue/test_logging.py."""

from django.urls import path

from catalogue.urls import handler404, handler500  # noqa: F401  (the project's error pages)
from catalogue.urls import urlpatterns as project_urlpatterns


def broken(request):
    raise RuntimeError("the ledger is on fire")


urlpatterns = [path("t/broken/", broken), *project_urlpatterns]
