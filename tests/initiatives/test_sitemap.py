"""/sitemap.xml: an index of sections of at most SITEMAP_SECTION_SIZE <url> entries, each cached."""

import re
import xml.etree.ElementTree as ET

import pytest

pytestmark = pytest.mark.django_db

NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "xhtml": "http://www.w3.org/1999/xhtml"}


def section_addresses(client) -> list[str]:
    response = client.get("/sitemap.xml")
    assert response.status_code == 200 and response["Content-Type"].startswith("application/xml")
    index = ET.fromstring(response.content)
    assert index.tag == f"{{{NS['s']}}}sitemapindex"
    return [loc.text.removeprefix("http://testserver") for loc in index.findall("s:sitemap/s:loc", NS)]


def crawl(client) -> dict[str, list[str]]:
    """As a search engine reads it: the index, then every section it lists; {section address: [loc…]}."""
    sections = {}
    for address in section_addresses(client):
        response = client.get(address)
        assert response.status_code == 200, address
        urlset = ET.fromstring(response.content)
        sections[address] = [loc.text for loc in urlset.findall("s:url/s:loc", NS)]
    return sections


def all_xml(client) -> str:
    return "".join(client.get(address).content.decode() for address in section_addresses(client))


def test_it_lists_every_public_page_in_each_language(client, make_initiative, make_library_item, rota_do_mel):
    make_initiative(name="Cacao", slug="cacao-co", country="CO", themes=["sustainability"])
    make_initiative(name="Polo do Mel", slug="polo-mel", country="BR", route=rota_do_mel)
    make_initiative(name="Secret", slug="secret-draft", country="AR", is_published=False, themes=["market-access"])
    make_library_item(slug="guide")
    xml = all_xml(client)
    for url in [
        "http://testserver/pt-br/", "http://testserver/es/initiatives/", "http://testserver/en/initiatives/cacao-co/",
        "http://testserver/es/countries/CO/", "http://testserver/pt-br/rotas/rota-do-mel/",
        "http://testserver/en/themes/sustainability/", "http://testserver/es/library/guide/",
    ]:  # fmt: skip
        assert f"<loc>{url}</loc>" in xml, url
    assert 'hreflang="es" href="http://testserver/es/initiatives/cacao-co/"' in xml
    assert 'hreflang="x-default" href="http://testserver/pt-br/initiatives/cacao-co/"' in xml
    assert "secret-draft" not in xml
    assert "/countries/AR/" not in xml
    # Terms with nothing published answer, but are not offered to crawlers.
    assert "/themes/market-access/" not in xml and "/rotas/rota-do-cacau/" not in xml
    assert client.get("/en/themes/market-access/").status_code == 200


def test_it_serves_the_cached_sitemap_until_the_catalogue_changes(client, make_initiative, django_assert_num_queries):
    make_initiative(name="Cacao", slug="cacao-co", country="CO")
    first = all_xml(client)
    with django_assert_num_queries(0):
        assert all_xml(client) == first
    make_initiative(name="Maíz", slug="maiz-mx", country="MX")
    assert "/en/initiatives/maiz-mx/" in all_xml(client)
    assert client.get("/sitemap-initiatives.xml?p=99").status_code == 404
    assert client.get("/sitemap-nothing.xml").status_code == 404


def test_it_splits_sections_so_that_every_published_initiative_is_reachable(client, settings, make_initiative):
    settings.SITEMAP_SECTION_SIZE = 6  # two initiatives a page, in three languages
    published = {make_initiative(slug=f"polo-{n}").slug for n in range(7)}
    make_initiative(slug="a-draft", is_published=False)

    sections = crawl(client)

    initiative_pages = [address for address in sections if address.startswith("/sitemap-initiatives.xml")]
    assert initiative_pages == [
        "/sitemap-initiatives.xml",
        "/sitemap-initiatives.xml?p=2",
        "/sitemap-initiatives.xml?p=3",
        "/sitemap-initiatives.xml?p=4",
    ]
    assert all(len(locs) <= 6 for locs in sections.values())
    listed = {
        match.group(1)
        for locs in sections.values()
        for loc in locs
        if (match := re.fullmatch(r"http://testserver/en/initiatives/([^/]+)/", loc))
    }
    assert listed == published
    assert client.get("/sitemap-initiatives.xml?p=5").status_code == 404


@pytest.mark.parametrize("query", ["p=01", "p=001", "p=+2", "p=2.0", "p=0", "p=-1", "p=", "p=two", "p=2%00"])
def test_it_refuses_page_numbers_not_written_as_in_the_index_without_building_anything(
    client, settings, make_initiative, django_assert_num_queries, cache_keys, query
):
    settings.SITEMAP_SECTION_SIZE = 3
    make_initiative(slug="one")
    make_initiative(slug="two")
    client.get("/sitemap.xml")  # the catalogue version and the index are in the cache
    entries = sorted(cache_keys(""))

    with django_assert_num_queries(0):
        assert client.get(f"/sitemap-initiatives.xml?{query}").status_code == 404
        assert client.get(f"/sitemap.xml?{query}").status_code == 404

    assert sorted(cache_keys("")) == entries
    assert client.get("/sitemap-initiatives.xml?p=2").status_code == 200


@pytest.mark.parametrize("initiatives", [2, 30])
def test_it_builds_the_index_and_each_section_in_a_number_of_queries_independent_of_size(
    client, settings, make_initiative, make_news, django_assert_max_num_queries, initiatives
):
    settings.SITEMAP_SECTION_SIZE = 30  # ten a page: one section page at 2, three at 30
    for n in range(initiatives):
        make_initiative(slug=f"polo-{n}")
        make_news()
    with django_assert_max_num_queries(10):  # a count per section, the countries' facet
        addresses = section_addresses(client)
    for address in addresses:
        with django_assert_max_num_queries(3):  # a count (or the facet) and the page's rows
            assert client.get(address).status_code == 200
