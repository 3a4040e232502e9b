"""The /map/ page as served, before any JavaScript runs."""

import html
import json
import re

import pytest

pytestmark = pytest.mark.django_db


def page(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_it_answers_under_each_language(client, reference_data):
    for prefix, title in (("en", "Map of the initiatives"), ("es", "<h1>"), ("pt-br", "<h1>")):
        assert title in page(client, f"/{prefix}/map/")


def test_without_javascript_the_filters_submit_to_the_page_and_it_counts_the_matches(client, make_initiative):
    make_initiative(slug="co-1", country="CO")
    make_initiative(slug="co-2", country="CO")
    make_initiative(slug="br-1", country="BR")
    make_initiative(slug="co-draft", country="CO", is_published=False)
    html = page(client, "/en/map/?country=CO&kind=cluster&page=2")
    assert '<form class="map-filters" method="get" action="/en/map/"' in html
    assert "2 initiatives match these filters." in html
    # The same selection as a list: only the filters travel, in a stable order.
    assert 'href="/en/initiatives/?country=CO&amp;kind=cluster"' in html
    assert re.search(r'<input type="checkbox" name="country" value="CO" id="[^"]+" checked>', html)
    assert re.search(r'<input type="checkbox" name="kind" value="cluster" id="[^"]+" checked>', html)


FACET_OPTION = re.compile(
    r'<input type="checkbox" name="(\w+)" value="([^"]+)" id="([^"]+)"[^>]*>\s*'
    r'<label for="\3">(.*?) <span class="count">(\d+)</span>'
)


def facet_options(html):
    return sorted((name, value, label, int(count)) for name, value, _id, label, count in FACET_OPTION.findall(html))


def chips(html):
    return re.findall(r'<a class="chip" rel="nofollow" href="[^"?]*\?([^"]*)">([^<]*)<', html)


def test_the_filters_are_the_lists_facets_with_the_same_counts_and_chips(client, make_initiative):
    make_initiative(country="BR", kind="cluster", sectors=["coffee"], regions=["BR-MG"])
    make_initiative(country="BR", kind="apl", sectors=["coffee", "dairy"], regions=["BR-CE"])
    make_initiative(country="BR", kind="apl", sectors=["software"])
    make_initiative(country="CO", kind="cluster", sectors=["cocoa"])
    make_initiative(country="PE", is_published=False, sectors=["wine"])
    for query in ("", "?country=BR&family=agri-food", "?kind=apl&sector=coffee&sector=software", "?q=initiative"):
        on_map = page(client, f"/en/map/{query}")
        on_list = page(client, f"/en/initiatives/{query}")
        assert facet_options(on_map) == facet_options(on_list)
        assert chips(on_map) == chips(on_list)
    options = facet_options(page(client, "/en/map/?country=BR&family=agri-food"))
    assert ("country", "BR", "Brazil", 2) in options and ("country", "CO", "Colombia", 1) in options
    assert ("sector", "coffee", "Coffee", 2) in options
    # Only terms with initiatives: no unused country, sector or region, and no form widgets.
    values = {value for _name, value, _label, _count in options}
    assert "PE" not in values and "AR" not in values and "wine" not in values and "BR-SP" not in values
    html = page(client, "/en/map/")
    assert "<select" not in html and "---------" not in html and "<option" not in html
    assert chips(page(client, "/en/map/?country=BR&family=agri-food")) == [
        ("family=agri-food", "Country: Brazil"),
        ("country=BR", "Sector family: Agri-food"),
    ]


def test_the_list_and_map_switch_keeps_the_whole_selection_both_ways(client, make_initiative):
    make_initiative(country="BR", sectors=["coffee"])
    on_list = page(client, "/en/initiatives/?country=BR&family=agri-food&ordering=-created")
    switch = on_list[on_list.index('<nav class="browse-switch"') :]
    assert 'href="/en/map/?country=BR&amp;family=agri-food&amp;ordering=-created" rel="nofollow">Map</a>' in switch
    on_map = page(client, "/en/map/?country=BR&family=agri-food&ordering=-created")
    switch = on_map[on_map.index('<nav class="browse-switch"') :]
    assert (
        'href="/en/initiatives/?country=BR&amp;family=agri-food&amp;ordering=-created" rel="nofollow">List</a>'
        in switch
    )
    assert 'aria-current="page">Map</a>' in switch
    # Submitting the map's filters keeps the sort the list had.
    assert '<input type="hidden" name="ordering" value="-created">' in on_map
    # A country's page is its own list; its map is that country's.
    on_country = page(client, "/en/countries/br/?family=agri-food")
    assert 'href="/en/map/?country=BR&amp;family=agri-food" rel="nofollow">Map</a>' in on_country


def test_a_selection_without_matches_says_so_and_offers_to_clear_the_filters(client, make_initiative):
    make_initiative(country="BR", kind="cluster")
    html = page(client, "/en/map/?country=BR&kind=apl")
    assert "No initiative matches this selection." in html
    empty = html[html.index("data-map-empty") :]
    assert empty.index('<a href="/en/map/">Clear all filters</a>') < empty.index("</div>")
    # The map is still there, with its base layer, for the same (empty) selection.
    assert 'data-query="country=BR&amp;kind=apl"' in html
    assert "No initiative matches" not in page(client, "/en/map/?country=BR")


def test_it_explains_invalid_filters_drops_them_and_counts_the_rest(client, make_initiative):
    make_initiative(slug="in-brazil", country="BR")
    make_initiative(slug="in-colombia", country="CO")
    html = page(client, "/en/map/?country=XX&country=BR&bbox=junk")
    assert "Country: “XX” is not known, so it was ignored." in html
    assert "Give bbox as four numbers" in html  # not a field of this form, but the URL carried it
    assert "1 initiative matches these filters." in html
    # The map loads the cleaned selection, as the list link shows it: the GeoJSON never says 400.
    assert 'data-query="country=BR"' in html
    assert 'href="/en/initiatives/?country=BR"' in html


def test_it_hands_the_map_its_settings_in_data_attributes(client, reference_data, settings):
    settings.MAP_TILES_URL = "https://tiles.example.org/{z}/{x}/{y}.png"
    settings.MAP_TILES_ATTRIBUTION = "© Example"
    html = page(client, "/es/map/")
    assert 'data-tiles-url="https://tiles.example.org/{z}/{x}/{y}.png"' in html
    assert 'data-tiles-attribution="© Example"' in html
    assert 'data-geojson-url="/api/initiatives.geojson"' in html
    assert 'data-lang="es"' in html
    assert 'data-legend-kind="rotas_polo"' in html


def test_it_has_no_inline_script_style_or_handler(client, make_initiative):
    make_initiative()
    html = page(client, "/en/map/")
    assert re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", html) == []
    assert re.findall(r"<style\b|\sstyle=|\son[a-z]+=", html) == []
    for asset in ("leaflet/leaflet.js", "leaflet/leaflet.css", "vendor/leaflet.markercluster/leaflet.markercluster.js"):
        assert f"/static/{asset}" in html


def test_the_vendored_cluster_library_keeps_its_licence():
    from pathlib import Path

    vendor = Path(__file__).resolve().parents[2] / "static" / "vendor" / "leaflet.markercluster"
    assert "Copyright 2012 David Leaver" in (vendor / "LICENSE").read_text()
    assert (vendor / "leaflet.markercluster.js").read_text().rstrip().endswith("leaflet.markercluster.js.map")
    assert (vendor / "leaflet.markercluster.js.map").exists()  # collectstatic's manifest follows the reference


def test_each_language_hands_the_map_its_own_country_names(client, reference_data):
    names = {}
    for language in ("en", "es", "pt-br", "en"):
        attribute = re.search(r'data-country-names="([^"]*)"', page(client, f"/{language}/map/")).group(1)
        names[language] = json.loads(html.unescape(attribute))
    assert (names["en"]["BR"], names["en"]["US"]) == ("Brazil", "United States of America")
    assert (names["es"]["BR"], names["es"]["MX"]) == ("Brasil", "México")
    assert (names["pt-br"]["MX"], names["pt-br"]["US"]) == ("México", "Estados Unidos")
