"""Issue 7: other countries' initiatives through the same import machinery."""

import datetime
import json
from io import StringIO

import pytest
from django.contrib.auth.models import Permission, User
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils.translation import override

from initiatives.models import Initiative, Sector
from rotas_import.management.commands.load_public_initiatives import classified
from rotas_import.models import ImportRecord
from rotas_import.plan import FieldChange
from rotas_import.services import import_file, plan_file

from ..import_files import write_csv, write_ods, write_xlsx

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

HEADER = ["name", "country", "region", "city", "sector", "managing_organisation", "year_started", "member_firms",
          "website", "latitude", "longitude", "location_precision", "source", "notes"]  # fmt: skip
MEDELLIN = ["Cluster Moda", "CO", "CO-ANT", "Medellín", "dairy", "Cámara de Comercio", "2008", "120",
            "clustermoda.co", "6.2442", "-75.5812", "municipality", "https://example.org/moda", "seen in 2024"]  # fmt: skip


def plan(path, **options):
    return plan_file("initiatives", path.read_bytes(), path.name, **options)


def apply(path, **options):
    result, _record = import_file("initiatives", path.read_bytes(), path.name, **options)
    assert result.errors == [], result.errors
    return result


def errors(path, **options):
    result, _record = import_file("initiatives", path.read_bytes(), path.name, **options)
    assert not Initiative.objects.exists()
    return [(e.row, e.column, e.message) for e in result.errors]


def test_it_imports_every_column(reference_data, tmp_path):
    apply(write_csv(tmp_path / "i.csv", [HEADER + ["themes", "kind", "description", "language", "email"],
                                          MEDELLIN + ["Market access; sustainability", "network", "Moda paisa.", "es", "moda@example.org"]]))  # fmt: skip
    i = Initiative.objects.get()
    assert (i.name, i.country, i.territory, i.managing_organisation) == (
        "Cluster Moda",
        "CO",
        "Medellín",
        "Cámara de Comercio",
    )
    assert (i.year_started, i.member_count, i.website) == (2008, 120, "https://clustermoda.co")
    assert (i.latitude, i.longitude, i.location_precision) == (6.2442, -75.5812, "municipality")
    assert (i.source_url, i.internal_notes, i.kind, i.language) == (
        "https://example.org/moda",
        "seen in 2024",
        "network",
        "es",
    )
    assert (i.description, i.email, i.is_published, i.slug) == ("Moda paisa.", "moda@example.org", True, "cluster-moda")
    assert list(i.regions.values_list("code", flat=True)) == ["CO-ANT"]
    assert list(i.sectors.values_list("slug", flat=True)) == ["dairy"]
    assert sorted(i.themes.values_list("slug", flat=True)) == ["market-access", "sustainability"]


def test_it_refuses_an_email_cell_that_is_not_one_address(reference_data, tmp_path):
    rows = [HEADER + ["correo"]] + [
        [f"Cluster {n}", *MEDELLIN[1:], address]
        for n, address in enumerate(["two@example.org, three@example.org", "nl@example.org\nBcc: hidden@evil.example",
                                     "Ana <ana@example.org>", "ok@example.org"])
    ]  # fmt: skip
    found = errors(write_xlsx(tmp_path / "i.xlsx", {"Clusters": rows}))
    assert [(row, column) for row, column, _message in found] == [(2, "correo"), (3, "correo"), (4, "correo")]
    assert found[0][2] == (
        "“two@example.org, three@example.org” is not one e-mail address: write a single address, such as "
        "contact@example.org, in this cell."
    )


