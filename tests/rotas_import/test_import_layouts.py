"""The polo layouts and the messiness of real files, read from real files the tests write."""

import pytest

from initiatives.models import Initiative
from rotas_import.plan import FieldChange
from rotas_import.services import import_file, plan_file

from ..import_files import CARIRI, LONG_HEADER, write_csv, write_ods, write_xls, write_xlsx

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def plan(path, **options):
    return plan_file("polos", path.read_bytes(), path.name, **options)


def apply(path, **options):
    result, _record = import_file("polos", path.read_bytes(), path.name, **options)
    assert result.errors == [], result.errors
    return result


def cariri():
    return Initiative.objects.get(route__slug="rota-do-leite", name_key="polo cariri")


@pytest.mark.parametrize(
    "writer",
    [
        lambda p: write_xlsx(p.with_suffix(".xlsx"), {"Polos": [LONG_HEADER, *CARIRI]}),
        lambda p: write_xls(p.with_suffix(".xls"), [LONG_HEADER, *CARIRI]),
        lambda p: write_ods(p.with_suffix(".ods"), {"Polos": [LONG_HEADER, *CARIRI]}),
        lambda p: write_csv(p.with_suffix(".csv"), [LONG_HEADER, *CARIRI]),
    ],
    ids=["xlsx", "xls", "ods", "csv"],
)
def test_it_imports_the_long_layout_from_each_format(reference_data, tmp_path, writer):
    result = apply(writer(tmp_path / "polos"))
    assert result.counts == {"created": 1, "updated": 0, "unchanged": 0, "absent": 0}
    polo = cariri()
    assert sorted(polo.municipalities.values_list("code", flat=True)) == ["2301901", "2304202", "2307304"]
    assert (polo.latitude, polo.longitude, polo.location_precision) == (
        -7.2153,
        -39.4103,
        "municipality",
    )  # Crato, the seat
    assert list(polo.regions.values_list("code", flat=True)) == ["BR-CE"]
    assert polo.kind == "rotas_polo" and polo.country == "BR" and polo.is_published
    assert polo.program.slug == "rotas-de-integracao-nacional"
    assert polo.source_url == "https://gov.br/mdr/cariri"
    assert list(polo.sectors.values_list("slug", flat=True)) == ["dairy"]
    assert "juazeiro do norte" in polo.search_text


def test_it_imports_one_row_per_polo_with_every_separator(reference_data, tmp_path):
    rows = [
        ["Nome da Rota", "Nome do Polo", "UF", "Municípios", "Município sede"],
        ["Rota do Leite", "Polo Cariri", "CE", "Crato; Juazeiro do Norte, Barbalha", "Barbalha"],
        ["Rota do Mel", "Polo Mineiro", "MG", "Bocaiúva / Januária\nMontes Claros", ""],
    ]
    result = apply(write_xlsx(tmp_path / "polos.xlsx", {"Polos": rows}))
    assert result.layout == "one row per polo"
    assert result.counts["created"] == 2
    assert cariri().municipalities.count() == 3
    assert (cariri().latitude, cariri().longitude) == (-7.2982, -39.3021)  # Barbalha, the seat named
    mineiro = Initiative.objects.get(name="Polo Mineiro")
    assert sorted(mineiro.municipalities.values_list("name", flat=True)) == ["Bocaiúva", "Januária", "Montes Claros"]


def test_it_imports_the_wide_layout_with_one_column_per_rota(reference_data, tmp_path):
    rows = [
        ["COD_MUNIC_IBGE", "NOME", "UF", "R_MEL", "R_LEITE", "R_PEIXE"],
        [2304202, "Crato", "CE", "", "Polo Cariri", ""],
        [2307304, "Juazeiro do Norte", "CE", "Polo do Mel do Cariri", "Polo Cariri", ""],
        [2304400, "Fortaleza", "CE", "", "", "Polo Pesqueiro"],
        [2408102, "Natal", "RN", "", "", ""],
    ]
    result = apply(write_xlsx(tmp_path / "wide.xlsx", {"Municipios": rows}))
    assert result.layout == "wide (one column per Rota)"
    assert result.counts["created"] == 3
    assert result.rows == {"read": 4, "skipped": 1}
    assert cariri().municipalities.count() == 2
    assert Initiative.objects.get(name="Polo Pesqueiro").route.slug == "rota-do-pescado"  # R_PEIXE is an alias
    assert Initiative.objects.get(name="Polo do Mel do Cariri").route.slug == "rota-do-mel"


