"""The list page's cards and facets name terms, kinds and places in the page's language, as they
are now: names are worked out once a page, never kept from one render to the next."""

import pytest

from initiatives import labels
from initiatives.models import Sector, Theme

pytestmark = pytest.mark.django_db


def rename(term, name: str) -> None:
    term.name = term.name_en = term.name_es = term.name_pt_br = name
    term.save()


@pytest.mark.parametrize("language", ["pt-br", "es", "en"])
def test_it_shows_a_renamed_sector_family_and_theme_on_the_next_render(client, make_initiative, language):
    make_initiative(name="Mel", country="BR", sectors=["beekeeping"], themes=["sustainability"])
    assert client.get(f"/{language}/initiatives/").status_code == 200
    sector = Sector.objects.select_related("family").get(slug="beekeeping")
    rename(sector, "Apicultura renovada")
    rename(sector.family, "Família renovada")
    rename(Theme.objects.get(slug="sustainability"), "Sustentabilidade renovada")

    html = client.get(f"/{language}/initiatives/").content.decode()

    assert '<ul class="tags"' in html
    assert "<li>Apicultura renovada</li>" in html
    assert '<li class="tags__theme">Sustentabilidade renovada</li>' in html
    assert '>Apicultura renovada <span class="count">1</span></label>' in html
    assert '>Família renovada <span class="count">1</span></label>' in html
    assert '>Sustentabilidade renovada <span class="count">1</span></label>' in html


def test_it_names_a_cards_terms_kind_country_and_status_in_each_pages_language(client, make_initiative):
    make_initiative(
        name="Mel", country="BR", kind="cluster", status="inactive", regions=["BR-PE"], sectors=["beekeeping"]
    )
    meta, tags, facets = {}, {}, {}
    for language in ("es", "en", "es"):
        html = client.get(f"/{language}/initiatives/").content.decode()
        meta[language] = html.split('<p class="card__meta">')[1].split("</p>")[0]
        tags[language] = html.split('<ul class="tags" aria-label="')[1].split("</ul>")[0]
        facets[language] = html.split('<label for="f-country-1">')[1].split(" <span")[0]
    assert facets == {"es": "Brasil", "en": "Brazil"}
    assert meta == {
        "es": "Iniciativa clúster · Brasil · Pernambuco · Inactiva",
        "en": "Cluster initiative · Brazil · Pernambuco · Inactive",
    }
    assert tags["es"].startswith("Sectores y temas")
    assert tags["en"].startswith("Sectors and themes")
    assert Sector.objects.get(slug="beekeeping").name_es in tags["es"]
    assert Sector.objects.get(slug="beekeeping").name_en in tags["en"]


def test_it_keeps_a_bounded_number_of_facet_names_whatever_values_visitors_choose():
    vocabularies = {"sector": {}}
    for n in range(labels.NAMED_MAX + 500):
        assert labels.named_value("sector", f"made-up-{n}", vocabularies) == (f"made-up-{n}", f"made up {n}")
    assert 0 < len(labels._named[0][1]) <= labels.NAMED_MAX
