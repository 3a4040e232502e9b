"""A list filtered by countries alone (?country=BR, a country page), or kinds alone, reads its
facets and its total from the counts the database keeps per country and per kind
(initiatives.facet_table): the same counts and rows as counting the initiatives, in every
language, and the new version's right after any edit."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from initiatives.cache import bump_catalogue_version
from initiatives.facets import FACETS
from initiatives.models import Initiative, Region, Sector
from initiatives.pagination import PAGE_SIZE

from ..throttle import fresh_throttle_counts  # noqa: F401  (autouse)
from .test_facet_counts import catalogue, naive_counts, published, shown_counts  # noqa: F401  (a fixture)
from .test_kept_facet_counts import Writer

pytestmark = pytest.mark.django_db

LISTS = [
    ("/{lang}/initiatives/?country=BR", "country", ["BR"]),
    ("/{lang}/initiatives/?country=br&country=CO&country=BR", "country", ["BR", "CO"]),
    ("/{lang}/initiatives/?country=MX&ordering=-name&page=1", "country", ["MX"]),
    ("/{lang}/countries/BR/", "country", ["BR"]),
    ("/{lang}/initiatives/?kind=rotas_polo", "kind", ["rotas_polo"]),
    ("/{lang}/initiatives/?kind=cluster&kind=apl&ordering=-name", "kind", ["apl", "cluster"]),
]


def value_of(initiative, scope: str) -> str:
    return initiative.country.code if scope == "country" else initiative.kind


def counting_queries(queries) -> list[str]:
    """The queries counting initiatives or their links (not the kept counts)."""
    return [q["sql"] for q in queries if "COUNT(" in q["sql"] and '"initiatives_initiative' in q["sql"]]


def assert_list_shows_the_recount(client, url: str, scope: str, values: list[str], context: str = ""):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, (url, context)
    assert counting_queries(queries) == [], (url, context)  # read from the kept counts
    chosen = [initiative for initiative in published() if value_of(initiative, scope) in values]
    assert response.context["count"] == len(chosen), (url, context)
    for facet in [facet for facet in FACETS if facet != scope]:
        assert shown_counts(response, facet) == naive_counts(chosen, facet), (url, facet, context)
    return response


@pytest.mark.parametrize("lang", ["pt-br", "es", "en"])
@pytest.mark.parametrize(("url", "scope", "values"), LISTS)
def test_a_list_of_countries_or_kinds_alone_shows_their_recounted_facets_and_rows(
    client,
    catalogue,  # noqa: F811
    lang,
    url,
    scope,
    values,
):
    url = url.format(lang=lang)
    response = assert_list_shows_the_recount(client, url, scope, values)
    shown = [initiative.pk for initiative in response.context["page"].object_list]
    chosen = Initiative.objects.published().filter(**{f"{scope}__in": values})
    with translation.override(lang):  # by_name() sorts by the name the page's language shows
        expected = list(chosen.by_name(descending="-name" in url).values_list("pk", flat=True)[:PAGE_SIZE])
    assert shown == expected


def test_another_filter_still_counts_the_initiatives(client, catalogue):  # noqa: F811
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/en/initiatives/?country=BR&kind=rotas_polo")
    # Not a country alone: counted from the facet rows of the initiatives passing both filters.
    assert any("initiatives_facetrow" in query["sql"] for query in queries.captured_queries)
    assert response.context["count"] == 1
    assert shown_counts(response, "sector") == {"beekeeping": 1, "cocoa": 1}


WRITES = [
    "save_new",
    "bulk_create",
    "save_edit",
    "update_publish",
    "update_columns",
    "raw_sql",
    "raw_link_rewrite",
    "delete",
    "admin_delete",
    "m2m",
    "reverse_m2m",
    "move_sector",
    "delete_term",
]


@pytest.mark.parametrize("seed", [4, 5])
def test_a_country_s_list_shows_the_new_counts_after_every_kind_of_edit(seed, reference_data, client, superuser):
    writer = Writer(seed, client, superuser)
    for _ in range(6):
        writer.save_new()
    for step, write in enumerate(WRITES * 3 + ["renames"]):
        if write == "renames":  # a vocabulary and a region renamed: labels change, counts do not
            Sector.objects.filter(pk=writer.sectors[0].pk).update(name="Renamed sector")
            Region.objects.filter(pk=writer.regions[0].pk).update(name="Renamed region")
        else:
            getattr(writer, write)()
        bump_catalogue_version()  # what every edit does; raw SQL and update() here do not
        lang = ["pt-br", "es", "en"][step % 3]
        for code in ("BR", "CO", "MX"):
            url = f"/{lang}/initiatives/?country={code}"
            assert_list_shows_the_recount(client, url, "country", [code], f"{seed}: {write}")
        for kind in ("cluster", "apl", "rotas_polo"):
            url = f"/{lang}/initiatives/?kind={kind}&ordering=-created"
            assert_list_shows_the_recount(client, url, "kind", [kind], f"{seed}: {write}")
