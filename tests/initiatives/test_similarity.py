"""Similar initiatives across borders: shared sector, then family, then themes, other countries first."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.models import Count
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.translation import override

from initiatives import similarity
from initiatives.models import Initiative, SectorFamily
from initiatives.similarity import spread_over_countries
from initiatives.views import SIMILAR_ON_DETAIL, similar_on_detail

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def test_it_ranks_by_shared_sector_then_family_then_themes_other_countries_first(client, make_initiative):
    polo = make_initiative(name="Polo Cacau", slug="polo", country="BR", sectors=["cocoa"], themes=["market-access"])
    make_initiative(name="A Café Colombia", country="CO", sectors=["coffee"], themes=["market-access"])
    make_initiative(name="B Cacao Ecuador", country="EC", sectors=["cocoa"])
    make_initiative(name="C Mercados Perú", country="PE", sectors=["software"], themes=["market-access"])
    make_initiative(name="D Café Perú", country="PE", sectors=["coffee"])
    make_initiative(name="E Cacau Bahia", country="BR", sectors=["cocoa"])
    make_initiative(name="F Software México", country="MX", sectors=["software"])  # shares nothing
    with override("en"):
        response = client.get(reverse("initiatives:similar", args=[polo.slug]))
    ranked = [(r.initiative.name, [s.slug for s in r.shared_sectors], [f.slug for f in r.shared_families],
               [t.slug for t in r.shared_themes], r.other_country) for r in response.context["results"]]  # fmt: skip
    assert ranked == [
        ("B Cacao Ecuador", ["cocoa"], [], [], True),
        ("A Café Colombia", [], ["agri-food"], ["market-access"], True),
        ("D Café Perú", [], ["agri-food"], [], True),
        ("C Mercados Perú", [], [], ["market-access"], True),
        ("E Cacau Bahia", ["cocoa"], [], [], False),
    ]
    html = response.content.decode()
    assert "Same family of sectors: Agri-food" in html
    with override("en"):
        detail = client.get(polo.get_absolute_url()).content.decode()
    assert "Colombia · Same family of sectors: Agri-food" in detail
    assert "Ecuador · Shared sector: Cocoa and chocolate" in detail


def test_an_initiative_without_sector_or_theme_has_no_similar_ones_and_its_pages_answer(client, make_initiative):
    lonely = make_initiative(name="Sem setor", slug="sem-setor", country="BR")
    make_initiative(name="Cacao", country="CO", sectors=["cocoa"])
    with override("en"):
        detail = client.get(lonely.get_absolute_url())
        page = client.get(reverse("initiatives:similar", args=[lonely.slug]))
    assert (detail.status_code, page.status_code) == (200, 200)
    assert detail.context["similar"] == [] and page.context["results"] == []


def test_it_takes_equally_similar_initiatives_country_by_country():
    rows = [(1, "BR", 0, 1), (2, "BR", 0, 1), (3, "BR", 0, 1), (4, "AR", 0, 1), (5, "CL", 0, 1), (6, "BR", 0, 0)]
    # Brazil has most of the first group, so it leads; Argentina and Chile follow by the ranking's order.
    assert spread_over_countries(rows) == [1, 4, 5, 2, 3, 6]


def test_the_shipped_initiatives_find_at_least_three_similar_across_borders(client, reference_data):
    call_command("load_public_initiatives", stdout=StringIO())
    medellin = Initiative.objects.get(name="Cluster Agroalimentario", country="CO")
    with override("es"):
        similar = client.get(medellin.get_absolute_url()).context["similar"]
    assert len(similar) >= 3
    assert any(r.initiative.country == "BR" for r in similar)
    assert all(r.other_country for r in similar)
    # Every initiative whose family has at least three other members shows at least three.
    members = dict(SectorFamily.objects.annotate(n=Count("sectors__initiatives", distinct=True)).values_list("pk", "n"))
    checked = 0
    for initiative in Initiative.objects.published().prefetch_related("sectors", "themes"):
        if any(members[s.family_id] - 1 >= 3 for s in initiative.sectors.all()):
            assert len(similar_on_detail(initiative)[:SIMILAR_ON_DETAIL]) >= 3, initiative.name
            checked += 1
    assert checked >= 150


def _ranked_over_everyone(polo, size):
    # The whole ranking, as it was computed before candidates were narrowed down.
    rows = (
        Initiative.objects.published()
        .similar_to(polo)
        .values_list("pk", "country", "other_country", "shared_sectors", "shared_families", "shared_themes")
    )
    return spread_over_countries(rows[:size])


# Initiatives abroad sharing every sector: 1; a sector: 4; something: 6; in all: 7. The narrowest
# set holding the places wanted (or the candidates ranked) is the one ranked last. Sharing every
# sector, counted anywhere: 3 (the polo and one at home too), so it is not ranked for more places.
@pytest.mark.parametrize(
    ("ranked_candidates", "wanted", "rankings_run"),
    [
        (20, 1, 1),
        (20, 2, 2),
        (20, 3, 2),
        (20, 4, 1),
        (20, 5, 2),
        (20, 6, 2),
        (20, 7, 3),
        (2, 5, 2),
        (5, 5, 2),
        (3, 7, 2),
    ],
)
def test_it_ranks_the_narrowest_set_that_ranks_first_and_holds_the_places_wanted(
    make_initiative, monkeypatch, ranked_candidates, wanted, rankings_run
):
    monkeypatch.setattr(similarity, "RANKED_CANDIDATES", ranked_candidates)
    polo = make_initiative(
        name="Polo Cacau", slug="polo", country="BR", sectors=["cocoa", "software"], themes=["market-access"]
    )
    make_initiative(name="A Cacao Ecuador", country="EC", sectors=["cocoa"])
    make_initiative(name="B Cacao Perú", country="PE", sectors=["cocoa", "coffee"], themes=["market-access"])
    make_initiative(name="C Software Chile", country="CL", sectors=["software"])
    make_initiative(name="D Café Colombia", country="CO", sectors=["coffee"], themes=["market-access"])
    make_initiative(name="E Cacau Bahia", country="BR", sectors=["cocoa", "software"], themes=["market-access"])
    make_initiative(name="F Mercados Perú", country="PE", themes=["market-access"])
    make_initiative(name="G Cacao y Software México", country="MX", sectors=["software", "cocoa"])

    with CaptureQueriesContext(connection) as queries:
        ranked = similarity.rank_similar(polo, Initiative.objects.published(), wanted)

    assert ranked == _ranked_over_everyone(polo, ranked_candidates)[:wanted]
    rankings = [q["sql"] for q in queries.captured_queries if "shared_sectors" in q["sql"]]
    assert 'NOT ("initiatives_initiative"."country" = ' in rankings[0]  # those abroad first
    assert len(rankings) == rankings_run


def test_abroad_sharing_sectors_takes_those_sharing_at_least_so_many_of_them(make_initiative):
    polo = make_initiative(name="Polo", slug="polo", country="BR", sectors=["cocoa", "software", "coffee"])
    make_initiative(name="All three", country="EC", sectors=["coffee", "cocoa", "software"])
    make_initiative(name="Two", country="PE", sectors=["cocoa", "coffee", "beekeeping"])
    make_initiative(name="One", country="CO", sectors=["software", "beekeeping"])
    make_initiative(name="Two at home", country="BR", sectors=["cocoa", "software"])

    def names(at_least):
        return set(Initiative.objects.abroad_sharing_sectors(polo, at_least=at_least).values_list("name", flat=True))

    assert names(3) == {"All three"}
    assert names(2) == {"All three", "Two"}
    assert names(1) == {"All three", "Two", "One"}


# Abroad, sharing all three sectors: 1; two or more: 3; one or more: 5; something: 6; in all: 7.
# Each ranking run ranks one of those sets, the narrowest first, until one holds the places wanted;
# a set whose grouped count (3 and 5, with the polo and the one at home) is below the places wanted
# cannot hold them and is not ranked.
@pytest.mark.parametrize(
    ("wanted", "sets_ranked"),
    [(1, [1]), (3, [1, 3]), (4, [3, 5]), (5, [3, 5]), (6, [5, 6]), (7, [5, 6, 7])],
)
def test_it_ranks_those_sharing_most_sectors_abroad_before_those_sharing_one(make_initiative, wanted, sets_ranked):
    polo = make_initiative(
        name="Polo", slug="polo", country="BR", sectors=["cocoa", "software", "coffee"], themes=["market-access"]
    )
    make_initiative(name="A Ecuador", country="EC", sectors=["cocoa", "software", "coffee"])
    make_initiative(name="B Perú", country="PE", sectors=["cocoa", "coffee"], themes=["market-access"])
    make_initiative(name="C Chile", country="CL", sectors=["software", "cocoa"])
    make_initiative(name="D Colombia", country="CO", sectors=["coffee"], themes=["market-access"])
    make_initiative(name="E México", country="MX", sectors=["cocoa"])
    make_initiative(name="F Bahia", country="BR", sectors=["cocoa", "software", "coffee"])
    make_initiative(name="G Perú", country="PE", themes=["market-access"])

    with CaptureQueriesContext(connection) as queries:
        ranked = similarity.rank_similar(polo, Initiative.objects.published(), wanted)

    assert ranked == _ranked_over_everyone(polo, similarity.RANKED_CANDIDATES)[:wanted]
    rankings = [q["sql"] for q in queries.captured_queries if "shared_sectors" in q["sql"]]
    with connection.cursor() as cursor:
        sizes = [len(cursor.execute(sql).fetchall()) for sql in rankings]
    assert sizes == sets_ranked


def test_it_ranks_from_the_grouped_counts_only_published_initiatives_abroad(make_initiative):
    polo = make_initiative(name="Polo", slug="polo", country="BR", sectors=["cocoa", "software", "coffee"])
    make_initiative(name="A Draft Ecuador", country="EC", sectors=["cocoa", "software"], is_published=False)
    make_initiative(name="B Bahia", country="BR", sectors=["cocoa", "software", "coffee"])
    make_initiative(name="C Perú", country="PE", sectors=["cocoa", "coffee"])
    make_initiative(name="D Chile", country="CL", sectors=["coffee", "software"])
    make_initiative(name="E México", country="MX", sectors=["cocoa"])

    # Counted anywhere: the polo itself, a draft and one at home too; E shares only one.
    shared = {Initiative.objects.get(pk=pk).name: n for pk, n in Initiative.objects.sectors_shared_with(polo).items()}
    assert shared == {"Polo": 3, "A Draft Ecuador": 2, "B Bahia": 3, "C Perú": 2, "D Chile": 2}
    for wanted in (1, 2, 3, 4):
        ranked = similarity.rank_similar(polo, Initiative.objects.published(), wanted)
        assert ranked == _ranked_over_everyone(polo, similarity.RANKED_CANDIDATES)[:wanted]
    names = Initiative.objects.in_bulk(similarity.rank_similar(polo, Initiative.objects.published(), 2))
    assert {i.name for i in names.values()} == {"C Perú", "D Chile"}


@pytest.mark.parametrize("sectors", [["cocoa", "software"], ["cocoa", "software", "coffee"]])
def test_those_sharing_everything_come_first_by_their_shown_name_from_the_grouped_counts(make_initiative, sectors):
    polo = make_initiative(name="Polo", slug="polo", country="BR", sectors=sectors, themes=["market-access"])
    # Shown in English as "Alpha…", "Beta…": not the order of their original names.
    make_initiative(name="Zeta Ecuador", name_en="Alpha Ecuador", language="es", country="EC", sectors=sectors,
                    themes=["market-access"])  # fmt: skip
    make_initiative(name="Yota Perú", name_en="Beta Perú", language="es", country="PE", sectors=sectors,
                    themes=["market-access"])  # fmt: skip
    make_initiative(name="Aaa Chile", country="CL", sectors=sectors)  # no theme: not in the first tier
    make_initiative(name="Casa Bahia", country="BR", sectors=sectors, themes=["market-access"])  # at home

    published = Initiative.objects.published()
    every = [pk for pk, n in published.sectors_shared_with(polo).items() if n == len(sectors)]
    with override("en"):
        by_semi_joins = list(published.sharing_everything_abroad(polo).values_list("name", flat=True))
        from_counts = list(published.sharing_everything_abroad(polo, every).values_list("name", flat=True))
        ranked = similarity.rank_similar(polo, published, 2)
    assert from_counts == by_semi_joins == ["Zeta Ecuador", "Yota Perú"]
    assert [Initiative.objects.get(pk=pk).name for pk in ranked] == from_counts


def test_the_ranking_counts_the_shipped_initiatives_shared_families_as_their_sectors_say(reference_data):
    call_command("load_public_initiatives", stdout=StringIO())
    published = Initiative.objects.published().prefetch_related("sectors", "themes")
    sectors = {i.pk: {s.pk for s in i.sectors.all()} for i in published}
    families = {i.pk: {s.family_id for s in i.sectors.all() if s.family_id} for i in published}
    themes = {i.pk: {t.pk for t in i.themes.all()} for i in published}
    countries = dict(published.values_list("pk", "country"))
    checked = 0
    for initiative in published.filter(sectors__isnull=False).distinct()[:60]:
        pk = initiative.pk
        rows = list(
            Initiative.objects.published()
            .similar_to(initiative)
            .values_list("pk", "other_country", "shared_sectors", "shared_families", "shared_themes")
        )
        expected = [
            (
                other,
                int(countries[other] != countries[pk]),
                len(sectors[other] & sectors[pk]),
                len(families[other] & families[pk]),
                len(themes[other] & themes[pk]),
            )
            for other, *_scores in rows
        ]
        assert rows == expected, initiative.name
        scores = [row[1:] for row in rows]
        assert scores == sorted(scores, reverse=True), initiative.name
        checked += bool(rows)
    assert checked >= 50


def test_the_ranking_reads_each_shared_family_s_sectors_once_not_per_candidate(make_initiative):
    polo = make_initiative(name="Polo", slug="polo", country="BR", sectors=["cocoa", "software"])
    make_initiative(name="Café", country="CO", sectors=["coffee"])
    with CaptureQueriesContext(connection) as queries:
        ranked = Initiative.objects.published().ranked_by_similarity_to(polo).values_list("name", "shared_families")
        ranked = list(ranked)
    assert ranked == [("Café", 1)]
    # The family of each link by an uncorrelated subquery (once per statement), not by joining the
    # sectors inside the count made again for every candidate.
    [ranking] = [q["sql"] for q in queries.captured_queries if "shared_families" in q["sql"]]
    assert 'JOIN "initiatives_sector"' not in ranking


def _reasons(results):
    return [
        (r.initiative.pk, [s.pk for s in r.shared_sectors], [f.pk for f in r.shared_families],
         [t.pk for t in r.shared_themes], r.other_country)
        for r in results
    ]  # fmt: skip


def _reasons_from_terms(initiative, other):
    # What other shares with initiative, read from other's own sectors and themes (by name).
    sectors = {s.pk for s in initiative.sectors.all()}
    shared = [s.pk for s in other.sectors.all() if s.pk in sectors]
    covered = {s.family_id for s in other.sectors.all() if s.pk in sectors}
    families = {s.family_id for s in initiative.sectors.all()} - covered - {None}
    shared_families = list(dict.fromkeys(s.family_id for s in other.sectors.all() if s.family_id in families))
    themes = {t.pk for t in initiative.themes.all()}
    shared_themes = [t.pk for t in other.themes.all() if t.pk in themes]
    return (other.pk, shared, shared_families, shared_themes, other.country != initiative.country)


def test_the_detail_page_explains_the_shipped_initiatives_similar_ones_from_their_links(reference_data):
    call_command("load_public_initiatives", stdout=StringIO())
    published = Initiative.objects.published().prefetch_related(Initiative.objects.sectors_with_families(), "themes")
    checked = families_only = 0
    for initiative in published.filter(sectors__isnull=False).distinct()[:80]:
        shown = similar_on_detail(initiative)[:SIMILAR_ON_DETAIL]
        with_terms = published.in_bulk([other.pk for other in shown])
        expected = [_reasons_from_terms(initiative, with_terms[other.pk]) for other in shown]
        links = Initiative.objects.term_links([other.pk for other in shown])
        assert _reasons(similarity.explain_similarity(initiative, shown, links)) == expected
        checked += bool(shown)
        families_only += sum(bool(families) and not sectors for _pk, sectors, families, *_rest in expected)
    assert checked >= 50 and families_only >= 10


def test_the_detail_page_names_families_shared_in_the_order_of_the_similar_one_s_sectors(client, make_initiative):
    polo = make_initiative(name="Polo", slug="polo", country="BR", sectors=["cocoa", "software"])
    # By name its sectors are "Artificial intelligence…" (digital), then "Wine…" (agri-food).
    make_initiative(name="Vinos y datos", country="CL", sectors=["wine", "artificial-intelligence"])
    [result] = client.get(polo.get_absolute_url()).context["similar"]
    assert [f.slug for f in result.shared_families] == ["digital", "agri-food"]
    assert result.shared_sectors == [] and result.shared_themes == []


def test_one_sector_without_theme_finds_those_sharing_it_abroad_by_one_read_of_its_links(make_initiative):
    polo = make_initiative(name="Polo", slug="polo", country="BR", sectors=["cocoa"])
    make_initiative(name="B Cacao Perú", country="PE", sectors=["cocoa", "coffee"])
    make_initiative(name="A Cacao Ecuador", country="EC", sectors=["cocoa"])
    make_initiative(name="C Cacau Bahia", country="BR", sectors=["cocoa"])  # at home
    make_initiative(name="D Draft", country="CO", sectors=["cocoa"], is_published=False)
    make_initiative(name="E Café", country="CO", sectors=["coffee"])
    with CaptureQueriesContext(connection) as queries:
        found = list(Initiative.objects.published().sharing_everything_abroad(polo).values_list("name", flat=True))
    assert found == ["A Cacao Ecuador", "B Cacao Perú"]
    # PostgreSQL reads the sector's ids once and finds each initiative by its key; as IN (SELECT …)
    # it hash-joined them to every published initiative abroad.
    linked = "= ANY(ARRAY(SELECT" if connection.vendor == "postgresql" else "IN (SELECT"
    assert linked in queries.captured_queries[-1]["sql"]
