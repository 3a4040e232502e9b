"""What a new user sees after `scripts/run`: the shipped initiatives, themes, library and events,
searchable and browsable. Run on SQLite and on PostgreSQL (DATABASE_URL=postgres://…)."""

import csv
import io

import pytest
from django.core.management import call_command
from django.db import connection

from hub.loading import EVENTS_FILE, LIBRARY_FILE, LoadError, load_hub_content
from hub.models import Event, LibraryItem
from initiatives.models import Initiative, Route, Theme
from initiatives.reference import THEMES_FILE

pytestmark = pytest.mark.django_db


@pytest.fixture
def shipped(reference_data, hub_isolation):
    call_command("load_public_initiatives", stdout=io.StringIO())
    call_command("load_hub_content", stdout=io.StringIO())


def found(client, query, language="pt-br"):
    response = client.get(f"/{language}/initiatives/", {"q": query})
    assert response.status_code == 200
    return [i.name for i in response.context["page"]], response.context["count"]


def test_it_finds_the_three_cocoa_polos(client, shipped):
    cocoa = set(Route.objects.get(slug="rota-do-cacau").initiatives.values_list("name", flat=True))
    names, count = found(client, "cacau")
    assert len(cocoa) == 3
    assert set(names) == cocoa and count == 3, connection.vendor


def test_it_finds_every_initiative_of_valle_del_cauca_by_its_region(client, shipped):
    valle = set(Initiative.objects.published().filter(regions__code="CO-VAC").values_list("name", flat=True))
    names, count = found(client, "valle del cauca")
    assert len(valle) == 7
    assert set(names) == valle and count == 7, connection.vendor


def test_it_ranks_the_initiatives_of_an_exact_region_name_first(client, shipped):
    para = set(Initiative.objects.published().filter(regions__code="BR-PA").values_list("name", flat=True))
    names, count = found(client, "Pará")
    assert count > len(para)  # Paraíba's, Paraná's and "para Antioquia" still match the letters
    assert set(names[: len(para)]) == para, connection.vendor


@pytest.mark.parametrize(
    "query", ["x" * 500, "!!! ;;; ---", "'; DROP TABLE initiatives_initiative; --", "\x00", "%_%", "ä" * 199]
)
def test_it_answers_bad_searches_with_a_page(client, shipped, query):
    response = client.get("/pt-br/initiatives/", {"q": query})
    assert response.status_code == 200
    if len(query) > 200:
        assert response.context["notices"]  # says why the search was ignored
    assert Initiative.objects.count() == 164  # 63 polos and 101 initiatives of other countries


def test_it_shows_a_themes_library_items_and_events_on_its_page(client, shipped):
    response = client.get("/pt-br/themes/governance/")
    html = response.content.decode()
    assert response.status_code == 200
    theme = Theme.objects.get(slug="governance")
    assert LibraryItem.objects.filter(themes=theme).exists() and Event.objects.filter(themes=theme).exists()
    for item in LibraryItem.objects.filter(themes=theme)[:5]:
        assert item.get_absolute_url() in html
    for event in Event.objects.filter(themes=theme).order_by("-start")[:5]:
        assert event.get_absolute_url() in html


def test_it_shows_past_events_and_every_theme_in_use_on_the_home_page(client, shipped):
    response = client.get("/pt-br/")
    html = response.content.decode()
    latest = Event.objects.order_by("-start").first()
    assert latest.get_absolute_url() in html
    assert 'id="home-events-heading"' in html
    assert 'id="home-news-heading"' not in html  # no news: no empty section
    shown = {theme.slug for theme, _n in response.context["themes"]}
    assert shown == set(Theme.objects.with_published().values_list("slug", flat=True))
    assert "governance" in shown


def test_it_loads_the_fifteen_themes_keeping_the_first_eight_slugs(reference_data):
    with open(THEMES_FILE, encoding="utf-8") as f:
        slugs = {row["slug"] for row in csv.DictReader(f)}
    assert len(slugs) == 15
    first_eight = {"market-access", "research-development-innovation", "productive-integration",
                   "circular-economy", "training-of-managers", "internationalisation", "sustainability",
                   "digital-transformation"}  # fmt: skip
    assert first_eight <= slugs
    assert set(Theme.objects.values_list("slug", flat=True)) == slugs
    assert Theme.objects.get(slug="governance").name_es == "Gobernanza y articulación público-privada"


def test_it_loads_the_hub_content_once_and_keeps_staff_edits(reference_data, hub_isolation):
    first = load_hub_content()
    assert (first["library.csv"].created, first["events.csv"].created) == (22, 15)
    item = LibraryItem.objects.get(link__contains="comunidad-iapt-avanza-agenda-regional")
    item.title = "Comunidade IAPT: agenda regional"  # a staff edit
    item.save()
    item.themes.set([Theme.objects.get(slug="market-access")])
    again = load_hub_content()
    assert {n: (r.created, r.updated) for n, r in again.items()} == {"library.csv": (0, 0), "events.csv": (0, 0)}
    assert sorted(again["library.csv"].kept) == [
        "Comunidade IAPT: agenda regional: themes",
        "Comunidade IAPT: agenda regional: title",
    ]
    item.refresh_from_db()
    assert item.title == "Comunidade IAPT: agenda regional"
    assert list(item.themes.values_list("slug", flat=True)) == ["market-access"]
    assert LibraryItem.objects.count() == 22 and Event.objects.count() == 15


def test_it_updates_a_field_staff_left_alone_when_the_file_changes(reference_data, hub_isolation, tmp_path):
    load_hub_content()
    changed = tmp_path / "library.csv"
    text = LIBRARY_FILE.read_text(encoding="utf-8").replace(",CEPAL,2024,es,", ",CEPAL (Plataforma IAPT),2024,es,")
    changed.write_text(text, encoding="utf-8")
    result = load_hub_content(library_file=changed)
    assert result["library.csv"].updated == 1
    assert LibraryItem.objects.filter(authors="CEPAL (Plataforma IAPT)").count() == 1


def test_it_refuses_a_file_with_an_unknown_theme_and_writes_nothing(reference_data, hub_isolation, tmp_path):
    bad = tmp_path / "events.csv"
    bad.write_text(EVENTS_FILE.read_text(encoding="utf-8").replace("; governance", "; no-such-theme", 1), "utf-8")
    with pytest.raises(LoadError, match="no-such-theme"):
        load_hub_content(events_file=bad)
    assert not LibraryItem.objects.exists() and not Event.objects.exists()


def test_it_refuses_a_row_with_a_bad_date_naming_the_row(reference_data, hub_isolation, tmp_path, english):
    bad = tmp_path / "events.csv"
    bad.write_text(EVENTS_FILE.read_text(encoding="utf-8").replace("2014-11-10", "2014-13-10"), "utf-8")
    with pytest.raises(LoadError, match=r"events.csv, row 3"):
        load_hub_content(events_file=bad)
    assert not Event.objects.exists()
