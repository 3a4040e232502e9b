"""A NUL byte in any public input gets a clear answer, never a 500 (PostgreSQL refuses NUL in text:
DataError). Meaningful on PostgreSQL, where CI runs the suite with DATABASE_URL set; harmless on SQLite."""

import pytest
from django.urls import reverse

from hub.models import Proposal

from ..throttle import fresh_throttle_counts  # noqa: F401  (autouse)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english", "hub_isolation")]

NUL = "%00"
LIST_PARAMETERS = "q country region kind sector theme program route status bbox ordering".split()
GET_URLS = [
    *[f"/en/initiatives/?{name}=a{NUL}b" for name in [*LIST_PARAMETERS, "page"]],
    *[f"/api/initiatives/?{name}=a{NUL}b" for name in [*LIST_PARAMETERS, "page", "page_size", "lang"]],
    *[f"/api/initiatives.{fmt}?q={NUL}&country=BR{NUL}" for fmt in ("csv", "xlsx", "geojson")],
    *[f"/api/{vocabulary}/?lang={NUL}&country={NUL}" for vocabulary in ("countries", "regions", "sectors", "themes")],
    *[f"/en/library/?{name}=a{NUL}b" for name in ("q", "kind", "theme", "country", "year", "language", "page")],
    f"/en/map/?q={NUL}&region={NUL}",
    f"/en/events/?page={NUL}",
    f"/en/news/?page={NUL}",
    f"/en/countries/B{NUL}R/",
    f"/en/initiatives/a{NUL}b/",
    f"/en/initiatives/private/?q={NUL}",
    f"/api/initiatives/a{NUL}b/",
    f"/en/library/a{NUL}b/",
    f"/en/rotas/a{NUL}b/",
    f"/en/themes/a{NUL}b/",
]


@pytest.fixture
def catalogue(make_initiative):
    make_initiative(name="Private Polo", slug="private")


@pytest.mark.parametrize("url", GET_URLS)
def test_it_answers_a_nul_byte_in_a_public_address_without_failing(client, catalogue, url):
    response = client.get(url)
    assert response.status_code in (200, 400, 404), (url, response.status_code)


def test_it_explains_a_proposal_reference_holding_a_nul_byte(client):
    response = client.get(f"{reverse('hub:proposal_lookup')}?reference=AB{NUL}CD")
    assert response.status_code == 400
    assert "Null characters are not allowed." in response.content.decode()


@pytest.mark.parametrize("reference", ["\x00", "AB\x00CD", "A" * 200])
def test_it_answers_not_found_for_a_proposal_reference_holding_a_nul_byte(client, reference):
    assert client.get(reverse("hub:proposal_status", args=[reference])).status_code == 404


def test_it_still_finds_a_proposal_by_its_reference(client):
    proposal = Proposal.objects.create(
        name="Polo", country="BR", proposer_name="P", proposer_email="p@example.org", description="d"
    )
    lookup = client.get(reverse("hub:proposal_lookup"), {"reference": f" {proposal.reference.lower()} "})
    assert lookup.status_code == 302 and lookup["Location"] == proposal.get_absolute_url()
    assert client.get(reverse("hub:proposal_status", args=[proposal.reference.lower()])).status_code == 200


@pytest.mark.parametrize(
    ("name", "fields"),
    [
        (
            "hub:propose",
            {"name": "a\x00b", "country": "BR", "proposer_name": "\x00", "proposer_email": "p@example.org"},
        ),
        ("hub:interest", {"name": "a\x00b", "organisation": "o", "email": "n@example.org", "message": "m\x00"}),
    ],
)
def test_it_refuses_a_form_posted_with_a_nul_byte(client, catalogue, name, fields):
    url = reverse(name, args=["private"] if name == "hub:interest" else [])
    response = client.post(url, fields)
    assert response.status_code == 400
    assert "Null characters are not allowed." in response.content.decode()


def test_it_refuses_an_admin_login_with_a_nul_byte(client):
    response = client.post(reverse("admin:login"), {"username": "a\x00b", "password": "x\x00"})
    assert response.status_code in (200, 400)
