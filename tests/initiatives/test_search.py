"""Search ignores accents, case and punctuation, with the same results on SQLite and PostgreSQL
(run the suite with DATABASE_URL=postgres://… to check the second)."""

import re

import pytest
from django.db import connection

from initiatives.filters import InitiativeFilterSet
from initiatives.models import Initiative, Municipality, Route, Sector

pytestmark = pytest.mark.django_db


@pytest.fixture
def polos(make_initiative):
    fruticultura = Route.objects.get(slug="rota-da-fruticultura")
    cacau = Route.objects.get(slug="rota-do-cacau")
    make_initiative(name="Polo São João del-Rei", country="BR")
    make_initiative(name="Polo do Mel", country="BR", municipalities=[Municipality.objects.get(code="2210003")])
    make_initiative(name="Polo Cacau Amazônia", country="BR", route=cacau, kind="rotas_polo")
    make_initiative(name="Polo Litoral Sul da Bahia", country="BR", route=cacau, description="Cacau cabruca.")
    make_initiative(name="Polo da Fruticultura Alagoana", country="BR", route=fruticultura, regions=["BR-AL"])
    make_initiative(name="Polo da Fruticultura de Mossoró", country="BR", route=fruticultura)
    make_initiative(name="Clúster Cacao Santander", country="CO", managing_organisation="Cámara de Comercio")
    make_initiative(name="Cacau rascunho", country="BR", is_published=False)


@pytest.mark.parametrize(
    "query, expected",
    [
        ("sao joao", {"Polo São João del-Rei", "Polo do Mel"}),  # name, municipality name
        ("SÃO-JOÃO", {"Polo São João del-Rei", "Polo do Mel"}),
        ("cacau", {"Polo Cacau Amazônia", "Polo Litoral Sul da Bahia"}),  # name, description
        ("fruticultura alagoana", {"Polo da Fruticultura Alagoana"}),
        ("camara comercio", {"Clúster Cacao Santander"}),  # organisation
        ("del rei", {"Polo São João del-Rei"}),
        ("nothing like this", set()),
    ],
)
def test_it_finds_the_same_initiatives_on_every_database(polos, query, expected):
    found = {i.name for i in InitiativeFilterSet({"q": query}).qs}
    assert found == expected, connection.vendor


def test_it_searches_from_the_list_page(client, polos):
    response = client.get("/en/initiatives/", {"q": "fruticultura alagoana"})
    assert [i.name for i in response.context["page"]] == ["Polo da Fruticultura Alagoana"]


def test_it_orders_by_the_chosen_sort_even_when_searching(polos):
    found = [i.name for i in InitiativeFilterSet({"q": "polo", "ordering": "-name"}).qs]
    assert found == sorted(found, key=str.casefold, reverse=True)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="pg_trgm exists on PostgreSQL only")
def test_it_indexes_the_search_text_with_trigrams_on_postgresql(polos):
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'initiative_search_trgm'")
        (indexdef,) = cursor.fetchone()
        assert "gin_trgm_ops" in indexdef
        cursor.execute("SET enable_seqscan = off")
        sql, params = Initiative.objects.search("cacau").query.sql_with_params()
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "initiative_search_trgm" in plan


@pytest.mark.skipif(connection.vendor != "postgresql", reason="ranking uses pg_trgm")
def test_it_ranks_closer_matches_first_on_postgresql(make_initiative):
    make_initiative(name="Polo Sertão", description="Apicultura e um pouco de cacau.")
    make_initiative(name="Cacau", description="")
    assert [i.name for i in InitiativeFilterSet({"q": "cacau"}).qs][0] == "Cacau"


