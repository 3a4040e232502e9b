import pytest

from initiatives.models import Route, Sector, Theme

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
    assert figures == {"initiatives": 2, "countries": 2, "members": 42, "members_stated": 2, "rotas_polos": 1}


def test_it_caches_the_home_figures_until_the_catalogue_changes(
    client, make_initiative, django_assert_num_queries, settings
):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 0  # the figures' own cache, without the rendered page's in front
    make_initiative(country="CO", sectors=["cocoa"], themes=["sustainability"])
    client.get("/en/")
    with django_assert_num_queries(0):
        response = client.get("/en/")
    assert response.context["figures"]["initiatives"] == 1
    make_initiative(country="PE", sectors=["cocoa"])
    response = client.get("/en/")
    assert response.context["figures"]["initiatives"] == 2
    assert [(code, n) for code, _name, n in response.context["countries"]] == [("CO", 1), ("PE", 1)]
    assert [(s.slug, n) for s, n in response.context["sectors"]] == [("cocoa", 2)]


def test_it_answers_the_home_page_with_a_constant_number_of_queries(client, make_initiative, django_assert_num_queries):
    for n in range(20):
        make_initiative(country=["BR", "CO"][n % 2], sectors=["cocoa", "ict"], themes=["sustainability"])
    # figures and, apart, countries, sectors and themes read from the kept counts (then the slugs
    # of the sectors and themes counted, in one statement); the themes with anything published; the vocabularies'
    # token and the four vocabularies for their names; the hub's latest news, next events and
    # (none ahead) past events; the latest open opportunities
    with django_assert_num_queries(13):
        response = client.get("/en/")
    html = response.content.decode()
    assert 'href="/en/countries/CO/">Colombia</a> <span class="count">10</span>' in html
    assert (
        'href="/en/themes/sustainability/">Sustainability and energy transition</a> <span class="count">20</span>'
        in html
    )


def test_it_says_how_many_initiatives_a_partial_figure_covers(client, make_initiative):
    make_initiative(member_count=700)
    make_initiative(member_count=10)
    make_initiative()
    html = client.get("/en/").content.decode()
    assert "in the 2 initiatives that state it" in html
    assert "<dd>710</dd>" in html


def test_it_leaves_out_a_figure_no_initiative_states(client, make_initiative):
    make_initiative()
    html = client.get("/en/").content.decode()
    assert "Firms or producers involved" not in html


def test_it_offers_only_themes_and_sectors_with_something_published(client, make_initiative, make_library_item):
    make_initiative(sectors=["cocoa"], themes=["sustainability"])
    make_initiative(sectors=["dairy"], themes=["governance"], is_published=False)
    make_library_item(themes=["market-access"])
    make_library_item(themes=["finance-investment"], is_published=False)
    response = client.get("/en/")
    assert {t.slug for t, _n in response.context["themes"]} == {"sustainability", "market-access"}
    assert [s.slug for s, _n in response.context["sectors"]] == ["cocoa"]
    assert client.get("/en/themes/governance/").status_code == 200  # hidden, still answering
    assert set(Theme.objects.with_published().values_list("slug", flat=True)) == {"sustainability", "market-access"}
    assert list(Sector.objects.with_published().values_list("slug", flat=True)) == ["cocoa"]
    assert not Route.objects.with_published().exists()
