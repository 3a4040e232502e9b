"""The /map/ page as served, before any JavaScript runs."""

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
    assert re.search(r'<option value="CO" selected>', html)
    assert re.search(r'<input type="checkbox" name="kind" value="cluster" checked>', html)


def test_it_renders_the_filters_of_the_list_except_the_machine_ones(client, reference_data):
    html = page(client, "/en/map/")
    for name in ("q", "country", "region", "kind", "sector", "theme", "program", "route", "status"):
        assert f'name="{name}"' in html
    assert 'name="bbox"' not in html and 'name="ordering"' not in html


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

    vendor = Path(__file__).resolve().parent.parent / "static" / "vendor" / "leaflet.markercluster"
    assert "Copyright 2012 David Leaver" in (vendor / "LICENSE").read_text()
    assert (vendor / "leaflet.markercluster.js").read_text().rstrip().endswith("leaflet.markercluster.js.map")
    assert (vendor / "leaflet.markercluster.js.map").exists()  # collectstatic's manifest follows the reference
