"""Tiny workbooks that claim billions of cells, and imports that fail in any way: refused before
anything is expanded, parsed within a memory and time limit, and always ending in a FAILED record
that says why, with no file left behind without its record."""

import io
import time
import zipfile

import pytest
from django.contrib.auth.models import Group, User
from django.core.management import CommandError, call_command

from benchmarks.xlsx_bombs import BOMBS, write_merged_rows, write_sheet_xlsx
from initiatives.models import Initiative
from rotas_import import services
from rotas_import.models import ImportRecord
from rotas_import.sheet_extent import xlsx_extents

from ..import_files import CARIRI, LONG_HEADER, write_csv, write_xlsx
from .test_import_admin import preview_of, upload

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


@pytest.fixture
def importer_client(client):
    user = User.objects.create_user("importer", "importer@example.org", "pw-importer-1234", is_staff=True)
    user.groups.add(Group.objects.get(name="Importers"))
    client.force_login(user)
    return client


CLAIMS = {
    "A1+XFD3000": "spans 3,000 rows × 16,384 columns (up to cell XFD3000), that is 49,152,000 cells",
    "A1+XFD1048576": "spans 1,048,576 rows × 16,384 columns (up to cell XFD1048576), that is 17,179,869,184 cells",
    "6000 rows+merged A1:XFD6000": "spans 6,000 rows × 16,384 columns (up to cell XFD6000), that is 98,304,000 cells",
}


def stored_files(root) -> set[str]:
    return {str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()} if root.exists() else set()


def assert_failed_with_its_file_only(private_media, reason: str) -> ImportRecord:
    """One FAILED record holding the reason; the only stored file is that record's."""
    record = ImportRecord.objects.get()
    assert record.status == ImportRecord.Status.FAILED and record.finished is not None
    assert reason in " ".join(e["message"] for e in record.report["errors"])
    assert stored_files(private_media) == {record.file.name}
    assert Initiative.objects.count() == 0
    return record


@pytest.mark.parametrize("bomb", list(BOMBS))
def test_the_command_refuses_each_tiny_bomb_by_its_claimed_size(bomb, reference_data, tmp_path, private_media):
    path = BOMBS[bomb](tmp_path / "bomb.xlsx")
    start = time.monotonic()
    with pytest.raises(CommandError) as raised:
        call_command("import_polos", str(path), stdout=io.StringIO())
    elapsed = time.monotonic() - start
    assert raised.value.returncode == 1
    record = assert_failed_with_its_file_only(private_media, CLAIMS[bomb])
    message = record.report["errors"][0]["message"]
    assert message.startswith("Sheet “Polos” spans") and "more than the 3,000,000 one import reads" in message
    assert elapsed < 30  # before the fix: 37 s, or a dead worker (the benchmark measures it properly)


@pytest.mark.parametrize("bomb", list(BOMBS))
def test_the_admin_refuses_each_tiny_bomb_with_a_failed_record(bomb, importer_client, reference_data, tmp_path, private_media):  # fmt: skip
    record = preview_of(upload(importer_client, BOMBS[bomb](tmp_path / "bomb.xlsx")))
    assert_failed_with_its_file_only(private_media, CLAIMS[bomb])
    page = importer_client.get(record.get_absolute_url()).content.decode()
    assert "spans" in page and "cells" in page and 'name="confirm"' not in page


def test_the_budget_counts_rows_times_columns_of_an_honest_file(reference_data, tmp_path, settings):
    path = write_xlsx(tmp_path / "polos.xlsx", {"Polos": [LONG_HEADER, *CARIRI]})  # 4 rows × 7 columns
    settings.IMPORT_MAX_CELLS = 28
    plan, _record = services.import_file("polos", path.read_bytes(), path.name)
    assert plan.errors == [] and plan.counts["created"] == 1
    Initiative.objects.all().delete()
    settings.IMPORT_MAX_CELLS = 27
    plan, _record = services.import_file("polos", path.read_bytes(), path.name)
    assert "spans 4 rows × 7 columns (up to cell G4), that is 28 cells, more than the 27" in plan.errors[0].message


