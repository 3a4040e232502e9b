"""Script and HTML in every imported and every submitted field, then every place that shows it:
list, detail, map GeoJSON, API, exports, admin, the hub. The markup never comes out unescaped and
a javascript: address is never a link."""

import json
import re

import pytest
from django.urls import reverse
from django.utils import translation

from hub.models import Interest, Proposal
from initiatives.models import Initiative
from rotas_import.services import import_file

from ..import_files import LONG_HEADER, write_csv

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("hub_isolation")]

SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'
JS_URL = "javascript:alert(1)"
RAW = [SCRIPT, "<img src=x onerror", "<script>alert"]
ATTACKS = f"{SCRIPT} {IMG}"


def en(name, *args, **kwargs):
    with translation.override("en"):
        return reverse(name, args=args, kwargs=kwargs)


def assert_escaped(body: str, where: str) -> None:
    for raw in RAW:
        assert raw not in body, f"{raw!r} unescaped in {where}"
    assert not re.search(r"""href\s*=\s*["']?\s*javascript:""", body, re.IGNORECASE), f"javascript: link in {where}"


@pytest.fixture
def hostile(reference_data, tmp_path):
    """An initiative and a polo imported from files with markup in every field."""
    header = ["name", "country", "territory", "managing_organisation", "description", "source", "website", "notes"]
    row = [f"Cluster {ATTACKS}", "CO", f"Tumaco {ATTACKS}", f"Org {ATTACKS}", f"Desc {ATTACKS}",
           f"Fuente {ATTACKS}", "", f"Notes {ATTACKS}"]  # fmt: skip
    path = write_csv(tmp_path / "hostile.csv", [header, row])
    plan, record = import_file("initiatives", path.read_bytes(), path.name)
    assert plan.errors == [], plan.errors
    js_path = write_csv(tmp_path / "js.csv", [header, [*row[:6], JS_URL, ""]])
    js_plan, _ = import_file("initiatives", js_path.read_bytes(), js_path.name)
    polos = write_csv(
        tmp_path / "polos.csv",
        [LONG_HEADER, ["Rota do Mel", f"Polo {ATTACKS}", "CE", "Crato", "2304202", "sim", JS_URL]],
    )
    polo_plan, _ = import_file("polos", polos.read_bytes(), polos.name)
    assert polo_plan.errors == [] and polo_plan.counts["created"] == 1
    cluster = Initiative.objects.get(name__startswith="Cluster ")
    polo = Initiative.objects.get(name__startswith="Polo ")
    return {"cluster": cluster, "polo": polo, "js_plan": js_plan, "record": record}


def test_the_importer_stores_markup_as_text_and_refuses_javascript_addresses(hostile):
    cluster, polo = hostile["cluster"], hostile["polo"]
    assert cluster.territory == f"Tumaco {ATTACKS}"  # kept as typed: escaping is the output's job
    assert polo.source_url == ""  # the polo file's javascript: source was left out, with a warning
    [error] = hostile["js_plan"].errors
    assert error.column == "website" and error.message
    assert Initiative.objects.filter(website__icontains="javascript").count() == 0


def test_public_pages_escape_imported_markup(client, hostile):
    for initiative in (hostile["cluster"], hostile["polo"]):
        if not initiative.is_published:
            continue
        for url in (
            en("initiatives:list"),
            en("initiatives:list") + "?q=tumaco",
            en("initiatives:detail", initiative.slug),
            en("initiatives:home"),
            en("initiatives:map"),
            en("initiatives:country", initiative.country.code),
        ):
            response = client.get(url)
            assert response.status_code == 200, url
            body = response.content.decode()
            assert_escaped(body, url)
        detail = client.get(en("initiatives:detail", initiative.slug)).content.decode()
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in detail  # shown, as text


def test_a_stored_javascript_address_is_shown_as_text_not_a_link(client, make_initiative):
    initiative = make_initiative(name="Bypass", website=JS_URL, source_url="JavaScript:alert(2)")
    body = client.get(en("initiatives:detail", initiative.slug)).content.decode()
    assert_escaped(body, "detail")
    assert JS_URL in body  # as text


