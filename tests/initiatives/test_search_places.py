"""A search that is exactly a region's name ranks that region's initiatives first; the index of
region names is kept in the process until a region changes (facet_table's region token)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from initiatives.models import Initiative, Region
from initiatives.search_index import places_named

pytestmark = pytest.mark.django_db


def region_queries(queries) -> list[str]:
    return [query["sql"] for query in queries.captured_queries if "initiatives_region" in query["sql"]]


def test_it_finds_a_renamed_region_at_once_however_it_was_renamed(make_initiative):
    para = Region.objects.get(code="BR-PA")
    assert para.pk in places_named("Pará", Region)[0]

    Region.objects.filter(pk=para.pk).update(name="Grão-Pará")  # no signal: the database's trigger

    assert places_named("grao para", Region)[0] == [para.pk]
    assert para.pk not in places_named("para", Region)[0]

    para.refresh_from_db()
    para.name = "Pará"
    para.save()
    assert para.pk in places_named("PARA", Region)[0]


def test_an_initiatives_edit_does_not_rebuild_the_index_of_region_names(client, make_initiative):
    """Rebuilding it from every region (about 1,300, 6,000 fold() calls) cost 14 ms of a search's
    first render after each edit."""
    initiative = make_initiative(name="Polo Cacau Pará", country="BR", regions=["BR-PA"])
    assert client.get("/en/initiatives/?q=para").status_code == 200

    initiative.name = "Polo Cacau do Pará"
    initiative.save()
    Initiative.objects.filter(pk=initiative.pk).update(member_count=12)

    with CaptureQueriesContext(connection) as queries:
        region_ids, _countries = places_named("Pará", Region)
    assert Region.objects.get(code="BR-PA").pk in region_ids
    assert region_queries(queries) == []
    response = client.get("/en/initiatives/?q=para")
    assert "Polo Cacau do Pará" in response.content.decode()
