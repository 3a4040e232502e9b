"""The API's JSON renderer (orjson) writes what DRF's JSONRenderer writes."""

import datetime
import decimal
import json
import uuid

import pytest
from django.utils.translation import gettext_lazy
from rest_framework.renderers import JSONRenderer
from rest_framework.utils.serializer_helpers import ReturnDict, ReturnList

from initiatives.api.renderers import FastJSONRenderer
from initiatives.models import Initiative

from ..throttle import fresh_throttle_counts  # noqa: F401  (autouse)

VALUES = {
    "text": 'Sertão "Central" \\ / \x00\x1f\x7f\t\n é 😀',
    "separators": "line\u2028paragraph\u2029end",
    "numbers": [0, -1, 2**62, 1.5, -39.3, 20.7, 1e16, 0.1 + 0.2, True, False, None],
    "nested": ReturnList([ReturnDict({"slug": "mel"}, serializer=None)], serializer=None),
    "lazy": gettext_lazy("Search"),
    "when": datetime.datetime(2026, 11, 30, 4, 5, 6, 789123, tzinfo=datetime.UTC),
    "day": datetime.date(2026, 11, 30),
    "amount": decimal.Decimal("12.50"),
    "id": uuid.UUID("12345678-1234-5678-1234-567812345678"),
}


def test_it_writes_byte_for_byte_what_drf_writes():
    assert FastJSONRenderer().render(VALUES) == JSONRenderer().render(VALUES)
    assert b"\\u2028" in FastJSONRenderer().render(VALUES)


@pytest.mark.parametrize("value", [{1: "a key that is a number"}, {"big": 2**64}])
def test_it_leaves_what_orjson_refuses_to_drf(value):
    assert FastJSONRenderer().render(value) == JSONRenderer().render(value)


def test_it_writes_a_tiny_float_as_the_same_number():
    rendered = FastJSONRenderer().render({"longitude": 0.00001})
    assert json.loads(rendered) == json.loads(JSONRenderer().render({"longitude": 0.00001}))


def test_it_indents_as_drf_does_when_asked():
    context = {"indent": 2}
    assert FastJSONRenderer().render(VALUES, renderer_context=context) == JSONRenderer().render(
        VALUES, renderer_context=context
    )


@pytest.mark.django_db
def test_it_answers_the_api_with_the_separators_escaped_and_indented_on_request(client, make_initiative):
    make_initiative(name="Mel\u2028do Sertão", country="BR")
    compact = client.get("/api/initiatives/")
    assert compact.status_code == 200 and b"Mel\\u2028do Sert\xc3\xa3o" in compact.content
    # Another address: the public page cache keeps one rendering per address, whatever Accept says.
    indented = client.get("/api/initiatives/?page_size=10", headers={"accept": "application/json; indent=2"})
    assert indented.status_code == 200 and indented.content.startswith(b'{\n  "count": 1,')
    assert json.loads(indented.content) == json.loads(compact.content)
    assert Initiative.objects.get().name == "Mel\u2028do Sertão"
