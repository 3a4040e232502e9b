import pytest

pytestmark = pytest.mark.django_db


def test_it_lists_every_public_page_in_each_language(client, make_initiative):
    make_initiative(name="Cacao", slug="cacao-co", country="CO")
    make_initiative(name="Secret", slug="secret-draft", country="AR", is_published=False)
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    xml = response.content.decode()
    for url in [
        "http://testserver/pt-br/", "http://testserver/es/initiatives/", "http://testserver/en/initiatives/cacao-co/",
        "http://testserver/es/countries/CO/", "http://testserver/pt-br/rotas/rota-do-mel/",
        "http://testserver/en/themes/sustainability/",
    ]:  # fmt: skip
        assert f"<loc>{url}</loc>" in xml, url
    assert 'hreflang="es" href="http://testserver/es/initiatives/cacao-co/"' in xml
    assert 'hreflang="x-default"' in xml
    assert "secret-draft" not in xml
    assert "/countries/AR/" not in xml


def test_it_serves_the_cached_sitemap_until_the_catalogue_changes(client, make_initiative, django_assert_num_queries):
    make_initiative(name="Cacao", slug="cacao-co", country="CO")
    first = client.get("/sitemap.xml")
    with django_assert_num_queries(0):
        assert client.get("/sitemap.xml").content == first.content
    make_initiative(name="Maíz", slug="maiz-mx", country="MX")
    assert "/en/initiatives/maiz-mx/" in client.get("/sitemap.xml").content.decode()
    assert client.get("/sitemap.xml?p=99").status_code == 404