def test_it_reads_the_claimed_size_from_dimension_references_and_merges_without_expanding(tmp_path):
    def extent(**sheet):
        with zipfile.ZipFile(write_sheet_xlsx(tmp_path / "s.xlsx", **sheet)) as archive:
            [found] = xlsx_extents(archive)
        return found.sheet, found.rows, found.columns

    assert extent(cells={"A1": "x", "C7": "y"}) == ("Polos", 7, 3)
    assert extent(cells={"A1": "x"}, dimension="A1:XFD1048576") == ("Polos", 1_048_576, 16_384)
    assert extent(cells={"B2": "x"}, merges=["$A$1:$Z$3"], sheet="Dados") == ("Dados", 3, 26)


def test_it_refuses_a_workbook_declaring_entities(reference_data, tmp_path):
    path = write_sheet_xlsx(tmp_path / "xxe.xlsx", {"A1": "ROTA"})
    with zipfile.ZipFile(path) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    parts["xl/worksheets/sheet1.xml"] = parts["xl/worksheets/sheet1.xml"].replace(
        b"?><worksheet", b'?><!DOCTYPE w [<!ENTITY x SYSTEM "file:///etc/passwd">]><worksheet'
    )
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    plan, _record = services.import_file("polos", path.read_bytes(), path.name)
    assert "declares XML entities" in plan.errors[0].message


def test_a_parser_out_of_memory_becomes_a_clear_error(reference_data, tmp_path, settings, private_media):
    settings.IMPORT_MAX_CELLS = 10**12  # let the bomb reach the reader, which then hits its limit
    settings.IMPORT_PARSE_MEMORY_MB = 300
    path = BOMBS["A1+XFD3000"](tmp_path / "bomb.xlsx")
    with pytest.raises(CommandError):
        call_command("import_polos", str(path), stdout=io.StringIO())
    assert_failed_with_its_file_only(private_media, "needs more than the 300 MB of memory an import may use")


def test_a_parser_too_slow_is_stopped_with_a_clear_error(reference_data, tmp_path, settings, private_media):
    settings.IMPORT_MAX_CELLS = 10**12  # filling 98 million merged cells takes far more than a second
    settings.IMPORT_PARSE_SECONDS = 1
    path = write_merged_rows(tmp_path / "slow.xlsx")
    start = time.monotonic()
    with pytest.raises(CommandError):
        call_command("import_polos", str(path), stdout=io.StringIO())
    assert time.monotonic() - start < 20
    assert_failed_with_its_file_only(private_media, "took longer than the 1 seconds an import may take")


def test_an_exception_while_planning_leaves_a_failed_record_and_no_orphan(
    importer_client, reference_data, tmp_path, private_media, monkeypatch
):
    def broken(sheets, **options):
        raise ZeroDivisionError("injected fault")

    monkeypatch.setitem(services.PLANNERS, "polos", broken)
    path = write_csv(tmp_path / "polos.csv", [LONG_HEADER, *CARIRI])
    record = preview_of(upload(importer_client, path))
    assert record.status == ImportRecord.Status.FAILED
    with pytest.raises(CommandError):
        call_command("import_polos", str(path), stdout=io.StringIO())
    records = ImportRecord.objects.all()
    assert [r.status for r in records] == ["failed", "failed"]
    for r in records:
        assert "unexpected error (ZeroDivisionError)" in r.report["errors"][0]["message"]
    assert stored_files(private_media) == {r.file.name for r in records}


def test_a_record_that_cannot_be_saved_leaves_no_file(reference_data, tmp_path, private_media, monkeypatch):
    def refuse(*args, **kwargs):
        raise RuntimeError("database gone")

    monkeypatch.setattr(ImportRecord, "save", refuse)
    data = write_csv(tmp_path / "polos.csv", [LONG_HEADER, *CARIRI]).read_bytes()
    with pytest.raises(RuntimeError):
        services.preview("polos", data, "polos.csv")
    assert stored_files(private_media) == set()