@pytest.mark.parametrize(
    "query, expected",
    [
        ("apicultura", {"Polo Sertão"}),  # a sector's Portuguese name
        ("beekeeping honey", {"Polo Sertão"}),  # its English name
        ("brasil", {"Polo Sertão"}),  # the country's name in Portuguese…
        ("brazil", {"Polo Sertão"}),  # …and in English
        ("ceara", {"Polo Sertão"}),  # the region
        ("rota do mel", {"Polo Sertão"}),  # the Rota
        ("integracao nacional", {"Polo Sertão"}),  # the programme
        ("colombia chocolate", {"Clúster Chocolate"}),
    ],
)
def test_it_searches_every_name_of_an_initiative(make_initiative, rota_do_mel, query, expected):
    make_initiative(name="Polo Sertão", country="BR", route=rota_do_mel, regions=["BR-CE"], sectors=["beekeeping"])
    make_initiative(name="Clúster Chocolate", country="CO", sectors=["cocoa"])
    found = {i.name for i in InitiativeFilterSet({"q": query}).qs}
    assert found == expected, connection.vendor


def test_it_follows_a_renamed_sector_into_the_search(make_initiative):
    make_initiative(name="Polo Sertão", sectors=["beekeeping"])
    sector = Sector.objects.get(slug="beekeeping")
    sector.name_pt_br = "Meliponicultura sertaneja"
    sector.save()
    assert [i.name for i in InitiativeFilterSet({"q": "sertaneja"}).qs] == ["Polo Sertão"]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="pg_trgm exists on PostgreSQL only")
def test_it_searches_from_the_trigram_index_at_a_few_thousand_initiatives(make_initiative):
    """No sequential scan of the initiatives, with the planner left free, for a plain and a
    place-ranked search (search texts as long as real ones: names, places, sectors in 3 languages)."""
    filler = " ".join(f"palavra{n}" for n in range(40))
    rows = [
        Initiative(name=f"Iniciativa {n}", slug=f"bulk-{n}", country="CO", is_published=True,
                   name_key=f"iniciativa {n}", search_text=f"iniciativa {n} colombia tolima {filler}",
                   own_search_text=f"iniciativa {n} colombia tolima {filler}")
        for n in range(5000)
    ]  # fmt: skip
    Initiative.objects.bulk_create(rows, batch_size=1000)
    make_initiative(name="Polo Cacau Pará", country="BR", regions=["BR-PA"])
    with connection.cursor() as cursor:
        # A bulk insert waits in the GIN index's pending list until a vacuum; flush it as a vacuum would.
        cursor.execute("SELECT gin_clean_pending_list('initiative_search_trgm'::regclass)")
        cursor.execute("ANALYZE initiatives_initiative")
        for query in ("cacau", "pará"):
            # The text is matched once (the search's ids, read by the FilterSet), then the page
            # selects those ids.
            matching = Initiative.objects.published().search(query)
            for queryset, matches_text in ((matching, True), (InitiativeFilterSet({"q": query}).qs, False)):
                sql, params = queryset.query.sql_with_params()
                cursor.execute(f"EXPLAIN {sql}", params)
                plan = "\n".join(row[0] for row in cursor.fetchall())
                assert ("initiative_search_trgm" in plan) == matches_text, plan
                # The initiative table itself; a scan of a small link table (…_regions) is harmless.
                assert not re.search(r"Seq Scan on initiatives_initiative\b(?!_)", plan), plan


def test_among_keeps_the_given_ids_of_the_queryset_in_one_parameter(make_initiative, django_assert_num_queries):
    kept = make_initiative(name="Kept")
    make_initiative(name="Other")
    draft = make_initiative(name="Draft", is_published=False)

    among = Initiative.objects.published().among([kept.pk, draft.pk, 999_999])

    assert list(among.values_list("name", flat=True)) == ["Kept"]  # the draft and a missing id are not rows here
    sql = str(among.query)
    # One parameter whatever the number of ids (IdAmong), on both supported databases.
    assert ("= ANY(" in sql) if connection.vendor == "postgresql" else ("json_each(" in sql)
    with django_assert_num_queries(0):
        assert list(Initiative.objects.among([])) == []
