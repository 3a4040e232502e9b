"""The two-level sector classification: reference data, importers, facets, filters, API, pages."""

import csv
import re
import shutil
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils.translation import override

from initiatives import classification
from initiatives.models import Initiative, Sector, SectorFamily
from initiatives.reference import LoadReport, load_classification
from rotas_import.services import import_file

from ..import_files import write_xlsx

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

ISIC_SECTIONS = set("ABCDEFGHIJKLMNOPQRSTU")
ROTAS_SECTORS = [
    "acai", "free-range-poultry", "biodiversity-products", "cocoa", "sheep-and-goats", "circular-economy",
    "fruit-growing", "dairy", "cassava", "beekeeping", "fashion-and-apparel", "fisheries-and-aquaculture", "ict",
]  # fmt: skip


@pytest.fixture
def shipped(reference_data):
    call_command("load_public_initiatives", stdout=StringIO())


def rows():
    """The shipped classification as plain rows, to spoil one at a time."""
    return classification.shipped_rows()


# -- reference data ------------------------------------------------------------------------------


def test_it_ships_at_most_25_families_each_named_in_three_languages_with_its_cluster_map_category(reference_data):
    families = list(SectorFamily.objects.all())
    assert 10 <= len(families) <= 25
    for family in families:
        assert family.name_pt_br and family.name_es and family.name_en, family.slug
        assert family.cluster_category and family.isic_section in ISIC_SECTIONS, family.slug
        assert family.sectors.filter(is_general=True).count() == 1, family.slug
    assert Sector.objects.filter(family__isnull=True).count() == 0
    # The Rotas keep their sectors (same slugs), now classified.
    assert set(Sector.objects.filter(slug__in=ROTAS_SECTORS).values_list("slug", flat=True)) == set(ROTAS_SECTORS)
    assert Sector.objects.get(slug="cocoa").family.slug == "agri-food"
    assert Sector.objects.get(slug="acai").family.slug == "bioeconomy"


def test_it_reloads_the_classification_without_changing_anything(reference_data):
    report = LoadReport()
    load_classification(report)
    assert report.created == {"sector families": 0, "sectors": 0}
    assert report.updated == {"sector families": 0, "sectors": 0}


@pytest.mark.parametrize(
    "spoil, named",
    [
        # A synonym claimed by two sectors.
        (lambda families, sectors: sectors[1].update(synonyms=sectors[1]["synonyms"] + "; Cacau"), "Cacau"),
        # A term with an empty translation.
        (lambda families, sectors: sectors[2].update(name_es=" "), "cocoa"),
        # A sector under no family.
        (lambda families, sectors: sectors[3].update(family="nowhere"), "nowhere"),
    ],
    ids=["synonym-claimed-twice", "empty-translation", "no-family"],
)
def test_it_refuses_bad_classification_data_naming_the_term_and_writing_nothing(reference_data, spoil, named):
    families, sectors = rows()
    assert sectors[2]["slug"] == "cocoa"
    families.append({**families[0], "slug": "new-family", "name_en": "New family", "name_pt_br": "Nova família",
                     "name_es": "Nueva familia", "synonyms": ""})  # fmt: skip
    sectors.append({**sectors[0], "slug": "new-sector", "family": "new-family", "name_en": "New sector",
                    "name_pt_br": "Novo setor", "name_es": "Nuevo sector", "synonyms": ""})  # fmt: skip
    spoil(families, sectors)
    with pytest.raises(classification.ClassificationError) as raised:
        load_classification(LoadReport(), (families, sectors))
    assert named.casefold() in str(raised.value).casefold()
    assert not SectorFamily.objects.filter(slug="new-family").exists()
    assert not Sector.objects.filter(slug="new-sector").exists()


