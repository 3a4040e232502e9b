"""The API's list pages answered from the JSON kept per row (initiatives/api/fragments.py): the
same bytes as DRF's own serialization, before and after every kind of edit."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from rest_framework.renderers import JSONRenderer

from initiatives.api import fragments
from initiatives.api.serializers import InitiativeListSerializer
from initiatives.cache import bump_catalogue_version
from initiatives.models import Initiative, Program, Region, Route, Sector, SectorFamily, Theme

from ..throttle import fresh_throttle_counts  # noqa: F401  (autouse)
from .test_api_representation import drf_representation, varied  # noqa: F401  (fixture)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("varied")]


def expected_page(response, language: str) -> bytes:
    """The page as DRF serializes and renders the rows now in the database."""
    rows = Initiative.objects.published().with_vocabularies().by_name()
    with translation.override(language):
        results = [drf_representation(InitiativeListSerializer, row, response.wsgi_request) for row in rows]
    page = {"count": len(results), "next": None, "previous": None, "results": results}
    return JSONRenderer().render(page)


def page(client, language: str = "en"):
    response = client.get(f"/api/initiatives/?page_size=100&lang={language}")
    assert response.status_code == 200
    return response


def initiative_reads(client, language: str) -> int:
    """How many queries of one page read initiatives' rows (the page's own read included)."""
    with CaptureQueriesContext(connection) as queries:
        page(client, language)
    return sum('FROM "initiatives_initiative"' in query["sql"] for query in queries.captured_queries)


@pytest.mark.parametrize("language", ["en", "es", "pt-br"])
def test_it_answers_a_page_of_kept_rows_exactly_as_drf_serializes_it(client, language):
    first = page(client, language)
    assert first.content == expected_page(first, language)
    bump_catalogue_version()  # no page cached: the rows' kept JSON only
    assert initiative_reads(client, language) == 1  # the rows' columns; none loaded again as objects
    again = page(client, language)
    assert again.content == first.content


@pytest.mark.parametrize("second", ["format=json", "format=json&lang=en", "lang=en&page_size=2"])
def test_it_keeps_rows_apart_for_requests_whose_links_differ(client, second):
    assert page(client).status_code == 200
    response = client.get(f"/api/initiatives/?{second}", headers={"accept-language": "en"})
    rows = Initiative.objects.published().with_vocabularies().by_name()
    with translation.override("en"):
        results = [drf_representation(InitiativeListSerializer, row, response.wsgi_request) for row in rows]
    if "page_size=2" in second:
        next_page = "http://testserver/api/initiatives/?lang=en&page=2&page_size=2"
        expected = {"count": 3, "next": next_page, "previous": None, "results": results[:2]}
    else:
        expected = {"count": 3, "next": None, "previous": None, "results": results}
    assert response.content == JSONRenderer().render(expected)


def test_it_serializes_again_only_the_edited_row(client):
    page(client)
    mel = Initiative.objects.get(slug="mel")
    mel.territory = "Sertão"
    mel.save()
    with CaptureQueriesContext(connection) as queries:
        response = page(client)
    loaded = [query["sql"] for query in queries.captured_queries if 'FROM "initiatives_initiative"' in query["sql"]]
    assert len(loaded) == 2 and f"IN ({mel.pk})" in loaded[1]
    assert response.content == expected_page(response, "en")
    assert {row["slug"]: row["territory"] for row in response.json()["results"]}["mel"] == "Sertão"


def test_it_leaves_out_of_the_key_only_columns_that_no_row_shows(client):
    for language in ("en", "es", "pt-br"):
        before = page(client, language)
        for column in fragments.NOT_SHOWN:
            field = Initiative._meta.get_field(column)
            value = (
                timezone.now() - datetime.timedelta(days=400) if field.get_internal_type() == "DateTimeField" else "x"
            )
            Initiative.objects.update(**{column: value})
        assert expected_page(before, language) == before.content


def sector(slug: str) -> Sector:
    return Sector.objects.get(slug=slug)


def renamed(name: str) -> dict[str, str]:
    return {field: name for field in ("name", "name_en", "name_es", "name_pt_br")}


def saved(slug: str, **fields) -> None:
    initiative = Initiative.objects.get(slug=slug)
    for name, value in fields.items():
        setattr(initiative, name, value)
    initiative.save()


EDITS = {
    "save": lambda: saved("mel", managing_organisation="Outra cooperativa"),
    # update() moves neither `updated` nor any signal: only the row's columns tell.
    "update": lambda: Initiative.objects.filter(slug="cafe").update(status="active"),
    "update of a name": lambda: Initiative.objects.filter(slug="mel").update(name_en="Honey Hub", name_es="Polo"),
    "update of the country": lambda: Initiative.objects.filter(slug="cafe").update(country="PE"),
    "sector added": lambda: Initiative.objects.get(slug="software").sectors.add(sector("coffee")),
    "sector removed": lambda: Initiative.objects.get(slug="mel").sectors.remove(sector("cocoa")),
    "sectors cleared": lambda: Initiative.objects.get(slug="mel").sectors.clear(),
    "theme added": lambda: Initiative.objects.get(slug="software").themes.add(Theme.objects.get(slug="sustainability")),
    "themes cleared": lambda: Initiative.objects.get(slug="cafe").themes.clear(),
    "region removed": lambda: Initiative.objects.get(slug="mel").regions.remove(Region.objects.get(code="BR-PI")),
    "regions set": lambda: Initiative.objects.get(slug="cafe").regions.set([Region.objects.get(code="CO-ANT")]),
    # The link tables written straight (as a bulk import does): no signal, no column of the row moves.
    "sector link inserted": lambda: Initiative.sectors.through.objects.create(
        initiative=Initiative.objects.get(slug="software"), sector=sector("cocoa")
    ),
    "region link deleted": lambda: Initiative.regions.through.objects.filter(region__code="CO-NAR").delete(),
    "sector renamed": lambda: Sector.objects.filter(slug="coffee").update(**renamed("Coffee, renamed")),
    "sector in another family": lambda: Sector.objects.filter(slug="software").update(
        family=SectorFamily.objects.exclude(sectors__slug="software").first()
    ),
    "family renamed": lambda: SectorFamily.objects.filter(sectors__slug="cocoa").update(**renamed("Family, renamed")),
    "theme renamed": lambda: Theme.objects.filter(slug="market-access").update(**renamed("Markets, renamed")),
    "programme renamed": lambda: Program.objects.filter(routes__slug="rota-do-mel").update(
        **renamed("Programme, renamed")
    ),
    "rota renamed": lambda: Route.objects.filter(slug="rota-do-mel").update(slug="rota-do-mel-2"),
    "region renamed": lambda: Region.objects.filter(code="CO-NAR").update(name="Nariño, renamed"),
    "unpublished": lambda: Initiative.objects.filter(slug="cafe").update(is_published=False),
    "published": lambda: saved("draft", is_published=True),
    "deleted": lambda: Initiative.objects.filter(slug="software").delete(),
}


@pytest.mark.parametrize("edit", EDITS.values(), ids=EDITS.keys())
@pytest.mark.parametrize("language", ["en", "es"])
def test_it_shows_every_kind_of_edit_on_the_next_page(client, edit, language):
    before = page(client, language).content
    assert fragments._kept  # the rows are kept: the next page could answer from them
    edit()
    bump_catalogue_version()  # as after an import; the page cache is not what is tested here
    response = page(client, language)
    assert response.content != before
    assert response.content == expected_page(response, language)
