"""Undo a whole import from its record: the initiatives it created are deleted and the ones it
changed go back to their state before it, in one transaction, itself recorded as an ImportRecord
of kind "undo" (its history rows tagged with that record), the original marked "undone".

Created initiatives are deleted, not unpublished: "nothing is ever deleted" protects what staff
or earlier files put in the catalogue, while an undo of a creation restores the state before the
import. A hidden leftover would also keep its slug and its (Rota, name), so importing the file
again would silently update an unpublished polo instead of creating a visible one. The deletion
stays in the history (the import's row keeps every field and relation).

An undo is refused, with every reason listed, when anything touched the same initiatives after
the import (a later import, an admin edit, a write that left no history, expressions of interest
or news linked to a created initiative): it would silently overwrite that work.

No request in here: the admin and `manage.py undo_import` share it.
"""

from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from initiatives.cache import bump_catalogue_version
from initiatives.history import recorded_as
from initiatives.models import Initiative, Sector, Theme

from .applying import reindex
from .history_writers import (
    RELATIONS,
    current_links,
    fields_of,
    record_history,
    recorded_links,
    relation_column,
)
from .models import ImportRecord

NOT_RESTORED = {"id", "created"}


class UndoError(Exception):
    """Why an import cannot be undone; `reasons` lists every initiative in the way."""

    def __init__(self, message: str, reasons: list[str] | None = None):
        super().__init__(message)
        self.reasons = reasons or []


@dataclass
class UndoPlan:
    """What undoing an import would do, read from the history: the initiatives it created go,
    the ones it changed go back to their last recorded state before it."""

    created: list[int]  # ids of the initiatives the import created: deleted
    changed: list[int]  # ids of the initiatives it changed: restored
    imported: dict  # initiative id -> the import's last historical row of it
    before: dict  # changed initiative id -> its last historical row before the import

    @property
    def names_deleted(self) -> list[str]:
        return [self.imported[pk].name for pk in self.created]

    @property
    def names_restored(self) -> list[str]:
        return [self.imported[pk].name for pk in self.changed]


def plan_undo(record: ImportRecord) -> UndoPlan:
    """What undoing `record` would do, read from the history; raises UndoError when it cannot."""
    if record.kind == ImportRecord.Kind.UNDO:
        raise UndoError(_("This record is itself an undo; import the file again instead."))
    if record.status != ImportRecord.Status.APPLIED:
        raise UndoError(_("Only an applied import can be undone; this one is %(status)s.")
                        % {"status": record.get_status_display().lower()})  # fmt: skip
    history = Initiative.history.model.objects
    tagged, first = {}, {}  # initiative id -> the import's last and first rows for it
    for row in history.filter(import_record_id=record.pk).order_by("history_id"):
        tagged[row.id] = row
        first.setdefault(row.id, row)
    counts = record.counts or {}
    if not tagged and counts.get("created", 0) + counts.get("updated", 0):
        raise UndoError(_("This import was applied before imports were recorded in the history; it cannot be undone."))
    created = sorted(pk for pk, row in first.items() if row.history_type == "+")
    changed = sorted(pk for pk in tagged if pk not in created)
    reasons = later_changes(record, tagged) + references(created)
    before = {}
    if changed:
        last_before = (
            history.filter(id__in=changed)
            .exclude(import_record_id=record.pk)
            .filter(history_id__lt=min(tagged[pk].history_id for pk in changed))
            .values("id")
            .annotate(last=Max("history_id"))
        )
        before = {row.id: row for row in history.filter(history_id__in=[r["last"] for r in last_before])}
        for pk in changed:
            if pk not in before:
                reasons.append(_("%(name)s has no recorded state before this import.") % {"name": tagged[pk].name})
    if reasons:
        raise UndoError(
            _("Import #%(id)s cannot be undone: later changes would be overwritten. Nothing was changed.")
            % {"id": record.pk},
            reasons,
        )
    return UndoPlan(created, changed, tagged, before)


def later_changes(record: ImportRecord, tagged: dict) -> list[str]:
    """Each initiative changed after the import, by whom and when, or changed without a trace."""
    if not tagged:
        return []
    reasons = []
    later = (
        Initiative.history.model.objects.filter(
            id__in=tagged, history_id__gt=min(r.history_id for r in tagged.values())
        )
        .exclude(import_record_id=record.pk)
        .exclude(import_record_id__in=cancelled_out())
        .select_related("history_user")
        .order_by("history_id")
    )
    seen = set()
    for row in later:
        if row.history_id > tagged[row.id].history_id and row.id not in seen:
            seen.add(row.id)
            reasons.append(_("%(name)s was changed on %(date)s by %(who)s.") % {
                "name": tagged[row.id].name, "date": date_format(timezone.localtime(row.history_date), "DATETIME_FORMAT"),
                "who": who(row)})  # fmt: skip
    current = Initiative.objects.in_bulk(list(tagged))
    links_now = current_links(list(current))
    links_then = recorded_links([r.history_id for r in tagged.values()])
    for pk, row in tagged.items():
        if pk in seen:
            continue
        obj = current.get(pk)
        if obj is None:
            reasons.append(_("%(name)s no longer exists.") % {"name": row.name})
        elif same_fields(obj) != same_fields(row) or links_now[pk] != links_then[row.history_id]:
            reasons.append(
                _("%(name)s was changed after this import by a write that left no history.") % {"name": row.name}
            )
    return reasons


def same_fields(obj) -> dict:
    # An undo stamps `updated` with its own time: the rest says whether anything changed.
    return {k: v for k, v in fields_of(obj).items() if k != "updated"}


