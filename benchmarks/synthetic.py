"""A synthetic catalogue of N initiatives for benchmarks, never mixed with real data.

    from benchmarks.synthetic import generate, prepare_database
    prepare_database()          # migrate + load_reference_data
    generate(100_000, seed=9)   # into the configured database (never one with real initiatives)

Rows are spread over the 33 LAC countries (weighted towards the largest catalogues), their
regions and, for Brazil, IBGE municipalities; with sectors, themes, kinds, Rotas for Brazilian
polos, coordinates near the municipality, region or capital, mostly published with some drafts.
Every row is marked: slug `synthetic-NNNNNN` and source_text "synthetic benchmark data". The
generator refuses a database that holds any other initiative, and replaces earlier synthetic rows.

Fast on purpose: initiatives and M2M through-rows are bulk-created in batches, the folded name
and search index are computed in Python, and the catalogue version is bumped once at the end.
"""

import random
import sys
import time
from collections import defaultdict

from django.db import connection, transaction
from django.db.models import Q

from initiatives.cache import bump_catalogue_version
from initiatives.models import Initiative, Municipality, Program, Region, Route, Sector, Theme
from initiatives.reference import ROTAS_PROGRAM_SLUG, country_points

SLUG_PREFIX = "synthetic-"
SOURCE_TEXT = "synthetic benchmark data"
SOURCE_URL = "https://example.org/synthetic-benchmark-data"  # the polo file's FONTE column
BATCH_SIZE = 2000

# Relative weights: the big national registries dominate; every LAC country has some rows.
COUNTRY_WEIGHTS = {"BR": 30, "MX": 14, "CO": 12, "AR": 8, "CL": 6, "PE": 6, "EC": 3, "GT": 2, "CR": 2, "UY": 2}
ENGLISH_SPEAKING = {"AG", "BB", "BS", "BZ", "DM", "GD", "GY", "JM", "KN", "LC", "TT", "VC"}
KIND_WEIGHTS = {"cluster": 30, "apl": 25, "network": 12, "tech_park": 6, "value_chain": 15, "other": 4}
PUBLISHED_SHARE = 0.92
ROTAS_POLO_SHARE_IN_BR = 0.12

WORDS = {
    "pt-br": (
        ["Polo", "Arranjo Produtivo", "Rede", "Cooperativa", "Consórcio", "Cluster", "Núcleo"],
        ["de Fruticultura", "do Mel", "da Moda", "do Açaí", "de Tecnologia", "do Leite", "da Mandioca",
         "do Pescado", "de Cacau", "de Turismo Rural", "de Móveis", "de Cerâmica"],
        "Iniciativa de produtores e empresas de {place} que coopera em acesso a mercados, inovação e formação.",
    ),
    "es": (
        ["Clúster", "Red", "Cadena", "Polo", "Consorcio", "Iniciativa", "Núcleo"],
        ["del Café", "de la Miel", "Textil", "de Software", "Lácteo", "del Cacao", "Pesquero",
         "de Turismo", "Metalmecánico", "Agroindustrial", "de Frutas", "Logístico"],
        "Iniciativa de empresas y productores de {place} para el acceso a mercados, la innovación y la formación.",
    ),
    "en": (
        ["Cluster", "Network", "Cooperative", "Value Chain", "Hub", "Initiative"],
        ["of Tourism", "of Fisheries", "of Agro-processing", "of Creative Industries", "of Software",
         "of Cocoa", "of Honey", "of Fruit", "of Apparel", "of Logistics"],
        "Firms and producers of {place} working together on market access, innovation and training.",
    ),
}  # fmt: skip


class RealDataError(RuntimeError):
    """The database holds initiatives that are not synthetic: the generator never writes there."""


def real_initiatives():
    return Initiative.objects.exclude(Q(slug__startswith=SLUG_PREFIX) & Q(source_text=SOURCE_TEXT))


def ensure_synthetic_only() -> None:
    count = real_initiatives().count()
    if count:
        raise RealDataError(
            f"Refusing to write: database {connection.settings_dict['NAME']!r} holds {count} non-synthetic "
            "initiative(s). Point DATABASE_URL at a dedicated benchmark database."
        )


def synthetic_count() -> int:
    return Initiative.objects.filter(slug__startswith=SLUG_PREFIX).count()


