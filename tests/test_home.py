import pytest

pytestmark = pytest.mark.django_db


def test_it_redirects_the_bare_root_to_portuguese_by_default(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == "/pt-br/"


def test_it_answers_the_home_page_with_figures(client, make_initiative):
    make_initiative(country="CO", member_count=30)
    make_initiative(country="BR", kind="rotas_polo", member_count=12)
    make_initiative(country="MX", is_published=False, member_count=1000)
    response = client.get("/en/")
    assert response.status_code == 200
    figures = response.context["figures"]
    assert figures == {"initiatives": 2, "countries": 2, "members": 42, "rotas_polos": 1}
