"""The API's JSON, byte for byte, is what DRF's own field-by-field serialization gives."""

import pytest
from django.db.models.signals import post_init
from django.urls.resolvers import URLResolver
from django.utils import translation
from rest_framework import serializers
from rest_framework.renderers import JSONRenderer

from initiatives.api.serializers import InitiativeDetailSerializer, InitiativeListSerializer
from initiatives.cache import bump_catalogue_version
from initiatives.models import Initiative, Municipality, Region, Sector, Theme

from ..throttle import fresh_throttle_counts  # noqa: F401  (autouse)

pytestmark = pytest.mark.django_db


@pytest.fixture
def varied(make_initiative, rota_do_mel):
    """Initiatives with and without each optional value, in several languages; terms linked out of
    their vocabulary's order."""
    fortaleza = Municipality.objects.get(code="2304400")
    make_initiative(
        name="Polo do Mel do Sertão Central",
        slug="mel",
        country="BR",
        kind="rotas_polo",
        route=rota_do_mel,
        program=rota_do_mel.program,
        regions=["BR-PI", "BR-CE"],
        municipalities=[fortaleza],
        latitude=-5.2,
        longitude=-39.3,
        sectors=["coffee", "beekeeping", "cocoa"],
        themes=["sustainability", "market-access"],
        member_count=40,
        year_started=2019,
        website="https://example.org/mel",
        managing_organisation="Cooperativa",
        territory="Sertão Central",
        name_en="Central Backlands Honey Hub",
        description="Mel.",
        description_en="Honey.",
        source_url="https://example.org/fonte",
        source_text="MIDR",
    )
    make_initiative(
        name="Clúster de Café de Nariño",
        slug="cafe",
        country="CO",
        kind="cluster",
        regions=["CO-NAR"],
        latitude=None,
        longitude=None,
        themes=["digital-transformation"],
        status="inactive",
        language="es",
        sectors=["software"],
    )
    make_initiative(name="Software Jalisco", slug="software", country="MX", kind="tech_park", language="en")
    make_initiative(name="Borrador", slug="draft", country="CO", is_published=False)


def drf_representation(serializer_class, instance, request):
    """What DRF's generic Serializer.to_representation gives, field after field."""
    serializer = serializer_class(instance, context={"request": request, "format": None, "view": None})
    return serializers.Serializer.to_representation(serializer, instance)


@pytest.mark.parametrize("language", ["en", "es", "pt-br"])
def test_it_answers_the_list_page_exactly_as_drf_serializes_it(client, varied, language):
    response = client.get(f"/api/initiatives/?page_size=100&lang={language}")
    assert response.status_code == 200
    request = response.wsgi_request
    rows = Initiative.objects.published().with_vocabularies().by_name()
    with translation.override(language):
        results = [drf_representation(InitiativeListSerializer, row, request) for row in rows]
    expected = {"count": 3, "next": None, "previous": None, "results": results}
    assert response.content == JSONRenderer().render(expected)
    assert [row["slug"] for row in response.json()["results"]] == [row.slug for row in rows]


@pytest.mark.parametrize("language", ["es", "pt-br"])
def test_it_answers_in_the_accepted_language_exactly_as_drf_serializes_it(client, varied, language):
    response = client.get("/api/initiatives/?page_size=100&format=json", headers={"accept-language": language})
    assert response.status_code == 200
    rows = Initiative.objects.published().with_vocabularies().by_name()
    with translation.override(language):
        results = [drf_representation(InitiativeListSerializer, row, response.wsgi_request) for row in rows]
        expected_country = str(rows[0].country.name)
    assert response.json()["results"][0]["country_name"] == expected_country
    assert response.content == JSONRenderer().render({"count": 3, "next": None, "previous": None, "results": results})


def test_it_keeps_the_format_asked_for_in_each_link_as_drf_does(client, varied):
    response = client.get("/api/initiatives/?format=json&lang=es")
    assert response.status_code == 200
    rows = Initiative.objects.published().with_vocabularies().by_name()
    with translation.override("es"):
        results = [drf_representation(InitiativeListSerializer, row, response.wsgi_request) for row in rows]
    assert response.json()["results"][0]["url"].endswith("/?format=json")
    assert response.content == JSONRenderer().render({"count": 3, "next": None, "previous": None, "results": results})


