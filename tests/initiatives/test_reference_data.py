import pytest
from django.core.management import call_command

from initiatives.models import Municipality, Program, Region, Route, Sector, Theme
from initiatives.reference import country_points, load_reference_data

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def test_it_loads_brazil_with_ibge_codes_and_points(reference_data):
    assert Region.objects.filter(country="BR").count() == 27
    assert Municipality.objects.filter(country="BR").count() == 5571
    fortaleza = Municipality.objects.get(code="2304400")
    assert fortaleza.name == "Fortaleza"
    assert fortaleza.region.code == "BR-CE"
    assert round(fortaleza.latitude, 2) == -3.72
    assert Region.objects.get(code="BR-DF").latitude is not None


def test_it_loads_first_level_divisions_of_lac_countries(reference_data):
    assert Region.objects.get(code="CO-ANT").country == "CO"
    assert Region.objects.get(code="MX-JAL").country == "MX"
    # Dominican provinces, not the regions that group them.
    assert Region.objects.filter(code="DO-21").exists()
    assert not Region.objects.filter(code="DO-41").exists()
    countries_with_regions = set(Region.objects.values_list("country", flat=True))
    assert countries_with_regions == set(country_points())
    assert len(countries_with_regions) == 33


def test_it_loads_the_rotas_programme_with_its_13_rotas_and_sectors(reference_data):
    program = Program.objects.get(slug="rotas-de-integracao-nacional")
    assert program.country == "BR"
    assert "MIDR" in program.owner
    assert program.routes.count() == 13
    assert Route.objects.filter(sector__isnull=True).count() == 0
    assert Route.objects.get(slug="rota-do-pescado").all_names().count("Rota do Peixe") == 1


def test_it_loads_the_fifteen_themes_in_three_languages(reference_data):
    assert Theme.objects.count() == 15  # the 15 areas of joint work of data/themes.csv
    circular = Theme.objects.get(slug="circular-economy")
    assert (circular.name_pt_br, circular.name_es, circular.name_en) == (
        "Economia circular",
        "Economía circular",
        "Circular economy",
    )


def test_it_changes_nothing_when_run_twice(reference_data):
    counts = [m.objects.count() for m in (Region, Municipality, Program, Route, Sector, Theme)]
    report = load_reference_data()
    assert sum(report.created.values()) == 0
    assert sum(report.updated.values()) == 0
    assert [m.objects.count() for m in (Region, Municipality, Program, Route, Sector, Theme)] == counts


def test_it_corrects_an_edited_row(reference_data):
    Municipality.objects.filter(code="2304400").update(name="Fortaleza (typo)")
    report = load_reference_data()
    assert report.updated["municipalities"] == 1
    assert Municipality.objects.get(code="2304400").name == "Fortaleza"


def test_it_runs_as_a_command(reference_data, capsys):
    call_command("load_reference_data")
    assert "municipalities: 0 created, 0 updated" in capsys.readouterr().out
