"""The facet rows the database keeps (FacetRow, by triggers, read by the facets under a search)
always equal the initiatives' facet values read afresh, whatever writes: every write of the kept
counts' random sequences (saves, bulk_create, update(), raw SQL, deletes, the admin, m2m
changes, sectors moved between families, terms deleted) and renames of terms and regions."""

import pytest
from django.core.management import call_command
from django.db import connection

from initiatives import facet_rows
from initiatives.models import FacetRow, Initiative, Region, Sector, SectorFamily, Theme

from ..throttle import fresh_throttle_counts  # noqa: F401  (autouse)
from .test_kept_facet_counts import Writer, write_at_random

pytestmark = pytest.mark.django_db


def ids(packed: str) -> set[int]:
    return {int(term) for term in packed.split(",")} if packed else set()


def kept_rows() -> dict[int, tuple]:
    """The table's rows as (country, kind, status, programme id, Rota id, and sets of ids)."""
    rows = {}
    for pk, one_valued, *packed in FacetRow.objects.values_list("id", "one_valued", *facet_rows.PACKED):
        country, kind, status, program, route = one_valued.split(facet_rows.SEPARATOR)
        terms = (int(program) if program else None, int(route) if route else None)
        rows[pk] = (country, kind, status, *terms, *(ids(text) for text in packed))
    return rows


def fresh_rows() -> dict[int, tuple]:
    """Each published initiative's facet values, read through the ORM."""
    rows = {}
    for initiative in Initiative.objects.published().prefetch_related("sectors", "themes", "regions"):
        sectors = list(initiative.sectors.all())
        rows[initiative.pk] = (
            initiative.country,
            initiative.kind,
            initiative.status,
            initiative.program_id,
            initiative.route_id,
            {s.pk for s in sectors},
            {s.family_id for s in sectors if s.family_id},
            {t.pk for t in initiative.themes.all()},
            {r.pk for r in initiative.regions.all()},
        )
    return rows


def assert_kept_equals_fresh(context=""):
    assert kept_rows() == fresh_rows(), context


class RowWriter(Writer):
    """The kept counts' random writes, and renames and family changes besides."""

    def rename_terms(self):
        sector = self.rng.choice(self.sectors)
        sector.name = f"Renamed sector {self.made}"
        sector.save()
        Theme.objects.filter(pk=self.rng.choice(self.themes).pk).update(name=f"Renamed theme {self.made}")
        region = self.rng.choice(self.regions)
        region.name = f"Renamed region {self.made}"
        region.save()

    def sector_without_family(self):
        sector = self.rng.choice(self.sectors)
        sector.family = None if sector.family_id else self.rng.choice(self.families)
        sector.save()

    def step(self):
        if self.rng.random() < 0.15:
            write = self.rng.choice([self.rename_terms, self.sector_without_family])
            write()
            return write.__name__
        return super().step()


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_it_keeps_the_rows_equal_to_the_initiatives_through_random_writes(seed, reference_data, client, superuser):
    write_at_random(RowWriter(seed, client, superuser), assert_kept_equals_fresh)
    assert kept_rows(), "no published initiative left: the comparison would prove nothing"


def test_a_row_holds_every_facet_value_of_a_published_initiative_only(make_initiative, rota_do_mel):
    sectors = list(Sector.objects.filter(family__slug="agri-food").order_by("pk")[:2])
    made = make_initiative(
        name="Polo", country="BR", kind="rotas_polo", route=rota_do_mel, sectors=sectors,
        themes=["sustainability", "market-access"], regions=["BR-PA"],
    )  # fmt: skip
    make_initiative(name="A draft", sectors=sectors, is_published=False)
    family = SectorFamily.objects.get(slug="agri-food")
    themes = set(Theme.objects.filter(slug__in=["sustainability", "market-access"]).values_list("pk", flat=True))
    assert kept_rows() == {
        made.pk: (
            "BR", "rotas_polo", "active", rota_do_mel.program_id, rota_do_mel.pk, {s.pk for s in sectors}, {family.pk}, themes,
            {Region.objects.get(code="BR-PA").pk},
        )
    }  # fmt: skip


def test_the_rebuild_rewrites_a_damaged_table(make_initiative):
    make_initiative(name="Kept", sectors=["coffee"], themes=["market-access"], regions=["CO-NAR"])
    make_initiative(name="Draft", sectors=["coffee"], is_published=False)
    expected = fresh_rows()
    FacetRow.objects.update(sectors="", one_valued="ZZ|cluster|active||")
    FacetRow.objects.create(id=999_999, one_valued="BR|cluster|active||")
    assert kept_rows() != expected

    facet_rows.rebuild_facet_rows()
    assert kept_rows() == expected

    FacetRow.objects.all().delete()
    call_command("rebuild_facet_counts", verbosity=0)
    assert kept_rows() == expected


def test_migrate_puts_back_the_triggers_a_remade_table_lost(make_initiative):
    """SQLite remakes a table to alter it, which drops its triggers; every migrate repairs them."""
    make_initiative(name="Kept before", sectors=["coffee"])
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("DROP TRIGGER facetrow_sectors_insert ON initiatives_initiative_sectors")
        else:
            cursor.execute("DROP TRIGGER facetrow_sectors_insert")
    make_initiative(name="Written while the trigger is missing", sectors=["coffee"])
    assert kept_rows() != fresh_rows()  # the drift repair() exists for

    call_command("migrate", verbosity=0)  # nothing to apply; post_migrate still runs

    assert_kept_equals_fresh()
    make_initiative(name="Written after the repair", sectors=["coffee", "cocoa"])
    assert_kept_equals_fresh()
    assert not facet_rows.repair(connection)  # nothing left to repair