def test_it_reads_spanish_and_portuguese_header_names_and_country_names(reference_data, tmp_path):
    spanish = [
        "Nombre",
        "País",
        "Región",
        "Ciudad",
        "Sector",
        "Organización gestora",
        "Año de inicio",
        "Empresas",
        "Sitio web",
        "Fuente",
    ]
    portuguese = [
        "Nome",
        "Pais",
        "Região",
        "Cidade",
        "Setor",
        "Organização gestora",
        "Ano de início",
        "Empresas",
        "Site",
        "Fonte",
    ]
    apply(
        write_xlsx(
            tmp_path / "es.xlsx",
            {
                "Hoja1": [
                    spanish,
                    [
                        "Clúster Lácteo",
                        "México",
                        "Jalisco",
                        "Guadalajara",
                        "Lácteos",
                        "CANILEC",
                        2010,
                        45,
                        "lacteo.mx",
                        "Diario",
                    ],
                ]
            },
        )
    )
    apply(
        write_ods(
            tmp_path / "pt.ods",
            {
                "Planilha": [
                    portuguese,
                    ["Polo Uruguaio", "Uruguai", "UY-MO", "Montevidéu", "Apicultura", "ANII", "2015", "", "", ""],
                ]
            },
        )
    )
    mx = Initiative.objects.get(name="Clúster Lácteo")
    assert (mx.country, mx.year_started, mx.member_count, mx.website, mx.source_text) == (
        "MX",
        2010,
        45,
        "https://lacteo.mx",
        "Diario",
    )
    assert list(mx.regions.values_list("code", flat=True)) == ["MX-JAL"]
    assert mx.location_precision == "country"  # Mexican regions have no point in the catalogue
    assert list(mx.sectors.values_list("slug", flat=True)) == ["dairy"]
    uy = Initiative.objects.get(name="Polo Uruguaio")
    assert uy.country == "UY" and list(uy.sectors.values_list("slug", flat=True)) == ["beekeeping"]


def test_it_takes_several_regions_and_region_names(reference_data, tmp_path):
    rows = [
        HEADER[:3],
        ["Cluster Automotriz", "Mexico", "MX-PUE; MX-TLA"],
        ["Clúster Turístico", "República Dominicana", "Santo Domingo"],
    ]
    apply(write_csv(tmp_path / "r.csv", rows))
    assert sorted(Initiative.objects.get(name="Cluster Automotriz").regions.values_list("code", flat=True)) == [
        "MX-PUE",
        "MX-TLA",
    ]
    assert list(Initiative.objects.get(name="Clúster Turístico").regions.values_list("code", flat=True)) == ["DO-32"]


def test_it_places_a_row_without_point_at_its_region_else_its_country(reference_data, tmp_path):
    apply(
        write_csv(
            tmp_path / "p.csv", [HEADER[:3], ["APL do Mel", "Brasil", "BR-CE"], ["Cluster Café", "Colombia", "CO-HUI"]]
        )
    )
    brazil = Initiative.objects.get(name="APL do Mel")
    assert brazil.location_precision == "region" and brazil.latitude is not None
    colombia = Initiative.objects.get(name="Cluster Café")
    assert (colombia.location_precision, colombia.latitude, colombia.longitude) == ("country", 4.711, -74.0721)


def test_it_reports_each_bad_cell_at_its_row_and_column(reference_data, tmp_path):
    next_year = str(datetime.date.today().year + 1)
    rows = [
        HEADER,
        ["A", "Atlantis", "", "", "", "", "", "", "", "", "", "", "", ""],
        ["B", "MX", "CO-ANT", "", "", "", "", "", "", "", "", "", "", ""],
        ["C", "CL", "", "", "", "", "", "", "", "19.43", "-99.13", "", "", ""],
        ["D", "CO", "", "", "", "", "", "", "", "-75.58", "6.24", "", "", ""],
        ["E", "CO", "", "", "", "", next_year, "", "", "", "", "", "", ""],
        ["F", "CO", "", "", "", "", "", "-3", "", "", "", "", "", ""],
        ["G", "CO", "", "", "", "", "", "", "not a url at all", "", "", "", "", ""],
        ["H", "CO", "", "", "", "", "", "", "", "48.85", "2.35", "", "", ""],
    ]
    with override("en"):
        found = errors(write_csv(tmp_path / "bad.csv", rows))
    assert found[0] == (
        2,
        "country",
        "“Atlantis” is not a Latin American or Caribbean country (give its ISO code or its name).",
    )
    assert found[1] == (3, "region", "CO-ANT is a region of Colombia, not of Mexico.")
    assert found[2][:2] == (4, "latitude") and "km from Santiago: too far to be in Chile" in found[2][2]
    assert found[3] == (
        5,
        "latitude",
        "(-75.58, 6.24) is outside Latin America and the Caribbean; latitude and longitude look swapped.",
    )
    assert found[4] == (6, "year_started", f"{next_year} is not a plausible starting year (1800 to this year).")
    assert found[5] == (7, "member_firms", "The number of member firms cannot be negative.")
    assert found[6] == (8, "website", "“not a url at all” is not a web address.")
    assert found[7] == (9, "latitude", "(48.85, 2.35) is outside Latin America and the Caribbean.")
    assert len(found) == 8