def test_it_finds_the_header_below_title_rows_and_fills_merged_cells(reference_data, tmp_path):
    rows = [
        ["Ministério da Integração e do Desenvolvimento Regional"],
        ["Polos das Rotas de Integração Nacional — 2024"],
        [],
        ["Rota", "Nome do Polo", "Estado", "Município", "Código IBGE"],
        ["Rota do Leite", "Polo Cariri", "CE", "Crato", 2304202.0],
        [None, None, None, "Juazeiro do Norte", 2307304.0],
        [None, "Polo Sertão Central", None, "Quixadá", None],
    ]
    path = write_xlsx(tmp_path / "merged.xlsx", {"Polos": rows}, merges={"Polos": ["A5:A7", "B5:B6", "C5:C7"]})
    result = apply(path)
    assert result.counts["created"] == 2
    assert sorted(cariri().municipalities.values_list("name", flat=True)) == ["Crato", "Juazeiro do Norte"]
    sertao = Initiative.objects.get(name="Polo Sertão Central")
    assert sertao.route.slug == "rota-do-leite"
    assert list(sertao.municipalities.values_list("name", flat=True)) == ["Quixadá"]


def test_it_reads_every_sheet_with_polo_columns_and_skips_the_others(reference_data, tmp_path):
    path = write_xlsx(
        tmp_path / "sheets.xlsx",
        {
            "Instruções": [["Preencha uma linha por município"]],
            "Leite": [LONG_HEADER, *CARIRI],
            "Mel": [["ROTA", "POLO", "UF", "MUNICIPIO"], ["Rota do Mel", "Polo Mineiro", "MG", "Januária"]],
        },
    )
    only_mel = plan(path, sheet_name="Mel")
    assert only_mel.counts["created"] == 1 and only_mel.changes[0].name == "Polo Mineiro"
    result = apply(path)
    assert result.counts["created"] == 2
    assert result.warnings[0].sheet == "Instruções"


def test_it_reads_windows_1252_and_semicolons(reference_data, tmp_path):
    rows = [["ROTA", "POLO", "UF", "MUNICÍPIO"], ["Rota do Açaí", "Polo Açaí do Pará", "PA", "Abaetetuba"]]
    result = apply(write_csv(tmp_path / "polos.csv", rows, encoding="cp1252", delimiter=";"))
    assert result.counts["created"] == 1
    assert Initiative.objects.get(name="Polo Açaí do Pará").route.slug == "rota-do-acai"


def test_it_takes_names_that_differ_in_case_spacing_and_rota_aliases_as_one_polo(reference_data, tmp_path):
    rows = [
        ["ROTA", "POLO", "UF", "MUNICIPIO"],
        ["Rota do Peixe", "Polo  Pesqueiro do Ceará", "CE", "Fortaleza"],
        ["ROTA DO PESCADO", "polo pesqueiro do ceara", "ce", "caucaia"],
    ]
    result = apply(write_csv(tmp_path / "polos.csv", rows))
    assert result.counts["created"] == 1
    polo = Initiative.objects.get(route__slug="rota-do-pescado")
    assert polo.name == "Polo  Pesqueiro do Ceará"
    assert polo.municipalities.count() == 2


def test_it_accepts_six_digit_codes_and_codes_stored_as_numbers(reference_data, tmp_path):
    rows = [
        ["ROTA", "POLO", "COD_IBGE"],
        ["Rota do Leite", "Polo Cariri", 230420],
        ["Rota do Leite", "Polo Cariri", 2307304.0],
    ]
    apply(write_xlsx(tmp_path / "codes.xlsx", {"Polos": rows}))
    assert sorted(cariri().municipalities.values_list("code", flat=True)) == ["2304202", "2307304"]


