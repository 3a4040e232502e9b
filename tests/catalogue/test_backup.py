"""backup_catalogue and restore_catalogue: a populated catalogue survives the round trip intact."""

import io
import json
import os
import subprocess
import sys
import tarfile
from pathlib import Path
from unittest import mock

import pytest
from django.contrib.auth.models import Group, Permission, User
from django.core.management import CommandError, call_command
from django.db import connection
from django.urls import reverse

from catalogue.backup import BackupError, non_empty_models, restore
from initiatives.history import recorded_as
from initiatives.models import Initiative, Municipality, Theme

from ..admin_forms import change_form, form_data

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]
UPLOAD = "imports/2026/polos-Ceará.xlsx"
UPLOAD_BYTES = b"PK\x03\x04 not really a workbook \xff\xfe"


@pytest.fixture
def populated(client, settings, tmp_path, superuser, make_initiative, rota_do_mel):
    """Initiatives with relations, an admin edit (history + admin log), an import's tagged
    change, a group with permissions, a staff member in it, and an uploaded file."""
    settings.MEDIA_ROOT = tmp_path / "media-source"  # empty: nothing from a developer's own media/
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private-source"
    upload = settings.PRIVATE_MEDIA_ROOT / UPLOAD
    upload.parent.mkdir(parents=True)
    upload.write_bytes(UPLOAD_BYTES)

    crato = Municipality.objects.get(code="2304202")
    polo = make_initiative(
        name="Polo do Mel do Araripe",
        country="BR",
        kind="rotas_polo",
        route=rota_do_mel,
        regions=["BR-CE"],
        municipalities=[crato],
        themes=[Theme.objects.first()],
        description="Mel <b>orgânico</b> — “aspas” & ñ",
        internal_notes="only staff",
        member_count=120,
    )
    make_initiative(name="Cluster Café do Huila", country="CO", latitude=None, longitude=None, status="inactive")
    client.force_login(superuser)
    data = form_data(change_form(client, polo), name="Polo do Mel do Araripe (CE)")
    assert client.post(reverse("admin:initiatives_initiative_change", args=[polo.pk]), data).status_code == 302
    with recorded_as(reason="Import #7", import_record_id=7):
        polo.member_count = 130
        polo.save()

    editors = Group.objects.create(name="Editors")
    editors.permissions.set(Permission.objects.filter(codename__in=["change_initiative", "view_initiative"]))
    editor = User.objects.create_user("editora", "e@example.org", "pw-editor-1234", is_staff=True)
    editor.groups.add(editors)
    editor.user_permissions.add(Permission.objects.get(codename="add_sector"))
    return polo


def records(archive: Path) -> dict[tuple[str, object], dict]:
    """Every record by model and primary key (users and groups: by username and name)."""
    with tarfile.open(archive) as tar:
        rows = json.load(tar.extractfile("catalogue.json"))
    keyed = {
        (row["model"], row.get("pk") or row["fields"].get("username", row["fields"].get("name"))): row["fields"]
        for row in rows
    }
    assert len(keyed) == len(rows)
    return keyed


def files(archive: Path) -> dict[str, bytes]:
    with tarfile.open(archive) as tar:
        return {m.name: tar.extractfile(m).read() for m in tar.getmembers() if m.name.startswith("files/")}