def test_it_creates_a_new_sector_only_when_staff_confirm_it_and_choose_its_family(reference_data, tmp_path):
    path = write_csv(tmp_path / "s.csv", [HEADER[:5], ["Cluster Cannabis", "CO", "", "", "Cannabis medicinal"]])
    column, message = errors(path)[0][1:]
    assert column == "sector"
    assert message.startswith("“Cannabis medicinal” is not one of the catalogue's sectors. Closest: ")
    closest = message.split("Closest: ")[1].split(".")[0].split(", ")
    assert len(closest) == 3 and all(Sector.objects.filter(name_en=name).exists() for name in closest)
    assert message.endswith("(--create-new-terms) to add it.")
    assert errors(path, create_new_terms=True)[0][1:] == (
        "sector",
        "Choose the family of the new sector “Cannabis medicinal” (--new-sector-family “Cannabis medicinal=FAMILY”).",
    )
    result = apply(path, create_new_terms=True, new_sector_families={"cannabis-medicinal": "health"})
    assert result.new_terms["sectors"][0].name == "Cannabis medicinal"
    assert list(Initiative.objects.get().sectors.values_list("name", flat=True)) == ["Cannabis medicinal"]
    created = Sector.objects.get(slug="cannabis-medicinal")
    assert (created.name_es, created.family.slug) == ("Cannabis medicinal", "health")  # the row's language: Spanish


def test_it_adds_a_new_sector_to_an_initiative_already_in_the_catalogue(reference_data, tmp_path):
    apply(write_csv(tmp_path / "v1.csv", [HEADER[:5], ["Cluster Cannabis", "CO", "", "", "Dairy"]]))
    path = write_csv(tmp_path / "v2.csv", [HEADER[:5], ["Cluster Cannabis", "CO", "", "", "Dairy; Cannabis medicinal"]])

    apply(path, create_new_terms=True, new_sector_families={"cannabis-medicinal": "health"})

    assert sorted(Initiative.objects.get().sectors.values_list("slug", flat=True)) == ["cannabis-medicinal", "dairy"]


def test_it_is_idempotent_and_updates_what_a_corrected_file_changes(reference_data, tmp_path):
    apply(write_csv(tmp_path / "v1.csv", [HEADER, MEDELLIN]))
    assert apply(write_csv(tmp_path / "v1.csv", [HEADER, MEDELLIN])).counts["unchanged"] == 1
    corrected = list(MEDELLIN)
    corrected[0], corrected[7] = "CLUSTER  MODA", "150"  # same identity (country + folded name)
    result = apply(write_csv(tmp_path / "v2.csv", [HEADER, corrected]))
    assert result.counts == {"created": 0, "updated": 1, "unchanged": 0, "absent": 0}
    assert result.changes[0].field_changes == [FieldChange("member firms or producers", "120", "150")]
    i = Initiative.objects.get()
    assert (i.name, i.member_count) == ("Cluster Moda", 150)


def test_it_round_trips_an_export_edited_in_a_spreadsheet(reference_data, tmp_path, make_initiative):
    existing = make_initiative(name="Cluster Café del Huila", slug="cafe-huila", country="CO", member_count=10)
    exported = [["slug", "name", "country", "member_count"], [existing.slug, existing.name, "CO", "10"]]
    exported[1][1], exported[1][3] = "Clúster de Café del Huila", "12"  # edited in a spreadsheet
    result = apply(write_xlsx(tmp_path / "export.xlsx", {"initiatives": exported}))
    assert result.counts["updated"] == 1 and result.counts["created"] == 0
    existing.refresh_from_db()
    assert (existing.name, existing.member_count, existing.name_key) == (
        "Clúster de Café del Huila",
        12,
        "cluster de cafe del huila",
    )


