"""Reference data shipped with the project: Brazil's states and municipalities (IBGE), the
first-level divisions of Latin American and Caribbean countries (pycountry), each country's
reference point, the sector classification (families and sectors), the Rotas de Integração Nacional
programme and the themes (data/themes.csv).

Each loader is idempotent: it creates what is missing, corrects what differs, deletes nothing.
"""

import csv
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import pycountry
from django.db import transaction
from django.utils.text import slugify

from . import classification, search_index
from .models import Initiative, Municipality, Program, Region, Route, Sector, SectorFamily, Theme

DATA_DIR = Path(__file__).resolve().parent / "data"


@dataclass
class LoadReport:
    created: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)

    def count(self, model_name: str, created: int, updated: int) -> None:
        self.created[model_name] = self.created.get(model_name, 0) + created
        self.updated[model_name] = self.updated.get(model_name, 0) + updated


@dataclass(frozen=True)
class CountryPoint:
    iso2: str
    capital: str
    latitude: float
    longitude: float


@cache
def country_points() -> dict[str, CountryPoint]:
    """The capital (seat of government) of each Latin American and Caribbean country."""
    with open(DATA_DIR / "lac" / "country_points.csv", encoding="utf-8") as f:
        return {
            row["iso2"]: CountryPoint(row["iso2"], row["capital"], float(row["latitude"]), float(row["longitude"]))
            for row in csv.DictReader(f)
        }


def lac_country_codes() -> list[str]:
    return sorted(country_points())


def _sync(model, key: str, wanted: dict[str, dict], report: LoadReport) -> dict[str, object]:
    """Make the rows of `model` identified by `key` match `wanted`; return all of them by key."""
    existing = {getattr(obj, key): obj for obj in model.objects.filter(**{f"{key}__in": list(wanted)})}
    to_create, to_update, changed_fields = [], [], set()
    for ident, values in wanted.items():
        obj = existing.get(ident)
        if obj is None:
            to_create.append(model(**{key: ident}, **values))
            continue
        diff = {name for name, value in values.items() if getattr(obj, name) != value}
        if diff:
            for name in diff:
                setattr(obj, name, values[name])
            to_update.append(obj)
            changed_fields |= diff
    model.objects.bulk_create(to_create, batch_size=1000)
    if to_update:
        model.objects.bulk_update(to_update, sorted(changed_fields), batch_size=1000)
    report.count(model._meta.verbose_name_plural, len(to_create), len(to_update))
    return {getattr(obj, key): obj for obj in model.objects.filter(**{f"{key}__in": list(wanted)})}


def _leaf_subdivisions(country_code: str):
    """First-level divisions as people use them: pycountry's subdivisions that have none below
    them (Dominican provinces rather than the regions that group them)."""
    subdivisions = list(pycountry.subdivisions.get(country_code=country_code) or [])
    parents = {s.parent_code for s in subdivisions if s.parent_code}
    return [s for s in subdivisions if s.code not in parents]


def load_regions(report: LoadReport) -> dict[str, Region]:
    wanted: dict[str, dict] = {}
    for code in lac_country_codes():
        if code == "BR":
            continue  # Brazil's states come from IBGE, with their points.
        for sub in _leaf_subdivisions(code):
            wanted[sub.code] = {"name": sub.name, "country": code, "latitude": None, "longitude": None}
    with open(DATA_DIR / "ibge" / "estados.csv", encoding="utf-8-sig") as f:
        for row in csv.DictReader(f):
            wanted[f"BR-{row['uf']}"] = {
                "name": row["nome"],
                "country": "BR",
                "latitude": float(row["latitude"]),
                "longitude": float(row["longitude"]),
            }
    return _sync(Region, "code", wanted, report)