def test_the_map_data_api_and_exports_carry_markup_as_data(client, hostile):
    geojson = client.get("/api/initiatives.geojson")
    assert geojson["Content-Type"].startswith("application/")
    names = [f["properties"]["name"] for f in json.loads(geojson.content)["features"]]
    assert f"Cluster {ATTACKS}" in names  # data: the map writes it as text (tests/initiatives/test_map_browser.py)
    assert json.loads(geojson.content)["url_template"].startswith(("http://", "https://", "/"))

    api = client.get("/api/initiatives/", HTTP_ACCEPT="application/json")
    assert api["Content-Type"].startswith("application/json")
    browsable = client.get("/api/initiatives/?format=api")
    if browsable.status_code == 200 and browsable["Content-Type"].startswith("text/html"):
        assert_escaped(browsable.content.decode(), "browsable API")
    for export in ("/api/initiatives.csv", "/api/initiatives.xlsx"):
        response = client.get(export)
        assert response.status_code == 200
        assert not response["Content-Type"].startswith("text/html")
        assert "attachment" in response.get("Content-Disposition", "")
        assert response.get("X-Content-Type-Options") == "nosniff"


def test_the_admin_escapes_imported_markup(client, superuser, hostile):
    client.force_login(superuser)
    cluster = hostile["cluster"]
    for url in (
        reverse("admin:initiatives_initiative_changelist"),
        reverse("admin:initiatives_initiative_changelist") + "?q=tumaco",
        reverse("admin:initiatives_initiative_change", args=[cluster.pk]),
        reverse("admin:initiatives_initiative_history", args=[cluster.pk]),
        reverse("admin:rotas_import_importrecord_changelist"),
        reverse("admin:rotas_import_importrecord_preview", args=[hostile["record"].pk]),
        reverse("admin:rotas_import_importrecord_undo", args=[hostile["record"].pk]),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert_escaped(response.content.decode(), url)


PROPOSAL = {
    "name": f"Name {ATTACKS}", "kind": "cluster", "country": "CO", "territory": f"T {ATTACKS}", "language": "es",
    "description": f"D {ATTACKS}", "managing_organisation": f"O {ATTACKS}", "website": JS_URL,
    "proposer_name": f"P {ATTACKS}", "proposer_email": "p@example.org", "proposer_organisation": f"PO {ATTACKS}",
    "homepage": "",
}  # fmt: skip


def test_submitted_markup_is_escaped_and_javascript_refused(client, superuser, make_initiative):
    response = client.post(en("hub:propose"), PROPOSAL)
    assert response.status_code == 400  # the javascript: website is refused, with a message
    assert_escaped(response.content.decode(), "proposal form")
    assert "Enter a valid URL" in response.content.decode()

    response = client.post(en("hub:propose"), {**PROPOSAL, "website": "https://example.org/?q=<script>"}, follow=True)
    proposal = Proposal.objects.get()
    assert proposal.name == f"Name {ATTACKS}"
    assert_escaped(response.content.decode(), "proposal status")
    assert_escaped(client.get(en("hub:proposal_status", proposal.reference)).content.decode(), "proposal status")

    initiative = make_initiative(name="Alvo")
    interest = {"name": f"N {ATTACKS}", "organisation": f"O {ATTACKS}", "email": "n@example.org",
                "message": f"M {ATTACKS}", "homepage": ""}  # fmt: skip
    client.post(en("hub:interest", initiative.slug), interest)
    assert Interest.objects.get().message == f"M {ATTACKS}"
    bad = client.post(en("hub:interest", initiative.slug), {**interest, "email": f"{SCRIPT}@x"})
    assert_escaped(bad.content.decode(), "interest form")

    client.force_login(superuser)
    for url in (
        reverse("admin:hub_proposal_changelist"),
        reverse("admin:hub_proposal_change", args=[proposal.pk]),
        reverse("admin:hub_interest_changelist"),
        reverse("admin:hub_interest_change", args=[Interest.objects.get().pk]),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert_escaped(response.content.decode(), url)
