import json
import re

import pytest
import schemathesis
from django.contrib.staticfiles import finders
from django.core import signals
from django.core.management import call_command
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from openapi_spec_validator import validate
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from catalogue.wsgi import application

from ..throttle import fresh_throttle_counts  # noqa: F401  (autouse)

pytestmark = pytest.mark.django_db

SCHEMA_URL = "/api/schema/?format=json"


@pytest.fixture
def one_of_each(make_initiative, rota_do_mel):
    make_initiative(
        name="Polo do Mel", slug="polo-do-mel", country="BR", kind="rotas_polo", route=rota_do_mel,
        regions=["BR-CE"], sectors=["beekeeping"], themes=["market-access"],
    )  # fmt: skip
    make_initiative(name="Clúster de Café", slug="cafe", country="CO", regions=["CO-NAR"])
    make_initiative(name="Borrador", slug="borrador", is_published=False)


def test_it_generates_the_schema_without_warnings_and_drf_spectacular_validates_it(tmp_path):
    target = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))
    assert "/api/initiatives/{slug}/:" in target.read_text()


def test_it_serves_an_openapi_3_schema_that_validates(client):
    response = client.get(SCHEMA_URL)
    assert response.status_code == 200
    schema = json.loads(response.content)
    validate(schema)  # openapi-spec-validator: raises on any violation of OpenAPI 3
    assert schema["openapi"].startswith("3.")
    assert client.get("/api/schema/").status_code == 200  # YAML by default


def test_it_describes_every_parameter(client):
    schema = json.loads(client.get(SCHEMA_URL).content)
    for path, operations in schema["paths"].items():
        for operation in operations.values():
            for parameter in operation.get("parameters", []):
                assert parameter.get("description"), (path, parameter["name"])
    names = {p["name"] for p in schema["paths"]["/api/initiatives/"]["get"]["parameters"]}
    assert names == {
        "q", "country", "region", "kind", "family", "sector", "theme", "program", "route", "status", "bbox", "ordering",
        "lang", "page", "page_size",
    }  # fmt: skip
    csv_names = {p["name"] for p in schema["paths"]["/api/initiatives.csv"]["get"]["parameters"]}
    assert csv_names == names - {"page", "page_size"}


def test_it_whitelists_the_same_orderings_as_the_filterset(client):
    from initiatives.filters import InitiativeFilterSet

    schema = json.loads(client.get(SCHEMA_URL).content)
    [ordering] = [p for p in schema["paths"]["/api/initiatives/"]["get"]["parameters"] if p["name"] == "ordering"]
    choices = [value for value, _label in InitiativeFilterSet.base_filters["ordering"].extra["choices"]]
    assert sorted(ordering["schema"]["enum"]) == sorted(choices)


def test_it_answers_every_path_of_the_schema(client, one_of_each):
    schema = json.loads(client.get(SCHEMA_URL).content)
    assert len(schema["paths"]) == 13  # the two GeoJSON feeds joined the vocabularies and exports
    for path in schema["paths"]:
        url = re.sub(r"\{slug\}", "polo-do-mel", path)
        response = client.get(url)
        assert response.status_code == 200, (url, response.content[:200])
        assert client.head(url).status_code == 200, url


def test_it_serves_the_docs_page_from_vendored_files_without_inline_scripts(client):
    response = client.get("/api/docs/", headers={"accept-language": "en"}, follow=True)
    assert response.redirect_chain == [("/en/api/docs/", 302)] and response.status_code == 200
    html = response.content.decode()
    assert 'data-schema-url="/api/schema/?format=json&amp;lang=en"' in html
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", html, re.S)
    assert scripts and all('src="/static/' in attributes and not body.strip() for attributes, body in scripts)
    assert "swagger-ui/swagger-ui-bundle.js" in html and "api/docs.js" in html
    for name in ("swagger-ui-bundle.js", "swagger-ui.css", "LICENSE"):
        assert finders.find(f"vendor/swagger-ui/{name}"), name
    assert "//" not in re.sub(r'(href|src)="/[^/"][^"]*"', "", html).split("<body", 1)[1].replace("://", "")


def generated_schema() -> dict:
    """The schema the API serves, generated when the module is collected: that reads no database,
    whereas a request would (every public GET first reads the catalogue version)."""
    from drf_spectacular.generators import SchemaGenerator

    return json.loads(json.dumps(SchemaGenerator().get_schema(request=None, public=True), default=str))


schema = schemathesis.openapi.from_dict(generated_schema())
schema.app = application


@pytest.fixture
def wsgi_in_test_transaction():
    # Django's WSGI handler closes the database connection after each request, which would end the
    # test's transaction; Django's own test client disconnects the same handlers.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def unthrottled(settings):
    # Property-based runs send hundreds of requests: lift the throttle for them (it has its own tests).
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "100000/min", "exports": "100000/min"},
    }


@pytest.mark.slow
@schema.parametrize()
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
def test_it_answers_generated_requests_without_server_errors_and_as_documented(
    case, one_of_each, unthrottled, wsgi_in_test_transaction
):
    case.call_and_validate(
        # The WSGI transport does not decompress: the GeoJSON feeds would answer gzip, unread.
        headers={"Accept-Encoding": "identity"},
        checks=[
            not_a_server_error,
            status_code_conformance,
            content_type_conformance,
            response_headers_conformance,
            response_schema_conformance,
        ],
    )
