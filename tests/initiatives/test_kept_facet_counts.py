"""The facet counts the database keeps (FacetCount, by triggers) always equal a recount from
scratch, whatever writes: saves, bulk_create, update(), raw SQL, deletes, the admin, m2m changes,
a sector moved to another family, a term deleted. Randomized sequences with fixed seeds, so a
failure replays."""

import random

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from initiatives.cache import bump_catalogue_version
from initiatives.facet_table import REGION_TOKEN, TABLE, VOCABULARY_TOKEN, rebuild_facet_counts
from initiatives.facets import FACETS
from initiatives.labels import vocabulary_labels
from initiatives.models import FacetCount, Initiative, Program, Region, Route, Sector, SectorFamily, Theme

from ..throttle import fresh_throttle_counts  # noqa: F401  (autouse)
from .test_facet_counts import naive_counts, published, shown_counts

pytestmark = pytest.mark.django_db


def assert_kept_equals_recount(context=""):
    kept = Initiative.objects.catalogue_facet_counts(FACETS)
    assert kept == Initiative.objects.recounted_facet_counts(FACETS), context
    everything = published()
    assert kept == {facet: naive_counts(everything, facet) for facet in FACETS}, context
    assert Initiative.objects.catalogue_total() == len(everything), context
    figures = Initiative.objects.catalogue_headline_figures()
    assert figures == Initiative.objects.published().headline_figures(), context
    for model in (Sector, SectorFamily, Theme, Program, Route):
        lookup = "sectors__initiatives__is_published" if model is SectorFamily else "initiatives__is_published"
        expected = set(model.objects.filter(**{lookup: True}).values_list("pk", flat=True))
        assert set(model.objects.with_published().values_list("pk", flat=True)) == expected, (model, context)
    # The counts kept per country and per kind: every other facet, and the total, of their initiatives.
    for scope, values in [
        ("country", ["BR"]),
        ("country", ["CO"]),
        ("country", ["MX"]),
        ("country", ["AR"]),
        ("country", ["BR", "MX"]),
        ("kind", ["cluster"]),
        ("kind", ["apl"]),
        ("kind", ["rotas_polo"]),
        ("kind", ["network"]),
        ("kind", ["apl", "rotas_polo"]),
    ]:
        others = [facet for facet in FACETS if facet != scope]
        chosen = [initiative for initiative in everything if getattr(initiative, scope) in values]
        expected = {facet: naive_counts(chosen, facet) for facet in others}
        assert Initiative.objects.catalogue_facet_counts(others, values) == expected, (values, context)
        assert Initiative.objects.catalogue_total(values) == len(chosen), (values, context)


