"""Imports confirmed at the same time, and imports interrupted midway (an exception, a killed
process): never a duplicate polo, never half an import left behind."""

import os
import signal
import subprocess
import sys
import threading
import time

import pytest
from django.conf import settings
from django.db import connection, connections
from django.utils import translation

from initiatives.models import Initiative, Municipality, Route
from rotas_import import applying, services
from rotas_import.applying import PlanError
from rotas_import.models import ImportRecord

from ..import_files import CARIRI, LONG_HEADER, write_csv

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs PostgreSQL: SQLite serialises writing transactions and has no server to survive a killed client",
)


def counts() -> tuple[int, int, int]:
    return (
        Initiative.objects.count(),
        Initiative.history.count(),
        ImportRecord.objects.exclude(status="previewed").count(),
    )


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_it_never_duplicates_polos_when_two_staff_confirm_at_once(reference_data, tmp_path):
    data = write_csv(tmp_path / "polos.csv", [LONG_HEADER, *CARIRI]).read_bytes()
    previews = [services.preview("polos", data, "polos.csv") for _ in range(2)]
    start, outcomes = threading.Barrier(2), {}

    def confirm(record):
        try:
            start.wait()
            with translation.override("en"):  # each thread has its own active language
                services.confirm(record)
            outcomes[record.pk] = "applied"
        except PlanError as exc:
            outcomes[record.pk] = str(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=confirm, args=(record,)) for record in previews]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    first, second = sorted(outcomes.values(), key=lambda outcome: outcome != "applied")
    assert first == "applied"
    # The second waited for the first, planned again and found the polo already there.
    assert second.startswith("The catalogue changed since this preview"), second
    assert Initiative.objects.filter(name_key="polo cariri").count() == 1
    assert sorted(ImportRecord.objects.values_list("status", flat=True)) == ["applied", "previewed"]


@pytest.mark.django_db
def test_an_exception_midway_through_applying_leaves_nothing_behind(reference_data, tmp_path, monkeypatch):
    data = write_csv(tmp_path / "polos.csv", [LONG_HEADER, *CARIRI]).read_bytes()
    record = services.preview("polos", data, "polos.csv")
    before = counts()
    written = []

    def fail_after_the_first_writes(items):
        written.append(Initiative.objects.count())  # the polos are in, not yet their relations
        raise RuntimeError("injected fault")

    monkeypatch.setattr(applying, "set_relations", fail_after_the_first_writes)
    with pytest.raises(RuntimeError, match="injected fault"):
        services.confirm(record)
    with pytest.raises(RuntimeError, match="injected fault"):
        services.import_file("polos", data, "polos.csv")
    assert written == [before[0] + 1, before[0] + 1]  # it did fail midway, twice
    assert counts()[:2] == before[:2]
    # The command's attempt is on file as FAILED, with its file; the previewed one may be confirmed again.
    failed = ImportRecord.objects.get(status="failed")
    assert "RuntimeError" in failed.report["errors"][0]["message"] and failed.file.read() == data
    assert counts()[2] == before[2] + 1
    record.refresh_from_db()
    assert record.status == "previewed"  # staff may confirm again
    monkeypatch.undo()
    services.confirm(record)
    assert Initiative.objects.filter(name_key="polo cariri").count() == 1


def write_big_polos_file(path):
    """One polo per Brazilian municipality: a few seconds of writes to interrupt."""
    routes = list(Route.objects.values_list("name", flat=True))
    rows = [
        [routes[n % len(routes)], f"Polo Interrompido {n}", m.region.code.split("-")[1], m.name, m.code, "sim", ""]
        for n, m in enumerate(Municipality.objects.filter(country="BR").select_related("region").order_by("code"))
    ]
    return write_csv(path, [LONG_HEADER, *rows])


def writing_backends() -> int:
    """Other connections to the test database inside a transaction that has written something."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND pid <> pg_backend_pid() AND backend_xid IS NOT NULL"
        )
        return cursor.fetchone()[0]


def other_backends() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        return cursor.fetchone()[0]


@pytest.mark.slow
@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_a_killed_import_process_leaves_nothing_behind(reference_data, tmp_path):
    path = write_big_polos_file(tmp_path / "big.csv")
    before = counts()
    db = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "PRIVATE_MEDIA_ROOT": str(tmp_path / "private"),
    }
    process = subprocess.Popen(
        [sys.executable, "manage.py", "import_polos", str(path)],
        cwd=settings.BASE_DIR, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 120
        while writing_backends() == 0:
            assert process.poll() is None, process.communicate()
            assert time.monotonic() < deadline, "the import never started writing"
            time.sleep(0.02)
        process.send_signal(signal.SIGKILL)
        assert process.wait(timeout=30) == -signal.SIGKILL  # killed midway, not finished
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    deadline = time.monotonic() + 30
    while other_backends() and time.monotonic() < deadline:
        time.sleep(0.05)  # the server rolls back the dead client's transaction
    assert counts() == before
    assert not Initiative.objects.filter(name__startswith="Polo Interrompido").exists()
