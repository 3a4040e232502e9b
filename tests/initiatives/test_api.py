import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from initiatives.models import Initiative, Municipality, Program

from ..throttle import fresh_throttle_counts  # noqa: F401  (autouse)

pytestmark = pytest.mark.django_db

LIST = "/api/initiatives/"
PUBLIC_LIST_FIELDS = {
    "url", "page_url", "slug", "name", "display_name", "language", "kind", "status", "country", "country_name",
    "regions", "territory", "latitude", "longitude", "location_precision", "sectors", "families", "specialisation", "themes", "program", "route",
    "managing_organisation", "year_started", "member_count", "website", "updated",
}  # fmt: skip
PRIVATE_FIELDS = {"internal_notes", "name_key", "search_text", "is_published"}


def slugs(client, query="", **headers):
    response = client.get(LIST + query, headers=headers)
    assert response.status_code == 200, response.content
    return [row["slug"] for row in response.json()["results"]]


@pytest.fixture
def catalogue(make_initiative, rota_do_mel):
    """A small catalogue across countries, kinds, vocabularies and places, plus a draft."""
    fortaleza = Municipality.objects.get(code="2304400")
    return {
        "mel": make_initiative(
            name="Polo do Mel do Sertão Central", slug="mel", country="BR", kind="rotas_polo", route=rota_do_mel,
            regions=["BR-CE"], municipalities=[fortaleza], latitude=-5.2, longitude=-39.3, sectors=["beekeeping"],
            internal_notes="staff only: do not publish", member_count=40,
        ),
        "cafe": make_initiative(
            name="Clúster de Café de Nariño", slug="cafe", country="CO", kind="cluster", regions=["CO-NAR"],
            latitude=1.2, longitude=-77.3, themes=["digital-transformation"], status="inactive",
        ),
        "software": make_initiative(
            name="Software Jalisco", slug="software", country="MX", kind="tech_park", latitude=20.7, longitude=-103.4,
        ),
        "draft": make_initiative(name="Borrador secreto", slug="draft", country="CO", is_published=False),
    }  # fmt: skip


def test_it_lists_published_initiatives_paginated_with_public_fields_only(client, catalogue):
    response = client.get(LIST)
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"count", "next", "previous", "results"}
    assert body["count"] == 3
    assert [row["slug"] for row in body["results"]] == ["cafe", "mel", "software"]
    for row in body["results"]:
        assert set(row) == PUBLIC_LIST_FIELDS
    assert "staff only" not in response.content.decode()


def test_it_paginates_with_page_and_page_size(client, catalogue):
    body = client.get(LIST + "?page_size=2").json()
    assert len(body["results"]) == 2 and body["previous"] is None
    assert body["next"].endswith("/api/initiatives/?page=2&page_size=2")
    second = client.get(LIST + "?page_size=2&page=2").json()
    assert [row["slug"] for row in second["results"]] == ["software"]
    assert client.get(LIST + "?page=9").status_code == 404


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("?q=cafe narino", ["cafe"]),
        ("?q=SERTAO", ["mel"]),
        ("?q=fortaleza", ["mel"]),  # municipality names are searched too
        ("?country=BR", ["mel"]),
        ("?country=co&country=mx", ["cafe", "software"]),
        ("?region=BR-CE", ["mel"]),
        ("?region=CO-NAR&region=BR-CE", ["cafe", "mel"]),
        ("?kind=tech_park", ["software"]),
        ("?kind=cluster&kind=rotas_polo", ["cafe", "mel"]),
        ("?sector=beekeeping", ["mel"]),
        ("?theme=digital-transformation", ["cafe"]),
        ("?program=rotas-de-integracao-nacional", ["mel"]),
        ("?route=rota-do-mel", ["mel"]),
        ("?status=inactive", ["cafe"]),
        ("?status=active", ["mel", "software"]),
        ("?bbox=-80,-10,-35,5", ["cafe", "mel"]),
        ("?ordering=-name", ["software", "mel", "cafe"]),
        ("?ordering=country", ["mel", "cafe", "software"]),
        ("?ordering=-country", ["software", "cafe", "mel"]),
        ("?ordering=created", ["mel", "cafe", "software"]),
        ("?ordering=-created", ["software", "cafe", "mel"]),
        ("?country=CO&status=active", []),
    ],
)
def test_it_filters_with_every_parameter_of_the_pages(client, catalogue, query, expected):
    assert slugs(client, query) == expected