class Writer:
    """Random writes of every kind on a small catalogue."""

    def __init__(self, seed, client, superuser):
        self.seed = seed
        self.rng = random.Random(seed)
        self.client, self.superuser = client, superuser
        self.sectors = list(Sector.objects.filter(family__isnull=False, is_general=False).order_by("pk")[:8])
        self.families = list(SectorFamily.objects.order_by("pk")[:4])
        self.themes = list(Theme.objects.order_by("pk")[:5])
        self.regions = list(Region.objects.filter(country="BR").order_by("pk")[:5])
        self.programs = [None, *Program.objects.order_by("pk")[:2]]
        self.routes = [None, *Route.objects.order_by("pk")[:3]]
        self.made = 0

    def some(self, items, most=3):
        return self.rng.sample(items, self.rng.randint(0, min(most, len(items))))

    def fields(self):
        self.made += 1
        return {
            "name": f"Random {self.made}",
            "slug": f"random-{self.made}",
            "country": self.rng.choice(["BR", "CO", "MX"]),
            "kind": self.rng.choice(["cluster", "apl", "rotas_polo"]),
            "status": self.rng.choice(["active", "inactive"]),
            "is_published": self.rng.random() < 0.7,
            "member_count": self.rng.choice([None, 0, 12, 700]),
            "program": self.rng.choice(self.programs),
            "route": self.rng.choice(self.routes),
        }

    def initiatives(self):
        return list(Initiative.objects.order_by("pk"))

    def one(self):
        return self.rng.choice(self.initiatives())

    # The writes.
    def save_new(self):
        initiative = Initiative.objects.create(**self.fields())
        initiative.sectors.set(self.some(self.sectors))
        initiative.themes.set(self.some(self.themes))
        initiative.regions.set(self.some(self.regions))

    def bulk_create(self):
        # bulk_create skips save(), which fills name_key (unique per Rota).
        new = [Initiative(**fields, name_key=fields["slug"]) for fields in (self.fields() for _ in range(3))]
        made = Initiative.objects.bulk_create(new)
        links = Initiative.sectors.through
        rows = [links(initiative_id=i.pk, sector_id=s.pk) for i in made for s in self.some(self.sectors)]
        links.objects.bulk_create(rows)

    def save_edit(self):
        initiative = self.one()
        for name, value in self.fields().items():
            if name not in ("name", "slug") and self.rng.random() < 0.5:
                setattr(initiative, name, value)
        initiative.save()

    def update_publish(self):
        chosen = [i.pk for i in self.some(self.initiatives(), 4)]
        Initiative.objects.filter(pk__in=chosen).update(is_published=self.rng.random() < 0.5)

    def update_columns(self):
        chosen = [i.pk for i in self.some(self.initiatives(), 4)]
        fields = self.fields()
        Initiative.objects.filter(pk__in=chosen).update(
            country=fields["country"],
            kind=fields["kind"],
            route=fields["route"],
            program=fields["program"],
            member_count=fields["member_count"],
        )

    def raw_sql(self):
        initiative = self.one()
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE initiatives_initiative SET is_published = NOT is_published, status = %s WHERE id = %s",
                [self.rng.choice(["active", "inactive"]), initiative.pk],
            )
            sector = self.rng.choice(self.sectors)
            cursor.execute(
                "DELETE FROM initiatives_initiative_sectors WHERE initiative_id = %s AND sector_id = %s",
                [initiative.pk, sector.pk],
            )
            cursor.execute(
                "INSERT INTO initiatives_initiative_sectors (initiative_id, sector_id) VALUES (%s, %s)",
                [initiative.pk, sector.pk],
            )

    def raw_link_rewrite(self):
        """A link row rewritten in place to another sector the initiative lacks."""
        initiative = self.one()
        current = set(initiative.sectors.values_list("pk", flat=True))
        free = [s for s in self.sectors if s.pk not in current]
        if current and free:
            with connection.cursor() as cursor:
                cursor.execute(
                    "UPDATE initiatives_initiative_sectors SET sector_id = %s WHERE initiative_id = %s AND sector_id = %s",
                    [self.rng.choice(free).pk, initiative.pk, self.rng.choice(sorted(current))],
                )

    def delete(self):
        self.one().delete()

    def admin_delete(self):
        self.client.force_login(self.superuser)
        chosen = [str(i.pk) for i in self.some(self.initiatives(), 2)]
        if chosen:
            response = self.client.post(
                "/admin/initiatives/initiative/",
                {"action": "delete_selected", "_selected_action": chosen, "post": "yes"},
            )
            assert response.status_code == 302

    def m2m(self):
        initiative = self.one()
        relation, terms = self.rng.choice(
            [(initiative.sectors, self.sectors), (initiative.themes, self.themes), (initiative.regions, self.regions)]
        )
        verb = self.rng.choice(["add", "remove", "clear", "set"])
        if verb == "clear":
            relation.clear()
        elif verb == "set":
            relation.set(self.some(terms))
        else:
            getattr(relation, verb)(*self.some(terms))

    def reverse_m2m(self):
        sector = self.rng.choice(self.sectors)
        sector.initiatives.add(*self.some(self.initiatives(), 3))

    def move_sector(self):
        sector = self.rng.choice(self.sectors)
        family = self.rng.choice([f for f in self.families if f.pk != sector.family_id] or self.families)
        if self.rng.random() < 0.5:
            sector.family = family
            sector.save()
        else:  # several sectors in one statement, some perhaps sharing an initiative
            moved = [sector.pk, *(s.pk for s in self.some(self.sectors, 2))]
            Sector.objects.filter(pk__in=moved).update(family=family)

    def delete_term(self):
        if self.rng.random() < 0.5:
            theme = Theme.objects.create(name=f"Passing theme {self.made}", slug=f"passing-{self.made}")
            theme.initiatives.add(*self.some(self.initiatives(), 3))
            self.themes.append(theme)
            assert_kept_equals_recount("a theme linked")
            self.themes.remove(theme)
            theme.delete()
        else:
            sector = Sector.objects.create(
                name=f"Passing sector {self.made}", slug=f"passing-{self.made}", family=self.rng.choice(self.families)
            )
            sector.initiatives.add(*self.some(self.initiatives(), 3))
            assert_kept_equals_recount("a sector linked")
            sector.delete()

    def step(self):
        write = self.rng.choice(
            [
                self.save_new,
                self.bulk_create,
                self.save_edit,
                self.update_publish,
                self.update_columns,
                self.raw_sql,
                self.raw_link_rewrite,
                self.delete,
                self.admin_delete,
                self.m2m,
                self.reverse_m2m,
                self.move_sector,
                self.delete_term,
            ]
        )
        if len(self.initiatives()) < 4:
            write = self.save_new
        write()
        return write.__name__


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_it_keeps_the_counts_equal_to_a_recount_through_random_writes(seed, reference_data, client, superuser):
    write_at_random(Writer(seed, client, superuser), assert_kept_equals_recount)