def test_it_imports_the_101_shipped_initiatives_twice_and_spans_16_countries_with_the_polos(
    reference_data, settings, tmp_path
):
    polos = settings.BASE_DIR / "rotas_import" / "data" / "polos_rotas_publicos.csv"
    import_file("polos", polos.read_bytes(), polos.name)
    shipped = settings.BASE_DIR / "initiatives" / "data" / "lac" / "clusters_lac_publicos.csv"
    path = tmp_path / shipped.name
    path.write_bytes(classified(shipped))  # their curated sectors: no new term is needed
    assert apply(path).counts == {"created": 101, "updated": 0, "unchanged": 0, "absent": 0}
    assert apply(path).counts == {"created": 0, "updated": 0, "unchanged": 101, "absent": 0}
    assert Initiative.objects.published().values("country").distinct().count() == 16


def test_the_command_prints_the_same_json_shape_and_exit_codes(reference_data, tmp_path):
    out = StringIO()
    call_command("import_initiatives", str(write_csv(tmp_path / "ok.csv", [HEADER, MEDELLIN])), "--json", stdout=out)
    assert json.loads(out.getvalue())["initiatives"] == {"created": 1, "updated": 0, "unchanged": 0, "absent": 0}
    with pytest.raises(CommandError) as raised:
        call_command(
            "import_initiatives", str(write_csv(tmp_path / "bad.csv", [HEADER[:2], ["X", "Narnia"]])), stdout=StringIO()
        )
    assert raised.value.returncode == 1
    with pytest.raises(CommandError) as raised:
        call_command("import_initiatives", str(tmp_path / "missing.csv"))
    assert raised.value.returncode == 2


def test_the_admin_previews_and_confirms_for_importers_only(client, reference_data, tmp_path):
    url = reverse("admin:rotas_import_import_initiatives")
    polos_only = User.objects.create_user("p", "p@example.org", "pw-1234-abcd", is_staff=True)
    polos_only.user_permissions.add(Permission.objects.get(codename="import_polos"))
    client.force_login(polos_only)
    assert client.get(url).status_code == 403
    importer = User.objects.create_user("i", "i@example.org", "pw-1234-abcd", is_staff=True)
    importer.groups.add(importer.groups.model.objects.get(name="Importers"))
    client.force_login(importer)
    path = write_csv(tmp_path / "i.csv", [HEADER[:5], ["Cluster Cannabis", "CO", "", "", "Cannabis medicinal"]])
    with open(path, "rb") as f:
        response = client.post(url, {"file": f, "create_new_terms": "on"})
    record = ImportRecord.objects.get()
    assert response["Location"].endswith(f"/{record.pk}/preview/")
    page = client.get(response["Location"]).content.decode()
    # Accepted on upload, but its family is for staff to choose in the preview.
    assert 'name="family-cannabis-medicinal"' in page and 'name="confirm"' not in page
    second = client.post(response["Location"], {"create_new_terms": "1", "family-cannabis-medicinal": "health"})
    page = client.get(second["Location"]).content.decode()
    assert "new sector: Cannabis medicinal" in page and 'name="confirm"' in page
    assert not Initiative.objects.exists()
    client.post(second["Location"], {"confirm": "1"})
    assert Initiative.objects.get().sectors.get().family.slug == "health"


def test_the_admin_accepts_new_sectors_from_the_preview(client, reference_data, tmp_path):
    importer = User.objects.create_user("i", "i@example.org", "pw-1234-abcd", is_staff=True)
    importer.user_permissions.add(Permission.objects.get(codename="import_initiatives"))
    client.force_login(importer)
    path = write_csv(tmp_path / "i.csv", [HEADER[:5], ["Cluster Cannabis", "CO", "", "", "Cannabis medicinal"]])
    with open(path, "rb") as f:
        first = client.post(reverse("admin:rotas_import_import_initiatives"), {"file": f})["Location"]
    page = client.get(first).content.decode()
    assert (
        "new sector: Cannabis medicinal" in page and 'name="create_new_terms"' in page and 'name="confirm"' not in page
    )
    assert 'name="family-cannabis-medicinal"' in page
    second = client.post(first, {"create_new_terms": "1", "family-cannabis-medicinal": "agri-food"})["Location"]
    assert second != first
    assert 'name="confirm"' in client.get(second).content.decode()
    client.post(second, {"confirm": "1"})
    assert Initiative.objects.get().sectors.get().family.slug == "agri-food"
