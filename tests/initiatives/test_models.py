import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import translation

from initiatives import search_index
from initiatives.models import Initiative, Municipality, Region, Route
from initiatives.text import fold

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def test_it_folds_case_accents_and_punctuation():
    assert fold("São João d'Aliança") == "sao joao d alianca"
    assert fold("  POLO   Cacau—Amazônia ") == "polo cacau amazonia"
    assert fold(None) == ""


def test_it_rejects_a_half_point_in_the_database(make_initiative):
    with pytest.raises(IntegrityError), transaction.atomic():
        make_initiative(latitude=10.0, longitude=None)


def test_it_rejects_a_latitude_out_of_range_in_the_database(make_initiative):
    with pytest.raises(IntegrityError), transaction.atomic():
        make_initiative(latitude=91.0, longitude=-50.0)


def test_it_rejects_an_implausible_year_in_the_database(make_initiative):
    with pytest.raises(IntegrityError), transaction.atomic():
        make_initiative(year_started=1200)


def test_it_explains_a_half_point_in_clean(reference_data):
    initiative = Initiative(name="X", slug="x", country="BR", latitude=-3.7)
    with pytest.raises(ValidationError) as error:
        initiative.full_clean()
    assert "Give both latitude and longitude, or neither." in str(error.value)


def test_it_refuses_two_polos_with_the_same_folded_name_in_one_rota(rota_do_mel, make_initiative):
    make_initiative(name="Polo do Mel de Jandaíra", route=rota_do_mel, country="BR")
    twin = Initiative(name="POLO DO MEL DE JANDAIRA", slug="other", country="BR", route=rota_do_mel)
    with pytest.raises(ValidationError) as error:
        twin.full_clean()
    assert "already has an initiative with this name" in str(error.value)
    with pytest.raises(IntegrityError), transaction.atomic():
        twin.save()


def test_it_allows_the_same_name_in_another_rota(rota_do_mel, make_initiative):
    make_initiative(name="Polo Sertão", route=rota_do_mel, country="BR")
    other = make_initiative(name="Polo Sertão", route=Route.objects.get(slug="rota-do-leite"), country="BR")
    assert other.pk


def test_it_takes_the_programme_from_the_rota(rota_do_mel, make_initiative):
    polo = make_initiative(name="Polo X", route=rota_do_mel, country="BR")
    assert polo.program.slug == "rotas-de-integracao-nacional"


def test_it_refuses_a_region_code_of_another_country(reference_data):
    with pytest.raises(IntegrityError), transaction.atomic():
        Region.objects.create(code="CO-XX", name="Wrong", country="MX")
    with pytest.raises(ValidationError):
        Region(code="CO-XX", name="Wrong", country="MX").full_clean()


def test_it_refuses_a_duplicate_municipality_code(reference_data):
    fortaleza = Municipality.objects.get(country="BR", code="2304400")
    with pytest.raises(IntegrityError), transaction.atomic():
        Municipality.objects.create(country="BR", code="2304400", name="Copy", region=fortaleza.region)


def test_it_indexes_names_and_municipalities_for_search(make_initiative):
    crato = Municipality.objects.get(code="2304202")
    initiative = make_initiative(name="Polo da Fruticultura do Cariri", territory="Centro-Sul Cearense")
    initiative.municipalities.set([crato])
    initiative.refresh_from_db()
    assert "fruticultura do cariri" in initiative.search_text
    assert "crato" in initiative.search_text
    assert "centro sul cearense" in initiative.search_text


def test_the_bulk_writer_sets_the_folded_name_and_search_text_as_save_does(make_initiative):
    crato = Municipality.objects.get(code="2304202")
    initiative = make_initiative(name="Polo Açaí")
    initiative.municipalities.set([crato])
    # A bulk write (as the importers and undo do) leaves both folded copies stale.
    Initiative.objects.filter(pk=initiative.pk).update(
        name="Polo Cupuaçu", name_key="stale", search_text="", own_search_text=""
    )
    search_index.reindex(Initiative.objects.filter(pk=initiative.pk))
    initiative.refresh_from_db()
    bulk = (initiative.name_key, initiative.search_text, initiative.own_search_text)
    initiative.save()
    initiative.refresh_from_db()
    assert bulk == (initiative.name_key, initiative.search_text, initiative.own_search_text)
    assert initiative.name_key == "polo cupuacu" and "crato" in initiative.search_text
    assert "crato" in initiative.own_search_text


def test_it_shows_the_pages_language_or_the_marked_original(make_initiative):
    cluster = make_initiative(name="Cluster Moda", language="es", name_en="Fashion Cluster", description="Texto")
    with translation.override("en"):
        assert cluster.display_name.text == "Fashion Cluster"
        assert not cluster.display_name.is_original_fallback
        assert cluster.display_description.language == "es"
        assert cluster.display_description.is_original_fallback
    with translation.override("es"):
        assert cluster.display_name.text == "Cluster Moda"
        assert not cluster.display_name.is_original_fallback


def test_it_links_to_its_page(make_initiative):
    initiative = make_initiative(slug="cluster-cafe")
    with translation.override("en"):
        assert initiative.get_absolute_url() == "/en/initiatives/cluster-cafe/"


def test_it_counts_only_published_initiatives(make_initiative):
    make_initiative(is_published=True)
    make_initiative(is_published=False)
    assert Initiative.objects.published().count() == 1
    assert Initiative.objects.drafts().count() == 1


def test_it_searches_every_word_ignoring_accents(make_initiative):
    make_initiative(name="Polo São João do Cariri")
    make_initiative(name="Polo Cacau Amazônia")
    assert Initiative.objects.search("sao joao").count() == 1
    assert Initiative.objects.search("CACAU amazonia").count() == 1
    assert Initiative.objects.search("cacau joao").count() == 0
    assert Initiative.objects.search("  ").count() == 2


def test_it_bumps_the_catalogue_version_on_every_change(make_initiative):
    from initiatives.cache import catalogue_version

    before = catalogue_version()
    initiative = make_initiative()
    after_create = catalogue_version()
    assert after_create != before
    initiative.name = "Renamed"
    initiative.save()
    assert catalogue_version() != after_create


def test_it_bumps_the_catalogue_version_again_when_the_transaction_commits(
    make_initiative, django_capture_on_commit_callbacks
):
    from initiatives.cache import catalogue_version

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        make_initiative()
        make_initiative()
        during = catalogue_version()
    assert len(callbacks) == 1  # one more bump per transaction, not one per row
    assert catalogue_version() != during