@pytest.fixture
def empty_database_url(tmp_path):
    """A new, empty database on the same kind of server as the tests'."""
    if connection.vendor == "sqlite":
        yield f"sqlite:///{tmp_path / 'restored.sqlite3'}"
        return
    import psycopg

    params = connection.settings_dict
    name = f"{params['NAME']}_restore"
    server = dict(host=params["HOST"] or "127.0.0.1", port=params["PORT"] or 5432, user=params["USER"])
    with psycopg.connect(dbname="postgres", autocommit=True, password=params["PASSWORD"] or None, **server) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f'CREATE DATABASE "{name}"')
    yield f"postgres://{server['user']}@{server['host']}:{server['port']}/{name}"
    with psycopg.connect(dbname="postgres", autocommit=True, password=params["PASSWORD"] or None, **server) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def manage(*args, **env):
    environment = {**os.environ, **{k: str(v) for k, v in env.items()}}
    return subprocess.run(
        [sys.executable, "manage.py", *map(str, args)],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.mark.slow
def test_it_round_trips_a_populated_catalogue_into_an_empty_database(populated, tmp_path, empty_database_url):
    first = tmp_path / "first.tar.gz"
    call_command("backup_catalogue", first, stdout=io.StringIO())
    source = records(first)
    models = {model for model, _pk in source}
    # Not a vacuous comparison: every kind of record is in there.
    assert {
        "initiatives.initiative",
        "initiatives.historicalinitiative",
        "initiatives.historicalinitiative_municipalities",
        "initiatives.municipality",
        "initiatives.route",
        "auth.user",
        "auth.group",
        "admin.logentry",
    } <= models
    assert not models & {"contenttypes.contenttype", "auth.permission", "sessions.session"}
    assert source[("initiatives.initiative", populated.pk)]["internal_notes"] == "only staff"
    assert sorted(source[("auth.group", "Editors")]["permissions"]) == [
        ["change_initiative", "initiatives", "initiative"],
        ["view_initiative", "initiatives", "initiative"],
    ]

    target = {
        "DATABASE_URL": empty_database_url,
        "MEDIA_ROOT": tmp_path / "media-restored",
        "PRIVATE_MEDIA_ROOT": tmp_path / "private-restored",
    }
    migrated = manage("migrate", "--noinput", "-v0", **target)
    assert migrated.returncode == 0, migrated.stderr
    # As the importer's migration creates its "Importers" group: a group the backup also has.
    seeded = manage(
        "shell", "-c", "from django.contrib.auth.models import Group; Group.objects.create(name='Editors')", **target
    )
    assert seeded.returncode == 0, seeded.stderr
    restored = manage("restore_catalogue", first, **target)
    assert restored.returncode == 0, restored.stderr
    assert f"Restored {len(source)} records and 1 files" in restored.stdout
    # The facet counts the database keeps are derived, not restored: recounted, they match.
    check = (
        "from initiatives.facets import FACETS; from initiatives.models import Initiative as I; "
        "print(I.objects.catalogue_facet_counts(FACETS) == I.objects.recounted_facet_counts(FACETS), "
        "I.objects.catalogue_total())"
    )
    counted = manage("shell", "-c", check, **target)
    published = [f for (model, _pk), f in source.items() if model == "initiatives.initiative" and f["is_published"]]
    assert counted.stdout.split()[-2:] == ["True", str(len(published))], counted.stdout + counted.stderr
    assert published
    # So are the facet rows: rebuilt, one per published initiative with its relations' ids.
    check = (
        "from initiatives.models import FacetRow, Initiative as I; "
        "kept = {r.id: (r.one_valued[:2], r.themes, r.regions) for r in FacetRow.objects.all()}; "
        "fresh = {i.pk: (i.country, ','.join(str(t.pk) for t in i.themes.all()), "
        "','.join(str(r.pk) for r in i.regions.all())) for i in I.objects.published()}; "
        "print(kept == fresh, sorted(kept.values()))"
    )
    rows = manage("shell", "-c", check, **target)
    assert rows.stdout.splitlines()[-1].startswith("True"), rows.stdout + rows.stderr
    assert "'BR'" in rows.stdout and "'CO'" in rows.stdout, rows.stdout

    second = tmp_path / "second.tar.gz"
    backed_up = manage("backup_catalogue", second, **target)
    assert backed_up.returncode == 0, backed_up.stderr
    again = records(second)
    assert again.keys() == source.keys()
    for key, fields in source.items():
        assert again[key] == fields, key  # every field of every record, times to the microsecond
    assert files(second) == files(first) == {f"files/private/{UPLOAD}": UPLOAD_BYTES}
    assert (tmp_path / "private-restored" / UPLOAD).read_bytes() == UPLOAD_BYTES

    # A second restore into the now-filled database is refused, and says why.
    refused = manage("restore_catalogue", first, **target)
    assert refused.returncode != 0
    assert "The database is not empty" in refused.stderr
    assert "initiatives.Initiative (2)" in refused.stderr


def test_it_refuses_to_restore_into_a_database_that_has_records(populated, tmp_path):
    archive = tmp_path / "b.tar.gz"
    call_command("backup_catalogue", archive, stdout=io.StringIO())
    before = Initiative.objects.count()
    with pytest.raises(CommandError, match="The database is not empty"):
        call_command("restore_catalogue", archive)
    assert Initiative.objects.count() == before


def test_it_never_overwrites_an_archive(tmp_path, db):
    existing = tmp_path / "b.tar.gz"
    existing.write_bytes(b"an older backup")
    with pytest.raises(CommandError, match="already exists"):
        call_command("backup_catalogue", existing)
    assert existing.read_bytes() == b"an older backup"


def test_it_explains_what_is_wrong_with_a_file_that_is_not_a_backup(tmp_path, db):
    bogus = tmp_path / "notes.tar.gz"
    bogus.write_text("hello")
    with pytest.raises(BackupError, match="is not a catalogue backup"):
        restore_into_empty(bogus)


def test_it_refuses_an_archive_whose_members_escape_it(tmp_path, db):
    crafted = tmp_path / "evil.tar.gz"
    with tarfile.open(crafted, "w:gz") as tar:
        data = b"owned"
        info = tarfile.TarInfo("../../etc/cron.d/evil")
        info.size = len(data)
        tar.addfile(info, io.BytesIO(data))
    with pytest.raises(BackupError, match="outside the archive"):
        restore_into_empty(crafted)


def restore_into_empty(archive):
    """restore() with the emptiness check satisfied: the test database holds reference data."""
    with mock.patch("catalogue.backup.non_empty_models", return_value=[]):
        return restore(archive)


def test_it_counts_only_groups_the_backup_does_not_have_as_records(db):
    seeded = list(Group.objects.values_list("name", flat=True))  # made by migrations, if any
    Group.objects.create(name="Reviewers")  # as a migration would
    assert not any(m.startswith("auth.Group") for m in non_empty_models(seeded_groups=[*seeded, "Reviewers"]))
    Group.objects.create(name="Someone's own group")
    assert "auth.Group (1)" in non_empty_models(seeded_groups=[*seeded, "Reviewers"])


def test_it_refuses_a_database_with_unapplied_migrations(tmp_path, db):
    from django.db.migrations.recorder import MigrationRecorder

    MigrationRecorder(connection).record_unapplied("initiatives", "0001_initial")
    with pytest.raises(BackupError, match="unapplied migrations"):
        restore(tmp_path / "any.tar.gz")


def test_it_fills_the_own_search_text_a_backup_made_before_it_lacks(tmp_path, make_initiative):
    """own_search_text came with migration 0023: an older backup loads it empty, and PostgreSQL's
    search reads a copy of it."""
    polo = make_initiative(name="Polo Jabuticaba", country="BR", regions=["BR-PA"], sectors=["coffee"])
    own = polo.own_search_text
    made = tmp_path / "made.tar.gz"
    call_command("backup_catalogue", str(made), verbosity=0)
    older = tmp_path / "older.tar.gz"
    with tarfile.open(made) as source, tarfile.open(older, "w:gz") as crafted:
        for member in source.getmembers():
            data = source.extractfile(member).read()
            if member.name == "catalogue.json":
                rows = json.loads(data)
                for row in rows:
                    row["fields"].pop("own_search_text", None)
                data = json.dumps(rows).encode()
            member.size = len(data)
            crafted.addfile(member, io.BytesIO(data))
    assert "own_search_text" not in records(older)[("initiatives.initiative", polo.pk)]
    Initiative.objects.filter(pk=polo.pk).update(own_search_text="")
    restore_into_empty(older)
    polo.refresh_from_db()
    assert polo.own_search_text == own == "polo jabuticaba brasil brazil para"
    assert Initiative.objects.published().search_ids("jabuticaba") == [polo.pk]
