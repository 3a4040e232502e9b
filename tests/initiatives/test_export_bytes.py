"""The CSV of everything, byte for byte, against a plain writer from model instances: the export
reads rows, ids and names its own faster way, and must still write exactly this."""

import csv
import io

import pytest
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from initiatives.api import exports
from initiatives.api.exports import COLUMNS, SEPARATOR, neutralise
from initiatives.models import Municipality, Program, Route, Sector, SectorFamily, Theme
from initiatives.selection import select

from ..throttle import fresh_throttle_counts  # noqa: F401  (autouse)

pytestmark = pytest.mark.django_db

SITE = "http://testserver"


def names(terms) -> str:
    return SEPARATOR.join(str(term.display_name) for term in terms)


def reference_csv(language: str, query: str = "") -> bytes:
    """One initiative at a time from its instance and prefetched relations, every cell neutralised."""
    out = io.StringIO()
    writer = csv.writer(out, quoting=csv.QUOTE_ALL)
    writer.writerow(COLUMNS)
    selection = select(QueryDict(f"{query}&lang={language}"), strict=True).queryset
    with translation.override(language):
        for item in selection.prefetch_related("regions", "municipalities", "sectors__family", "themes"):
            regions, sectors = list(item.regions.all()), list(item.sectors.all())
            families = sorted({sector.family for sector in sectors if sector.family}, key=lambda family: family.slug)
            row = [
                item.slug, item.name, item.kind, item.get_kind_display(), item.status, item.country,
                item.country.name, SEPARATOR.join(r.name for r in regions), SEPARATOR.join(r.code for r in regions),
                item.territory, SEPARATOR.join(m.name for m in item.municipalities.all()), names(sectors),
                names(families), SEPARATOR.join(f.cluster_category for f in families),
                SEPARATOR.join(f.isic_section for f in families), item.specialisation, names(item.themes.all()),
                str(item.program.display_name) if item.program else "",
                str(item.route.display_name) if item.route else "",
                item.managing_organisation, item.year_started, item.member_count, item.website,
                item.latitude, item.longitude, item.location_precision, item.language, item.description,
                item.name_pt_br, item.name_es, item.name_en,
                item.description_pt_br, item.description_es, item.description_en,
                item.source_text, item.source_url, SITE + item.get_absolute_url(),
                item.updated.isoformat(timespec="seconds"),
            ]  # fmt: skip
            writer.writerow([neutralise(value) for value in row])
    return ("\ufeff" + out.getvalue()).encode()


@pytest.fixture
def varied_catalogue(make_initiative, rota_do_mel):
    """Formula-looking text in every text column and in the names of terms, empty relations and
    numbers, negative coordinates, accents, quotes, separators, line breaks, control characters."""
    fortaleza, sobral = Municipality.objects.filter(code__in=["2304400", "2312908"]).order_by("name")
    family = SectorFamily.objects.create(
        name="=Família", name_en="+Family", slug="a-formula-family", cluster_category="-Cat", isic_section="A"
    )
    odd_sector = Sector.objects.create(name="@Setor", name_en='Sector, "quoted"', slug="odd", family=family)
    odd_theme = Theme.objects.create(name="\tTema", name_en="\rTheme", slug="odd-theme")
    odd_program = Program.objects.create(name="-Programa", name_en="=Programme", slug="odd-program")
    odd_route = Route.objects.create(name="+Rota", name_en="Route", slug="odd-route", program=odd_program)
    make_initiative(
        name="Polo do Mel do Sertão Central", slug="mel", country="BR", kind="rotas_polo", route=rota_do_mel,
        regions=["BR-CE", "BR-PI"], municipalities=[fortaleza, sobral], sectors=["beekeeping", "fruit-growing", odd_sector],
        themes=["market-access", odd_theme], member_count=40, year_started=2019,
        managing_organisation="Cooperativa Açúcar; \"Mel\"", source_text="MIDR,\nPortaria 123",
        latitude=-5.2, longitude=-39.3, description="Línea 1\r\nlínea 2 — ñandú 中文",
    )  # fmt: skip
    formula = {
        "name": "=HYPERLINK(\"http://x\")", "territory": "+Sertão", "managing_organisation": "-1+2",
        "website": "https://example.org/=", "description": "@SUM(A1)", "name_pt_br": "\tTab",
        "name_es": "\rRetorno", "name_en": "=en", "description_pt_br": "+pt", "description_es": "-es",
        "description_en": "@en\x01 a control character", "source_text": "=fonte", "source_url": "https://example.org/a",
        "specialisation": "=especialização",
    }  # fmt: skip
    make_initiative(slug="-starts-with-a-dash", country="MX", program=odd_program, route=odd_route,
                    sectors=[odd_sector], themes=[odd_theme], latitude=None, longitude=None, **formula)  # fmt: skip
    make_initiative(name="Clúster de Café de Nariño", slug="cafe", country="CO", regions=["CO-NAR"], status="inactive")
    for n in range(7):  # the same relations again: the names come from what the export kept
        make_initiative(
            name=f"Polo {n}", slug=f"polo-{n}", country="BR", regions=["BR-CE"], municipalities=[fortaleza],
            sectors=["beekeeping", odd_sector][: 1 + n % 2], themes=[odd_theme] if n % 3 else [],
            route=rota_do_mel if n % 2 else None, year_started=2000 + n,
        )  # fmt: skip
    make_initiative(name="Borrador", slug="draft", country="CO", is_published=False)


