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
