import json
import subprocess
import sys
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from initiatives.models import Initiative
from rotas_import.models import ImportRecord

from ..import_files import CARIRI, LONG_HEADER, write_csv, write_xlsx

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def run(*args):
    out = StringIO()
    call_command("import_polos", *map(str, args), stdout=out)
    return out.getvalue()


def test_it_applies_a_clean_file_and_prints_a_short_summary(reference_data, tmp_path):
    output = run(write_csv(tmp_path / "polos.csv", [LONG_HEADER, *CARIRI]))
    assert "Polos: 1 created, 0 updated, 0 unchanged, 0 absent." in output
    assert "Applied (import #" in output
    assert Initiative.objects.filter(name="Polo Cariri").exists()
    record = ImportRecord.objects.get()
    assert (record.status, record.kind, record.file_name) == ("applied", "polos", "polos.csv")
    assert record.file.read() == (tmp_path / "polos.csv").read_bytes()


def test_it_prints_one_json_object_with_the_issue_shape(reference_data, tmp_path):
    rows = [["ROTA", "POLO", "UF", "MUNICIPIO"], ["Rota do Açaí", "Polo Guajará", "PA", "Santa Isabel do Pará"], []]
    report = json.loads(run(write_csv(tmp_path / "polos.csv", rows), "--json"))
    assert report["polos"] == {"created": 1, "updated": 0, "unchanged": 0, "absent": 0}
    assert report["rows"] == {"read": 2, "skipped": 1}
    assert report["errors"] == []
    [warning] = report["warnings"]
    assert set(warning) == {"sheet", "row", "column", "message"}
    assert (warning["sheet"], warning["row"], warning["column"]) == ("CSV", 2, "MUNICIPIO")


def test_it_exits_1_and_writes_nothing_when_the_file_has_errors(reference_data, tmp_path):
    path = write_csv(
        tmp_path / "bad.csv", [LONG_HEADER, *CARIRI, ["Rota do Leite", "Polo Cariri", "CE", "Atlântida", "", "", ""]]
    )
    out = StringIO()
    with pytest.raises(CommandError) as raised:
        call_command("import_polos", str(path), "--json", stdout=out)
    assert raised.value.returncode == 1
    report = json.loads(out.getvalue())
    assert [(e["row"], e["column"]) for e in report["errors"]] == [(5, "MUNICIPIO")]
    assert not Initiative.objects.exists()
    assert ImportRecord.objects.get().status == "failed"


def test_it_dry_runs_a_clean_file_with_exit_0_and_writes_nothing(reference_data, tmp_path):
    output = run(write_csv(tmp_path / "polos.csv", [LONG_HEADER, *CARIRI]), "--dry-run")
    assert "Dry run: the file is clean; nothing was written." in output
    assert not Initiative.objects.exists() and not ImportRecord.objects.exists()


def test_it_dry_runs_a_bad_file_with_exit_1(reference_data, tmp_path):
    path = write_csv(
        tmp_path / "bad.csv", [["ROTA", "POLO", "UF", "MUNICIPIO"], ["Rota do Leite", "Polo", "ZZ", "Crato"]]
    )
    with pytest.raises(CommandError) as raised:
        run(path, "--dry-run")
    assert raised.value.returncode == 1


def test_it_reads_only_the_named_sheet_and_marks_absent_polos_inactive_when_asked(reference_data, tmp_path):
    run(
        write_csv(
            tmp_path / "v1.csv", [LONG_HEADER, *CARIRI, ["Rota do Leite", "Polo Sertão", "CE", "Quixadá", "", "", ""]]
        )
    )
    path = write_xlsx(tmp_path / "v2.xlsx", {"Notas": [["x"]], "Leite": [LONG_HEADER, *CARIRI]})
    report = json.loads(run(path, "--sheet", "Leite", "--mark-absent-inactive", "--json"))
    assert report["polos"] == {"created": 0, "updated": 0, "unchanged": 1, "absent": 1}
    assert Initiative.objects.get(name="Polo Sertão").status == "inactive"


@pytest.mark.slow
@pytest.mark.parametrize("args", [["missing.csv"], ["--no-such-option", "x.csv"], []])
def test_it_exits_2_for_usage_errors(args, settings):
    result = subprocess.run(
        [sys.executable, "manage.py", "import_polos", *args],
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2, result.stderr
    assert result.stderr.strip()


def test_it_loads_the_public_initiatives_once(reference_data):
    out = StringIO()
    call_command("load_public_initiatives", stdout=out)
    assert "polos_rotas_publicos.csv: 63 created, 0 updated, 0 unchanged." in out.getvalue()
    assert "clusters_lac_publicos.csv: 101 created, 0 updated, 0 unchanged." in out.getvalue()
    call_command("load_public_initiatives", stdout=out)
    assert "polos_rotas_publicos.csv: 0 created, 0 updated, 63 unchanged." in out.getvalue()
    assert "clusters_lac_publicos.csv: 0 created, 0 updated, 101 unchanged." in out.getvalue()
    assert ImportRecord.objects.count() == 2  # a load that changes nothing leaves no record
    published = Initiative.objects.published()
    assert published.count() == 164
    assert published.values("country").distinct().count() == 16


def test_it_refuses_a_file_above_the_size_limit_without_reading_it(reference_data, tmp_path, settings):
    settings.IMPORT_MAX_UPLOAD_BYTES = 1024 * 1024
    path = tmp_path / "huge.csv"
    path.write_bytes(b"ROTA,POLO\n" + b"x" * (2 * 1024 * 1024))
    out = StringIO()
    with pytest.raises(CommandError) as raised:
        call_command("import_polos", str(path), "--json", stdout=out)
    assert raised.value.returncode == 1
    assert json.loads(out.getvalue())["errors"][0]["message"].startswith("The file is 2.0 MB; the limit is 1.0 MB.")