def test_it_never_lists_drafts_whatever_the_filter(client, catalogue):
    assert "draft" not in slugs(client, "?q=borrador")
    assert "draft" not in slugs(client, "?country=CO")


@pytest.mark.parametrize(
    ("query", "parameter", "fragment"),
    [
        ("?country=XX", "country", "XX"),
        ("?region=ZZ-ZZ", "region", "ZZ-ZZ"),
        ("?kind=castle", "kind", "castle"),
        ("?sector=nope", "sector", "nope"),
        ("?theme=nope", "theme", "nope"),
        ("?program=nope", "program", "nope"),
        ("?route=nope", "route", "nope"),
        ("?status=sleeping", "status", "sleeping"),
        ("?ordering=price", "ordering", "price"),
        ("?bbox=1,2,3", "bbox", "four numbers"),
        ("?bbox=10,0,-10,5", "bbox", "min_lon"),
        ("?lang=fr", "lang", "pt-br, es, en"),
        ("?q=" + "x" * 201, "q", "200"),
    ],
)
def test_it_rejects_invalid_values_with_a_message_per_parameter(client, catalogue, query, parameter, fragment):
    response = client.get(LIST + query, headers={"accept-language": "en"})
    assert response.status_code == 400
    errors = response.json()
    assert list(errors) == [parameter]
    assert fragment in " ".join(errors[parameter])


def test_it_reports_every_invalid_parameter_at_once(client, catalogue):
    response = client.get(LIST + "?country=XX&kind=castle&bbox=a")
    assert response.status_code == 400
    assert set(response.json()) == {"country", "kind", "bbox"}


def test_it_expands_one_initiative(client, catalogue, rota_do_mel):
    response = client.get("/api/initiatives/mel/?lang=en")
    assert response.status_code == 200
    body = response.json()
    assert body["regions"] == [{"code": "BR-CE", "name": "Ceará", "country": "BR"}]
    [fortaleza] = body["municipalities"]
    assert {k: fortaleza[k] for k in ("code", "name", "region", "country")} == {
        "code": "2304400", "name": "Fortaleza", "region": "BR-CE", "country": "BR",
    }  # fmt: skip
    assert isinstance(fortaleza["latitude"], float)
    assert body["route"]["slug"] == "rota-do-mel" and body["route"]["program"] == rota_do_mel.program.slug
    assert body["program"]["slug"] == rota_do_mel.program.slug
    assert body["sectors"][0]["slug"] == "beekeeping"
    assert body["country_name"] == "Brazil"
    assert body["page_url"] == "http://testserver/en/initiatives/mel/"
    assert body["url"] == "http://testserver/api/initiatives/mel/"
    assert not PRIVATE_FIELDS & set(body)
    assert "staff only" not in response.content.decode()


def test_it_answers_404_for_drafts_and_unknown_slugs(client, catalogue):
    assert client.get("/api/initiatives/draft/").status_code == 404
    assert client.get("/api/initiatives/nothing-here/").status_code == 404


def test_it_names_countries_in_the_requested_language(client, catalogue):
    def country_name(**kwargs):
        return client.get("/api/initiatives/mel/", **kwargs).json()["country_name"]

    assert country_name(data={"lang": "en"}) == "Brazil"
    assert country_name(data={"lang": "es"}) == "Brasil"
    assert country_name(headers={"accept-language": "en"}) == "Brazil"
    response = client.get("/api/initiatives/?lang=en")
    assert response["Content-Language"] == "en"


def count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_it_lists_and_details_in_a_constant_number_of_queries(client, make_initiative, rota_do_mel):
    fortaleza, sobral = Municipality.objects.filter(code__in=["2304400", "2312908"])

    def add(n):
        for _ in range(n):
            make_initiative(
                route=rota_do_mel, country="BR", regions=["BR-CE", "BR-PI"], municipalities=[fortaleza, sobral],
                sectors=["beekeeping"], themes=["digital-transformation"],
            )  # fmt: skip

    add(2)
    few = count_queries(client, LIST)
    detail_few = count_queries(client, f"/api/initiatives/{Initiative.objects.first().slug}/")
    add(8)
    assert count_queries(client, LIST) == few
    assert count_queries(client, f"/api/initiatives/{Initiative.objects.last().slug}/") == detail_few


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_it_is_read_only(client, catalogue, method):
    for url in (LIST, "/api/initiatives/mel/", "/api/sectors/", "/api/initiatives.csv"):
        assert getattr(client, method)(url).status_code == 405
    assert Initiative.objects.count() == 4