def cancelled_out():
    """Imports undone since, and their undos: together they changed nothing."""
    return ImportRecord.objects.filter(Q(status=ImportRecord.Status.UNDONE) | Q(kind=ImportRecord.Kind.UNDO)).values(
        "pk"
    )


def who(row) -> str:
    if row.import_record_id:
        return _("import #%(id)s") % {"id": row.import_record_id}
    if row.history_user:
        return row.history_user.get_username()
    return _("an unknown user")


def linked(model, pks: list[int]) -> list[tuple[int, str]]:
    """(pk, what) for each of the objects that other records (expressions of interest, news,
    proposals, Rotas…) point to; not the objects' own links, nor their history."""
    found = []
    for rel in model._meta.get_fields(include_hidden=True):
        if not (rel.is_relation and rel.auto_created and not rel.concrete):
            continue
        other = rel.related_model
        if other._meta.auto_created or other.__name__.startswith("Historical"):
            continue
        name = rel.field.name
        for pk in set(other._base_manager.filter(**{f"{name}__in": pks}).values_list(name, flat=True)) & set(pks):
            found.append((pk, str(other._meta.verbose_name_plural)))
    return found


def references(created: list[int]) -> list[str]:
    """Created initiatives that other records now point to: deleting them would lose those."""
    names = dict(Initiative.objects.filter(pk__in=created).values_list("pk", "name"))
    return [_("%(name)s now has %(things)s linked to it.") % {"name": names[pk], "things": things}
            for pk, things in linked(Initiative, created)]  # fmt: skip


def undo_import(record: ImportRecord, user=None) -> ImportRecord:
    """Undo `record` in one transaction; return the undo's own record. Raises UndoError."""
    from .services import lock_imports

    try:
        return undo_in_transaction(record, user, lock_imports)
    except IntegrityError as exc:
        # A restored slug or (Rota, name) is taken by an initiative created since.
        raise UndoError(
            _("Import #%(id)s cannot be undone: %(detail)s. Nothing was changed.") % {"id": record.pk, "detail": exc}
        ) from exc


def undo_in_transaction(record: ImportRecord, user, lock_imports) -> ImportRecord:
    with transaction.atomic():
        lock_imports()
        record = ImportRecord.objects.select_for_update().get(pk=record.pk)
        plan = plan_undo(record)
        undo = ImportRecord.objects.create(
            kind=ImportRecord.Kind.UNDO, status=ImportRecord.Status.APPLIED, user=user, file_name=record.file_name,
            sha256=record.sha256, undoes=record, finished=timezone.now(),
        )  # fmt: skip
        reason = _("Undo of import #%(id)s: %(name)s") % {"id": record.pk, "name": record.file_name}
        with recorded_as(reason=reason, import_record_id=undo.pk):
            restored = restore(plan.changed, plan.before, reason, undo.pk, user)
            Initiative.objects.filter(pk__in=plan.created).delete()
            terms = delete_new_terms(record)
        undo.counts = {"deleted": len(plan.created), "restored": len(restored), "terms_deleted": len(terms)}
        undo.report = undo_report(record, plan, restored, terms, undo.counts)
        undo.save()
        record.status = ImportRecord.Status.UNDONE
        record.save(update_fields=["status"])
        bump_catalogue_version()
    return undo


def undo_report(record: ImportRecord, plan: UndoPlan, restored, terms: list[str], counts: dict) -> dict:
    """The undo's record.report, shaped as an import's for the preview page."""
    items = [{"action": "deleted", "id": pk, "name": plan.imported[pk].name, "route": "", "changes": []}
             for pk in plan.created] + [
            {"action": "restored", "id": pk, "name": name, "route": "", "changes": []} for pk, name in restored]  # fmt: skip
    return {"undoes": record.pk, "items": items, "terms_deleted": terms, "errors": [], "warnings": [], "counts": counts}


def restore(ids: list[int], before: dict, reason: str, undo_id: int, user) -> list[tuple[int, str]]:
    """Put each initiative's fields and relations back as its row before the import shows them."""
    if not ids:
        return []
    objs = Initiative.objects.in_bulk(ids)
    fields = [f for f in fields_of(before[ids[0]]) if f not in NOT_RESTORED]
    now = timezone.now()
    for pk, obj in objs.items():
        for name in fields:
            setattr(obj, name, getattr(before[pk], name))
        obj.updated = now
    Initiative.objects.bulk_update(list(objs.values()), fields, batch_size=1000)
    links = recorded_links([before[pk].history_id for pk in ids])
    for relation in RELATIONS:
        through, column = getattr(Initiative, relation).through, relation_column(relation)
        through.objects.filter(initiative_id__in=ids).delete()
        through.objects.bulk_create(
            [through(initiative_id=pk, **{column: other}) for pk in ids for other in links[before[pk].history_id][relation]],
            batch_size=1000,
        )  # fmt: skip
    reindex(ids)
    record_history(list(Initiative.objects.filter(pk__in=ids)), "~", reason=reason, import_record_id=undo_id, user=user)
    return [(pk, objs[pk].name) for pk in ids]


def delete_new_terms(record: ImportRecord) -> list[str]:
    """Sectors and themes the import created, unless something uses them now."""
    deleted = []
    for model in (Sector, Theme):
        pks = model.history.filter(import_record_id=record.pk, history_type="+").values_list("id", flat=True)
        for term in model.objects.filter(pk__in=list(pks)):
            if not in_use(term):
                deleted.append(term.name)
                term.delete()
    return deleted


def in_use(term) -> bool:
    return bool(linked(type(term), [term.pk]))
