"""Language prefixes, the switcher, canonical and hreflang links."""

import re

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "accept, target",
    [
        ("es-CO,es;q=0.9", "/es/initiatives/"),
        ("en-US,en;q=0.8", "/en/initiatives/"),
        ("de-DE", "/pt-br/initiatives/"),
        ("", "/pt-br/initiatives/"),
    ],
)
def test_it_redirects_unprefixed_urls_by_the_browsers_preference(client, accept, target):
    response = client.get("/initiatives/", headers={"accept-language": accept} if accept else {})
    assert response.status_code == 302
    assert response["Location"] == target


def test_it_keeps_the_filters_in_the_language_switcher(client, make_initiative):
    make_initiative(name="Cacao", country="CO", sectors=["cocoa"])
    html = client.get("/en/initiatives/?country=CO&sector=cocoa&ordering=-name").content.decode()
    switcher = html[html.index('class="language-switcher"') :]
    assert 'href="/pt-br/initiatives/?country=CO&amp;sector=cocoa&amp;ordering=-name" hreflang="pt-br"' in switcher
    assert 'href="/es/initiatives/?country=CO&amp;sector=cocoa&amp;ordering=-name" hreflang="es"' in switcher
    assert 'aria-current="true"><span class="language-switcher__name">English</span>' in switcher


def test_it_switches_a_detail_page_to_the_same_initiative(client, make_initiative):
    make_initiative(name="Cacao", slug="cacao-co", country="CO")
    html = client.get("/es/initiatives/cacao-co/").content.decode()
    assert 'href="/en/initiatives/cacao-co/" hreflang="en"' in html


def test_it_translates_labels_facets_and_country_names(client, make_initiative):
    make_initiative(name="Cacao", country="DE", sectors=["cocoa"])
    spanish = client.get("/es/initiatives/").content.decode()
    assert '<html lang="es">' in spanish
    assert "Cacao y chocolate" in spanish  # sector name in the page's language
    assert "Alemania" in spanish  # country names come from django-countries' catalogues
    assert "Cacau e chocolate" in client.get("/pt-br/initiatives/").content.decode()


def test_it_links_each_language_version_with_hreflang_and_a_clean_canonical(client, make_initiative):
    make_initiative(name="Cacao", country="CO")
    html = client.get("/en/initiatives/?country=CO&country=ZZ&page=1&utm_source=x").content.decode()
    assert '<link rel="canonical" href="http://testserver/en/initiatives/?country=CO">' in html
    alternates = dict(re.findall(r'<link rel="alternate" hreflang="([^"]+)" href="([^"]+)">', html))
    assert alternates == {
        "pt-br": "http://testserver/pt-br/initiatives/?country=CO",
        "es": "http://testserver/es/initiatives/?country=CO",
        "en": "http://testserver/en/initiatives/?country=CO",
        "x-default": "http://testserver/pt-br/initiatives/?country=CO",
    }


@pytest.mark.parametrize("path", ["//evil.example/", "/%5Cevil.example/", "/en//evil.example/", "/en/%5Cevil.example/"])
def test_it_links_a_404_page_only_to_this_site(client, reference_data, path):
    # PATH_INFO as the server passes it: the test client would read "//evil.example/" as a host.
    response = client.get("/", PATH_INFO=path.replace("%5C", "\\"))
    assert response.status_code == 404
    html = response.content.decode()
    links = re.findall(r'href="([^"]*)"', html)
    assert links
    assert not [link for link in links if link.startswith("//") or "\\" in link or "evil.example" in link]
    # No page matched: each language's link (and the canonical) is that language's home page.
    switcher = html[html.index('class="language-switcher"') :]
    assert 'href="/es/" hreflang="es"' in switcher
    assert re.search(r'<link rel="canonical" href="http://testserver/(en|pt-br)/">', html)


@pytest.mark.parametrize(
    "page_language, text_language, note",
    [
        ("pt-br", "es", "Exibido no idioma original (espanhol)"),
        ("es", "pt-br", "Se muestra en su idioma original (portugués de Brasil)"),
        ("en", "es", "Shown in its original language (Spanish)"),
    ],
)
def test_it_names_the_original_language_as_each_language_writes_it_in_a_sentence(
    client, make_initiative, page_language, text_language, note
):
    initiative = make_initiative(language=text_language, description="Texto original.")
    html = client.get(f"/{page_language}/initiatives/{initiative.slug}/").content.decode()
    assert note in html


@pytest.mark.parametrize(
    "page_language, item_language, note",
    [
        ("es", "pt-br", "Disponible solo en portugués de Brasil."),
        ("pt-br", "en", "Disponível somente em inglês."),
        ("en", "es", "Only available in Spanish."),
    ],
)
def test_it_names_a_hub_items_only_language_in_lowercase_where_the_language_does(
    client, make_library_item, page_language, item_language, note
):
    item = make_library_item(title="Caderno", language=item_language)
    html = client.get(f"/{page_language}/library/{item.slug}/").content.decode()
    assert note in html


def test_it_names_each_language_in_itself_in_the_switcher(client):
    html = client.get("/es/").content.decode()
    switcher = html[html.index('class="language-switcher"') :]
    names = re.findall(r'<span class="language-switcher__name">([^<]+)</span>', switcher)
    assert names == ["Português", "Español", "English"]
