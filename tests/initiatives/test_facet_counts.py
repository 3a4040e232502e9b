"""The facet counts' fast paths give exactly the naive count: drafts left out, each initiative once
per value, under the other filters, and the new version's counts right after an edit."""

from collections import Counter

import pytest
from django.db import connection
from django.http import QueryDict

from initiatives.facets import FACETS
from initiatives.models import Initiative, Route
from initiatives.selection import select

from ..throttle import fresh_throttle_counts  # noqa: F401  (autouse)

pytestmark = pytest.mark.django_db


def values_of(initiative, facet) -> set:
    """An initiative's values of a facet, read from the objects themselves."""
    if facet == "country":
        return {initiative.country.code}
    if facet in ("kind", "status"):
        return {getattr(initiative, facet)}
    if facet in ("program", "route"):
        term = getattr(initiative, facet)
        return {term.slug} if term else set()
    if facet == "region":
        return {region.code for region in initiative.regions.all()}
    if facet == "family":
        return {sector.family.slug for sector in initiative.sectors.all() if sector.family_id}
    return {term.slug for term in getattr(initiative, f"{facet}s").all()}


def naive_counts(initiatives, facet) -> dict[str, int]:
    return dict(Counter(value for initiative in initiatives for value in values_of(initiative, facet)))


def shown_counts(response, facet) -> dict[str, int]:
    facets = response.context["facets"]
    if facet == "sector":  # the sectors sit inside the family facet, under their family
        return {c.value: c.count for f in facets if f.name == "family" for o in f.options for c in o.children}
    return {o.value: o.count for f in facets if f.name == facet for o in f.options if o.value}


@pytest.fixture
def catalogue(make_initiative):
    mel = Route.objects.get(slug="rota-do-mel")
    make_initiative(
        name="Polo do Mel",
        country="BR",
        kind="rotas_polo",
        route=mel,
        regions=["BR-PE", "BR-PI"],
        sectors=["beekeeping", "cocoa"],
        themes=["market-access"],  # two sectors of one family
    )
    make_initiative(
        name="Polo do Cacau",
        country="BR",
        status="inactive",
        regions=["BR-PA"],
        sectors=["cocoa", "ict"],
        themes=["sustainability", "market-access"],
    )
    make_initiative(name="Clúster de Café", country="CO", sectors=["coffee"], regions=["CO-NAR"])
    make_initiative(name="Software Jalisco", country="MX", kind="tech_park", sectors=["software", "ict"])
    make_initiative(name="Sem setor", country="BR", kind="apl")
    # Drafts, linked to every kind of term: never counted.
    make_initiative(
        name="Rascunho",
        country="BR",
        kind="rotas_polo",
        route=mel,
        is_published=False,
        regions=["BR-PE"],
        sectors=["beekeeping", "coffee"],
        themes=["market-access"],
    )
    make_initiative(name="Borrador", country="CO", is_published=False, sectors=["ict"], themes=["sustainability"])
    # fmt: skip


def published():
    return list(
        Initiative.objects.published()
        .select_related("program", "route")
        .prefetch_related("regions", "themes", Initiative.objects.sectors_with_families())
    )


def test_it_counts_the_whole_catalogue_as_the_naive_count_does(catalogue):
    counts = Initiative.objects.catalogue_facet_counts(FACETS)

    everything = published()
    assert counts == {facet: naive_counts(everything, facet) for facet in FACETS}
    assert counts["family"]["agri-food"] == 3  # Polo do Mel once, for its two agri-food sectors
    assert counts["sector"]["ict"] == 2 and counts["country"] == {"BR": 3, "CO": 1, "MX": 1}


def test_it_spells_the_terms_counted_without_listing_their_ids(catalogue):
    """At 100,000 initiatives the whole catalogue counts about 560 regions: an IN list of their
    ids cost six times reading the region table. Every vocabulary in one statement: one query
    each cost about 0.3 ms of Python."""
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        counts = Initiative.objects.catalogue_facet_counts(["region", "sector"])
    assert counts == {facet: naive_counts(published(), facet) for facet in ["region", "sector"]}
    spelling = [q["sql"] for q in queries if 'FROM "initiatives_facetcount"' not in q["sql"]]
    assert len(spelling) == 1 and not any(" IN (" in sql for sql in spelling), spelling


@pytest.mark.parametrize(
    "query",
    [
        "",
        "country=BR",
        "country=BR&sector=cocoa",
        "family=agri-food&theme=market-access",
        "q=polo&status=active",
        "region=BR-PE&region=CO-NAR&kind=rotas_polo&kind=cluster",
        "route=rota-do-mel&sector=ict",
    ],
)
@pytest.mark.parametrize("language", ["en", "pt-br"])
def test_it_shows_each_facet_counted_under_the_other_filters(client, catalogue, query, language):
    response = client.get(f"/{language}/initiatives/?{query}")

    params = QueryDict(query)
    for facet in FACETS:
        others = params.copy()
        others.pop(facet, None)
        expected = naive_counts(select(others).queryset.prefetch_related("regions", "themes", "sectors__family"), facet)
        shown = shown_counts(response, facet)
        # Listed at 0 besides: a chosen value, or a family holding a sector that counts.
        assert {value: n for value, n in shown.items() if n} == expected, facet
        assert set(params.getlist(facet)) <= set(shown), facet


def test_it_shows_the_new_counts_right_after_an_edit_on_the_list_and_the_api(client, catalogue):
    assert shown_counts(client.get("/en/initiatives/"), "country") == {"BR": 3, "CO": 1, "MX": 1}
    assert client.get("/api/initiatives/").json()["count"] == 5

    draft = Initiative.objects.get(name="Borrador")
    draft.is_published = True
    draft.save()
    moved = Initiative.objects.get(name="Sem setor")
    moved.country = "MX"
    moved.save()
    moved.sectors.set([draft.sectors.get()])  # ict

    response = client.get("/en/initiatives/")
    assert response.context["count"] == 6
    assert shown_counts(response, "country") == {"BR": 2, "CO": 2, "MX": 2}
    assert shown_counts(response, "sector")["ict"] == 4
    assert shown_counts(client.get("/en/initiatives/?country=MX"), "sector") == {"ict": 2, "software": 1}
    assert client.get("/api/initiatives/").json()["count"] == 6
    assert client.get("/api/initiatives/?sector=ict").json()["count"] == 4


def test_it_keeps_each_languages_sort_key_in_step_with_bulk_renames(catalogue):
    from initiatives.search_index import reindex

    Initiative.objects.filter(name="Polo do Cacau").update(name="Açaí do Pará", name_en="Para Acai")
    reindex(Initiative.objects.all())

    renamed = Initiative.objects.get(name="Açaí do Pará")
    assert (renamed.sort_key_pt_br, renamed.sort_key_es, renamed.sort_key_en) == ("acai do para",) * 2 + ("para acai",)


def test_it_reads_the_first_page_in_name_order_from_an_index(client, catalogue, settings):
    """The default order is the language's sort key column: an index serves the first page, with
    no sort of every published row."""
    queryset = select(QueryDict("")).queryset.values("pk")[:24]
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # A test table holds a few rows, where any plan costs the same: forbid the full scan
            # and the explicit sort, so that only an index in this very order can answer.
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("SET LOCAL enable_sort = off")
            cursor.execute("EXPLAIN " + sql, params)
        else:
            cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
        plan = " ".join(str(row[-1]) for row in cursor.fetchall())
    assert "initiative_pub_key_pt_br" in plan, plan
    assert "TEMP B-TREE" not in plan and "Sort" not in plan, plan