@pytest.mark.parametrize("language", ["pt-br", "es", "en"])
def test_it_writes_the_same_bytes_as_a_plain_writer(client, varied_catalogue, language):
    response = client.get(f"/api/initiatives.csv?lang={language}")

    body = b"".join(response.streaming_content)
    assert body.count(b"\r\n") > 10  # ten initiatives, some cells with line breaks
    assert body == reference_csv(language)


@pytest.mark.parametrize("query", ["country=BR", "country=MX&country=CO", "ordering=-name", "sector=beekeeping"])
def test_it_writes_the_same_bytes_for_a_filtered_or_reordered_selection(client, varied_catalogue, query):
    body = b"".join(client.get(f"/api/initiatives.csv?{query}&lang=en").streaming_content)

    assert body.count(b"\r\n") > 2
    assert body == reference_csv("en", query)


def test_it_reads_each_relation_of_the_whole_catalogue_in_one_pass(client, varied_catalogue):
    def rows_query(query):
        with CaptureQueriesContext(connection) as queries:
            b"".join(client.get(f"/api/initiatives.csv?{query}").streaming_content)
        return next(q["sql"] for q in queries.captured_queries if '"description_en"' in q["sql"])

    everything, filtered = rows_query("lang=en"), rows_query("country=BR")

    # Each through table aggregated once and joined, rather than probed once per initiative…
    assert everything.count("LEFT OUTER JOIN (SELECT") == 4 and '= ("initiatives_initiative"."id")' not in everything
    # …but a filtered selection, often a few rows, probes for its own rows only.
    assert filtered.count("LEFT OUTER JOIN (SELECT") == 0 and '= ("initiatives_initiative"."id")' in filtered


def test_it_writes_the_same_bytes_in_small_chunks_and_small_memos(client, varied_catalogue, monkeypatch):
    whole = b"".join(client.get("/api/initiatives.csv?lang=en").streaming_content)
    monkeypatch.setattr(exports, "CHUNK_SIZE", 2)
    monkeypatch.setattr(exports, "LINES_PER_WRITE", 3)
    monkeypatch.setattr(exports, "MEMO_SIZE", 1)  # every other row builds its cells again

    chunks = list(client.get("/api/initiatives.csv?lang=en").streaming_content)

    assert len(chunks) == 1 + 4  # the header alone, then ten rows three by three
    assert b"".join(chunks) == whole == reference_csv("en")


def test_it_names_each_combination_of_terms_once_per_export(client, make_initiative, monkeypatch):
    for _ in range(20):
        make_initiative(regions=["BR-CE"], sectors=["dairy"], themes=["sustainability"])
    looked_up = []
    values_of = exports.Related.values_of

    def counted(self, pks):
        looked_up.append(self.model.__name__)
        return values_of(self, pks)

    monkeypatch.setattr(exports.Related, "values_of", counted)

    rows = list(csv.reader(io.StringIO(b"".join(client.get("/api/initiatives.csv").streaming_content).decode())))

    assert len(rows) == 21
    assert sorted(looked_up) == ["Region", "Sector", "Theme"]  # not once per row
