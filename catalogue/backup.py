"""Backup and restore of the whole catalogue: every app's records and the uploaded files.

An archive (.tar.gz) holds:
  manifest.json     format version, creation time, applied migrations, record counts per model
  catalogue.json    Django's JSON serialization of every record (loaddata can read it), with
                    natural keys for content types, permissions, users and groups (users and groups
                    are identified by username and name, not by id), full-precision times
  files/media/...   MEDIA_ROOT, when set and present
  files/private/... PRIVATE_MEDIA_ROOT (uploaded import files), when present

Not saved: content types and permissions (migrate recreates them; references to them use
natural keys), sessions and django-axes' current lockouts (transient).
Restore only goes into an empty, fully migrated database and never overwrites a file. "Empty"
allows the groups that migrations create (the importer's "Importers"): a group of the same name in
the backup is matched by name and takes the backup's permissions.
"""

import datetime
import io
import json
import tarfile
import tempfile
from collections import Counter
from pathlib import Path, PurePosixPath

from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import Group
from django.core import serializers
from django.core.management import call_command
from django.core.serializers.json import DjangoJSONEncoder
from django.db import DEFAULT_DB_ALIAS, connections, router, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.test.utils import override_settings
from django.utils import timezone

from initiatives import search_index
from initiatives.cache import bump_catalogue_version
from initiatives.facet_rows import rebuild_facet_rows
from initiatives.facet_table import rebuild_facet_counts
from initiatives.models import Initiative

from .health import unapplied_migrations

FORMAT_VERSION = 1
EXCLUDED_MODELS = {
    "contenttypes.contenttype",
    "auth.permission",
    "sessions.session",
    "axes.accessattempt",
    "axes.accessattemptexpiration",
    "initiatives.catalogueversion",  # derived: a restore starts a new one
    "initiatives.facetcount",  # derived: recounted after a restore
    "initiatives.facetrow",  # derived: rebuilt after a restore
}


class BackupError(Exception):
    """A backup or restore that cannot go ahead; the message says why and what to do."""


class PreciseJSONEncoder(DjangoJSONEncoder):
    """DjangoJSONEncoder cuts times to milliseconds; a backup keeps the microseconds."""

    def default(self, o):
        if isinstance(o, datetime.datetime | datetime.time):
            return o.isoformat()
        return super().default(o)


def file_roots() -> dict[str, Path]:
    roots = {}
    if getattr(settings, "MEDIA_ROOT", ""):
        roots["media"] = Path(settings.MEDIA_ROOT)
    if getattr(settings, "PRIVATE_MEDIA_ROOT", ""):
        roots["private"] = Path(settings.PRIVATE_MEDIA_ROOT)
    return roots


def catalogue_models(using: str = DEFAULT_DB_ALIAS) -> list:
    """Every concrete model of every installed app, ordered so that natural keys resolve."""
    app_list = [(config, None) for config in apps.get_app_configs()]
    return [
        model
        for model in serializers.sort_dependencies(app_list, allow_cycles=True)
        if model._meta.label_lower not in EXCLUDED_MODELS
        and not model._meta.proxy
        and router.allow_migrate_model(using, model)
    ]


def applied_migrations(using: str) -> list[list[str]]:
    return sorted([app, name] for app, name in MigrationRecorder(connections[using]).applied_migrations())


def write_records(stream, using: str = DEFAULT_DB_ALIAS) -> Counter:
    counts = Counter()

    def objects():
        for model in catalogue_models(using):
            for obj in model._base_manager.using(using).order_by(model._meta.pk.name).iterator():
                counts[model._meta.label] += 1
                yield obj

    serializers.serialize(
        "json",
        objects(),
        stream=stream,
        use_natural_foreign_keys=True,
        # Users and groups by username and name: ids differ after a restore, and groups made by
        # migrations are matched rather than duplicated.
        use_natural_primary_keys=True,
        cls=PreciseJSONEncoder,
    )
    return counts


def _add_bytes(archive: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = int(timezone.now().timestamp())
    archive.addfile(info, io.BytesIO(data))


def backup(out: Path, using: str = DEFAULT_DB_ALIAS) -> dict:
    """Write the archive to `out`; returns its manifest."""
    out = Path(out)
    with tempfile.TemporaryDirectory() as tmp:
        records = Path(tmp) / "catalogue.json"
        # One transaction: the records are a consistent snapshot even while staff keep editing.
        with transaction.atomic(using=using), records.open("w", encoding="utf-8") as stream:
            counts = write_records(stream, using)
            migrations = applied_migrations(using)
            groups = sorted(Group.objects.using(using).values_list("name", flat=True))
        files = {}
        for label, root in file_roots().items():
            files[label] = (
                sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()) if root.is_dir() else []
            )
        manifest = {
            "format": FORMAT_VERSION,
            "created": timezone.now().isoformat(),
            "migrations": migrations,
            "groups": groups,
            "records": dict(sorted(counts.items())),
            "files": files,
        }
        partial = out.with_name(out.name + ".partial")
        with tarfile.open(partial, "w:gz") as archive:
            _add_bytes(archive, "manifest.json", json.dumps(manifest, indent=2).encode())
            archive.add(records, arcname="catalogue.json")
            for label, names in files.items():
                for name in names:
                    archive.add(file_roots()[label] / name, arcname=f"files/{label}/{name}", recursive=False)
        partial.replace(out)  # never leave a half-written archive under the real name
    return manifest