def test_it_reverses_the_addresses_once_per_page_whatever_its_length(client, make_initiative, monkeypatch):
    for n in range(6):
        make_initiative(name=f"Mel {n}", country="BR", sectors=["beekeeping"])
    reversed_paths = []
    reverse = URLResolver._reverse_with_prefix

    def counted(resolver, lookup_view, *args, **kwargs):
        reversed_paths.append(lookup_view)
        return reverse(resolver, lookup_view, *args, **kwargs)

    monkeypatch.setattr(URLResolver, "_reverse_with_prefix", counted)
    per_page = {}
    for size in (2, 6):
        reversed_paths.clear()
        response = client.get(f"/api/initiatives/?page_size={size}")
        assert response.status_code == 200 and len(response.json()["results"]) == size
        per_page[size] = len(reversed_paths)
    assert per_page[6] == per_page[2]


@pytest.mark.parametrize("slug", ["mel", "cafe", "software"])
def test_it_answers_one_initiative_exactly_as_drf_serializes_it(client, varied, slug):
    response = client.get(f"/api/initiatives/{slug}/?lang=en")
    assert response.status_code == 200
    instance = Initiative.objects.get(slug=slug)
    with translation.override("en"):
        expected = drf_representation(InitiativeDetailSerializer, instance, response.wsgi_request)
    assert response.content == JSONRenderer().render(expected)


def built_terms(client, url: str) -> dict[str, int]:
    """How many objects of each vocabulary one request builds."""
    built = []

    def count(sender, instance, **kwargs):
        built.append(sender.__name__)

    post_init.connect(count)
    try:
        response = client.get(url)
    finally:
        post_init.disconnect(count)
    assert response.status_code == 200 and len(response.json()["results"]) == 10
    return {name: built.count(name) for name in ("Sector", "SectorFamily", "Theme", "Region")}


def test_it_builds_the_terms_once_per_change_of_a_vocabulary(client, make_initiative):
    # Sectors, themes and regions are kept from one page to the next while none of them changes.
    for n in range(10):
        make_initiative(
            name=f"Mel {n}", country="BR", sectors=["beekeeping"], themes=["sustainability"], regions=["BR-CE"]
        )
    built_terms(client, "/api/initiatives/?page_size=100")
    Initiative.objects.get(name="Mel 3").save()  # an edit: a new catalogue version, no cached page
    after_edit = built_terms(client, "/api/initiatives/?page_size=100")
    assert after_edit == {"Sector": 0, "SectorFamily": 0, "Theme": 0, "Region": 0}

    Theme.objects.filter(slug="market-access").update(name_en="Markets")  # any vocabulary's change
    bump_catalogue_version()
    after_vocabulary_change = built_terms(client, "/api/initiatives/?page_size=100")
    assert after_vocabulary_change["Sector"] == Sector.objects.count()
    assert after_vocabulary_change["Theme"] == Theme.objects.count()

    Region.objects.filter(code="BR-CE").update(name="Ceará renovado")  # no signal: the trigger's token
    bump_catalogue_version()
    after_region_change = built_terms(client, "/api/initiatives/?page_size=100")
    assert after_region_change == {"Sector": 0, "SectorFamily": 0, "Theme": 0, "Region": Region.objects.count()}
    row = client.get("/api/initiatives/?page_size=100").json()["results"][0]
    assert [region["name"] for region in row["regions"]] == ["Ceará renovado"]


@pytest.mark.parametrize("language", ["en", "es"])
def test_it_shows_a_renamed_term_on_the_next_page(client, make_initiative, language):
    make_initiative(name="Mel", country="BR", sectors=["beekeeping"], themes=["sustainability"])
    assert client.get(f"/api/initiatives/?lang={language}").status_code == 200
    sector = Sector.objects.select_related("family").get(slug="beekeeping")
    for term, name in ((sector, "Apicultura renovada"), (sector.family, "Familia renovada")):
        term.name = term.name_en = term.name_es = term.name_pt_br = name
        term.save()
    theme = Theme.objects.get(slug="sustainability")
    theme.name = theme.name_en = theme.name_es = theme.name_pt_br = "Sostenibilidad renovada"
    theme.save()
    row = client.get(f"/api/initiatives/?lang={language}").json()["results"][0]
    assert [s["name"] for s in row["sectors"]] == ["Apicultura renovada"]
    assert [f["name"] for f in row["families"]] == ["Familia renovada"]
    assert [t["name"] for t in row["themes"]] == ["Sostenibilidad renovada"]
