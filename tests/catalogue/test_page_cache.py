"""Public pages rendered once per catalogue version and served to anonymous visitors from the
cache (catalogue.http_cache); nothing personal is ever stored or served from there."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from initiatives import cache as cache_module
from initiatives.cache import bump_catalogue_version, catalogue_version

from .http_cache_urls import RENDERED

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_counter():
    RENDERED.clear()


def test_it_serves_a_repeat_visit_from_the_cache_without_running_the_view(client, make_initiative):
    initiative = make_initiative(name="Polo do Mel", country="BR")
    first = client.get("/en/initiatives/")

    # Not even the session or the catalogue's rows are read: the version is in the cache.
    with CaptureQueriesContext(connection) as queries:
        again = client.get("/en/initiatives/")

    assert len(queries) == 0
    assert again.status_code == 200 and again.content == first.content
    for header in ("Content-Type", "ETag", "Last-Modified", "Cache-Control", "Vary", "Content-Language"):
        assert again[header] == first[header], header
    assert initiative.name in again.content.decode()


@pytest.mark.urls("tests.catalogue.http_cache_urls")
def test_it_renders_again_after_a_change_to_the_catalogue(client):
    assert client.get("/t/counted/").content == b"rendered 1 times"
    assert client.get("/t/counted/").content == b"rendered 1 times"
    assert client.get("/t/counted/")["Content-Disposition"] == "inline"  # the view's own headers come back

    bump_catalogue_version()

    assert client.get("/t/counted/").content == b"rendered 2 times"


@pytest.mark.urls("tests.catalogue.http_cache_urls")
def test_it_never_replaces_a_page_of_a_newer_version_than_this_process_has_read(client):
    assert client.get("/t/counted/").content == b"rendered 1 times"
    newest = catalogue_version()
    # This process still remembers an older version, as a worker does until it re-reads the row.
    cache_module._remember(str(int(newest) - 10**9))

    assert client.get("/t/counted/").content == b"rendered 1 times"
    cache_module._remember(newest)
    assert client.get("/t/counted/").content == b"rendered 1 times"  # still stored, never replaced by an older one


@pytest.mark.urls("tests.catalogue.http_cache_urls")
def test_it_files_a_page_under_the_version_it_was_rendered_from(client):
    first = client.get("/t/edited-meanwhile/")  # the catalogue changed during the render

    again = client.get("/t/edited-meanwhile/", HTTP_IF_NONE_MATCH=first["ETag"])

    assert again.status_code == 200 and again.content == b"rendered 2 times"  # neither stored nor validated as current


@pytest.mark.urls("tests.catalogue.http_cache_urls")
def test_it_keeps_each_path_query_language_and_host_apart(client):
    for path in ("/t/counted/", "/t/counted/?page=2", "/t/counted/?page=2"):
        client.get(path)
    client.get("/t/counted/", headers={"host": "localhost"})

    assert RENDERED == ["/t/counted/", "/t/counted/?page=2", "/t/counted/"]


def test_it_keeps_each_language_apart(client, reference_data):
    english, spanish = client.get("/en/"), client.get("/es/")

    assert english["Content-Language"] == "en" and spanish["Content-Language"] == "es"
    assert client.get("/es/").content == spanish.content != english.content


@pytest.mark.urls("tests.catalogue.http_cache_urls")
def test_it_never_serves_a_stored_page_to_a_visitor_with_a_session(client, staff_user):
    client.get("/t/counted/")
    client.force_login(staff_user)

    response = client.get("/t/counted/")

    assert response.content == b"rendered 2 times"
    assert "private" in response["Cache-Control"]


@pytest.mark.urls("tests.catalogue.http_cache_urls")
def test_it_never_stores_a_page_seen_by_a_logged_in_user(client, staff_user):
    client.force_login(staff_user)
    client.get("/t/counted/")
    client.logout()

    assert client.get("/t/counted/").content == b"rendered 2 times"


@pytest.mark.urls("tests.catalogue.http_cache_urls")
@pytest.mark.parametrize("path", ["/t/form/", "/t/cookie/", "/t/nonce/"])
def test_it_never_stores_forms_cookies_or_nonces(client, path):
    first = client.get(path)
    client.cookies.clear()  # as a new visitor would come

    second = client.get(path)

    assert first.content != second.content or path == "/t/cookie/"
    if path == "/t/cookie/":
        assert second.cookies["seen"].value == "1"  # the view ran again and set it again


@pytest.mark.urls("tests.catalogue.http_cache_urls")
def test_it_leaves_big_pages_and_head_requests_to_the_view(client, settings):
    settings.PUBLIC_PAGE_CACHE_MAX_BYTES = 1000
    client.get("/t/big/")
    client.get("/t/big/")
    client.head("/t/counted/")  # a HEAD stores nothing; the GET after it renders
    client.get("/t/counted/")

    assert RENDERED == ["/t/big/", "/t/big/", "/t/counted/", "/t/counted/"]


@pytest.mark.urls("tests.catalogue.http_cache_urls")
def test_it_can_be_turned_off(client, settings):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 0
    client.get("/t/counted/")

    assert client.get("/t/counted/").content == b"rendered 2 times"


def test_it_streams_exports_rather_than_storing_them(client, make_initiative):
    make_initiative(name="Polo do Mel")
    b"".join(client.get("/api/initiatives.csv").streaming_content)

    response = client.get("/api/initiatives.csv")

    assert response.streaming  # a stored copy would come back as a plain response
    assert "Polo do Mel" in b"".join(response.streaming_content).decode("utf-8-sig")


def test_it_keeps_one_entry_for_junk_parameters_and_equivalent_searches(client, make_initiative, cache_keys):
    make_initiative(name="Café do Cerrado", slug="cafe-co")
    plain = client.get("/en/initiatives/")
    for n in range(20):
        assert client.get(f"/en/initiatives/?utm_source={n}&fbclid=x{n}").status_code == 200
    assert len(cache_keys(":page:")) == 1

    for query in ["Caf%C3%A9", "cafe", "CAFE", "caf%C3%A9!", "%20cafe", "cafe&utm=1"]:
        response = client.get(f"/en/initiatives/?q={query}")
        assert "cafe-co" in response.content.decode()
    assert len(cache_keys(":page:")) == 2

    # One entry, yet each visitor gets the page made for their own query string: their search
    # in the box, their parameters in the language links.
    spelled = client.get("/en/initiatives/?q=Caf%C3%A9").content.decode()
    assert 'value="Café"' in spelled
    assert 'value="CAFE"' in client.get("/en/initiatives/?q=CAFE").content.decode()
    assert client.get("/en/initiatives/").content == plain.content
    assert len(cache_keys(":page:")) == 2


@pytest.mark.urls("tests.catalogue.http_cache_urls")
def test_it_serves_a_stored_page_only_for_the_query_string_it_was_rendered_for(client, cache_keys):
    client.get("/t/counted/?utm=1")
    client.get("/t/counted/?utm=1")
    client.get("/t/counted/?utm=2")  # renders and takes the entry's place
    client.get("/t/counted/?utm=2")

    assert RENDERED == ["/t/counted/?utm=1", "/t/counted/?utm=2"]
    assert len(cache_keys(":page:")) == 1


def test_it_queues_an_address_for_rebuilding_once_however_many_edits_follow(rf):
    from catalogue import page_rebuild

    request = rf.get("/en/initiatives/")
    # In this test's transaction nothing is started (that waits for a commit); the lock is taken.
    assert page_rebuild.rebuild(request, [("/en/initiatives/", "")])
    bump_catalogue_version()

    assert not page_rebuild.rebuild(request, [("/en/initiatives/", "")])  # still under way: not again
    assert page_rebuild.rebuild(request, [("/en/initiatives/", "page=2")])  # another address is