def non_empty_models(using: str = DEFAULT_DB_ALIAS, seeded_groups=()) -> list[str]:
    """The models that hold records, apart from groups of these names (created by migrations)."""
    found = []
    for model in catalogue_models(using):
        rows = model._base_manager.using(using).all()
        if model is Group:
            rows = rows.exclude(name__in=list(seeded_groups))
        if rows.exists():
            found.append(f"{model._meta.label} ({rows.count()})")
    return found


def _safe_member_path(name: str) -> PurePosixPath:
    path = PurePosixPath(name)
    if path.is_absolute() or ".." in path.parts:
        raise BackupError(f"Refusing an archive member outside the archive: {name!r}.")
    return path


def restore(archive_path: Path, using: str = DEFAULT_DB_ALIAS) -> dict:
    """Load an archive made by backup() into an empty, migrated database; returns its manifest."""
    connection = connections[using]
    if unapplied_migrations(connection):
        raise BackupError("The database has unapplied migrations: run `manage.py migrate` first.")
    try:
        archive = tarfile.open(archive_path, "r:gz")
    except (OSError, tarfile.TarError) as error:
        raise BackupError(f"{archive_path} is not a catalogue backup (.tar.gz): {error}") from None
    with archive, tempfile.TemporaryDirectory() as tmp:
        members = {}
        for member in archive.getmembers():
            path = _safe_member_path(member.name)
            if member.isfile():
                members[str(path)] = member
        if "manifest.json" not in members or "catalogue.json" not in members:
            raise BackupError(f"{archive_path} has no manifest.json or catalogue.json: not a catalogue backup.")
        manifest = json.load(archive.extractfile(members["manifest.json"]))
        if manifest.get("format") != FORMAT_VERSION:
            raise BackupError(f"Unknown backup format {manifest.get('format')!r} (this code reads {FORMAT_VERSION}).")
        filled = non_empty_models(using, seeded_groups=manifest.get("groups", []))
        if filled:
            raise BackupError(
                "The database is not empty, and a restore never mixes two catalogues. "
                "Restore into a new database (createdb, then manage.py migrate). Records found in: " + ", ".join(filled)
            )
        missing = {tuple(m) for m in manifest["migrations"]} - {tuple(m) for m in applied_migrations(using)}
        if missing:
            raise BackupError(
                "The backup was made by newer code (migrations unknown here: "
                + ", ".join(f"{app}.{name}" for app, name in sorted(missing))
                + "). Deploy that code, migrate, then restore."
            )

        # Files first checked, then written: an existing file is never overwritten.
        roots = file_roots()
        planned = []
        for name, member in members.items():
            parts = PurePosixPath(name).parts
            if parts[0] != "files":
                continue
            if len(parts) < 3 or parts[1] not in roots:
                raise BackupError(f"{name}: this installation has no place for these files (set its root setting).")
            target = roots[parts[1]].joinpath(*parts[2:])
            if target.exists():
                raise BackupError(f"{target} already exists; restore files only into empty folders.")
            planned.append((member, target))

        records = Path(tmp) / "catalogue.json"
        records.write_bytes(archive.extractfile(members["catalogue.json"]).read())
        # loaddata sets relations, which would add history rows of their own: the history is restored as it was.
        with override_settings(SIMPLE_HISTORY_ENABLED=False), transaction.atomic(using=using):
            call_command("loaddata", str(records), database=using, verbosity=0)
            # The triggers counted the rows as they came, but loaddata may link a sector before
            # loading it (its family then unknown): recount once everything is in.
            rebuild_facet_counts(connection)
            rebuild_facet_rows(connection)
            # A backup made before own_search_text existed loads it empty: PostgreSQL's search
            # (initiatives.search_table) would miss those initiatives' own words.
            search_index.reindex(Initiative.objects.using(using).filter(own_search_text=""))

        for member, target in planned:
            target.parent.mkdir(parents=True, exist_ok=True)
            with archive.extractfile(member) as source, target.open("xb") as destination:
                destination.write(source.read())
    bump_catalogue_version()
    return manifest
