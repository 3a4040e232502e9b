"""The detail page and the similar-initiatives page."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from initiatives.models import Initiative, Municipality, Route
from initiatives.views import similar_on_detail

pytestmark = pytest.mark.django_db


@pytest.fixture
def polo(make_initiative):
    return make_initiative(
        name="Polo Cacau Amazônia", slug="polo-cacau-amazonia", country="BR", kind="rotas_polo",
        route=Route.objects.get(slug="rota-do-cacau"), language="pt-br",
        description="Produção de cacau fino na Transamazônica.", description_en="Fine cocoa on the Transamazônica.",
        sectors=["cocoa"], themes=["sustainability", "market-access"], regions=["BR-PA"],
        municipalities=[Municipality.objects.get(code="1500602")],  # Altamira
        managing_organisation="Cooperativa Cacau", year_started=2019, member_count=120,
        website="https://example.org/cacau", source_text="MIDR, portaria 2023", source_url="https://example.org/fonte",
        internal_notes="Call Maria before publishing",
    )  # fmt: skip


def test_it_shows_everything_the_catalogue_knows(client, polo):
    response = client.get("/en/initiatives/polo-cacau-amazonia/")
    html = response.content.decode()
    assert response.status_code == 200
    for fact in [
        "Polo Cacau Amazônia", "Fine cocoa on the Transamazônica.", "Rotas polo", "Brazil", "Pará",
        "Altamira – PA", "Cooperativa Cacau", "2019", "120", "https://example.org/cacau", "MIDR, portaria 2023",
        "https://example.org/fonte", "National Integration Routes",
    ]:  # fmt: skip
        assert fact in html, fact
    assert "Call Maria" not in html
    # links back into the list
    assert 'href="/en/initiatives/?sector=cocoa"' in html
    assert 'href="/en/themes/sustainability/"' in html
    assert 'href="/en/rotas/rota-do-cacau/"' in html
    assert 'href="/en/initiatives/?region=BR-PA"' in html
    assert 'href="/en/countries/BR/"' in html
    assert 'data-catalogue-map data-mode="detail"' in html  # the small map of this initiative


def test_it_marks_the_original_language_when_the_page_has_no_version(client, polo):
    spanish = client.get("/es/initiatives/polo-cacau-amazonia/").content.decode()
    assert '<h1 lang="pt-br">Polo Cacau Amazônia</h1>' in spanish
    assert '<div class="prose" lang="pt-br"><p>Produção de cacau fino na Transamazônica.</p></div>' in spanish
    assert spanish.count('class="lang-note"') == 1  # one note for the name and the text
    english = client.get("/en/initiatives/polo-cacau-amazonia/").content.decode()
    assert '<div class="prose"><p>Fine cocoa on the Transamazônica.</p></div>' in english
    portuguese = client.get("/pt-br/initiatives/polo-cacau-amazonia/").content.decode()
    assert "<h1>Polo Cacau Amazônia</h1>" in portuguese
    assert 'class="lang-note"' not in portuguese


def test_it_notes_an_untranslated_description_under_a_translated_name(client, polo):
    polo.name_es = "Polo Cacao Amazonía"
    polo.save()
    spanish = client.get("/es/initiatives/polo-cacau-amazonia/").content.decode()
    assert "<h1>Polo Cacao Amazonía</h1>" in spanish
    assert spanish.count('class="lang-note"') == 1
    assert '<div class="prose" lang="pt-br">' in spanish


def test_it_adds_open_graph_and_page_metadata(client, polo):
    html = client.get("/en/initiatives/polo-cacau-amazonia/").content.decode()
    assert "<title>Polo Cacau Amazônia · " in html
    assert '<meta property="og:title" content="Polo Cacau Amazônia">' in html
    assert '<meta property="og:url" content="http://testserver/en/initiatives/polo-cacau-amazonia/">' in html
    assert '<meta property="og:locale" content="en_GB">' in html
    assert '<meta name="description" content="Fine cocoa on the Transamazônica.">' in html
    assert '<link rel="canonical" href="http://testserver/en/initiatives/polo-cacau-amazonia/">' in html


def test_it_never_shows_a_draft(client, make_initiative, polo):
    make_initiative(name="Rascunho", slug="rascunho", is_published=False, sectors=["cocoa"], country="CO")
    assert client.get("/en/initiatives/rascunho/").status_code == 404
    assert client.get("/en/initiatives/rascunho/similar/").status_code == 404
    assert "Rascunho" not in client.get("/en/initiatives/polo-cacau-amazonia/").content.decode()
    assert "Rascunho" not in client.get("/en/initiatives/polo-cacau-amazonia/similar/").content.decode()
    assert client.get("/en/initiatives/no-such-thing/").status_code == 404


def test_it_suggests_similar_initiatives_from_other_countries_first(client, make_initiative, polo):
    make_initiative(name="A Cacau Pará", country="BR", sectors=["cocoa"], themes=["sustainability", "market-access"])
    make_initiative(name="Z Cacao Ecuador", country="EC", sectors=["cocoa"], themes=["sustainability"])
    make_initiative(name="M Mercados Perú", country="PE", themes=["market-access"])
    make_initiative(name="Unrelated", country="PE", sectors=["ict"])
    similar = [r.initiative.name for r in client.get("/en/initiatives/polo-cacau-amazonia/").context["similar"]]
    assert similar == ["Z Cacao Ecuador", "M Mercados Perú", "A Cacau Pará"]


def test_it_ranks_similar_initiatives_once_per_catalogue_version(make_initiative, polo):
    make_initiative(name="Z Cacao Ecuador", country="EC", sectors=["cocoa"])
    assert [i.name for i in similar_on_detail(polo)] == ["Z Cacao Ecuador"]

    with CaptureQueriesContext(connection) as again:
        assert [i.name for i in similar_on_detail(polo)] == ["Z Cacao Ecuador"]
    assert len(again) == 1  # the ranked initiatives, by key: no ranking over the catalogue
    assert "CASE WHEN" not in again[0]["sql"]  # the ranking orders by a CASE on the country

    make_initiative(name="A Cacao Perú", country="PE", sectors=["cocoa"])  # a change: ranked afresh
    assert [i.name for i in similar_on_detail(polo)] == ["A Cacao Perú", "Z Cacao Ecuador"]


def test_it_takes_the_ranking_first_places_from_those_abroad_sharing_everything(make_initiative, polo):
    # Enough initiatives abroad with cocoa, sustainability and market access: they are the first
    # places of the full ranking, found without ranking every candidate.
    for name in "HGFEDCBA":
        make_initiative(
            name=f"{name} Cacao", country="EC", sectors=["cocoa"], themes=["sustainability", "market-access"]
        )
    make_initiative(name="0 Cacau Pará", country="BR", sectors=["cocoa"], themes=["sustainability", "market-access"])
    make_initiative(name="0 Cacao Perú", country="PE", sectors=["cocoa"], themes=["sustainability"])
    ranked = [i.name for i in Initiative.objects.published().similar_to(polo)[:7]]

    with CaptureQueriesContext(connection) as queries:
        similar = [i.name for i in similar_on_detail(polo)]

    assert similar == ranked == [f"{name} Cacao" for name in "ABCDEFG"]
    assert not any("shared_sectors" in q["sql"] for q in queries.captured_queries)  # no full ranking


def test_it_explains_why_initiatives_are_similar_on_their_own_page(client, make_initiative, polo):
    make_initiative(name="Cacao Ecuador", country="EC", sectors=["cocoa"], themes=["sustainability"])
    make_initiative(name="Cacau Bahia", country="BR", sectors=["cocoa"])
    response = client.get("/en/initiatives/polo-cacau-amazonia/similar/")
    assert response.status_code == 200
    reasons = [
        (r.initiative.name, [s.slug for s in r.shared_sectors], [t.slug for t in r.shared_themes], r.other_country)
        for r in response.context["results"]
    ]
    assert reasons == [("Cacao Ecuador", ["cocoa"], ["sustainability"], True), ("Cacau Bahia", ["cocoa"], [], False)]
    html = response.content.decode()
    assert "Shared sector: Cocoa and chocolate" in html
    assert "In another country: Ecuador" in html


def test_it_shows_a_detail_page_with_a_constant_number_of_queries(client, make_initiative, polo):
    url = "/en/initiatives/polo-cacau-amazonia/"
    make_initiative(name="Cacao first", country="EC", sectors=["cocoa"])
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    with CaptureQueriesContext(connection) as few_similar:
        client.get(url + "similar/")
    altamira_region = Municipality.objects.filter(region__code="BR-PA")[:20]
    polo.municipalities.add(*altamira_region)
    for n in range(15):
        make_initiative(name=f"Cacao {n}", country="EC", sectors=["cocoa"], themes=["sustainability"])
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    with CaptureQueriesContext(connection) as many_similar:
        assert len(client.get(url + "similar/").context["results"]) == 16
    # The same, then the ranking (the shortcut of those abroad sharing everything, too few here, then
    # the ranked ids: of those abroad sharing a sector, of those abroad, of all, each too few for the
    # 48 places of this page but the last), the similar initiatives by id, with their sectors (and
    # families) and themes.
    assert len(few_similar) == len(many_similar) == 12
    # The initiative with its programme and Rota, 4 prefetches (municipalities with their regions), the
    # similar ones (cached per catalogue version, each change here makes a new one): those abroad
    # sharing everything (too few here), so ranked (of those abroad sharing a sector; with one such,
    # then of those abroad, then of all), then fetched, then their sector and theme links in one
    # query for the reason shown beside each; the initiative's open opportunities and its managers'
    # public profiles (collaboration's panels). More initiatives never mean more queries.
    assert len(few) == 13
    assert len(many) == 11  # sixteen abroad share cocoa: enough for the page's places
    assert Initiative.objects.published().count() == 17


def test_it_describes_an_initiative_without_description_from_its_data(client, make_initiative, rota_do_mel):
    amapa = Municipality.objects.filter(region__code="BR-AP").order_by("code")[:16]
    make_initiative(name="Polo do Mel do Meio do Mundo", slug="mel-meio-do-mundo", country="BR", kind="rotas_polo",
                    route=rota_do_mel, regions=["BR-AP"], municipalities=list(amapa), sectors=["beekeeping"])  # fmt: skip
    english = client.get("/en/initiatives/mel-meio-do-mundo/").content.decode()
    assert "Polo of the Honey Route in 16 municipalities of Amapá. Sector: Beekeeping and honey." in english
    spanish = client.get("/es/initiatives/mel-meio-do-mundo/").content.decode()
    assert "Ruta de la Miel" in spanish and "Apicultura" in spanish


def test_it_places_a_cluster_without_description_in_its_city_and_region(client, make_initiative):
    make_initiative(name="Cluster Agroalimentario", slug="agro", country="CO", territory="Medellín",
                    regions=["CO-ANT"], sectors=["cocoa"], language="es")  # fmt: skip
    html = client.get("/en/initiatives/agro/").content.decode()
    assert "Cluster initiative in Medellín, Antioquia (Colombia). Sector: Cocoa and chocolate." in html
    assert '<meta name="description" content="Cluster initiative in Medellín, Antioquia (Colombia).' in html


def test_it_notes_the_original_language_only_over_text_shown_in_it(client, make_initiative):
    make_initiative(name="Cluster Agroalimentario", slug="agro", country="CO", language="es")
    portuguese = client.get("/pt-br/initiatives/agro/").content.decode()
    assert '<h1 lang="es">Cluster Agroalimentario</h1>' in portuguese
    assert 'class="lang-note"' not in portuguese  # a name is not text to translate; there is no text