def test_it_answers_head_and_options(client, catalogue):
    assert client.head(LIST).status_code == 200
    for url in (LIST, "/api/initiatives/mel/", "/api/countries/", "/api/initiatives.csv", "/api/initiatives.xlsx"):
        response = client.options(url)
        assert response.status_code == 200 and response["Content-Type"] == "application/json", url


def test_it_counts_published_initiatives_per_vocabulary_term(client, catalogue, make_initiative):
    make_initiative(
        country="CO", is_published=False, sectors=["beekeeping"], themes=["digital-transformation"], regions=["CO-NAR"]
    )

    def counts(endpoint, key):
        response = client.get(f"/api/{endpoint}/")
        assert response.status_code == 200
        return {row[key]: row["initiative_count"] for row in response.json()}

    assert counts("sectors", "slug")["beekeeping"] == 1
    assert counts("themes", "slug")["digital-transformation"] == 1
    assert counts("routes", "slug")["rota-do-mel"] == 1
    assert counts("programs", "slug")["rotas-de-integracao-nacional"] == 1
    regions = counts("regions", "code")
    assert regions["CO-NAR"] == 1 and regions["BR-CE"] == 1 and regions["BR-SP"] == 0
    countries = counts("countries", "code")
    assert countries["CO"] == 1 and countries["BR"] == 1 and countries["MX"] == 1 and countries["UY"] == 0
    assert len(countries) == 33


def test_it_describes_vocabulary_terms(client, catalogue):
    route = next(r for r in client.get("/api/routes/?lang=pt-br").json() if r["slug"] == "rota-do-mel")
    assert route == {
        "slug": "rota-do-mel", "name": "Rota do Mel", "program": "rotas-de-integracao-nacional",
        "sector": route["sector"], "initiative_count": 1,
    }  # fmt: skip
    program = client.get("/api/programs/").json()[0]
    assert set(program) == {"slug", "name", "owner", "country", "website", "initiative_count"}
    assert Program.objects.filter(slug=program["slug"]).exists()
    country = next(c for c in client.get("/api/countries/?lang=en").json() if c["code"] == "BR")
    assert country == {"code": "BR", "name": "Brazil", "initiative_count": 1}


def test_it_answers_vocabularies_in_one_query(client, catalogue):
    for endpoint in ("sectors", "themes", "programs", "routes", "regions", "countries"):
        assert count_queries(client, f"/api/{endpoint}/") == 1, endpoint


def test_it_narrows_regions_to_a_country(client, catalogue):
    codes = {row["code"] for row in client.get("/api/regions/?country=br").json()}
    assert len(codes) == 27 and "BR-CE" in codes
    response = client.get("/api/regions/?country=XX")
    assert response.status_code == 400 and list(response.json()) == ["country"]


def test_it_throttles_anonymous_clients_with_retry_after(client, catalogue, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "3/min", "exports": "1/min"},
    }
    # Different pages: a repeat of the same one is served from the page cache without reaching
    # the API (catalogue.http_cache), so it costs nothing worth limiting.
    assert [client.get(f"{LIST}?page_size={n}").status_code for n in (1, 2, 3)] == [200, 200, 200]
    response = client.get(LIST)
    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 60
    assert response.json()["detail"]
    other_client = client.get(LIST, REMOTE_ADDR="10.0.0.9")
    assert other_client.status_code == 200


def test_it_throttles_exports_more_strictly(client, catalogue, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "100/min", "exports": "1/min"},
    }
    assert client.get("/api/initiatives.csv").status_code == 200
    response = client.get("/api/initiatives.xlsx")
    assert response.status_code == 429 and int(response["Retry-After"]) > 0
    assert client.get(LIST).status_code == 200


def test_it_ignores_forwarded_for_headers_when_counting(client, catalogue, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "1/min", "exports": "1/min"},
    }
    assert client.get(LIST, headers={"x-forwarded-for": "1.1.1.1"}).status_code == 200
    assert client.get(LIST + "?page=1", headers={"x-forwarded-for": "2.2.2.2"}).status_code == 429


