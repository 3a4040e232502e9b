"""The plan meets the record as JSON: the report's shape is what stored records hold (the preview
page and confirming an older preview read it), and the record says what staff may do with it."""

import hashlib
import json

import pytest

from rotas_import import services
from rotas_import.models import ImportRecord

from ..import_files import CARIRI, LONG_HEADER, write_csv

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

REPORT_KEYS = {"kind", "layout", "rows", "counts", "items", "errors", "warnings", "options", "fingerprint"}
CHANGE_KEYS = {"route", "name", "sheet", "row", "action", "id", "slug", "values", "m2m", "changes"}
ABSENT_KEYS = {"route", "name", "action", "id", "slug", "values", "m2m", "changes", "status"}
SERTAO = ["Rota do Leite", "Polo Sertão", "CE", "Quixadá", "", "", ""]


def stored_fingerprint(report: dict) -> str:
    """The fingerprint as records stored before plans were typed computed it from their JSON."""
    writes = [(i["action"], i["id"], i.get("slug"), i["values"], i["m2m"]) for i in report["items"]]
    return hashlib.sha256(json.dumps([writes, report["errors"]], sort_keys=True, default=str).encode()).hexdigest()


def preview(path, kind="polos", **options):
    return services.preview(kind, path.read_bytes(), path.name, **options)


def test_a_polo_preview_keeps_its_report_in_the_stored_shape(reference_data, tmp_path):
    first = write_csv(tmp_path / "v1.csv", [LONG_HEADER, *CARIRI, SERTAO])
    services.import_file("polos", first.read_bytes(), first.name)
    corrected = [*CARIRI[:2], ["Rota do Leite", "Polo Cariri", "CE", "Missão Velha", "", "", "gov.br/mdr/cariri"]]
    new = ["Rota do Leite", "Polo Novo", "CE", "Crato", "2304202", "", "not a url"]
    record = preview(write_csv(tmp_path / "v2.csv", [LONG_HEADER, *corrected, new]), mark_absent_inactive=True)
    report = record.report
    assert set(report) == REPORT_KEYS
    assert report["kind"] == "polos" and report["rows"] == {"read": 4, "skipped": 0}
    assert report["options"] == {"mark_absent_inactive": True}
    assert report["counts"] == record.counts == {"created": 1, "updated": 1, "unchanged": 0, "absent": 1}
    by_action = {i["action"]: i for i in report["items"]}
    created, updated, absent = by_action["created"], by_action["updated"], by_action["absent"]
    assert set(created) == CHANGE_KEYS | {"municipality_names"} and created["municipality_names"] == ["Crato"]
    assert created["id"] is None and created["slug"] == "polo-novo" and created["values"]["name"] == "Polo Novo"
    assert set(updated) == CHANGE_KEYS
    assert updated["changes"] == [{"field": "municipalities", "old": "Barbalha", "new": "Missão Velha"}]
    assert set(absent) == ABSENT_KEYS and absent["values"] == {"status": "inactive"}
    assert absent["changes"] == [{"field": "status", "old": "Active", "new": "Inactive"}]
    [warning] = report["warnings"]
    assert set(warning) == {"message", "sheet", "row", "column"} and warning["row"] == 5
    assert report["fingerprint"] == stored_fingerprint(report)


def test_an_initiative_preview_lists_its_new_terms_in_the_stored_shape(reference_data, tmp_path):
    rows = [["name", "country", "sector", "themes"], ["Cluster Cannabis", "CO", "Cannabis medicinal", "Hemp fibre"]]
    record = preview(write_csv(tmp_path / "s.csv", rows), kind="initiatives")
    report = record.report
    assert set(report) == REPORT_KEYS | {"new_terms"}
    assert report["options"] == {"mark_absent_inactive": False, "create_new_terms": False, "new_sector_families": {}}
    [sector], [theme] = report["new_terms"]["sectors"], report["new_terms"]["themes"]
    assert set(sector) == {"slug", "name", "language", "sheet", "row", "column", "closest", "family"}
    assert (sector["slug"], sector["row"], sector["column"], sector["family"]) == (
        "cannabis-medicinal",
        2,
        "sector",
        "",
    )
    assert set(theme) == {"slug", "name", "language", "sheet", "row", "column"}
    assert len(report["errors"]) == 2 and record.status == ImportRecord.Status.FAILED
    assert record.offers_new_terms and not record.can_confirm
    assert report["fingerprint"] == stored_fingerprint(report)


def test_a_preview_made_before_plans_were_typed_still_confirms(reference_data, tmp_path):
    record = preview(write_csv(tmp_path / "p.csv", [LONG_HEADER, *CARIRI]))
    # The report exactly as the former dict-based planner stored it.
    item = record.report["items"][0]
    old = {"kind": "polos", "layout": record.report["layout"], "rows": {"read": 3, "skipped": 0},
           "counts": {"created": 1, "updated": 0, "unchanged": 0, "absent": 0}, "items": [item], "errors": [],
           "warnings": [], "options": {"mark_absent_inactive": False}}  # fmt: skip
    old["fingerprint"] = stored_fingerprint(old)
    ImportRecord.objects.filter(pk=record.pk).update(report=old)
    record.refresh_from_db()
    assert record.can_confirm
    applied = services.confirm(record)
    assert applied.status == ImportRecord.Status.APPLIED and applied.counts["created"] == 1
    assert not applied.can_confirm and applied.can_undo


@pytest.mark.parametrize(
    ("status", "kind", "errors", "can_confirm", "can_undo"),
    [
        ("previewed", "polos", [], True, False),
        ("previewed", "polos", [{"message": "bad"}], False, False),
        ("applied", "polos", [], False, True),
        ("applied", "undo", [], False, False),
        ("undone", "initiatives", [], False, False),
        ("failed", "initiatives", [{"message": "bad"}], False, False),
        ("cancelled", "polos", [], False, False),
    ],
)
def test_the_record_says_whether_it_may_be_confirmed_or_undone(status, kind, errors, can_confirm, can_undo):
    record = ImportRecord(status=status, kind=kind, report={"errors": errors})
    assert (record.can_confirm, record.can_undo) == (can_confirm, can_undo)


def test_new_terms_are_offered_until_accepted_then_while_a_sector_lacks_its_family():
    terms = {"sectors": [{"slug": "cannabis", "family": ""}], "themes": []}
    unaccepted = ImportRecord(status="failed", kind="initiatives", report={"new_terms": terms})
    lacking_family = ImportRecord(status="failed", options={"create_new_terms": True}, report={"new_terms": terms})
    chosen = {"sectors": [{"slug": "cannabis", "family": "health"}], "themes": []}
    complete = ImportRecord(status="previewed", options={"create_new_terms": True}, report={"new_terms": chosen})
    assert unaccepted.offers_new_terms and lacking_family.offers_new_terms
    assert not complete.offers_new_terms
    assert not ImportRecord(status="failed", report={"new_terms": {"sectors": [], "themes": []}}).offers_new_terms
