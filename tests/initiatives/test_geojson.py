import json

import pytest
from django.core.cache import cache

from initiatives.cache import bump_catalogue_version
from initiatives.models import Initiative, Program

pytestmark = pytest.mark.django_db
URL = "/api/initiatives.geojson"


@pytest.fixture(autouse=True)
def empty_cache():
    # The cache outlives each test's rolled-back rows: start every test from nothing.
    cache.clear()
    yield
    cache.clear()


def geojson(client, query="", headers=None):
    response = client.get(f"{URL}?{query}", headers=headers)
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/geo+json"
    return json.loads(response.content)


def slugs(collection):
    return sorted(feature["properties"]["slug"] for feature in collection["features"])


def test_it_returns_a_valid_feature_collection_with_longitude_first(client, make_initiative):
    make_initiative(
        name="Cluster Lácteo de Nariño", slug="lacteo-narino", kind="cluster", country="CO",
        territory="Pasto", latitude=1.2136, longitude=-77.2811, location_precision="exact",
    )  # fmt: skip
    collection = geojson(client, "lang=en")
    assert collection["type"] == "FeatureCollection"
    assert collection["unlocated"] == 0
    [feature] = collection["features"]
    assert feature["type"] == "Feature"
    assert feature["geometry"] == {"type": "Point", "coordinates": [-77.2811, 1.2136]}
    assert feature["properties"] == {
        "slug": "lacteo-narino",
        "name": "Cluster Lácteo de Nariño",
        "kind": "cluster",
        "country": "CO",
        "territory": "Pasto",
        "precision": "exact",
    }
    # Stated once for all the features rather than in each.
    assert collection["url_template"] == "http://testserver/en/initiatives/{slug}/"
    assert collection["country_names"] == {"CO": "Colombia"}


def page_url(collection, feature) -> str:
    return collection["url_template"].replace("{slug}", feature["properties"]["slug"])


def test_it_names_each_country_of_its_features_once(client, make_initiative):
    make_initiative(slug="a", country="BR")
    make_initiative(slug="b", country="BR")
    make_initiative(slug="c", country="MX")
    make_initiative(slug="nowhere", country="AR", latitude=None, longitude=None)
    assert geojson(client, "lang=es")["country_names"] == {"BR": "Brasil", "MX": "México"}
    assert geojson(client, "lang=en&country=MX")["country_names"] == {"MX": "Mexico"}
    assert geojson(client, "lang=en&country=UY")["country_names"] == {}


def test_it_is_compact_utf8_json(client, make_initiative):
    make_initiative(name="São João", latitude=-7.123456789, longitude=-35.987654321)
    body = client.get(f"{URL}?lang=pt-br").content
    assert b", " not in body and b": " not in body
    assert "São João".encode() in body
    assert b"[-35.98765,-7.12346]" in body  # five decimals: about a metre


def test_it_localises_names_and_links_to_the_requested_language(client, make_initiative):
    make_initiative(name="Polo do Mel", language="pt-br", name_es="Polo de la Miel", slug="mel")
    make_initiative(name="Polo do Leite", language="pt-br", slug="leite")
    collection = geojson(client, "lang=es")
    features = {f["properties"]["slug"]: f for f in collection["features"]}
    assert features["mel"]["properties"]["name"] == "Polo de la Miel"
    assert features["leite"]["properties"]["name"] == "Polo do Leite"  # no Spanish name: the original
    assert page_url(collection, features["mel"]) == "http://testserver/es/initiatives/mel/"
    assert geojson(client, "lang=pt-br")["features"][0]["properties"]["name"] == "Polo do Leite"


def test_it_takes_the_language_from_the_request_without_lang(client, make_initiative):
    make_initiative(name="Polo do Mel", language="pt-br", name_en="Honey polo", slug="mel")
    collection = geojson(client, headers={"Accept-Language": "en"})
    [feature] = collection["features"]
    assert feature["properties"]["name"] == "Honey polo"
    assert page_url(collection, feature) == "http://testserver/en/initiatives/mel/"


def test_it_excludes_drafts(client, make_initiative):
    make_initiative(slug="public")
    make_initiative(slug="draft", is_published=False)
    assert slugs(geojson(client)) == ["public"]