def _clear_synthetic() -> None:
    """Delete earlier synthetic rows in a few statements (no per-row signals: the database holds
    nothing else, checked just before)."""
    ids = Initiative.objects.filter(slug__startswith=SLUG_PREFIX).values("pk")
    for field in ("regions", "municipalities", "sectors", "themes"):
        getattr(Initiative, field).through.objects.filter(initiative_id__in=ids)._raw_delete(connection.alias)
    Initiative.objects.filter(slug__startswith=SLUG_PREFIX)._raw_delete(connection.alias)


class _Reference:
    """The reference data the rows point at, loaded once."""

    def __init__(self):
        points = country_points()
        if not points or not Region.objects.exists() or not Sector.objects.exists():
            raise RuntimeError("Reference data missing: run `manage.py migrate` and `manage.py load_reference_data`.")
        self.countries = sorted(points)
        self.country_weights = [COUNTRY_WEIGHTS.get(code, 1) for code in self.countries]
        self.points = points
        self.regions = defaultdict(list)
        for region in Region.objects.all():
            self.regions[region.country.code].append(region)
        self.municipalities = defaultdict(list)  # region id -> municipalities
        for m in Municipality.objects.filter(country="BR").only("pk", "name", "region_id", "latitude", "longitude"):
            self.municipalities[m.region_id].append(m)
        self.sector_objects = {sector.pk: sector for sector in Sector.objects.select_related("family")}
        self.sectors = list(self.sector_objects)
        self.themes = list(Theme.objects.values_list("pk", flat=True))
        self.routes = list(Route.objects.all())
        self.rotas_program = Program.objects.filter(slug=ROTAS_PROGRAM_SLUG).first()
        self.kinds = list(KIND_WEIGHTS)
        self.kind_weights = list(KIND_WEIGHTS.values())


def _row(i: int, rng: random.Random, ref: _Reference):
    """One unsaved initiative and the pks of its relations."""
    country = rng.choices(ref.countries, ref.country_weights)[0]
    language = "pt-br" if country == "BR" else "en" if country in ENGLISH_SPEAKING else "es"
    regions = ref.regions.get(country) or []
    region = rng.choice(regions) if regions else None
    municipalities = []
    kind = rng.choices(ref.kinds, ref.kind_weights)[0]
    route = None
    if country == "BR" and region is not None:
        pool = ref.municipalities.get(region.pk) or []
        polo = ref.routes and rng.random() < ROTAS_POLO_SHARE_IN_BR
        if polo:
            kind, route = "rotas_polo", rng.choice(ref.routes)
        size = min(len(pool), rng.randint(3, 25) if polo else rng.choice((0, 1, 1, 2, 3, 5)))
        municipalities = rng.sample(pool, size)
    if municipalities:
        anchor, precision, spread = municipalities[0], Initiative.Precision.MUNICIPALITY, 0.02
        place = anchor.name
    elif region is not None and region.latitude is not None:
        anchor, precision, spread, place = region, Initiative.Precision.REGION, 0.5, region.name
    else:
        point = ref.points[country]
        anchor, precision, spread = point, Initiative.Precision.COUNTRY, 1.5
        place = region.name if region is not None else point.capital
    heads, tails, description = WORDS[language]
    name = f"{rng.choice(heads)} {rng.choice(tails)} {place} {i}"
    initiative = Initiative(
        name=name,
        slug=f"{SLUG_PREFIX}{i:06d}",
        kind=kind,
        status="active" if rng.random() < 0.85 else "inactive",
        is_published=rng.random() < PUBLISHED_SHARE,
        language=language,
        description=description.format(place=place),
        country=country,
        territory=place,
        latitude=max(-90.0, min(90.0, anchor.latitude + rng.uniform(-spread, spread))),
        longitude=max(-180.0, min(180.0, anchor.longitude + rng.uniform(-spread, spread))),
        location_precision=precision,
        route=route,
        program=ref.rotas_program if route else None,
        managing_organisation=f"{heads[0]} {place}",
        year_started=rng.randint(1990, 2025) if rng.random() < 0.7 else None,
        member_count=rng.randint(3, 600) if rng.random() < 0.8 else None,
        source_text=SOURCE_TEXT,
    )
    relations = {
        "regions": [region.pk] if region is not None else [],
        "municipalities": [m.pk for m in municipalities],
        "sectors": rng.sample(ref.sectors, rng.randint(1, min(3, len(ref.sectors)))),
        "themes": rng.sample(ref.themes, rng.randint(0, min(3, len(ref.themes)))),
    }
    # The same folded fields a save would compute, from the relations written below.
    initiative.set_derived_fields(
        municipalities=[m.name for m in municipalities],
        regions=[region.name] if region is not None else [],
        sectors=[ref.sector_objects[pk] for pk in relations["sectors"]],
    )
    return initiative, relations


