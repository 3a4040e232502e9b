"""A 500 leaves one structured line on stderr, and the visitor a reference to quote to staff."""

import io
import json
import logging
from unittest import mock

import pytest

from catalogue.logs import SAFE_REQUEST_ID

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.catalogue.error_urls"), pytest.mark.usefixtures("english")]


@pytest.fixture
def stderr_log():
    """The stderr handler that settings.LOGGING configured, writing into a buffer for the test."""
    [handler] = [handler for handler in logging.getLogger().handlers if handler.get_name() == "stderr"]
    buffer = io.StringIO()
    previous = handler.setStream(buffer)
    yield buffer
    handler.setStream(previous)


def lines(buffer) -> list[dict]:
    return [json.loads(line) for line in buffer.getvalue().splitlines()]


def test_it_logs_an_error_as_one_line_with_its_request_id_path_and_traceback(client, settings, stderr_log):
    settings.DEBUG = False
    client.raise_request_exception = False
    response = client.get("/t/broken/?page=2")

    assert response.status_code == 500
    request_id = response["X-Request-ID"]
    assert SAFE_REQUEST_ID.fullmatch(request_id)
    assert stderr_log.getvalue().count("\n") == 1  # one event, one line
    [event] = lines(stderr_log)
    assert (event["level"], event["logger"], event["status"]) == ("ERROR", "django.request", 500)
    assert (event["request_id"], event["method"], event["path"]) == (request_id, "GET", "/t/broken/")
    assert event["traceback"].startswith("Traceback (most recent call last):")
    assert 'raise RuntimeError("the ledger is on fire")' in event["traceback"]
    assert event["traceback"].endswith("RuntimeError: the ledger is on fire")
    page = response.content.decode()
    assert f"<code>{request_id}</code>" in page and "Traceback" not in page


@pytest.mark.parametrize(
    ("incoming", "kept"),
    [
        ("7f3a9c2e4b1d4e8fa0b2c3d4e5f60718", True),  # nginx's $request_id
        ("c0a8-01.abc_9", True),
        ("a" * 65, False),
        ("evil\nX-Injected: 1", False),
        ('"><script>', False),
        ("", False),
    ],
)
def test_it_keeps_an_incoming_request_id_only_when_it_is_a_short_safe_token(
    client, settings, stderr_log, incoming, kept
):
    settings.DEBUG = False
    client.raise_request_exception = False
    response = client.get("/t/broken/", headers={"x-request-id": incoming})
    request_id = response["X-Request-ID"]
    assert (request_id == incoming) is kept
    assert SAFE_REQUEST_ID.fullmatch(request_id)
    [event] = lines(stderr_log)
    assert event["request_id"] == request_id


def test_it_sends_the_request_id_with_every_answer_and_logs_nothing_for_a_good_one(client, stderr_log):
    first, second = client.get("/en/no-such-page/"), client.get("/healthz")
    assert (first.status_code, second.status_code) == (404, 200)
    assert first["X-Request-ID"] != second["X-Request-ID"]
    assert stderr_log.getvalue() == ""  # 404s belong to the access log


def test_it_names_no_request_outside_one(stderr_log):
    logging.getLogger("catalogue.health").error("a command failed")
    [event] = lines(stderr_log)
    assert (event["request_id"], event["path"], event["message"]) == ("-", "-", "a command failed")
    assert "traceback" not in event


def test_it_still_answers_with_the_request_id_when_the_500_page_itself_fails(client, settings, stderr_log):
    settings.DEBUG = False
    client.raise_request_exception = False
    with mock.patch("catalogue.errors.loader.get_template", side_effect=ValueError("no manifest")):
        response = client.get("/t/broken/")
    assert response.status_code == 500
    assert f"Reference: {response['X-Request-ID']}" in response.content.decode()
    page, error = lines(stderr_log)  # Django logs the request once its answer is ready
    assert error["traceback"].endswith("RuntimeError: the ledger is on fire")
    assert page["message"] == "The 500 page could not be rendered"
    assert page["request_id"] == error["request_id"] == response["X-Request-ID"]