def write_at_random(writer, assert_kept, steps=60):
    """Six initiatives, then `steps` random writes, `assert_kept(context)` after each."""
    for _ in range(6):
        writer.save_new()
    assert_kept("after the first initiatives")
    done = []
    for _ in range(steps):
        done.append(writer.step())
        assert_kept(f"seed {writer.seed}, after {done}")
    assert len(set(done)) >= 10  # the sequence did exercise most kinds of write


def test_it_counts_a_family_once_per_initiative_and_never_drafts(make_initiative):
    sectors = list(Sector.objects.filter(family__slug="agri-food").order_by("pk")[:2])
    make_initiative(name="Two of one family", sectors=[s.slug for s in sectors])
    make_initiative(name="A draft", sectors=[s.slug for s in sectors], is_published=False)
    kept = Initiative.objects.catalogue_facet_counts(["family", "sector"])
    assert kept["family"] == {"agri-food": 1}
    assert kept["sector"] == {s.slug: 1 for s in sectors}
    assert Initiative.objects.catalogue_total() == 1


def test_the_rebuild_recounts_a_damaged_table(make_initiative):
    make_initiative(name="Counted", sectors=["coffee"], themes=["market-access"], regions=["CO-NAR"])
    make_initiative(name="Draft", sectors=["coffee"], is_published=False)
    expected = Initiative.objects.recounted_facet_counts(FACETS)
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {TABLE} SET n = n + 7")  # noqa: S608  (a constant table name)
    FacetCount.objects.filter(facet="theme").delete()
    assert Initiative.objects.catalogue_facet_counts(FACETS) != expected

    rebuild_facet_counts()
    assert Initiative.objects.catalogue_facet_counts(FACETS) == expected
    assert Initiative.objects.catalogue_total() == 1

    FacetCount.objects.all().delete()
    call_command("rebuild_facet_counts", verbosity=0)
    assert Initiative.objects.catalogue_facet_counts(FACETS) == expected
    assert FacetCount.objects.filter(facet=VOCABULARY_TOKEN).exists()  # the labels' cache key
    assert FacetCount.objects.filter(facet=REGION_TOKEN).exists()  # the region names' index's


