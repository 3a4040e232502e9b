"""A facet's options written by the `facet_options` tag are, byte for byte, what the sidebar's
template loop wrote, for the cases the list's snapshots do not hold: chosen values and sectors,
a family of one sector, sectors of no family, markup in labels, the hub's own option class."""

import pytest
from django.template import engines
from django.utils import translation
from django.utils.safestring import mark_safe

from hub.facets import FacetOption as HubOption
from initiatives.facets import Facet, FacetOption

# The sidebar's option loop as it was written in template nodes (before the tag).
LOOP = """{% load i18n %}{% for option in facet.options %}
          <li>
            {% if option.value %}
            <input type="checkbox" name="{{ facet.name }}" value="{{ option.value }}" id="f-{{ facet.name }}-{{ forloop.counter }}"{% if option.selected %} checked{% endif %}>
            <label for="f-{{ facet.name }}-{{ forloop.counter }}">{{ option.label }} <span class="count">{{ option.count }}</span></label>
            {% endif %}
            {% if option.children %}
            <details class="facet__group"{% if option.has_selected_child or not option.value %} open{% endif %}>
              <summary>{% if option.value %}{% blocktranslate count counter=option.children|length %}{{ counter }} sector{% plural %}{{ counter }} sectors{% endblocktranslate %}<span class="visually-hidden">: {{ option.label }}</span>{% else %}{{ option.label }}{% endif %}</summary>
              <ul>
                {% for child in option.children %}
                <li>
                  <input type="checkbox" name="sector" value="{{ child.value }}" id="f-sector-{{ forloop.parentloop.counter }}-{{ forloop.counter }}"{% if child.selected %} checked{% endif %}>
                  <label for="f-sector-{{ forloop.parentloop.counter }}-{{ forloop.counter }}">{{ child.label }} <span class="count">{{ child.count }}</span></label>
                </li>
                {% endfor %}
              </ul>
            </details>
            {% endif %}
          </li>
          {% endfor %}"""
TAG = "{% load facet_tags %}{% facet_options facet %}"


def option(value, label, count=0, selected=False, children=()):
    return FacetOption(value=value, label=label, count=count, selected=selected, children=list(children))


FACETS = {
    "countries": Facet(
        name="country",
        label="Country",
        options=[option("BR", "Brazil", 1200, selected=True), option("CO", "Colombia", 0), option("MX", "México", 7)],
    ),
    "families": Facet(
        name="family",
        label="Sector",
        options=[
            option("agri", "Agri & food <fresh>", 18, children=[option("honey", "Honey", 12, selected=True)]),
            option(
                "tech",
                'Tech "digital"',
                3,
                selected=True,
                children=[option("sw", "Software", 2), option("hw", "Hardware", 1)],
            ),
            option("", "Other sectors", children=[option("misc", "Misc. & more", 4)]),
        ],
    ),
    "markup": Facet(
        name="theme",
        label="Theme",
        options=[option("safe", mark_safe("<b>kept</b>"), 1), option("x'y", "<script>", 2)],
    ),
    "hub": Facet(
        name="topic",
        label="Topic",
        options=[
            HubOption(value="ai", label="AI", count=5, selected=True),
            HubOption(value="bio", label="Bio", count=0, selected=False),
        ],
    ),
    "empty": Facet(name="status", label="Status", options=[]),
}


@pytest.mark.parametrize("language", ["pt-br", "es", "en"])
@pytest.mark.parametrize("name", FACETS)
def test_it_writes_the_options_as_the_template_loop_did(name, language):
    engine = engines["django"]
    with translation.override(language):
        expected = engine.from_string(LOOP).render({"facet": FACETS[name]})
        written = engine.from_string(TAG).render({"facet": FACETS[name]})
    assert written == expected


def test_it_names_a_familys_sectors_in_the_pages_language():
    families = FACETS["families"]
    with translation.override("es"):
        written = engines["django"].from_string(TAG).render({"facet": families})
    assert "<summary>1 sector<" in written
    assert "<summary>2 sectores<" in written
    assert 'id="f-sector-2-2"' in written
    assert '<input type="checkbox" name="sector" value="honey" id="f-sector-1-1" checked>' in written
