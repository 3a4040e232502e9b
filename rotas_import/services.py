"""The import journey shared by the admin and the commands: read and plan a file into a record
(the preview), then apply the same plan or cancel. No request and no console in here."""

import hashlib
import logging
import os

from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from .applying import PlanError, apply_plan
from .issues import Issue
from .lac.planning import plan_initiatives
from .models import ImportRecord
from .plan import ImportPlan
from .planning import only_creations
from .polos.planning import plan_polos
from .reading import ReadError, read_file

logger = logging.getLogger(__name__)

# Any constant: the key of the PostgreSQL advisory lock that serialises imports and undos.
IMPORT_LOCK = 4_217_001

PLANNERS = {ImportRecord.Kind.POLOS: plan_polos, ImportRecord.Kind.INITIATIVES: plan_initiatives}


def lock_imports() -> None:
    """Wait for any other import or undo to commit; call inside the transaction that writes.
    Two staff confirming at once: the second re-plans after the first committed, so it never
    creates what the first created. (SQLite serialises writing transactions by itself.)"""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [IMPORT_LOCK])


def planners():
    return PLANNERS


def plan_file(kind: str, data: bytes, file_name: str, **options) -> ImportPlan:
    """Read and plan a file; a file that cannot be read gives a plan with that one error."""
    create_only = options.pop("create_only", False)
    try:
        sheets = read_file(data, file_name)
    except ReadError as exc:
        return unreadable(kind, str(exc))
    plan = planners()[kind](sheets, **options)
    return only_creations(plan) if create_only else plan


def plan_safely(kind: str, data: bytes, file_name: str, **options) -> ImportPlan:
    """plan_file, where any failure of reading or planning becomes the plan's one error (logged
    with its traceback), so that the import still ends in a FAILED record and never in a 500.
    The savepoint keeps an enclosing transaction usable after a database error."""
    try:
        with transaction.atomic():
            return plan_file(kind, data, file_name, **options)
    except Exception as exc:
        logger.exception("Planning the import of %s failed", file_name)
        message = _("The import failed with an unexpected error (%(error)s); nothing was written. "
                    "The details are in the server's log.") % {"error": type(exc).__name__}  # fmt: skip
        return unreadable(kind, message)


def unreadable(kind: str, message: str) -> ImportPlan:
    """The plan of a file that cannot be read: that one error, nothing to do."""
    return ImportPlan(kind, errors=[Issue(str(message))])


def stored_name(file_name: str) -> str:
    return os.path.basename(file_name.replace("\\", "/"))[-100:] or "upload"


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def note_earlier_application(record: ImportRecord, plan: ImportPlan) -> None:
    earlier = record.earlier_application()
    if earlier is not None:
        plan.identical_to = earlier.pk
        plan.warnings.insert(
            0,
            Issue(
                _("This file is identical to the one applied on %(date)s (import #%(id)s).")
                % {"date": date_format(timezone.localtime(earlier.finished), "DATETIME_FORMAT"), "id": earlier.pk}
            ),
        )


def store(record: ImportRecord, data: bytes, file_name: str) -> None:
    """Save the record with its file; a record that cannot be saved leaves no file behind."""
    record.file.save(stored_name(file_name), ContentFile(data), save=False)
    try:
        record.save()
    except BaseException:
        record.file.delete(save=False)
        raise


def preview(kind: str, data: bytes, file_name: str, user=None, **options) -> ImportRecord:
    """Plan the file and keep it, with the plan, as a previewed record (FAILED, with the reason,
    when it cannot be imported). Writes nothing else."""
    record = ImportRecord(kind=kind, user=user, file_name=file_name[:255], sha256=sha256(data), options=options)
    plan = plan_safely(kind, data, file_name, **options)
    note_earlier_application(record, plan)
    record.keep(plan)
    if plan.errors:
        record.status, record.finished = ImportRecord.Status.FAILED, timezone.now()
    store(record, data, file_name)
    return record


def preview_again(record: ImportRecord, user, **options) -> ImportRecord:
    """A new preview of the same stored file with changed options (new sectors accepted…)."""
    with record.file.open("rb") as f:
        data = f.read()
    return preview(record.kind, data, record.file_name, user=user, **{**record.options, **options})


def confirm(record: ImportRecord) -> ImportRecord:
    """Apply the previewed plan, re-planned from the stored file; refuse if it would now write
    anything other than what staff saw."""
    with transaction.atomic():
        lock_imports()
        record = ImportRecord.objects.select_for_update().get(pk=record.pk)
        if record.status != ImportRecord.Status.PREVIEWED:
            raise PlanError(_("This import was already %(status)s.") % {"status": record.get_status_display().lower()})
        with record.file.open("rb") as f:
            data = f.read()
        plan = plan_safely(record.kind, data, record.file_name, **record.options)
        if plan.fingerprint != record.report.get("fingerprint"):
            raise PlanError(
                _("The catalogue changed since this preview, so the import would now do something else. Upload the file again to see the new preview.")
            )  # fmt: skip
        apply_plan(plan, record)
        note_earlier_application(record, plan)
        record.keep(plan)
        record.status, record.finished = ImportRecord.Status.APPLIED, timezone.now()
        record.save()
    return record


def cancel(record: ImportRecord) -> None:
    updated = ImportRecord.objects.filter(pk=record.pk, status=ImportRecord.Status.PREVIEWED).update(
        status=ImportRecord.Status.CANCELLED, finished=timezone.now()
    )
    if not updated:
        raise PlanError(_("Only a previewed import can be cancelled."))


def import_file(kind: str, data: bytes, file_name: str, *, user=None, dry_run=False, keep_record=True, **options):
    """Plan and (unless dry_run or the file has errors) apply at once: the commands' journey.
    Returns (plan, record or None)."""
    if dry_run:
        return plan_safely(kind, data, file_name, **options), None
    record = ImportRecord(kind=kind, user=user, file_name=file_name[:255], sha256=sha256(data), options=options)
    try:
        with transaction.atomic():
            lock_imports()
            plan = plan_safely(kind, data, file_name, **options)
            note_earlier_application(record, plan)
            if keep_record:
                record.save()  # its id tags the history of what it writes
            if not plan.errors:
                apply_plan(plan, record if keep_record else None)
            if not keep_record:
                return plan, None
            record.keep(plan)
            record.status = ImportRecord.Status.FAILED if plan.errors else ImportRecord.Status.APPLIED
            record.finished = timezone.now()
            store(record, data, file_name)
    except Exception as exc:
        if record.file:  # stored, then the transaction failed: no file without its record
            record.file.delete(save=False)
        if keep_record:
            record_failure(kind, data, file_name, user, options, exc)
        raise
    except BaseException:
        if record.file:
            record.file.delete(save=False)
        raise
    return plan, record


def record_failure(kind: str, data: bytes, file_name: str, user, options: dict, exc: Exception) -> ImportRecord:
    """After an import rolled back midway: a FAILED record saying so, with its file, so that the
    attempt is on file like any other and nothing is left without its record."""
    logger.exception("Applying the import of %s failed; everything was rolled back", file_name)
    plan = unreadable(kind, _("The import failed with an unexpected error (%(error)s) while writing; "
                              "everything was rolled back. The details are in the server's log.")
                      % {"error": type(exc).__name__})  # fmt: skip
    record = ImportRecord(kind=kind, user=user, file_name=file_name[:255], sha256=sha256(data), options=options)
    record.keep(plan)
    record.status, record.finished = ImportRecord.Status.FAILED, timezone.now()
    store(record, data, file_name)
    return record
