"""The embeddable map: its parameters cleaned like the list page's, and the one page other sites
may frame, whether the view or the page cache answers."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

pytestmark = pytest.mark.django_db


def frame_ancestors(response):
    directives = [d.strip() for d in response["Content-Security-Policy"].split(";")]
    return next(d for d in directives if d.startswith("frame-ancestors"))


@pytest.mark.parametrize(
    "query", ["country=ZZ", "kind=nothing&utm_source=x", "bbox=1,2", "q=%00", "region=BR-XX&country=BR"]
)
def test_it_drops_and_names_bad_parameters_and_never_fails(client, make_initiative, query):
    make_initiative(country="BR")
    response = client.get(f"/en/embed/map/?{query}")
    assert response.status_code == 200
    assert "Some parameters could not be used:" in response.content.decode()


def test_it_ignores_parameters_no_page_reads(client, make_initiative):
    make_initiative(country="BR")
    response = client.get("/en/embed/map/?utm_source=x&page=-1&lang=zz")
    assert response.status_code == 200
    assert "Some parameters could not be used:" not in response.content.decode()


def test_it_maps_the_cleaned_selection_and_links_back_to_the_catalogue(client, make_initiative):
    make_initiative(country="BR")
    html = client.get("/es/embed/map/?country=BR&country=ZZ&kind=nothing&utm_source=x").content.decode()
    assert 'data-query="country=BR"' in html
    assert 'href="/es/map/?country=BR"' in html
    assert "Natural Earth" in html  # the base layer's attribution
    assert "“ZZ”" in html and "“nothing”" in html


def test_only_the_embed_may_be_framed_also_when_the_page_cache_answers(client, make_initiative):
    make_initiative(country="BR")
    first = client.get("/en/embed/map/?country=BR")
    with CaptureQueriesContext(connection) as queries:
        again = client.get("/en/embed/map/?country=BR")
    assert len(queries) == 0  # the stored page, not the view
    for response in (first, again):
        assert "X-Frame-Options" not in response
        assert frame_ancestors(response) == "frame-ancestors *"
    for path in ("/en/map/", "/en/map/", "/en/initiatives/", "/en/embed/map/../../map/"):
        response = client.get(path, follow=True)
        assert response["X-Frame-Options"] == "DENY"
        assert frame_ancestors(response) == "frame-ancestors 'none'"


def test_the_map_page_offers_the_iframe_code_of_its_selection(client, make_initiative):
    make_initiative(country="BR")
    html = client.get("/en/map/?country=BR").content.decode()
    assert "Embed this map" in html
    assert '&lt;iframe src="http://testserver/en/embed/map/?country=BR"' in html
