"""What feed readers and search engines find: feed autodiscovery, the Atom author, robots.txt,
nofollow and noindex on combinations of filters."""

import re
import xml.etree.ElementTree as ET

import pytest

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("hub_isolation")]
ATOM = "{http://www.w3.org/2005/Atom}"
ROBOTS_META = '<meta name="robots" content="noindex,follow">'


def feed_links(html: str) -> list[str]:
    return re.findall(r'<link rel="alternate" type="application/atom\+xml" href="([^"]+)"', html)


@pytest.mark.parametrize(
    "path",
    ["/pt-br/", "/es/initiatives/", "/en/library/", "/en/events/", "/es/news/", "/en/propose/", "/en/api/docs/"],
)
def test_it_advertises_the_news_feed_once_on_every_page(client, path):
    response = client.get(path)
    assert response.status_code == 200
    language = path.split("/")[1]
    assert feed_links(response.content.decode()) == [f"/{language}/news/feed/"]


def test_it_names_an_author_of_the_atom_feed(client, make_news):
    make_news(title="Honey fair", language="en")
    root = ET.fromstring(client.get("/es/news/feed/").content)
    # RFC 4287 4.1.1: a feed without an author needs one in every entry; this one has it once.
    assert root.findtext(f"{ATOM}author/{ATOM}name") == "Catálogo ALC"
    assert root.findall(f"{ATOM}entry")


def test_it_serves_robots_txt_with_the_sitemap_and_what_not_to_crawl(client, settings):
    response = client.get("/robots.txt")
    assert response.status_code == 200 and response["Content-Type"] == "text/plain; charset=utf-8"
    lines = response.content.decode().splitlines()
    assert lines[0] == "User-agent: *"
    assert "Sitemap: http://testserver/sitemap.xml" in lines
    assert {"Disallow: /*?*&", "Disallow: /api/", "Allow: /api/docs/"} <= set(lines)
    assert {"Disallow: /pt-br/admin/", "Disallow: /es/admin/", "Disallow: /en/admin/"} <= set(lines)


def test_it_keeps_a_custom_admin_path_out_of_robots_txt(client, settings):
    settings.ADMIN_URL = "staff-entrance/"
    response = client.get("/robots.txt")
    body = response.content.decode()
    assert response.status_code == 200 and "Disallow: /api/" in body
    assert "staff-entrance" not in body and "admin" not in body


def test_it_asks_search_engines_not_to_index_combinations_of_filters(client, make_initiative):
    make_initiative(name="Polo", country="BR", sectors=["beekeeping"])
    assert ROBOTS_META not in client.get("/en/initiatives/").content.decode()
    assert ROBOTS_META not in client.get("/en/initiatives/?country=BR").content.decode()
    assert ROBOTS_META not in client.get("/en/countries/BR/").content.decode()
    assert ROBOTS_META in client.get("/en/initiatives/?country=BR&sector=beekeeping").content.decode()
    assert ROBOTS_META in client.get("/en/initiatives/?country=BR&country=CO").content.decode()
    assert ROBOTS_META in client.get("/en/countries/BR/?sector=beekeeping").content.decode()
    assert ROBOTS_META in client.get("/en/library/?kind=report&year=2020").content.decode()
    assert ROBOTS_META not in client.get("/en/library/?kind=report").content.decode()


def test_it_marks_links_to_combinations_and_downloads_nofollow(client, make_initiative):
    make_initiative(name="Polo", country="BR", sectors=["beekeeping"])
    html = client.get("/en/initiatives/?country=BR&sector=beekeeping").content.decode()
    chips = re.findall(r'<a class="chip"([^>]*)>', html)
    assert len(chips) == 2 and all('rel="nofollow"' in chip for chip in chips)
    downloads = re.findall(r'<a href="/api/initiatives\.(?:csv|xlsx|geojson)[^"]*"([^>]*)>', html)
    assert len(downloads) == 3 and all('rel="nofollow"' in attributes for attributes in downloads)


def test_it_links_the_api_docs_from_every_page_footer(client):
    for language in ("pt-br", "es", "en"):
        footer = client.get(f"/{language}/").content.decode().split('<footer class="site-footer">', 1)[1]
        assert f'href="/{language}/api/docs/"' in footer