def test_it_allows_cross_origin_reads_of_the_api_only(client, catalogue):
    response = client.get(LIST, headers={"origin": "https://maps.example.org"})
    assert response["Access-Control-Allow-Origin"] == "*"
    preflight = client.options(
        LIST, headers={"origin": "https://maps.example.org", "access-control-request-method": "GET"}
    )
    assert preflight.status_code == 200
    assert preflight["Access-Control-Allow-Origin"] == "*"
    assert set(preflight["Access-Control-Allow-Methods"].split(", ")) == {"GET", "HEAD", "OPTIONS"}
    csv = client.get("/api/initiatives.csv", headers={"origin": "https://maps.example.org"})
    assert csv["Access-Control-Allow-Origin"] == "*"
    page = client.get("/en/", headers={"origin": "https://maps.example.org"})
    assert "Access-Control-Allow-Origin" not in page


@pytest.mark.parametrize("slug", ["not%20a%20slug", "%C2%84", "a/b", "%00", "%0A", "a%0Ab"])
def test_it_answers_json_404_for_any_missing_initiative(client, catalogue, slug):
    response = client.get(f"/api/initiatives/{slug}/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"


@pytest.mark.usefixtures("english")
def test_it_answers_json_404_for_any_address_under_the_api_and_html_elsewhere(client):
    # A newline matches no route at all (schemathesis found it): the handler, not a view, answers.
    for url in ("/api/nothing-here/", "/api/initiatives/a%0Ab/"):
        response = client.get(url)
        assert response.status_code == 404 and response["Content-Type"] == "application/json", url
        assert response.json() == {"detail": "No published initiative or page with this address."}
    page = client.get("/en/nothing-here/")
    assert page.status_code == 404 and page["Content-Type"].startswith("text/html")


@pytest.mark.parametrize(
    "parameter", ["q", "country", "region", "kind", "sector", "theme", "program", "route", "status", "bbox", "lang"]
)
def test_it_never_fails_on_nul_characters(client, catalogue, parameter):
    # PostgreSQL refuses NUL in text: such values must be rejected or ignored, never reach a query.
    for url in (LIST, "/api/initiatives.csv", "/api/regions/"):
        response = client.get(f"{url}?{parameter}=a%00b")
        assert response.status_code in (200, 400), (url, parameter)


@pytest.mark.parametrize("empty", ["country=", "country=&kind=", "region=", "q=&ordering=", "lang=", "bbox=%20"])
@pytest.mark.parametrize(
    "path", ["/api/initiatives/", "/api/initiatives.csv", "/api/initiatives.xlsx", "/api/initiatives.geojson"]
)
def test_it_treats_an_empty_parameter_as_an_absent_one(client, catalogue, path, empty):
    plain, with_empty = client.get(path), client.get(f"{path}?{empty}")
    assert with_empty.status_code == plain.status_code == 200
    assert (
        with_empty["Content-Disposition" if "Content-Disposition" in plain else "Content-Type"]
        == (plain["Content-Disposition" if "Content-Disposition" in plain else "Content-Type"])
    )
    if path.endswith(("/", ".geojson")):
        assert with_empty.json() == plain.json()


def test_it_lists_every_region_for_an_empty_country(client, catalogue):
    everything = client.get("/api/regions/")
    assert client.get("/api/regions/?country=").json() == everything.json()
    assert client.get("/api/regions/?country=br").json() == [
        region for region in everything.json() if region["code"].startswith("BR-")
    ]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", 3),
        ("?page_size=2&lang=es&ordering=-name", 3),
        ("?q=mel", 1),
        ("?q=zzzz", 0),
        ("?country=CO", 1),
        ("?country=CO&country=BR", 2),
        ("?kind=cluster", 1),
        ("?country=CO&kind=cluster", 1),
    ],
)
def test_it_counts_with_no_count_query_when_the_total_is_known(client, catalogue, query, expected):
    # The whole catalogue's, each country's and each kind's totals are kept by the database, a search's matches
    # were read once: only a narrower selection needs a COUNT (and only once per catalogue version).
    with CaptureQueriesContext(connection) as queries:
        response = client.get(LIST + query)
    assert response.status_code == 200 and response.json()["count"] == expected
    counted = [q["sql"] for q in queries if "COUNT(" in q["sql"].upper()]
    assert bool(counted) == ("&kind" in query), counted
