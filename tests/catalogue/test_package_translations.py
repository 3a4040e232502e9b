"""Where an installed package's own catalogue translates a message wrongly, the page reads the
project's correction (catalogue/translation_overrides.py)."""

import pytest
from django.utils import translation
from django_countries import countries

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "language, code, name",
    [("es", "TT", "Trinidad y Tobago"), ("pt-br", "DM", "Dominica"), ("pt-br", "DO", "República Dominicana")],
)
def test_it_spells_every_country_of_the_region_right(language, code, name):
    with translation.override(language):
        assert countries.name(code) == name


def test_it_offers_the_propose_forms_countries_with_their_right_names(client, reference_data):
    html = client.get("/es/propose/").content.decode()
    assert ">Trinidad y Tobago</option>" in html


def test_the_portuguese_sign_up_page_has_no_english_left(client):
    html = client.get("/pt-br/accounts/signup/").content.decode()
    assert "sign in" not in html
    assert "E-mail" in html and "Email:" not in html


@pytest.mark.parametrize(
    "language, url, text",
    [
        ("pt-br", "/pt-br/accounts/login/", "Lembrar de mim"),
        ("es", "/es/accounts/password/reset/", "Restablecer contraseña"),
    ],
)
def test_the_account_pages_capitalise_as_their_language_does(client, language, url, text):
    assert text in client.get(url).content.decode()


def test_the_spanish_forms_say_a_required_field_is_obligatory_as_their_note_does(client, reference_data):
    html = client.post("/es/propose/", {"name": ""}).content.decode()
    assert "Los campos marcados con" in html and "son obligatorios" in html
    assert "Este campo es obligatorio." in html and "requerido" not in html
