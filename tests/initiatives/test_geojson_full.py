"""/api/initiatives.full.geojson: the map's collection with each feature's page, sectors, families,
regions and Rota, for GIS tools; the map's own feed stays slim. No GDAL here: the collection is
checked strictly against RFC 7946 and the flat properties GDAL maps to fields."""

import json

import pytest
from django.core.cache import cache

pytestmark = pytest.mark.django_db
FULL = "/api/initiatives.full.geojson"
SLIM = "/api/initiatives.geojson"
SCALAR = (str, int, float, bool, type(None))


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


def collection(client, url, query=""):
    response = client.get(f"{url}?{query}")
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/geo+json"
    return json.loads(response.content)


def assert_strict_geojson(body):
    """RFC 7946: a FeatureCollection of Features with a Point of two finite WGS 84 numbers; the
    properties flat, arrays holding only strings (GDAL reads them as StringList fields)."""
    assert body["type"] == "FeatureCollection" and isinstance(body["features"], list)
    for feature in body["features"]:
        assert set(feature) == {"type", "geometry", "properties"} and feature["type"] == "Feature"
        geometry = feature["geometry"]
        assert geometry["type"] == "Point" and len(geometry["coordinates"]) == 2
        lon, lat = geometry["coordinates"]
        assert -180 <= lon <= 180 and -90 <= lat <= 90
        for name, value in feature["properties"].items():
            if isinstance(value, list):
                assert all(isinstance(item, str) for item in value), name
            else:
                assert isinstance(value, SCALAR), name


def test_each_feature_carries_its_page_sectors_families_regions_and_rota(client, make_initiative, rota_do_mel):
    make_initiative(
        slug="mel-do-cariri", country="BR", kind="rotas_polo", route=rota_do_mel,
        sectors=["beekeeping", "coffee", "software"], regions=["BR-CE", "BR-PE"],
    )  # fmt: skip
    make_initiative(slug="plain", country="CO")
    make_initiative(slug="nowhere", latitude=None, longitude=None)
    body = collection(client, FULL, "lang=en")
    assert_strict_geojson(body)
    assert body["unlocated"] == 1
    by_slug = {f["properties"]["slug"]: f["properties"] for f in body["features"]}
    assert by_slug["mel-do-cariri"] == {
        **by_slug["mel-do-cariri"],
        "url": "http://testserver/en/initiatives/mel-do-cariri/",
        "sectors": ["beekeeping", "coffee", "software"],
        "families": ["agri-food", "digital"],
        "regions": ["BR-CE", "BR-PE"],
        "route": "rota-do-mel",
    }
    assert by_slug["plain"]["sectors"] == [] and by_slug["plain"]["route"] is None
    assert by_slug["plain"]["url"] == "http://testserver/en/initiatives/plain/"


def test_it_takes_the_same_filters_and_refuses_the_same_junk(client, make_initiative):
    make_initiative(slug="br", country="BR", sectors=["coffee"])
    make_initiative(slug="co", country="CO", sectors=["software"])
    for query in ("country=BR", "family=agri-food", "sector=software", "q=co"):
        full = [f["properties"]["slug"] for f in collection(client, FULL, query)["features"]]
        slim = [f["properties"]["slug"] for f in collection(client, SLIM, query)["features"]]
        assert full == slim, query
    response = client.get(f"{FULL}?country=ZZ&kind=junk")
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"country", "kind"}


def test_the_maps_feed_stays_slim(client, make_initiative, rota_do_mel):
    make_initiative(slug="mel", country="BR", route=rota_do_mel, sectors=["beekeeping"], regions=["BR-CE"])
    body = collection(client, SLIM)
    assert_strict_geojson(body)
    [feature] = body["features"]
    assert set(feature["properties"]) == {"slug", "name", "kind", "country", "territory", "precision"}
    assert "sectors" not in feature["properties"] and "url" not in feature["properties"]
    # Cached apart: the slim body cached first is never served as the full one, nor the reverse.
    assert "sectors" in collection(client, FULL)["features"][0]["properties"]
    assert "sectors" not in collection(client, SLIM)["features"][0]["properties"]


def test_it_reads_the_extras_in_a_constant_number_of_queries(client, make_initiative, django_assert_max_num_queries):
    for n in range(30):
        make_initiative(slug=f"i-{n}", sectors=["coffee", "cocoa"], regions=["BR-CE"])
    with django_assert_max_num_queries(8):
        body = collection(client, FULL)
    assert len(body["features"]) == 30


def test_both_feeds_are_in_the_schema_with_the_filter_parameters(client):
    schema = json.loads(client.get("/api/schema/?format=json").content)
    list_names = {p["name"] for p in schema["paths"]["/api/initiatives.csv"]["get"]["parameters"]}
    for path in ("/api/initiatives.geojson", "/api/initiatives.full.geojson"):
        operation = schema["paths"][path]["get"]
        assert {p["name"] for p in operation["parameters"]} == list_names
        assert "application/geo+json" in operation["responses"]["200"]["content"]
    full = schema["paths"]["/api/initiatives.full.geojson"]["get"]["responses"]["200"]["content"]
    feature = full["application/geo+json"]["schema"]["properties"]["features"]["items"]
    assert {"url", "sectors", "families", "regions", "route"} <= set(feature["properties"]["properties"]["required"])
