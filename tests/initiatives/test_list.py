"""The list page: filters, facet counts, sorting, pagination, malformed parameters, drafts."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from initiatives.labels import vocabulary_labels
from initiatives.models import Initiative, Municipality, Route
from initiatives.pagination import PAGE_SIZE

pytestmark = pytest.mark.django_db


def names(response):
    return [i.name for i in response.context["page"].object_list]


def facet(response, name):
    if name == "sector":  # the sectors sit inside the family facet, under their family
        return {
            c.value: c.count
            for f in response.context["facets"]
            if f.name == "family"
            for o in f.options
            for c in o.children
        }
    return {o.value: o.count for f in response.context["facets"] if f.name == name for o in f.options}


@pytest.fixture
def catalogue(make_initiative):
    mel = Route.objects.get(slug="rota-do-mel")
    cacau = Route.objects.get(slug="rota-do-cacau")
    return {
        "honey_br": make_initiative(
            name="Polo do Mel do Sertão", country="BR", kind="rotas_polo", route=mel,
            sectors=["beekeeping"], themes=["market-access"], regions=["BR-PE"],
        ),
        "cocoa_br": make_initiative(
            name="Polo Cacau Amazônia", country="BR", kind="rotas_polo", route=cacau,
            sectors=["cocoa"], themes=["sustainability"], regions=["BR-PA"], status="inactive",
        ),
        "cocoa_co": make_initiative(
            name="Clúster de Cacao de Santander", country="CO", kind="cluster",
            sectors=["cocoa"], themes=["sustainability", "market-access"], regions=["CO-SAN"],
        ),
        "ict_mx": make_initiative(
            name="Clúster de Software de Jalisco", country="MX", kind="cluster", sectors=["ict"], regions=["MX-JAL"],
        ),
        "draft": make_initiative(
            name="Borrador de Cacao", country="CO", is_published=False, sectors=["cocoa"], themes=["sustainability"],
        ),
    }  # fmt: skip


@pytest.mark.parametrize(
    "query, expected",
    [
        ("country=BR", {"Polo do Mel do Sertão", "Polo Cacau Amazônia"}),
        ("country=co", {"Clúster de Cacao de Santander"}),
        ("region=BR-PA", {"Polo Cacau Amazônia"}),
        ("kind=cluster", {"Clúster de Cacao de Santander", "Clúster de Software de Jalisco"}),
        ("sector=cocoa", {"Polo Cacau Amazônia", "Clúster de Cacao de Santander"}),
        ("theme=market-access", {"Polo do Mel do Sertão", "Clúster de Cacao de Santander"}),
        ("program=rotas-de-integracao-nacional", {"Polo do Mel do Sertão", "Polo Cacau Amazônia"}),
        ("route=rota-do-mel", {"Polo do Mel do Sertão"}),
        ("status=inactive", {"Polo Cacau Amazônia"}),
        (
            "bbox=-80,0,-70,10",
            {
                "Clúster de Cacao de Santander",
                "Clúster de Software de Jalisco",
                "Polo Cacau Amazônia",
                "Polo do Mel do Sertão",
            },
        ),
        ("q=jalisco", {"Clúster de Software de Jalisco"}),
        # combined: AND across parameters
        ("sector=cocoa&country=CO", {"Clúster de Cacao de Santander"}),
        ("sector=cocoa&theme=sustainability&status=active", {"Clúster de Cacao de Santander"}),
        # repeated: OR within a parameter
        ("country=CO&country=MX", {"Clúster de Cacao de Santander", "Clúster de Software de Jalisco"}),
        ("route=rota-do-mel&route=rota-do-cacau", {"Polo do Mel do Sertão", "Polo Cacau Amazônia"}),
        ("sector=ict&sector=beekeeping&country=MX", {"Clúster de Software de Jalisco"}),
    ],
)
def test_it_filters_by_each_parameter_combined_and_repeated(client, catalogue, query, expected):
    response = client.get(f"/en/initiatives/?{query}")
    assert response.status_code == 200
    assert set(names(response)) == expected
    assert response.context["count"] == len(expected)
    assert "Borrador de Cacao" not in response.content.decode()


def test_it_says_how_many_initiatives_match_in_the_heading(client, catalogue):
    response = client.get("/en/initiatives/?sector=cocoa")
    assert '<p class="result-count" id="result-count">2 initiatives match.</p>' in response.content.decode()


def test_it_counts_each_facet_with_the_other_filters_but_not_its_own(client, catalogue):
    response = client.get("/en/initiatives/?country=BR&sector=cocoa")
    # Country counts ignore the country filter but keep sector=cocoa (the draft never counts).
    assert facet(response, "country") == {"BR": 1, "CO": 1}
    # Sector counts ignore the sector filter but keep country=BR.
    assert facet(response, "sector") == {"beekeeping": 1, "cocoa": 1}
    # Other facets apply both filters.
    assert facet(response, "theme") == {"sustainability": 1}
    assert facet(response, "status") == {"inactive": 1}
    assert facet(response, "route") == {"rota-do-cacau": 1}
    options = [o for f in response.context["facets"] for o in f.options]
    selected = {o.value for o in options + [c for o in options for c in o.children] if o.selected}
    assert selected == {"BR", "cocoa"}


def test_it_shows_counts_next_to_the_facet_labels(client, catalogue):
    html = client.get("/en/initiatives/").content.decode()
    assert 'value="cocoa" id="f-sector-' in html
    assert 'Cocoa and chocolate <span class="count">2</span>' in html


def test_it_caches_facet_counts_until_the_catalogue_changes(client, catalogue, make_initiative):
    with CaptureQueriesContext(connection) as cold:
        client.get("/en/initiatives/?sector=cocoa")
    with CaptureQueriesContext(connection) as warm:
        second = client.get("/en/initiatives/?sector=cocoa&page=1")
    assert len(warm) < len(cold)
    assert facet(second, "country") == {"BR": 1, "CO": 1}
    make_initiative(name="Cacao del Perú", country="PE", sectors=["cocoa"])
    assert facet(client.get("/en/initiatives/?sector=cocoa"), "country") == {"BR": 1, "CO": 1, "PE": 1}


def test_it_shares_a_facets_counts_between_selections_that_differ_only_in_it(client, catalogue):
    def country_counts(sql):  # every country's count, read from the kept counts
        return 'FROM "initiatives_facetcount"' in sql and "'country'" in sql

    with CaptureQueriesContext(connection) as brazil:
        client.get("/en/initiatives/?country=BR")
    with CaptureQueriesContext(connection) as colombia:
        response = client.get("/en/initiatives/?country=CO")

    assert any(country_counts(q["sql"]) for q in brazil.captured_queries)
    assert not any(country_counts(q["sql"]) for q in colombia.captured_queries)
    assert facet(response, "country") == {"BR": 2, "CO": 1, "MX": 1}  # every country, as for BR
    assert facet(response, "sector") == {"cocoa": 1}  # Colombia's own


@pytest.mark.parametrize("search", ["", "cacau", "polo"])
def test_it_counts_one_value_facets_together_as_it_counts_them_one_by_one(catalogue, search):
    selection = Initiative.objects.published().search(search)
    facets = ["country", "kind", "status", "program", "route"]

    together = selection.single_valued_facet_counts(facets)

    assert together == {facet: selection.facet_counts(facet) for facet in facets}
    assert together["country"] and all(sum(counts.values()) <= 4 for counts in together.values())


def test_it_sorts_by_name_country_and_newest(client, catalogue):
    by_name = names(client.get("/en/initiatives/?ordering=name"))
    assert by_name == sorted(by_name, key=str.casefold)
    by_country = [i.country.code for i in client.get("/en/initiatives/?ordering=country").context["page"]]
    assert by_country == ["BR", "BR", "CO", "MX"]
    newest = names(client.get("/en/initiatives/?ordering=-created"))
    assert newest[0] == "Clúster de Software de Jalisco"


@pytest.mark.parametrize(
    "query, message",
    [
        ("country=ZZ", "Country: “ZZ” is not known, so it was ignored."),
        ("sector=no-such-sector", "Sector: “no-such-sector” is not known, so it was ignored."),
        ("region=XX-99", "Region: “XX-99” is not known, so it was ignored."),
        ("route=nope", "Route: “nope” is not known, so it was ignored."),
        ("kind=castle", "Kind: “castle” is not known, so it was ignored."),
        ("status=sleeping", "Status: “sleeping” was ignored"),
        ("bbox=junk", "“junk” was ignored (Give bbox as four numbers"),
        ("bbox=10,10,0,0", "“10,10,0,0” was ignored (bbox must satisfy"),
        ("ordering=random", "Sort by: “random” was ignored"),
        ("page=abc", "“abc” is not a page number; showing the first page."),
        ("page=0", "There is no page 0; showing the first page."),
        ("page=99", "There is no page 99; showing page 1."),
        ("page=99999999999999999999999", "There is no page 99999999999999999999999; showing page 1."),
        ("bbox=nan,nan,nan,nan", "“nan,nan,nan,nan” was ignored (bbox must satisfy"),
        ("q=" + "x" * 201, "Search: “" + "x" * 59 + "…” was ignored"),
        # PostgreSQL refuses NUL bytes in queries: they must be turned away before the database.
        ("region=%00", "Region: “\x00” is not known, so it was ignored."),
        ("sector=%00&theme=a%00b&route=%00&program=%00", "Theme: “a\x00b” is not known, so it was ignored."),
        ("country=%00&kind=%00&status=%00&ordering=%00&bbox=%00&q=%00&page=%00", "Country: “\x00” is not known"),
    ],
)
def test_it_ignores_and_explains_malformed_parameters(client, catalogue, query, message):
    response = client.get(f"/en/initiatives/?{query}")
    assert response.status_code == 200
    assert message in response.content.decode()
    assert response.context["count"] == 4


def test_it_keeps_the_good_values_of_a_parameter_with_a_bad_one(client, catalogue):
    response = client.get("/en/initiatives/?country=BR&country=ZZ&sector=cocoa&sector=nope&q=polo")
    assert names(response) == ["Polo Cacau Amazônia"]
    assert len(response.context["notices"]) == 2
    assert response.context["selection"].full_query == "q=polo&country=BR&sector=cocoa"


def test_it_ignores_unknown_parameters_silently(client, catalogue):
    response = client.get("/en/initiatives/?utm_source=mail&country=MX")
    assert names(response) == ["Clúster de Software de Jalisco"]
    assert response.context["notices"] == []


def test_it_paginates_and_keeps_the_filters_in_page_links(client, make_initiative, reference_data):
    for n in range(PAGE_SIZE + 3):
        make_initiative(name=f"Cluster {n:02}", country="PE", sectors=["dairy"])
    make_initiative(name="Other", country="AR")
    first = client.get("/en/initiatives/?country=PE&sector=dairy&ordering=-name")
    assert first.context["count"] == PAGE_SIZE + 3
    assert len(first.context["page"].object_list) == PAGE_SIZE
    html = first.content.decode()
    assert 'href="?country=PE&amp;sector=dairy&amp;ordering=-name&amp;page=2"' in html
    second = client.get("/en/initiatives/?country=PE&sector=dairy&ordering=-name&page=2")
    assert names(second) == ["Cluster 02", "Cluster 01", "Cluster 00"]


def test_it_offers_a_country_page_as_a_preset_list(client, catalogue):
    response = client.get("/en/countries/CO/")
    assert response.status_code == 200
    assert names(response) == ["Clúster de Cacao de Santander"]
    html = response.content.decode()
    assert "<h1>Initiatives in Colombia</h1>" in html
    assert "country" not in {f.name for f in response.context["facets"]}
    # the preset wins over the query string; other filters still apply
    assert names(client.get("/en/countries/co/?country=BR&sector=ict")) == []
    assert client.get("/en/countries/ZZ/").status_code == 404


def test_it_offers_rota_and_theme_pages(client, catalogue):
    rota = client.get("/en/rotas/rota-do-cacau/")
    assert names(rota) == ["Polo Cacau Amazônia"]
    assert "<h1>Cocoa Route</h1>" in rota.content.decode()
    assert "The polos of the Cocoa Route, part of the National Integration Routes programme." in rota.content.decode()
    theme = client.get("/pt-br/themes/market-access/")
    assert set(names(theme)) == {"Polo do Mel do Sertão", "Clúster de Cacao de Santander"}
    assert client.get("/en/rotas/no-such-rota/").status_code == 404
    assert client.get("/en/themes/no-such-theme/").status_code == 404


def test_it_never_counts_drafts_anywhere(client, make_initiative, reference_data):
    make_initiative(name="Draft", country="AR", sectors=["cocoa"], is_published=False)
    response = client.get("/en/initiatives/")
    assert response.context["count"] == 0
    assert response.context["facets"] == []
    home = client.get("/en/")
    assert home.context["figures"]["initiatives"] == 0
    assert home.context["countries"] == []


def test_it_searches_municipality_names(client, make_initiative):
    sao_joao = Municipality.objects.get(code="2210003")  # São João do Piauí
    make_initiative(name="Polo do Mel do Piauí", country="BR", municipalities=[sao_joao])
    make_initiative(name="Polo do Cordeiro", country="BR")
    assert names(client.get("/en/initiatives/?q=SAO+JOAO")) == ["Polo do Mel do Piauí"]


def constant_queries(client, make_initiative, url, extra):
    """Queries for `url` with few initiatives, then with many more: they must not change. The
    vocabularies' labels, which initiatives' edits leave cached, are loaded first for both."""
    vocabulary_labels()
    make_initiative(
        name="First", country="BR", sectors=["cocoa", "dairy"], themes=["sustainability"], regions=["BR-BA"]
    )
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    for n in range(extra):
        make_initiative(
            name=f"More {n}", country=["BR", "CO", "MX"][n % 3], sectors=["cocoa", "ict"], themes=["sustainability"],
            regions=["BR-BA", "BR-PE"] if n % 3 == 0 else [],
        )  # fmt: skip
    with CaptureQueriesContext(connection) as many:
        assert client.get(url).status_code == 200
    return len(few), len(many)


def test_it_lists_with_a_constant_number_of_queries(client, make_initiative, django_assert_num_queries):
    few, many = constant_queries(client, make_initiative, "/en/initiatives/?sector=cocoa&country=BR&country=CO", 30)
    assert few == many
    # After an edit: 1 vocabulary check + the sectors' kept counts within the countries + the
    # chosen values' kept counts + one read of the facet rows of the initiatives chosen (counting
    # every other facet, and them: no count query) + the slugs of the terms counted (counted by
    # id: no join per row), one statement for the sectors' kept counts and one for the other three
    # vocabularies + region names + the vocabularies' token (their labels stay cached: the edit
    # changed no term) + the page's ids + its rows + 3 prefetches (sectors bring their families).
    make_initiative(name="Bump the catalogue version")
    with django_assert_num_queries(13):
        client.get("/en/initiatives/?sector=cocoa&country=BR&country=CO")


def test_it_names_the_active_filters_with_links_that_remove_each_one(client, catalogue):
    response = client.get("/en/initiatives/?region=BR-PA&region=BR-PE&q=polo")
    assert response.context["active_filters"] == [
        ("Search", "polo", "region=BR-PA&region=BR-PE"),
        ("Region", "Pará", "q=polo&region=BR-PE"),
        ("Region", "Pernambuco", "q=polo&region=BR-PA"),
    ]


def test_it_links_exactly_the_current_selection_to_the_map_and_exports(client, catalogue):
    html = client.get("/en/countries/BR/?sector=cocoa&sector=nope&page=1&ordering=-name").content.decode()
    for url in [
        "/en/map/?country=BR&amp;sector=cocoa&amp;ordering=-name",
        "/api/initiatives.csv?country=BR&amp;sector=cocoa&amp;ordering=-name",
        "/api/initiatives.geojson?country=BR&amp;sector=cocoa&amp;ordering=-name",
        "/api/initiatives.xlsx?country=BR&amp;sector=cocoa&amp;ordering=-name",
    ]:
        assert f'href="{url}"' in html, url
    assert '<li><a href="/en/map/">Map</a></li>' in html  # and the header's navigation
    home = client.get("/en/").content.decode()
    assert 'href="/en/map/">Open the full map</a>' in home


def test_it_offers_best_match_as_the_default_sort_only_when_searching(client, catalogue):
    plain = client.get("/en/initiatives/").content.decode()
    assert '<option value="name" selected>Name</option>' in plain
    assert "Best match" not in plain
    searching = client.get("/en/initiatives/?q=cacao").content.decode()
    assert '<option value="" selected>Best match</option>' in searching


def test_it_shows_only_the_busiest_regions_until_a_country_is_chosen(client, make_initiative):
    from initiatives.facets import TOP_REGIONS
    from initiatives.models import Region

    codes = list(Region.objects.filter(country="BR").order_by("code").values_list("code", flat=True))[: TOP_REGIONS + 3]
    for n, code in enumerate(codes):
        make_initiative(country="BR", regions=[code], name=f"I {n}")
    make_initiative(country="BR", regions=[codes[0]], name="Extra")
    chosen = codes[-1]
    regions = {
        o.value
        for f in client.get(f"/en/initiatives/?region={chosen}").context["facets"]
        if f.name == "region"
        for o in f.options
    }
    assert len(regions) == TOP_REGIONS + 1  # the busiest ones, and the chosen one whatever its count
    assert codes[0] in regions and chosen in regions
    with_country = client.get(f"/en/initiatives/?country=BR&region={chosen}").context["facets"]
    assert len([o for f in with_country if f.name == "region" for o in f.options]) == TOP_REGIONS + 3


def test_it_reads_the_names_of_the_regions_it_shows_only(client, make_initiative):
    """Naming every region counted (hundreds) cost two IN lists of that size on each first render."""
    from initiatives.facets import TOP_REGIONS
    from initiatives.models import Region

    codes = list(Region.objects.filter(country="BR").order_by("code").values_list("code", flat=True))[: TOP_REGIONS + 5]
    for n, code in enumerate(codes):  # the first TOP_REGIONS regions count two, the others one
        for copy in range(2 if n < TOP_REGIONS else 1):
            make_initiative(country="BR", regions=[code], name=f"I {n} {copy}", sectors=["coffee"])
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/en/initiatives/?sector=coffee")
    shown = [o for f in response.context["facets"] if f.name == "region" for o in f.options]
    assert len(shown) == TOP_REGIONS
    assert {o.label for o in shown} == set(
        Region.objects.filter(code__in=[o.value for o in shown]).values_list("name", flat=True)
    )
    named = [q["sql"] for q in queries if q["sql"].startswith('SELECT "initiatives_region"."code" AS "code", "initi')]
    assert named and all(sql.count("%s") + sql.count("'BR-") <= TOP_REGIONS for sql in named), named


def test_it_keeps_preset_pages_and_the_same_filters_on_the_list_apart_in_the_cache(client, catalogue):
    assert client.get("/en/countries/BR/").status_code == 200
    response = client.get("/en/initiatives/?country=BR")
    assert facet(response, "country") == {"BR": 2, "CO": 1, "MX": 1}
    assert client.get("/en/countries/BR/").status_code == 200


def test_it_shares_cached_counts_between_spellings_of_the_same_selection(catalogue):
    from django.http import QueryDict

    from initiatives.selection import select

    one = select(QueryDict("sector=cocoa&country=BR&q=São+João&page=2"))
    other = select(QueryDict("country=BR&q=sao+joao&sector=cocoa&sector=cocoa&utm=x&ordering=-name"))
    assert one.cache_key() == other.cache_key()
    assert one.cache_key() != select(QueryDict("country=BR&sector=cocoa")).cache_key()
    assert one.cache_key() != select(QueryDict("sector=cocoa&q=sao+joao"), preset={"country": "BR"}).cache_key()


def test_it_shows_a_short_text_on_each_card_marked_with_its_language(client, make_initiative):
    make_initiative(name="Cacao", country="CO", language="es", description="Cacao fino de aroma. " * 20)
    html = client.get("/en/initiatives/").content.decode()
    assert '<p class="card__text" lang="es">Cacao fino de aroma.' in html
    assert "aroma. …</p>" in html


NAMES_AS_PEOPLE_SORT = [
    "Açaí do Pará",
    "Avicultura caipira",
    "CLUSTER agroindustrial",
    "Cluster de Tecnologia",
    "Clúster Minero",
    "Cluster Turismo",
    "Éco Bairro",
    "ecoturismo",
]


def test_it_sorts_names_as_people_do_by_default_and_when_asked(client, make_initiative):
    for n, name in enumerate(reversed(NAMES_AS_PEOPLE_SORT)):
        make_initiative(name=name, slug=f"name-{n}")
    default = names(client.get("/pt-br/initiatives/"))
    assert default == NAMES_AS_PEOPLE_SORT
    # "Apply filters" with the same order gives the same list.
    assert names(client.get("/pt-br/initiatives/?ordering=name")) == default
    assert names(client.get("/pt-br/initiatives/?ordering=-name")) == default[::-1]
    assert [row["name"] for row in client.get("/api/initiatives/?lang=pt-br").json()["results"]] == default


def test_it_sorts_by_the_name_each_language_shows(client, make_initiative):
    make_initiative(name="Mel do Piauí", name_en="Piauí Honey", language="pt-br", slug="mel")
    make_initiative(name="Nogal de Jalisco", language="es", slug="nogal")
    make_initiative(name="Ostras de Santa Catarina", slug="ostras")

    def shown(path):
        return [str(i.display_name) for i in client.get(path).context["page"].object_list]

    assert shown("/pt-br/initiatives/") == ["Mel do Piauí", "Nogal de Jalisco", "Ostras de Santa Catarina"]
    assert shown("/en/initiatives/") == ["Nogal de Jalisco", "Ostras de Santa Catarina", "Piauí Honey"]


def test_it_names_a_cards_sector_added_since_the_labels_were_read(client, make_initiative):
    """Another process may add a term between this one's reading of the labels and of the cards'
    links (bulk writes send no signal): the card reads the terms again rather than failing."""
    from initiatives.models import Initiative, Sector

    initiative = make_initiative(name="Polo novo", sectors=["coffee"])
    assert client.get("/en/initiatives/").status_code == 200  # the labels read for this version
    family = Sector.objects.get(slug="coffee").family
    [added] = Sector.objects.bulk_create([Sector(name="Yerba mate", slug="yerba", family=family)])
    Initiative.sectors.through.objects.bulk_create([Initiative.sectors.through(initiative=initiative, sector=added)])
    html = client.get("/en/initiatives/?page=1&ordering=name").content.decode()
    assert "<li>Coffee</li><li>Yerba mate</li>" in html
