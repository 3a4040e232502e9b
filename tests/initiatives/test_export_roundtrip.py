"""The catalogue's own CSV export, edited in a spreadsheet, imports back into the same initiatives."""

import csv
import io
import json

import pytest
from django.core.management import call_command

from initiatives.models import Initiative

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


@pytest.fixture
def public_catalogue(reference_data):
    call_command("load_public_initiatives", stdout=io.StringIO())


def export_csv(client, query: str) -> str:
    response = client.get(f"/api/initiatives.csv?{query}")
    assert response.status_code == 200
    return b"".join(response.streaming_content).decode("utf-8-sig")


def import_dry_run(tmp_path, text: str) -> dict:
    path = tmp_path / "edited.csv"
    path.write_text(text, encoding="utf-8")
    out = io.StringIO()
    call_command("import_initiatives", str(path), "--dry-run", "--json", stdout=out)
    return json.loads(out.getvalue())


def test_it_imports_an_unedited_export_as_unchanged(client, public_catalogue, tmp_path):
    text = export_csv(client, "country=CO&country=MX&country=UY")
    report = import_dry_run(tmp_path, text)
    expected = Initiative.objects.published().filter(country__in=["CO", "MX", "UY"]).count()
    assert report["errors"] == []
    assert report["initiatives"] == {"created": 0, "updated": 0, "unchanged": expected, "absent": 0}


def test_it_updates_only_what_was_edited(client, public_catalogue, tmp_path):
    rows = list(csv.DictReader(io.StringIO(export_csv(client, "country=CL"))))
    rows[0]["managing_organisation"] = "=Edited in a spreadsheet"  # and neutralised on the way out again
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    report = import_dry_run(tmp_path, buffer.getvalue())
    assert report["initiatives"] == {"created": 0, "updated": 1, "unchanged": len(rows) - 1, "absent": 0}
