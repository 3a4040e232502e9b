"""Call the project's WSGI application directly, as gunicorn would, and time the response.

Every request goes through Django's WSGIHandler and the full MIDDLEWARE stack; the body is
consumed to the last byte, so streamed responses are timed to the end (and to their first byte).
"""

import io
import statistics
import sys
import time
from dataclasses import dataclass, field
from urllib.parse import urlsplit


@dataclass
class Response:
    status: int
    headers: dict[str, str]
    ttfb: float  # seconds to the first non-empty chunk
    total: float  # seconds to the last byte
    size: int
    streaming: bool
    body: bytes | None = field(default=None, repr=False)


def environ_for(path: str, headers: dict[str, str] | None = None) -> dict:
    parts = urlsplit(path)
    environ = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": parts.path,
        "QUERY_STRING": parts.query,
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "HTTP_HOST": "127.0.0.1",
        "HTTP_ACCEPT_LANGUAGE": "en",
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(b""),
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": False,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
    }
    for name, value in (headers or {}).items():
        environ["HTTP_" + name.upper().replace("-", "_")] = value
    return environ


class WSGIClient:
    def __init__(self):
        from django.core.handlers.wsgi import WSGIHandler

        self.app = WSGIHandler()

    def get(self, path: str, headers: dict[str, str] | None = None, keep_body: bool = False) -> Response:
        seen: dict = {}

        def start_response(status, response_headers, exc_info=None):
            seen["status"] = int(status.split()[0])
            seen["headers"] = {k.lower(): v for k, v in response_headers}

        started = time.perf_counter()
        iterable = self.app(environ_for(path, headers), start_response)
        ttfb, size, chunks = None, 0, []
        try:
            for chunk in iterable:
                if chunk and ttfb is None:
                    ttfb = time.perf_counter() - started
                size += len(chunk)
                if keep_body:
                    chunks.append(chunk)
        finally:
            close = getattr(iterable, "close", None)
            if close:
                close()  # sends request_finished, as a WSGI server does
        total = time.perf_counter() - started
        return Response(
            status=seen["status"],
            headers=seen["headers"],
            ttfb=total if ttfb is None else ttfb,
            total=total,
            size=size,
            streaming=bool(getattr(iterable, "streaming", False)),
            body=b"".join(chunks) if keep_body else None,
        )


def summary(seconds: list[float]) -> dict:
    """Median and p95 (nearest rank) in milliseconds."""
    if not seconds:
        return {"median_ms": None, "p95_ms": None, "samples": 0}
    ordered = sorted(seconds)
    p95 = ordered[min(len(ordered) - 1, max(0, round(0.95 * len(ordered) + 0.5) - 1))]
    return {
        "median_ms": round(statistics.median(ordered) * 1000, 3),
        "p95_ms": round(p95 * 1000, 3),
        "samples": len(ordered),
    }
