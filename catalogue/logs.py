"""Logs as one JSON line per event on stderr, each tied to its request by a request id.

A visitor who meets the 500 page reads the request id on it (and in the X-Request-ID header); staff
find the same id in the log line that holds the method, the path and the traceback
(docs/operations.md, "Logs").
"""

import contextvars
import json
import logging
import re
import uuid
from datetime import UTC, datetime

# An id the reverse proxy (nginx's $request_id) or a client sent is kept only when it is a short
# token that cannot forge log lines or headers; otherwise the app makes its own.
SAFE_REQUEST_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")
REQUEST_ID_HEADER = "X-Request-ID"

_current = contextvars.ContextVar("request", default=None)


def request_id_of(request) -> str:
    incoming = request.headers.get(REQUEST_ID_HEADER, "")
    return incoming if SAFE_REQUEST_ID.fullmatch(incoming) else uuid.uuid4().hex


class RequestIdMiddleware:
    """First in MIDDLEWARE: every response carries the id, and every log line of the request names it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.request_id = request_id_of(request)
        token = _current.set(request)
        try:
            response = self.get_response(request)
        finally:
            _current.reset(token)
        response[REQUEST_ID_HEADER] = request.request_id
        return response


class RequestContextFilter(logging.Filter):
    """Adds the request id, method and path of the request being served (or "-" outside one)."""

    def filter(self, record):
        request = getattr(record, "request", None) or _current.get()
        record.request_id = getattr(request, "request_id", "-")
        record.method = getattr(request, "method", "-")
        record.path = getattr(request, "path", "-")
        return True


class JsonLinesFormatter(logging.Formatter):
    """One JSON object per line: newlines (and, as ASCII escapes, any other line separator) in a
    message or a traceback are escaped, so one event is one line whatever reads it."""

    def format(self, record):
        event = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", "-"),
            "method": getattr(record, "method", "-"),
            "path": getattr(record, "path", "-"),
        }
        if hasattr(record, "status_code"):
            event["status"] = record.status_code
        if record.exc_info:
            event["traceback"] = self.formatException(record.exc_info)
        return json.dumps(event, default=str)