def _write_batch(rows) -> int:
    initiatives = [initiative for initiative, _ in rows]
    Initiative.objects.bulk_create(initiatives, batch_size=BATCH_SIZE)
    if any(obj.pk is None for obj in initiatives):  # backends without RETURNING
        pks = dict(Initiative.objects.filter(slug__in=[o.slug for o in initiatives]).values_list("slug", "pk"))
        for obj in initiatives:
            obj.pk = pks[obj.slug]
    links = 0
    for field, target in (("regions", "region"), ("municipalities", "municipality"), ("sectors", "sector"), ("themes", "theme")):  # fmt: skip
        through = getattr(Initiative, field).through
        objs = [
            through(initiative_id=initiative.pk, **{f"{target}_id": pk})
            for initiative, relations in rows
            for pk in relations[field]
        ]
        through.objects.bulk_create(objs, batch_size=BATCH_SIZE * 4)
        links += len(objs)
    return links


def prepare_database() -> None:
    """Migrate and load the reference data: what generate() needs first (idempotent)."""
    from django.core.management import call_command

    from initiatives.reference import load_reference_data

    call_command("migrate", verbosity=0, interactive=False)
    load_reference_data()


def generate(n: int = 100_000, *, seed: int = 9, stdout=None) -> int:
    """Replace the synthetic catalogue with `n` initiatives; return how many were written."""
    out = stdout or sys.stdout
    ensure_synthetic_only()
    started = time.perf_counter()
    rng = random.Random(seed)
    ref = _Reference()
    with transaction.atomic():
        _clear_synthetic()
    written = links = 0
    while written < n:
        rows = [_row(i, rng, ref) for i in range(written + 1, min(n, written + BATCH_SIZE) + 1)]
        with transaction.atomic():
            links += _write_batch(rows)
        written += len(rows)
        if written % 20_000 < BATCH_SIZE or written == n:
            out.write(f"  {written:,}/{n:,} initiatives, {links:,} links, {time.perf_counter() - started:.1f} s\n")
    with connection.cursor() as cursor:
        # Fresh planner statistics and, on PostgreSQL, no dead rows of an earlier catalogue and a
        # visibility map for index-only counts: what autovacuum would reach eventually. Without
        # statistics SQLite scans the whole table through a partial index, and aggregates crawl.
        vacuum = connection.vendor == "postgresql" and not connection.in_atomic_block  # not in a transaction
        cursor.execute("VACUUM ANALYZE" if vacuum else "ANALYZE")
    bump_catalogue_version()
    return written


def write_polos_file(path, *, polos: int = 77, municipalities: int = 1249, seed: int = 9) -> dict:
    """Write a long-layout polo file (ROTA, POLO, UF, MUNICIPIO, COD_IBGE, SEDE, FONTE): one row
    per polo and municipality, each polo's municipalities in one state, the first one its seat."""
    import csv

    rng = random.Random(seed)
    sizes = [municipalities // polos + 1] * (municipalities % polos) + [municipalities // polos] * (
        polos - municipalities % polos
    )
    routes = list(Route.objects.order_by("slug"))
    by_state = defaultdict(list)
    for m in Municipality.objects.filter(country="BR").select_related("region").order_by("region__code", "code"):
        by_state[m.region.code.split("-")[1]].append(m)
    states = sorted(by_state, key=lambda uf: -len(by_state[uf]))
    rows, state = [], 0
    while sizes:
        uf = states[state % len(states)]
        pool = by_state[uf]
        if len(pool) < sizes[0]:
            state += 1
            continue
        size = sizes.pop(0)
        chosen, by_state[uf] = pool[:size], pool[size:]
        route = routes[len(rows) % len(routes)] if routes else None
        number = polos - len(sizes)
        rows.append((route.name if route else "Rota do Mel", f"Polo Sintético {number} {uf}", uf, chosen))
        state += rng.randint(1, 3)
    with open(path, "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["ROTA", "POLO", "UF", "MUNICIPIO", "COD_IBGE", "SEDE", "FONTE"])
        for rota, polo, uf, chosen in rows:
            for index, m in enumerate(chosen):
                writer.writerow([rota, polo, uf, m.name, m.code, "sim" if index == 0 else "", SOURCE_URL])
    return {"polos": len(rows), "municipalities": sum(len(r[3]) for r in rows)}