def load_brazil_municipalities(report: LoadReport) -> None:
    with open(DATA_DIR / "ibge" / "estados.csv", encoding="utf-8-sig") as f:
        uf_by_ibge = {row["codigo_uf"]: row["uf"] for row in csv.DictReader(f)}
    regions = {r.code: r for r in Region.objects.filter(country="BR")}
    wanted = {}
    with open(DATA_DIR / "ibge" / "municipios.csv", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            wanted[row["codigo_ibge"]] = {
                "country": "BR",
                "name": row["nome"],
                "region_id": regions[f"BR-{uf_by_ibge[row['codigo_uf']]}"].pk,
                "latitude": float(row["latitude"]),
                "longitude": float(row["longitude"]),
            }
    existing = {m.code: m for m in Municipality.objects.filter(country="BR")}
    to_create, to_update = [], []
    for code, values in wanted.items():
        obj = existing.get(code)
        if obj is None:
            to_create.append(Municipality(code=code, **values))
        elif any(getattr(obj, name) != value for name, value in values.items()):
            for name, value in values.items():
                setattr(obj, name, value)
            to_update.append(obj)
    Municipality.objects.bulk_create(to_create, batch_size=1000)
    Municipality.objects.bulk_update(to_update, ["name", "region_id", "latitude", "longitude"], batch_size=1000)
    report.count(Municipality._meta.verbose_name_plural, len(to_create), len(to_update))


# (name in Portuguese, Spanish, English, slug of the sector, other spellings seen in files)
ROTAS = [
    ("Rota do Açaí", "Ruta del Açaí", "Açaí Route", "acai", ""),
    ("Rota da Avicultura Caipira", "Ruta de la Avicultura Campera", "Free-range Poultry Route", "free-range-poultry", ""),
    ("Rota da Biodiversidade", "Ruta de la Biodiversidad", "Biodiversity Route", "biodiversity-products", ""),
    ("Rota do Cacau", "Ruta del Cacao", "Cocoa Route", "cocoa", ""),
    ("Rota do Cordeiro", "Ruta del Cordero", "Lamb Route", "sheep-and-goats", "Rota da Ovinocaprinocultura"),
    ("Rota da Economia Circular", "Ruta de la Economía Circular", "Circular Economy Route", "circular-economy", ""),
    ("Rota da Fruticultura", "Ruta de la Fruticultura", "Fruit Growing Route", "fruit-growing", "Rota das Frutas"),
    ("Rota do Leite", "Ruta de la Leche", "Dairy Route", "dairy", ""),
    ("Rota da Mandioca", "Ruta de la Yuca", "Cassava Route", "cassava", ""),
    ("Rota do Mel", "Ruta de la Miel", "Honey Route", "beekeeping", ""),
    ("Rota da Moda", "Ruta de la Moda", "Fashion Route", "fashion-and-apparel", ""),
    ("Rota do Pescado", "Ruta de la Pesca", "Fish Route", "fisheries-and-aquaculture", "Rota do Peixe"),
    ("Rota da TIC", "Ruta de las TIC", "ICT Route", "ict", "Rota das TICs; Rota da Tecnologia da Informação"),
]  # fmt: skip

# The areas of joint work the platform exists for (CEPAL's, widened to 15); the first 8 themes'
# slugs are kept where the meaning is the same. Columns: slug, name_pt, name_es, name_en.
THEMES_FILE = DATA_DIR / "themes.csv"


def themes() -> list[tuple[str, str, str, str]]:
    with open(THEMES_FILE, encoding="utf-8") as f:
        return [(row["slug"], row["name_pt"], row["name_es"], row["name_en"]) for row in csv.DictReader(f)]


ROTAS_PROGRAM_SLUG = "rotas-de-integracao-nacional"


def load_classification(report: LoadReport, rows: tuple[list[dict], list[dict]] | None = None) -> dict[str, Sector]:
    """The sector families and their sectors (data/classification/), checked whole before any
    write: a bad row raises ClassificationError naming its term."""
    families, sectors = rows if rows is not None else classification.shipped_rows()
    classification.check(families, sectors)

    def names(row):
        return _vocabulary(row["slug"], row["name_pt_br"], row["name_es"], row["name_en"]) | {
            "synonyms": "; ".join(classification.synonyms_of(row["synonyms"]))
        }

    saved = _sync(
        SectorFamily,
        "slug",
        {row["slug"]: names(row) | classification.cluster_map_fields(row) for row in families},
        report,
    )
    wanted = {
        row["slug"]: names(row) | {"family_id": saved[row["family"]].pk, "is_general": bool(row["general"])}
        for row in sectors
    }
    # A general sector that moves clears the old one first, so the one-per-family rule holds throughout.
    Sector.objects.filter(is_general=True).exclude(slug__in=[s for s, v in wanted.items() if v["is_general"]]).update(
        is_general=False
    )
    return _sync(Sector, "slug", wanted, report)


def _vocabulary(slug, pt, es, en):
    return {"name": en, "language": "en", "name_pt_br": pt, "name_es": es, "name_en": en}


def load_vocabularies(report: LoadReport) -> None:
    _sync(Theme, "slug", {row[0]: _vocabulary(*row) for row in themes()}, report)
    sectors = load_classification(report)
    program = _sync(
        Program,
        "slug",
        {
            ROTAS_PROGRAM_SLUG: {
                "name": "Rotas de Integração Nacional",
                "language": "pt-br",
                "name_es": "Rutas de Integración Nacional",
                "name_en": "National Integration Routes",
                "owner": "Ministério da Integração e do Desenvolvimento Regional (MIDR)",
                "country": "BR",
                "website": "https://www.gov.br/mdr/pt-br/assuntos/desenvolvimento-regional/rotas-de-integracao-nacional",
            }
        },
        report,
    )[ROTAS_PROGRAM_SLUG]
    _sync(
        Route,
        "slug",
        {
            slugify(pt): {
                "name": pt,
                "language": "pt-br",
                "name_es": es,
                "name_en": en,
                "program_id": program.pk,
                "sector_id": sectors[sector].pk,
                "aliases": aliases,
            }
            for pt, es, en, sector, aliases in ROTAS
        },
        report,
    )


@transaction.atomic
def load_reference_data() -> LoadReport:
    report = LoadReport()
    load_regions(report)
    load_brazil_municipalities(report)
    load_vocabularies(report)
    if any(report.updated.values()):
        # Bulk writes send no signal: renamed places and terms must reach the search index.
        search_index.reindex(Initiative.objects.all())
    return report
