"""Step 5: execute a clean plan in one transaction. Creates and updates in bulk, never deletes an
initiative, and invalidates the catalogue's caches (bulk writes send no model signals).

Every initiative written gets one historical row with its final state (relations included),
tagged with the import's record, so that `Initiative.history.filter(import_record_id=N)` lists
what import N did and the import can be undone. An initiative whose last historical row does not
show its current state (written before history existed, or in bulk) first gets a row of that
state, so that undoing knows what to go back to."""

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from initiatives import search_index
from initiatives.cache import bump_catalogue_version
from initiatives.history import recorded_as
from initiatives.models import Initiative, Sector, SectorFamily, Theme

from .history_writers import record_history, snapshot_missing
from .plan import ImportPlan, PlannedChange

BATCH = 1000


class PlanError(Exception):
    pass


def apply_plan(plan: ImportPlan, record=None) -> dict:
    """Write the plan (tagging its history with `record`, an ImportRecord, when given); return the
    counts. Refuses a plan with errors."""
    if plan.errors:
        raise PlanError(_("The file has errors: nothing was written."))
    created = [c for c in plan.changes if c.action == "created"]
    changed = [c for c in plan.changes if c.id is not None and c.writes]
    tag = {"reason": "", "import_record_id": None, "user": None}
    if record is not None:
        tag = {"reason": _("Import #%(id)s: %(name)s") % {"id": record.pk, "name": record.file_name},
               "import_record_id": record.pk, "user": record.user}  # fmt: skip
    try:
        with recorded_as(reason=tag["reason"], import_record_id=tag["import_record_id"]):
            write(plan, created, changed, tag)
    except IntegrityError as exc:
        # Another import or an edit got there first (a slug or a polo name now taken).
        raise PlanError(
            _("The catalogue changed while importing (%(detail)s); nothing was written. Import the file again.")
            % {"detail": exc}
        ) from exc
    return plan.counts


def write(plan: ImportPlan, created: list[PlannedChange], changed: list[PlannedChange], tag: dict) -> None:
    with transaction.atomic():
        snapshot_missing([c.id for c in changed], reason=_("Before an import"))
        create_terms(plan)
        new = [new_initiative(change) for change in created]
        Initiative.objects.bulk_create(new, batch_size=BATCH)
        for change, obj in zip(created, new, strict=True):
            change.id = obj.pk
        update(changed)
        set_relations(created + changed)
        reindex([c.id for c in created + changed if c.action != "absent"])
        written = Initiative.objects.in_bulk([c.id for c in created + changed])
        for changes, history_type in ((created, "+"), (changed, "~")):
            record_history([written[c.id] for c in changes], history_type, **tag)
        bump_catalogue_version()


def create_terms(plan: ImportPlan) -> None:
    """Create the sectors and themes staff confirmed and put their ids in place of their
    placeholders in the planned changes."""
    ids = {}
    families = dict(SectorFamily.objects.values_list("slug", "pk"))
    for relation, model in (("sectors", Sector), ("themes", Theme)):
        for term in (plan.new_terms or {}).get(relation, []):
            translated = f"name_{term.language.replace('-', '_')}"
            defaults = {"name": term.name, "language": term.language, translated: term.name}
            if relation == "sectors":
                defaults["family_id"] = families.get(term.family)
            obj, _created = model.objects.get_or_create(slug=term.slug, defaults=defaults)
            ids[(relation, term.placeholder)] = obj.pk
    if not ids:
        return
    for change in plan.changes:
        for relation in ("sectors", "themes"):
            if relation in change.relations:
                change.relations[relation] = [ids.get((relation, v), v) for v in change.relations[relation]]


def new_initiative(change: PlannedChange) -> Initiative:
    obj = Initiative(**change.values)
    # Its name_key is checked against its Rota's polos as it is inserted; reindex completes the rest.
    obj.set_derived_fields()
    return obj


def update(changes: list[PlannedChange]) -> None:
    by_id = Initiative.objects.in_bulk([c.id for c in changes if c.values])
    fields, now = set(), timezone.now()
    for change in changes:
        for name, value in change.values.items():
            setattr(by_id[change.id], name, value)
            by_id[change.id].updated = now
            fields.add(name)
    if fields:
        # A renamed initiative's name_key follows in reindex().
        Initiative.objects.bulk_update(list(by_id.values()), sorted(fields | {"updated"}), batch_size=BATCH)


def set_relations(changes: list[PlannedChange]) -> None:
    """Make each relation the plan names equal to its list of ids: delete the extra links, add the
    missing ones (links, never the related objects)."""
    for relation in ("regions", "municipalities", "sectors", "themes"):
        through = getattr(Initiative, relation).through
        column = getattr(Initiative, relation).field.m2m_reverse_field_name()
        wanted = {c.id: set(c.relations[relation]) for c in changes if relation in c.relations}
        if not wanted:
            continue
        have: dict[int, set[int]] = {}
        for initiative_id, other_id in through.objects.filter(initiative_id__in=wanted).values_list(
            "initiative_id", f"{column}_id"
        ):
            have.setdefault(initiative_id, set()).add(other_id)
        stale = [(pk, other) for pk, ids in have.items() for other in ids - wanted[pk]]
        for pk, other in stale:
            through.objects.filter(initiative_id=pk, **{f"{column}_id": other}).delete()
        through.objects.bulk_create(
            [through(initiative_id=pk, **{f"{column}_id": other}) for pk, ids in wanted.items() for other in ids - have.get(pk, set())],
            batch_size=BATCH,
        )  # fmt: skip


def reindex(ids: list[int]) -> None:
    """Refresh the derived fields of the written initiatives, names and relations in place (their
    places and sectors are part of the search text)."""
    if ids:
        search_index.reindex(Initiative.objects.filter(pk__in=ids))
