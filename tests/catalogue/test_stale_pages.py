"""After an edit, anonymous visitors may get the previous version of a stored page for a few seconds
while a background thread renders the new one; staff see their edit at once, drafts never count.

The rebuilds run in real threads of this process, on their own database connections: the tests
commit (transaction=True) so that those connections see the rows."""

import time

import pytest
from django.test import Client
from django.urls import reverse

from catalogue import page_rebuild
from initiatives.cache import bump_catalogue_version
from initiatives.models import Initiative

from ..admin_forms import change_form, form_data

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("stale_window")]

LIST = "/en/initiatives/?country=CO"
API = "/api/initiatives/?country=CO"


@pytest.fixture
def stale_window(settings):
    """Also used by tests/catalogue/test_cache_redis.py."""
    settings.PUBLIC_PAGE_STALE_SECONDS = 5
    yield settings
    page_rebuild.wait()  # no thread outlives the test's rows


def api_count(response) -> int:
    assert response.status_code == 200
    return response.json()["count"]


def shown_count(response) -> str:
    assert response.status_code == 200
    text = response.content.decode()
    start = text.index('id="result-count">') + len('id="result-count">')
    return text[start : text.index("<", start)]


def test_it_serves_the_previous_version_within_the_window_then_the_rebuilt_one(make_initiative):
    serve_stale_then_rebuilt(make_initiative)


def serve_stale_then_rebuilt(make_initiative):
    """Also run on Redis by tests/catalogue/test_cache_redis.py."""
    visitor = Client()
    make_initiative(name="Cluster do Café", country="CO")
    assert api_count(visitor.get(API)) == 1
    assert shown_count(visitor.get(LIST)) == "1 initiative matches."
    page_rebuild.wait()

    make_initiative(name="Cluster Lácteo", country="CO")
    make_initiative(name="Cluster en borrador", country="CO", is_published=False)

    stale = visitor.get(API)
    assert api_count(stale) == 1  # the stored page of the previous version, at once
    assert "max-age=0" in stale["Cache-Control"]  # a proxy keeps it no longer
    # The list is also warmed by the first request of the new version: old or new, never a draft.
    assert shown_count(visitor.get(LIST)) in ("1 initiative matches.", "2 initiatives match.")

    page_rebuild.wait()
    fresh = visitor.get(API)
    assert api_count(fresh) == 2
    assert "stale-while-revalidate=5" in fresh["Cache-Control"]
    assert "max-age=60" in fresh["Cache-Control"]
    listed = visitor.get(LIST)
    assert shown_count(listed) == "2 initiatives match."
    assert "Cluster Lácteo" in listed.content.decode()
    assert "Cluster en borrador" not in listed.content.decode()


def test_it_serves_the_new_version_once_the_window_has_passed(make_initiative, stale_window):
    stale_window.PUBLIC_PAGE_STALE_SECONDS = 1
    visitor = Client()
    make_initiative(name="Cluster do Café", country="CO")
    assert api_count(visitor.get(API)) == 1
    page_rebuild.wait()

    make_initiative(name="Cluster Lácteo", country="CO")
    make_initiative(name="Cluster en borrador", country="CO", is_published=False)
    time.sleep(1.2)

    assert api_count(visitor.get(API)) == 2  # no thread has rebuilt it: this visitor renders it


def test_it_never_serves_a_stale_page_with_the_window_off(make_initiative, stale_window):
    stale_window.PUBLIC_PAGE_STALE_SECONDS = 0
    visitor = Client()
    make_initiative(name="Cluster do Café", country="CO")
    assert api_count(visitor.get(API)) == 1

    make_initiative(name="Cluster Lácteo", country="CO")

    response = visitor.get(API)
    assert api_count(response) == 2
    assert "stale-while-revalidate" not in response["Cache-Control"]


def test_it_shows_staff_their_own_edit_at_once(client, superuser, make_initiative):
    visitor = Client()
    initiative = make_initiative(name="Cluster do Café", country="CO")
    assert "Cluster do Café" in visitor.get(LIST).content.decode()
    page_rebuild.wait()
    client.force_login(superuser)
    url = reverse("admin:initiatives_initiative_change", args=[initiative.pk])

    edited = client.post(url, form_data(change_form(client, initiative), name="Cluster do Café Especial"))
    assert edited.status_code == 302

    seen_by_staff = client.get(LIST)
    assert "Cluster do Café Especial" in seen_by_staff.content.decode()
    assert "no-store" in seen_by_staff["Cache-Control"]
    staff_api = client.get(API)
    assert staff_api.json()["results"][0]["name"] == "Cluster do Café Especial"


def test_it_warms_the_most_visited_pages_when_the_version_changes(make_initiative):
    visitor = Client()
    make_initiative(name="Cluster do Café", country="CO")
    visitor.get(API)  # any public request of the new version starts warming
    page_rebuild.wait()
    Initiative.objects.filter(name="Cluster do Café").update(name="Cluster do Café Especial")
    bump_catalogue_version()  # what an import does after writing in bulk

    visitor.get(API)
    page_rebuild.wait()

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        home = visitor.get("/en/initiatives/")
    assert len(queries) == 0  # rendered by the background thread, served from the cache
    assert "Cluster do Café Especial" in home.content.decode()