def test_it_places_a_polo_without_seat_at_the_municipality_nearest_its_centre(reference_data, tmp_path):
    rows = [["ROTA", "POLO", "UF", "MUNICIPIO"]] + [
        ["Rota do Leite", "Polo Cariri", "CE", m] for m in ("Crato", "Juazeiro do Norte", "Barbalha")
    ]
    apply(write_csv(tmp_path / "polos.csv", rows))
    polo = cariri()
    assert (polo.latitude, polo.longitude) == (-7.19621, -39.3076)  # Juazeiro do Norte, between the other two
    assert polo.location_precision == "municipality"


def test_it_places_a_polo_without_municipalities_at_its_state(reference_data, tmp_path):
    apply(
        write_csv(
            tmp_path / "polos.csv", [["ROTA", "POLO", "UF", "MUNICIPIO"], ["Rota do Mel", "Polo do Pampa", "RS", ""]]
        )
    )
    polo = Initiative.objects.get(name="Polo do Pampa")
    assert polo.location_precision == "region"
    assert list(polo.regions.values_list("code", flat=True)) == ["BR-RS"]
    assert polo.latitude is not None


def test_it_matches_a_near_spelling_with_a_warning_naming_both(reference_data, tmp_path):
    rows = [["ROTA", "POLO", "UF", "MUNICIPIO"], ["Rota do Açaí", "Polo Guajará", "PA", "Santa Isabel do Pará"]]
    result = apply(write_csv(tmp_path / "polos.csv", rows))
    assert "Santa Isabel do Pará" in result.warnings[0].message
    assert "Santa Izabel do Pará" in result.warnings[0].message
    assert result.warnings[0].row == 2 and result.warnings[0].column == "MUNICIPIO"
    assert Initiative.objects.get(name="Polo Guajará").municipalities.get().code == "1506500"


def test_it_updates_what_a_corrected_file_changes_and_lists_absent_polos(reference_data, tmp_path):
    apply(
        write_csv(
            tmp_path / "v1.csv", [LONG_HEADER, *CARIRI, ["Rota do Leite", "Polo Sertão", "CE", "Quixadá", "", "", ""]]
        )
    )
    corrected = [
        CARIRI[0],
        CARIRI[1],
        ["Rota do Leite", "Polo Cariri", "CE", "Missão Velha", "", "", "gov.br/mdr/cariri"],
    ]
    result = plan(write_csv(tmp_path / "v2.csv", [LONG_HEADER, *corrected]))
    assert result.counts == {"created": 0, "updated": 1, "unchanged": 0, "absent": 1}
    updated = next(c for c in result.changes if c.action == "updated")
    assert updated.field_changes == [FieldChange("municipalities", "Barbalha", "Missão Velha")]
    assert next(c for c in result.changes if c.action == "absent").name == "Polo Sertão"
    apply(write_csv(tmp_path / "v2.csv", [LONG_HEADER, *corrected]), mark_absent_inactive=True)
    assert sorted(cariri().municipalities.values_list("name", flat=True)) == [
        "Crato",
        "Juazeiro do Norte",
        "Missão Velha",
    ]
    assert Initiative.objects.get(name="Polo Sertão").status == "inactive"  # kept, never deleted
    assert "missao velha" in cariri().search_text


def test_it_imports_the_shipped_public_polos_twice_63_created_then_63_unchanged(reference_data, settings):
    path = settings.BASE_DIR / "rotas_import" / "data" / "polos_rotas_publicos.csv"
    first = apply(path)
    assert first.counts == {"created": 63, "updated": 0, "unchanged": 0, "absent": 0}
    second = apply(path)
    assert second.counts == {"created": 0, "updated": 0, "unchanged": 63, "absent": 0}
    assert Initiative.objects.rotas_polos().published().count() == 63


def test_it_keeps_an_exact_point_staff_set_by_hand(reference_data, tmp_path):
    path = write_csv(tmp_path / "polos.csv", [LONG_HEADER, *CARIRI])
    apply(path)
    Initiative.objects.filter(name="Polo Cariri").update(latitude=-7.3, longitude=-39.35, location_precision="exact")
    assert apply(path).counts["unchanged"] == 1
    assert (cariri().latitude, cariri().longitude, cariri().location_precision) == (-7.3, -39.35, "exact")
