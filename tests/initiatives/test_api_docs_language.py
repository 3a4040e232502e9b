"""The API docs in the page's language, and the API's 429 saying clearly how long to wait."""

import json
import re

import pytest

from ..throttle import fresh_throttle_counts  # noqa: F401  (autouse)

pytestmark = pytest.mark.django_db


def schema(client, language):
    response = client.get(f"/api/schema/?format=json&lang={language}")
    assert response.status_code == 200
    return json.loads(response.content)


def test_it_sends_api_docs_to_the_page_in_the_asked_or_accepted_language(client):
    assert client.get("/api/docs/?lang=es")["Location"] == "/es/api/docs/"
    assert client.get("/api/docs/", headers={"accept-language": "en"})["Location"] == "/en/api/docs/"
    assert client.get("/api/docs/?lang=xx", headers={"accept-language": "es"})["Location"] == "/es/api/docs/"


def test_it_links_each_language_of_the_docs_to_its_own_docs(client):
    html = client.get("/es/api/docs/").content.decode()
    links = set(re.findall(r'href="(/(?:pt-br|es|en)/api/docs/)"', html))
    assert links == {"/pt-br/api/docs/", "/es/api/docs/", "/en/api/docs/"}
    assert 'data-schema-url="/api/schema/?format=json&amp;lang=es"' in html


def test_it_gives_the_schema_title_descriptions_tags_and_parameters_in_the_docs_language(client):
    spanish, english = schema(client, "es"), schema(client, "en")
    assert spanish["info"]["title"] == "Catálogo ALC: API de datos abiertos"
    assert english["info"]["title"] == "LAC catalogue: Open data API"
    assert spanish["info"]["description"].startswith("Las iniciativas publicadas, con los mismos filtros")
    operation = spanish["paths"]["/api/initiatives/"]["get"]
    assert operation["tags"] == ["Iniciativas"]
    assert spanish["paths"]["/api/initiatives.csv"]["get"]["tags"] == ["Iniciativas"]
    assert spanish["paths"]["/api/countries/"]["get"]["tags"] == ["Países"]
    assert english["paths"]["/api/countries/"]["get"]["tags"] == ["Countries"]
    lang = next(p for p in operation["parameters"] if p["name"] == "lang")
    assert lang["description"].startswith("Idioma de los nombres y etiquetas")


@pytest.fixture
def one_export_a_minute(settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "100/min", "exports": "1/min"},
    }


def test_it_answers_a_program_over_its_export_budget_with_clear_json(client, one_export_a_minute):
    assert client.get("/api/initiatives.csv").status_code == 200
    response = client.get("/api/initiatives.csv?lang=en")
    assert response.status_code == 429 and response["Content-Type"] == "application/json"
    wait = int(response["Retry-After"])
    assert response.json() == {"detail": f"Too many requests from your address. Wait {wait} seconds and try again."}
    portuguese = client.get("/api/initiatives.csv", headers={"accept-language": "pt-br"})
    assert portuguese.status_code == 429 and "diponível" not in portuguese.json()["detail"]


def test_it_answers_a_person_over_the_export_budget_with_a_page_of_the_site(client, one_export_a_minute):
    browser = {"accept": "text/html,application/xhtml+xml,*/*;q=0.8", "accept-language": "en"}
    assert client.get("/api/initiatives.xlsx", headers=browser).status_code == 200
    response = client.get("/api/initiatives.xlsx", headers=browser)
    assert response.status_code == 429 and response["Content-Type"].startswith("text/html")
    assert int(response["Retry-After"]) > 0
    html = response.content.decode()
    assert "<h1>Too many requests</h1>" in html and "Wait " in html and 'lang="en"' in html


def test_it_describes_every_operation_in_the_docs_language(client):
    english = schema(client, "en")
    for language in ("pt-br", "es"):
        translated = schema(client, language)
        for path, operations in english["paths"].items():
            for method, operation in operations.items():
                other = translated["paths"][path][method]
                assert other["description"] and other["description"] != operation["description"], (language, path)
                assert other["summary"] and other["summary"] != operation["summary"], (language, path)
        errors = translated["paths"]["/api/countries/"]["get"]["responses"]["400"]["content"]["application/json"]
        assert errors["schema"]["description"] != "One list of messages per invalid query parameter."