def test_the_unfiltered_list_after_an_edit_reads_the_kept_counts_and_counts_no_initiative(client, make_initiative):
    make_initiative(name="Café", country="CO", sectors=["coffee"])
    make_initiative(name="Rascunho", country="BR", sectors=["coffee"], is_published=False)
    client.get("/en/initiatives/")
    make_initiative(name="Café de Chiapas", country="MX", sectors=["coffee"])  # an edit: a new version

    with CaptureQueriesContext(connection) as queries:
        response = client.get("/es/initiatives/")
    counting = [q["sql"] for q in queries if "COUNT(" in q["sql"] and '"initiatives_initiative' in q["sql"]]
    assert counting == []
    assert response.context["count"] == 2
    assert shown_counts(response, "country") == {"CO": 1, "MX": 1}
    assert shown_counts(response, "sector") == {"coffee": 2}
    # A filtered list still counts its own total.
    assert client.get("/es/initiatives/?country=MX").context["count"] == 1


def test_the_labels_outlive_an_initiatives_edit_and_follow_every_vocabulary_change(make_initiative):
    vocabulary_labels()
    make_initiative(name="Café", sectors=["coffee"])  # an edit: a new catalogue version
    with CaptureQueriesContext(connection) as queries:
        assert vocabulary_labels()["sector"]["coffee"].slug == "coffee"
    assert len(queries) == 1  # the vocabularies' token: the terms themselves come from the cache

    # Writes without signals bump the catalogue version themselves (initiatives.cache).
    Sector.objects.filter(slug="coffee").update(name="Café renamed")
    bump_catalogue_version()
    assert vocabulary_labels()["sector"]["coffee"].name == "Café renamed"
    with connection.cursor() as cursor:
        cursor.execute("UPDATE initiatives_theme SET name = 'Raw' WHERE slug = 'market-access'")
    bump_catalogue_version()
    assert vocabulary_labels()["theme"]["market-access"].name == "Raw"
    family = Sector.objects.get(slug="coffee").family
    family.name = "Renamed family"
    family.save()
    assert vocabulary_labels()["family"][family.slug].name == "Renamed family"
    Theme.objects.filter(slug="market-access").delete()
    assert "market-access" not in vocabulary_labels()["theme"]


def test_migrate_puts_back_the_triggers_a_remade_table_lost(make_initiative):
    """SQLite remakes a table to alter it, which drops its triggers; every migrate repairs them."""
    make_initiative(name="Counted before", sectors=["coffee"])
    with connection.cursor() as cursor:
        cursor.execute(
            "DROP TRIGGER facetcount_initiative_insert ON initiatives_initiative"
            if connection.vendor == "postgresql"
            else "DROP TRIGGER facetcount_initiative_insert"
        )
    make_initiative(name="Written while the trigger is missing", sectors=["coffee"])
    assert Initiative.objects.catalogue_total() == 1  # the drift repair() exists for

    call_command("migrate", verbosity=0)  # nothing to apply; post_migrate still runs

    assert_kept_equals_recount()
    assert Initiative.objects.catalogue_total() == 2
    make_initiative(name="Written after the repair", sectors=["coffee"])
    assert Initiative.objects.catalogue_total() == 3


def test_it_keeps_the_labels_read_in_the_process_until_a_vocabulary_changes(make_initiative):
    first = vocabulary_labels()
    make_initiative(name="Café", sectors=["coffee"])  # an edit: a new catalogue version, same vocabularies
    assert vocabulary_labels() is first  # not unpickled again from the cache
    Sector.objects.filter(slug="coffee").update(name="Café renamed")
    bump_catalogue_version()
    renamed = vocabulary_labels()
    assert renamed is not first
    assert renamed["sector"]["coffee"].name == "Café renamed"