def test_the_command_refuses_a_synonym_claimed_by_two_sectors_and_writes_nothing(reference_data, tmp_path, monkeypatch):
    shutil.copytree(classification.DATA_DIR, tmp_path / "classification")
    path = tmp_path / "classification" / "sectors.csv"
    with open(path, encoding="utf-8", newline="") as f:
        sectors = list(csv.DictReader(f))
    coffee = next(row for row in sectors if row["slug"] == "coffee")
    coffee["synonyms"] += "; Lácteos"  # Dairy's Spanish name
    coffee["name_es"] = "Café de especialidad"  # a change that must not be written either
    with open(path, "w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, list(sectors[0]))
        writer.writeheader()
        writer.writerows(sectors)
    monkeypatch.setattr(classification, "DATA_DIR", tmp_path / "classification")
    with pytest.raises(CommandError) as raised:
        call_command("load_reference_data", stdout=StringIO())
    assert str(raised.value).endswith("\n“Lácteos” is claimed by two sectors: “coffee” and “dairy”.")
    assert "nothing was written" in str(raised.value)
    assert Sector.objects.get(slug="coffee").name_es == "Café"


def test_the_admin_keeps_history_and_refuses_a_synonym_of_another_sector(client, superuser, reference_data):
    client.force_login(superuser)
    for model in ("sectorfamily", "sector"):
        assert client.get(reverse(f"admin:initiatives_{model}_changelist")).status_code == 200
    coffee = Sector.objects.get(slug="coffee")
    url = reverse("admin:initiatives_sector_change", args=[coffee.pk])
    form = {
        "name": coffee.name, "language": coffee.language, "slug": coffee.slug, "family": coffee.family_id,
        "synonyms": coffee.synonyms + "; leche", "description": "", "name_pt_br": coffee.name_pt_br,
        "name_es": coffee.name_es, "name_en": coffee.name_en,
    }  # fmt: skip
    response = client.post(url, form)
    assert response.status_code == 200
    assert "“leche” already means the sector “Dairy”." in response.content.decode()
    form["synonyms"] = coffee.synonyms + "; café arábica"
    assert client.post(url, form).status_code == 302
    coffee.refresh_from_db()
    assert coffee.synonyms.endswith("café arábica")
    assert coffee.history.first().synonyms.endswith("café arábica")  # the loader's rows start without history
    assert client.get(reverse("admin:initiatives_sector_history", args=[coffee.pk])).status_code == 200


# -- the shipped initiatives ---------------------------------------------------------------------


def test_every_shipped_initiative_has_a_curated_sector_and_keeps_its_own_wording(shipped):
    published = Initiative.objects.published()
    assert published.count() == 164
    assert not published.filter(sectors__isnull=True).exists()
    assert not published.filter(sectors__family__isnull=True).exists()
    assert Sector.objects.count() == len(rows()[1])  # no sector made from free text
    medellin = Initiative.objects.get(name="Cluster Agroalimentario", country="CO")
    assert (medellin.specialisation, medellin.specialisation_lang) == ("Agri-food", "en")
    assert "agri food" in medellin.search_text
    coffee = Initiative.objects.get(name="Clúster de Café de Altura")
    assert list(coffee.sectors.values_list("slug", flat=True)) == ["coffee"]
    assert coffee.specialisation == "Specialty (high-altitude) coffee"
    with open(classification.DATA_DIR / "shipped_sectors.csv", encoding="utf-8") as f:
        mapped = {row["wording"] for row in csv.DictReader(f)}
    assert set(published.exclude(specialisation="").values_list("specialisation", flat=True)) == mapped


def test_the_cluster_agroalimentario_is_agri_food_with_brazilian_polos(client, shipped):
    body = client.get("/api/initiatives/", {"family": "agri-food", "page_size": 200}).json()
    names = {(row["name"], row["country"]) for row in body["results"]}
    assert ("Cluster Agroalimentario", "CO") in names
    brazilian = [row for row in body["results"] if row["country"] == "BR"]
    assert len(brazilian) >= 20
    assert all(row["families"][0]["slug"] == "agri-food" for row in body["results"] if len(row["families"]) == 1)


def test_the_spanish_list_shows_at_most_25_families_and_no_english_only_label(client, shipped):
    with override("es"):
        response = client.get(reverse("initiatives:list"))
    [facet] = [f for f in response.context["facets"] if f.name == "family"]
    assert not [f for f in response.context["facets"] if f.name == "sector"]  # sectors live inside families
    assert 10 <= len(facet.options) <= 25
    families = {f.slug: f for f in SectorFamily.objects.all()}
    sectors = {s.slug: s for s in Sector.objects.all()}
    for option in facet.options:
        assert option.label == families[option.value].name_es
        assert option.children, option.value
        for child in option.children:
            assert child.label == sectors[child.value].name_es
            assert sectors[child.value].family.slug == option.value
    # No English name that differs from the Spanish one anywhere in the filters.
    page = response.content.decode()
    filters = page[page.index('id="filters-title"') : page.index('class="results"')]
    english_only = {t.name_en for t in [*families.values(), *sectors.values()] if t.name_en != t.name_es}
    shown = set(re.findall(r"<label[^>]*>([^<]+?) <span", filters))
    assert not shown & english_only


def test_the_family_facet_opens_into_its_sectors_without_javascript(client, make_initiative):
    make_initiative(name="Polo Cacau", country="BR", sectors=["cocoa"])
    make_initiative(name="Clúster Café", country="CO", sectors=["coffee"])
    make_initiative(name="Clúster Turismo", country="CO", sectors=["tourism"])
    with override("en"):
        page = client.get(reverse("initiatives:list"), {"sector": "coffee"}).content.decode()
    group = re.search(r'value="agri-food".*?<details class="facet__group" open>(.*?)</details>', page, re.S)
    assert group, "the chosen sector's family is open"
    assert 'name="sector" value="coffee"' in group.group(1) and "checked" in group.group(1)
    assert 'name="sector" value="cocoa"' in group.group(1)
    assert re.search(r'value="tourism-and-hospitality".*?<details class="facet__group">', page, re.S)
    assert "<script" not in page[page.index('id="filters-title"') : page.index('class="results"')]


# -- the family filter everywhere ----------------------------------------------------------------


def test_the_family_filter_gives_the_same_initiatives_on_every_surface(client, make_initiative):
    make_initiative(name="Polo Cacau", slug="cacau", country="BR", sectors=["cocoa"])
    make_initiative(name="Clúster Café y Turismo", slug="cafe", country="CO", sectors=["coffee", "tourism"])
    make_initiative(name="Clúster Software", slug="software", country="MX", sectors=["software"])
    query = {"family": "agri-food"}
    expected = {"cacau", "cafe"}
    with override("en"):
        listed = client.get(reverse("initiatives:list"), query).context["page"].object_list
    assert {i.slug for i in listed} == expected
    assert {row["slug"] for row in client.get("/api/initiatives/", query).json()["results"]} == expected
    features = client.get("/api/initiatives.geojson", query).json()["features"]
    assert len(features) == 2
    exported = b"".join(client.get("/api/initiatives.csv", query).streaming_content).decode("utf-8-sig")
    rows_ = list(csv.DictReader(StringIO(exported)))
    assert {row["slug"] for row in rows_} == expected
    cafe = next(row for row in rows_ if row["slug"] == "cafe")
    assert cafe["family"] == "Agri-food; Tourism and hospitality"
    assert cafe["cluster_category"] == "Food Processing and Manufacturing; Hospitality and Tourism"
    assert cafe["isic_section"] == "A; I"
    # Two families at once, and a sector with a family: the usual AND between parameters.
    both = client.get("/api/initiatives/", [("family", "agri-food"), ("family", "digital")]).json()
    assert both["count"] == 3
    assert client.get("/api/initiatives/", {"family": "agri-food", "sector": "tourism"}).json()["count"] == 1
    assert client.get("/api/initiatives/", {"family": "nowhere"}).status_code == 400


def test_the_families_endpoint_counts_each_published_initiative_once(client, make_initiative):
    make_initiative(name="Cacau e café", country="BR", sectors=["cocoa", "coffee"])
    make_initiative(name="Café", country="CO", sectors=["coffee"])
    make_initiative(name="Rascunho", country="CO", sectors=["coffee"], is_published=False)
    body = {row["slug"]: row for row in client.get("/api/families/", HTTP_ACCEPT_LANGUAGE="es").json()}
    assert len(body) <= 25
    agri = body["agri-food"]
    assert agri["initiative_count"] == 2
    assert agri["name"] == "Agroalimentario"
    assert (agri["cluster_category"], agri["isic_section"]) == ("Food Processing and Manufacturing", "A")
    assert {"coffee", "cocoa", "agri-food"} <= set(agri["sectors"])
    sectors = {row["slug"]: row for row in client.get("/api/sectors/").json()}
    assert sectors["coffee"]["family"] == "agri-food"


def test_the_detail_page_shows_the_family_its_cluster_map_category_and_the_specialisation(client, make_initiative):
    initiative = make_initiative(
        name="Clúster de Café", country="CO", language="es", sectors=["coffee"],
        specialisation="Specialty coffee", specialisation_language="en",
    )  # fmt: skip
    with override("es"):
        page = client.get(initiative.get_absolute_url()).content.decode()
    assert '<a href="/es/initiatives/?family=agri-food">Agroalimentario</a>' in page
    assert '<span lang="en">Food Processing and Manufacturing</span>' in page
    assert re.search(r"Food Processing and Manufacturing</span>; [^<]*\bA\)", page)
    assert '<dd lang="en">Specialty coffee</dd>' in page


def test_the_propose_form_groups_the_sectors_by_family(client, reference_data):
    with override("es"):
        page = client.get(reverse("hub:propose")).content.decode()
    groups = re.findall(
        r'<details class="grouped-choices__group">\s*<summary>([^<]+)</summary>(.*?)</details>', page, re.S
    )
    assert len(groups) == SectorFamily.objects.count()
    assert {name for name, _ in groups} == set(SectorFamily.objects.values_list("name_es", flat=True))
    agri = dict(groups)["Agroalimentario"]
    assert agri.count('name="sectors"') == Sector.objects.filter(family__slug="agri-food").count()
    assert page.count('name="sectors"') == Sector.objects.count()


# -- importers -----------------------------------------------------------------------------------


def test_a_workbook_in_spanish_and_portuguese_imports_without_creating_any_term(reference_data, tmp_path):
    header = ["nombre", "país", "sector"]
    words = {
        "Café": "coffee", "Aeroespacial": "aerospace", "Agroindustria": "agri-food", "Forestal": "forestry-and-wood",
        "Turismo": "tourism", "Software": "software", "CAFEICULTURA": "coffee", "agronegócio": "agri-food",
        "Economía Naranja": "creative-industries",
    }  # fmt: skip
    rows_ = [[f"Clúster {n}", "Colombia", word] for n, word in enumerate(words)]
    rows_.append(["Clúster mixto", "CO", "café; TURISMO"])
    path = write_xlsx(tmp_path / "clusters.xlsx", {"Clusters": [header, *rows_]})
    sectors_before, families_before = Sector.objects.count(), SectorFamily.objects.count()
    plan, _record = import_file("initiatives", path.read_bytes(), path.name)
    assert plan.errors == []
    assert plan.new_terms["sectors"] == []
    assert (Sector.objects.count(), SectorFamily.objects.count()) == (sectors_before, families_before)
    for n, (word, slug) in enumerate(words.items()):
        initiative = Initiative.objects.get(name=f"Clúster {n}")
        assert list(initiative.sectors.values_list("slug", flat=True)) == [slug], word
    mixed = Initiative.objects.get(name="Clúster mixto")
    assert set(mixed.sectors.values_list("slug", flat=True)) == {"coffee", "tourism"}


def test_an_unknown_sector_is_an_error_naming_the_three_closest_terms(reference_data, tmp_path):
    path = write_xlsx(tmp_path / "c.xlsx", {"Clusters": [["name", "country", "sector"], ["X", "CO", "Cafeína"]]})
    plan, _record = import_file("initiatives", path.read_bytes(), path.name)
    [error] = plan.errors
    assert (error.row, error.column) == (2, "sector")
    assert "“Cafeína” is not one of the catalogue's sectors. Closest: " in error.message
    closest = error.message.split("Closest: ")[1].split(".")[0].split(", ")
    assert len(closest) == 3 and "Coffee" in closest
    assert not Initiative.objects.exists()


def test_a_sector_of_no_family_left_by_an_older_catalogue_never_takes_a_classified_word(reference_data, tmp_path):
    # Before the classification, the importer made a sector of each free-text cell ("Health").
    Sector.objects.create(slug="aaa-health", name="Health", language="en", name_en="Health")
    path = write_xlsx(
        tmp_path / "c.xlsx", {"Clusters": [["name", "country", "sector"], ["Clúster Salud", "CO", "health"]]}
    )
    plan, _record = import_file("initiatives", path.read_bytes(), path.name)
    assert plan.errors == []
    assert list(Initiative.objects.get().sectors.values_list("slug", flat=True)) == ["health-services"]
