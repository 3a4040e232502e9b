"""Fixtures for the knowledge hub's tests (registered in conftest.py). Hub test modules use
`hub_isolation` for a temporary MEDIA_ROOT and fresh rate-limit counters."""

import datetime
import io
import itertools

import pytest
from django.core.cache import cache
from django.utils import timezone
from PIL import Image

from hub.models import Event, LibraryItem, News
from initiatives.models import Theme

# A minimal PDF and a 4×3 PNG: real bytes, so the validators see real files.
PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 3), "green").save(buffer, "PNG")
    return buffer.getvalue()


PNG_BYTES = _png()


@pytest.fixture
def hub_isolation(settings, tmp_path):
    """Uploads go to a temporary MEDIA_ROOT; rate-limit counters start from zero."""
    settings.MEDIA_ROOT = tmp_path / "media"
    cache.clear()
    yield
    cache.clear()


def factory(model, label, relations, defaults=None):
    """make(**fields) creating a `model` with a numbered title and slug; `relations` (M2M names,
    themes given as slugs) are set after saving; `defaults(fields, n)` fills in the rest."""
    counter = itertools.count(1)

    def make(**fields):
        n = next(counter)
        related = {name: fields.pop(name, ()) for name in relations}
        fields.setdefault("title", f"{label} {n}")
        fields.setdefault("slug", f"{label.lower().replace(' ', '-')}-{n}")
        if defaults:
            defaults(fields, n)
        instance = model.objects.create(**fields)
        for name, values in related.items():
            if name == "themes":
                values = [Theme.objects.get(slug=v) if isinstance(v, str) else v for v in values]
            getattr(instance, name).set(values)
        return instance

    return make


def _event_defaults(fields, n):
    start = timezone.now().replace(microsecond=0) + datetime.timedelta(days=fields.pop("days_ahead", 10))
    fields.setdefault("start", start)
    fields.setdefault("end", fields["start"] + datetime.timedelta(hours=fields.pop("hours", 2)))
    fields.setdefault("place", "Fortaleza")


@pytest.fixture
def make_library_item(reference_data):
    return factory(
        LibraryItem,
        "Library item",
        ["themes", "sectors"],
        lambda f, n: f.setdefault("link", f"https://example.org/{n}"),
    )


@pytest.fixture
def make_event(reference_data):
    """Also takes days_ahead (from now to the start, default 10) and hours (its length, default 2)."""
    return factory(Event, "Event", ["themes"], _event_defaults)


@pytest.fixture
def make_news(reference_data):
    return factory(News, "News", ["themes", "initiatives"])
