"""Anonymous public pages are cacheable by a proxy; nothing personal ever is (catalogue.http_cache)."""

from datetime import date

import pytest
from django.utils import timezone

pytestmark = pytest.mark.django_db


def cache_control(response) -> set[str]:
    return {part.strip() for part in response.get("Cache-Control", "").split(",") if part.strip()}


def test_it_marks_an_anonymous_page_public_with_validators(client, settings, reference_data):
    response = client.get("/en/")

    assert response.status_code == 200
    assert cache_control(response) == {"public", f"max-age={settings.PUBLIC_CACHE_MAX_AGE}"}
    assert response["ETag"].startswith('W/"')
    assert response["Last-Modified"].endswith("GMT")
    vary = {v.strip().lower() for v in response["Vary"].split(",")}
    assert {"accept-language", "cookie"} <= vary


def test_it_answers_a_matching_conditional_request_with_304_before_the_view(
    client, reference_data, django_assert_num_queries
):
    etag = client.get("/en/")["ETag"]

    with django_assert_num_queries(0):  # the home page's figures are not even computed
        response = client.get("/en/", HTTP_IF_NONE_MATCH=etag)

    assert response.status_code == 304
    assert response["ETag"] == etag
    assert "public" in cache_control(response)


def test_it_answers_if_modified_since_with_304(client, reference_data):
    last_modified = client.get("/en/")["Last-Modified"]

    assert client.get("/en/", HTTP_IF_MODIFIED_SINCE=last_modified).status_code == 304


def test_it_changes_the_etag_when_the_catalogue_changes(client, make_initiative):
    etag = client.get("/en/")["ETag"]

    make_initiative(name="Cluster do Cacau")

    response = client.get("/en/", HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 200
    assert response["ETag"] != etag


def test_it_changes_the_validators_when_the_day_changes(client, reference_data, monkeypatch):
    # Pages list upcoming events: an event that ended yesterday must not be served from a cache today.
    first = client.get("/en/")
    monkeypatch.setattr(timezone, "localdate", lambda: date(2099, 1, 2))

    response = client.get("/en/", HTTP_IF_NONE_MATCH=first["ETag"], HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])

    assert response.status_code == 200
    assert response["ETag"] != first["ETag"]
    assert response["Last-Modified"] == "Fri, 02 Jan 2099 03:00:00 GMT"  # midnight in São Paulo


def test_it_gives_each_language_and_query_its_own_etag(client, reference_data):
    etags = {client.get(path)["ETag"] for path in ("/en/", "/es/", "/pt-br/", "/en/?page=2")}

    assert len(etags) == 4


def test_it_keeps_pages_private_for_logged_in_users(client, staff_user, reference_data):
    etag = client.get("/en/")["ETag"]
    client.force_login(staff_user)

    response = client.get("/en/", HTTP_IF_NONE_MATCH=etag)

    assert response.status_code == 200  # never a shared 304 for a session
    assert cache_control(response) == {"private", "no-store"}
    assert not response.has_header("ETag")


@pytest.mark.urls("tests.catalogue.http_cache_urls")
@pytest.mark.parametrize("path", ["/t/form/", "/t/message/", "/t/cookie/"])
def test_it_keeps_pages_with_a_csrf_token_a_message_or_a_cookie_private(client, path):
    response = client.get(path)

    assert cache_control(response) == {"private", "no-store"}
    assert not response.has_header("ETag")


@pytest.mark.urls("tests.catalogue.http_cache_urls")
def test_it_keeps_a_page_private_when_the_request_brings_messages(client):
    client.get("/t/message/")  # leaves the message in the messages cookie

    response = client.get("/t/plain/")

    assert cache_control(response) == {"private", "no-store"}


@pytest.mark.urls("tests.catalogue.http_cache_urls")
def test_it_leaves_a_views_own_policy_alone(client):
    response = client.get("/t/own-policy/")

    assert cache_control(response) == {"no-cache"}
    assert not response.has_header("ETag")


def test_it_does_not_mark_errors_or_the_admin(client, reference_data):
    missing = client.get("/en/initiatives/no-such-initiative/")
    login = client.get("/en/admin/login/")

    assert missing.status_code == 404 and not missing.has_header("ETag")
    assert login.status_code == 200 and "public" not in cache_control(login)


@pytest.mark.urls("tests.catalogue.http_cache_urls")
def test_it_honours_a_views_own_etag(client):
    response = client.get("/t/own-etag/", HTTP_IF_NONE_MATCH='"v1"')

    assert response.status_code == 304