def test_it_counts_matches_without_a_point_apart(client, make_initiative):
    make_initiative(slug="located")
    make_initiative(slug="nowhere", latitude=None, longitude=None)
    collection = geojson(client)
    assert slugs(collection) == ["located"]
    assert collection["unlocated"] == 1


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("q=mel", ["honey"]),
        ("country=BR", ["honey", "milk"]),
        ("country=br", ["honey", "milk"]),
        ("country=CO&country=BR", ["coffee", "honey", "milk"]),
        ("region=BR-CE", ["honey"]),
        ("kind=rotas_polo", ["honey", "milk"]),
        ("kind=cluster&kind=apl", ["coffee"]),
        ("sector=cocoa", ["coffee"]),
        ("theme=market-access", ["milk"]),
        ("route=rota-do-mel", ["honey"]),
        ("program=rotas-de-integracao-nacional", ["honey", "milk"]),
        ("status=inactive", ["milk"]),
        ("bbox=-80,0,-70,10", ["coffee"]),
        ("country=BR&status=active", ["honey"]),
        ("", ["coffee", "honey", "milk"]),
    ],
)
def test_it_applies_each_filter_of_the_list(client, make_initiative, rota_do_mel, query, expected):
    make_initiative(
        name="Café de Antioquia", slug="coffee", kind="cluster", country="CO", sectors=["cocoa"],
        latitude=6.25, longitude=-75.56,
    )  # fmt: skip
    make_initiative(
        name="Polo do Mel do Cariri", slug="honey", kind="rotas_polo", country="BR", route=rota_do_mel,
        regions=["BR-CE"], latitude=-7.2, longitude=-39.3,
    )  # fmt: skip
    other_route = rota_do_mel.program.routes.exclude(pk=rota_do_mel.pk).first()
    make_initiative(
        name="Polo do Leite", slug="milk", kind="rotas_polo", country="BR", route=other_route, themes=["market-access"],
        status="inactive", latitude=-21.0, longitude=-44.0,
    )  # fmt: skip
    assert slugs(geojson(client, query)) == expected


@pytest.mark.parametrize(
    ("query", "bad"),
    [
        ("country=XX", ["country"]),
        ("kind=castle", ["kind"]),
        ("region=ZZ-99", ["region"]),
        ("sector=no-such-sector&theme=no-such-theme", ["sector", "theme"]),
        ("bbox=1,2,3", ["bbox"]),
        ("bbox=10,0,-10,5", ["bbox"]),
        ("status=sleeping", ["status"]),
        ("lang=fr", ["lang"]),
        ("q=" + "x" * 201, ["q"]),
    ],
)
def test_it_answers_junk_with_a_400_naming_each_parameter(client, reference_data, query, bad):
    response = client.get(f"{URL}?{query}")
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert sorted(errors) == bad
    assert all(isinstance(message, str) and message for messages in errors.values() for message in messages)


def test_it_ignores_parameters_it_does_not_know(client, make_initiative):
    make_initiative(slug="only")
    assert slugs(geojson(client, "_=12345&page=3")) == ["only"]


def test_it_runs_a_constant_number_of_queries(client, make_initiative, rota_do_mel, django_assert_num_queries):
    for n in range(3):
        make_initiative(slug=f"a{n}", country="BR", sectors=["beekeeping"] if n else [], regions=["BR-CE"])
    with django_assert_num_queries(1):
        assert len(geojson(client, "country=BR")["features"]) == 3
    for n in range(30):
        make_initiative(slug=f"b{n}", country="BR", sectors=["beekeeping"], regions=["BR-PI"], route=rota_do_mel)
    with django_assert_num_queries(1):
        assert len(geojson(client, "country=BR")["features"]) == 33
    # Each vocabulary filter looks its terms up once, however many initiatives match.
    with django_assert_num_queries(3):
        assert len(geojson(client, "sector=beekeeping&route=rota-do-mel")["features"]) == 30


def test_it_serves_a_repeat_from_the_cache_without_touching_the_database(
    client, make_initiative, django_assert_num_queries
):
    make_initiative(slug="cached")
    first = client.get(f"{URL}?country=CO&kind=cluster").content
    with django_assert_num_queries(0):
        # Same filters in another order, with an empty one: the same cache entry.
        again = client.get(f"{URL}?kind=cluster&q=&country=CO").content
    assert again == first


def test_it_shows_an_edit_at_once(client, make_initiative):
    initiative = make_initiative(name="Old name", slug="edited")
    assert geojson(client, "lang=en")["features"][0]["properties"]["name"] == "Old name"
    initiative.name = "New name"
    initiative.save()
    assert geojson(client, "lang=en")["features"][0]["properties"]["name"] == "New name"
    initiative.is_published = False
    initiative.save()
    assert geojson(client, "lang=en")["features"] == []


def test_it_rebuilds_after_a_bulk_write_bumps_the_version(client, make_initiative):
    make_initiative(slug="first")
    assert slugs(geojson(client)) == ["first"]
    # update() sends no signal: the writer bumps the version itself.
    Initiative.objects.filter(slug="first").update(slug="renamed")
    assert slugs(geojson(client)) == ["first"]
    bump_catalogue_version()
    assert slugs(geojson(client)) == ["renamed"]


def test_it_answers_a_matching_conditional_request_with_304(client, make_initiative):
    initiative = make_initiative(slug="tagged")
    response = client.get(f"{URL}?country=CO")
    etag = response["ETag"]
    assert etag.startswith('"') and response["Cache-Control"] == "public, no-cache"
    not_modified = client.get(f"{URL}?country=CO", headers={"If-None-Match": etag})
    assert not_modified.status_code == 304
    assert not_modified.content == b""
    assert not_modified["ETag"] == etag
    # Another query, or the same after an edit, is another representation.
    assert client.get(f"{URL}?country=BR", headers={"If-None-Match": etag}).status_code == 200
    initiative.territory = "Medellín"
    initiative.save()
    changed = client.get(f"{URL}?country=CO", headers={"If-None-Match": etag})
    assert changed.status_code == 200
    assert changed["ETag"] != etag


