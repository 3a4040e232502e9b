"""A list filtered by facet links alone (no search, no box) counts its facets from one read of
facet rows (facets.linked_facet_counts): the same counts as one SQL query per facet, each facet
under the other facets' choices, drafts never counted, an edit's new version at once."""

import pytest
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext

from initiatives import facets
from initiatives.facets import FACETS, linked_facet_counts, queryset_without
from initiatives.models import Initiative, Route, Theme
from initiatives.selection import select

from ..throttle import fresh_throttle_counts  # noqa: F401  (autouse)

pytestmark = pytest.mark.django_db

QUERIES = [
    "sector=cocoa",
    "theme=market-access",
    "country=BR&kind=rotas_polo",
    "country=AR&theme=market-access",
    "country=BR&sector=cocoa&sector=coffee",
    "family=agri-food",
    "family=agri-food&country=BR",
    "family=agri-food&theme=market-access",
    "sector=ict&theme=sustainability&kind=cluster",
    "region=BR-PE&region=CO-NAR&kind=rotas_polo&kind=cluster",
    "route=rota-do-mel&sector=beekeeping&status=active",
    "program=rotas-de-integracao-nacional&country=BR&theme=sustainability",
    "program=nope&country=BR&theme=sustainability",
]


@pytest.fixture
def catalogue(make_initiative):
    mel = Route.objects.get(slug="rota-do-mel")
    make_initiative(
        name="Polo do Mel",
        country="BR",
        kind="rotas_polo",
        route=mel,
        program=mel.program,
        regions=["BR-PE", "BR-PI"],
        sectors=["beekeeping", "cocoa"],
        themes=["market-access", "sustainability"],
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
    make_initiative(name="Cluster TIC", kind="cluster", sectors=["ict"], themes=["sustainability"])
    make_initiative(name="Software Jalisco", country="MX", kind="tech_park", sectors=["software", "ict"])
    make_initiative(name="Mercados", country="AR", sectors=["coffee", "cocoa"], themes=["market-access"])
    make_initiative(name="Sem setor", country="BR", kind="apl")
    # Drafts holding every value chosen above: never counted.
    make_initiative(
        name="Rascunho",
        country="BR",
        kind="rotas_polo",
        route=mel,
        program=mel.program,
        is_published=False,
        regions=["BR-PE"],
        sectors=["beekeeping", "cocoa", "coffee", "ict"],
        themes=["market-access", "sustainability"],
    )
    make_initiative(name="Borrador", country="AR", is_published=False, sectors=["cocoa"], themes=["market-access"])


def sql_counts(query: str) -> dict[str, dict[str, int]]:
    """Each facet counted as before: one SQL query over the initiatives passing the other filters."""
    filterset = select(QueryDict(query)).filterset
    assert filterset.is_valid()  # unknown values dropped
    return {name: queryset_without(filterset, name).facet_counts(name) for name in FACETS}


@pytest.mark.parametrize("query", QUERIES)
def test_it_counts_every_facet_as_the_sql_counts_do(catalogue, query):
    counts, _selected = linked_facet_counts(select(QueryDict(query)), FACETS)

    assert set(counts) == set(FACETS)  # every facet counted here, none left to SQL
    assert counts == sql_counts(query)


@pytest.mark.parametrize("query", QUERIES)
def test_it_returns_the_ids_of_the_initiatives_selected(catalogue, query):
    selection = select(QueryDict(query))

    _counts, selected = linked_facet_counts(selection, FACETS)

    assert selected is not None  # read with the facet rows, for the page and its total
    assert sorted(selected) == sorted(selection.queryset.values_list("pk", flat=True))
    assert facets.count_facets(selection).selected_ids == selected


def test_it_never_counts_a_draft(catalogue):
    counts, _selected = linked_facet_counts(select(QueryDict("country=AR&theme=market-access")), FACETS)

    assert counts["sector"] == {"coffee": 1, "cocoa": 1}  # Borrador's cocoa not counted
    assert counts["country"] == {"BR": 2, "AR": 1}  # under the theme alone
    assert counts["theme"] == {"market-access": 1}  # under Argentina alone


def test_it_counts_the_new_version_right_after_an_edit(client, catalogue):
    query = "sector=cocoa&country=BR"
    before = client.get(f"/en/initiatives/?{query}").context["facets"]
    assert before  # rendered (and cached) before the edit

    cacau = Initiative.objects.get(name="Polo do Cacau")
    cacau.themes.add(Theme.objects.get(slug="circular-economy"))
    Initiative.objects.filter(name="Rascunho").update(is_published=True)

    counts = facets.facet_counts(select(QueryDict(query)))
    assert counts["theme"]["circular-economy"] == 1
    assert counts["theme"]["market-access"] == 3  # the draft now published
    assert counts == sql_counts(query)


def test_it_leaves_to_sql_what_is_too_many_rows_to_read(catalogue, monkeypatch):
    monkeypatch.setattr(facets, "LINKED_ROWS", 1)

    counts, selected = linked_facet_counts(select(QueryDict("sector=cocoa&theme=market-access")), FACETS)

    assert "region" not in counts
    assert selected is None  # nothing read: the page selects its initiatives in SQL
    assert facets.facet_counts(select(QueryDict("sector=cocoa&theme=market-access"))) == sql_counts(
        "sector=cocoa&theme=market-access"
    )


@pytest.mark.parametrize("query", QUERIES)
@pytest.mark.parametrize("ordering", ["", "-name", "created", "-country"])
def test_it_lists_the_same_initiatives_in_the_same_order_with_the_same_total(client, catalogue, query, ordering):
    params = QueryDict(query, mutable=True)
    if ordering:
        params["ordering"] = ordering
    expected = select(params).queryset

    response = client.get(f"/en/initiatives/?{params.urlencode()}")

    page = response.context["page"]
    assert [initiative.pk for initiative in page.object_list] == list(expected.values_list("pk", flat=True))
    assert response.context["count"] == expected.count() == page.paginator.count


def test_it_takes_the_total_from_the_rows_read_for_the_facets(client, catalogue):
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/en/initiatives/?sector=cocoa&theme=market-access")

    assert response.context["count"] == 3  # Polo do Mel, Polo do Cacau, Mercados
    assert not [q["sql"] for q in queries if "COUNT(" in q["sql"] and "initiatives_initiative" in q["sql"]]


def test_it_orders_two_regions_of_one_name_by_their_code_whatever_order_they_were_counted_in(catalogue):
    from initiatives.models import Region

    Region.objects.filter(code="CO-NAR").update(name="Pernambuco")  # BR-PE's name
    selection = select(QueryDict("country=BR&country=CO"))
    shown = {}
    for counted in ({"BR-PE": 1, "CO-NAR": 1}, {"CO-NAR": 1, "BR-PE": 1}):
        facets_counts = {name: {} for name in FACETS} | {"region": counted}
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(facets, "facet_counts", lambda selection, counts=facets_counts: counts)
            region = next(facet for facet in facets.build_facets(selection) if facet.name == "region")
        shown[tuple(counted)] = [option.value for option in region.options]

    assert list(shown.values()) == [["BR-PE", "CO-NAR"], ["BR-PE", "CO-NAR"]]