def test_it_refuses_to_write(client, reference_data):
    assert client.post(URL).status_code == 405


def test_it_shares_its_points_with_other_sites(client, reference_data):
    response = client.get(URL, headers={"Origin": "https://example.org"})
    assert response["Access-Control-Allow-Origin"] == "*"


def test_the_program_filter_uses_the_program_of_a_route(client, make_initiative, rota_do_mel):
    # A polo saved with only its Rota belongs to the Rota's programme too.
    make_initiative(slug="polo", route=rota_do_mel)
    program = Program.objects.get(pk=rota_do_mel.program_id)
    assert slugs(geojson(client, f"program={program.slug}")) == ["polo"]


@pytest.mark.parametrize("original", ["pt-br", "es", "en", ""])
@pytest.mark.parametrize("language", ["pt-br", "es", "en"])
@pytest.mark.parametrize("translated", ["", "Traduzido"])
def test_its_row_names_agree_with_the_localized_rule(original, language, translated):
    from types import SimpleNamespace

    from initiatives.api.geojson import row_name
    from initiatives.translation import localized, suffix

    row = SimpleNamespace(name="Original", language=original, **{f"name_{suffix(language)}": translated})
    assert row_name("Original", translated, original, language) == localized(row, "name", language).text


def test_it_sends_the_cached_gzip_to_clients_that_accept_it(client, make_initiative, django_assert_num_queries):
    import gzip

    make_initiative(slug="zipped", name="Polo Têxtil")
    plain = client.get(f"{URL}?lang=en")
    zipped = client.get(f"{URL}?lang=en", headers={"Accept-Encoding": "gzip, deflate, br"})
    assert zipped["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in zipped["Vary"] and "Accept-Encoding" in plain["Vary"]
    assert not plain.has_header("Content-Encoding")
    assert gzip.decompress(zipped.content) == plain.content
    assert zipped["ETag"] != plain["ETag"]
    with django_assert_num_queries(0):
        again = client.get(f"{URL}?lang=en", headers={"Accept-Encoding": "gzip"})
    assert again.content == zipped.content
    not_modified = client.get(f"{URL}?lang=en", headers={"Accept-Encoding": "gzip", "If-None-Match": zipped["ETag"]})
    assert not_modified.status_code == 304


def test_it_never_serves_a_body_cached_in_an_earlier_shape(client, make_initiative):
    import hashlib

    from initiatives.cache import versioned_key

    make_initiative(slug="fresh")
    # The key the code before url_template and country_names used: a deploy must not serve its body.
    earlier = versioned_key("geojson", "en", "testserver", hashlib.sha256(b"").hexdigest())
    cache.set(earlier, b'{"type":"FeatureCollection","features":[],"unlocated":0}')
    collection = geojson(client, "lang=en")
    assert slugs(collection) == ["fresh"] and "url_template" in collection


def test_it_keeps_one_entry_for_junk_parameters_and_equivalent_searches(client, make_initiative, cache_keys):
    make_initiative(slug="cafe-co", name="Café do Cerrado")
    make_initiative(slug="other", name="Cacao")
    everything = client.get(URL).content
    # Punctuation alone is no search; junk parameters are not filters.
    for query in ["q=!", "q=!!", "q=!!!", "q=%20-%20", "utm=1", "utm=2", "q=!&utm=3", "_=99"]:
        assert client.get(f"{URL}?{query}").content == everything, query
    assert len(cache_keys(":geojson:")) == 1

    found = client.get(f"{URL}?q=cafe").content
    for query in ["q=Caf%C3%A9", "q=CAFE", "q=caf%C3%A9!", "q=%20cafe%20&utm=4", "q=cafe&q=cafe"]:
        assert client.get(f"{URL}?{query}").content == found, query
    assert len(cache_keys(":geojson:")) == 2
    assert slugs(json.loads(found)) == ["cafe-co"]


@pytest.mark.parametrize("query", ["q=cafe%00", "q=cafe" + "!" * 200])
def test_it_still_refuses_a_search_that_folds_to_a_cached_one(client, make_initiative, query):
    make_initiative(slug="cafe-co", name="Café do Cerrado")
    assert client.get(f"{URL}?q=cafe").status_code == 200
    assert client.get(f"{URL}?{query}").status_code == 400


def test_it_shares_the_apis_budget_for_anonymous_clients(client, make_initiative, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "3/min", "exports": "1/min"},
    }
    make_initiative(slug="only")
    assert client.get(URL).status_code == 200
    assert client.get(f"{URL}?q=!", HTTP_IF_NONE_MATCH="x").status_code == 200
    assert client.get("/api/initiatives/").status_code == 200

    response = client.get(URL, headers={"accept-language": "en"})

    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 60
    seconds = int(response["Retry-After"])
    unit = "second" if seconds == 1 else "seconds"
    assert response.json()["detail"] == f"Too many requests from your address. Wait {seconds} {unit} and try again."
    assert client.get(URL, REMOTE_ADDR="10.0.0.9").status_code == 200  # another client's own budget
