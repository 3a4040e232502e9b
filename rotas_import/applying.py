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
from .values import fold

BATCH = 1000


class PlanError(Exception):
    pass


def apply_plan(plan: dict, record=None) -> dict:
    """Write the plan (tagging its history with `record`, an ImportRecord, when given); return the
    counts. Refuses a plan with errors."""
    if plan["errors"]:
        raise PlanError(_("The file has errors: nothing was written."))
    created = [i for i in plan["items"] if i["action"] == "created"]
    changed = [i for i in plan["items"] if i["id"] is not None and (i["values"] or i["m2m"])]
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
    return plan["counts"]


def write(plan: dict, created: list[dict], changed: list[dict], tag: dict) -> None:
    with transaction.atomic():
        snapshot_missing([i["id"] for i in changed], reason=_("Before an import"))
        create_terms(plan)
        new = [new_initiative(item) for item in created]
        Initiative.objects.bulk_create(new, batch_size=BATCH)
        for item, obj in zip(created, new, strict=True):
            item["id"] = obj.pk
        update(changed)
        set_relations(created + changed)
        reindex([i["id"] for i in created + changed if i["action"] != "absent"])
        written = Initiative.objects.in_bulk([i["id"] for i in created + changed])
        for items, history_type in ((created, "+"), (changed, "~")):
            record_history([written[i["id"]] for i in items], history_type, **tag)
        bump_catalogue_version()


def create_terms(plan: dict) -> None:
    """Create the sectors and themes staff confirmed ('new:<slug>' in the plan) and put their ids
    in place of the placeholders."""
    ids = {}
    families = dict(SectorFamily.objects.values_list("slug", "pk"))
    for relation, model in (("sectors", Sector), ("themes", Theme)):
        for term in plan.get("new_terms", {}).get(relation, []):
            translated = f"name_{term['language'].replace('-', '_')}"
            defaults = {"name": term["name"], "language": term["language"], translated: term["name"]}
            if relation == "sectors":
                defaults["family_id"] = families.get(term.get("family"))
            obj, _created = model.objects.get_or_create(slug=term["slug"], defaults=defaults)
            ids[(relation, f"new:{term['slug']}")] = obj.pk
    if not ids:
        return
    for item in plan["items"]:
        for relation in ("sectors", "themes"):
            if relation in item["m2m"]:
                item["m2m"][relation] = [ids.get((relation, v), v) for v in item["m2m"][relation]]


def new_initiative(item: dict) -> Initiative:
    obj = Initiative(**item["values"])
    obj.name_key = fold(obj.name)
    return obj


def update(items: list[dict]) -> None:
    by_id = Initiative.objects.in_bulk([i["id"] for i in items if i["values"]])
    fields, now = set(), timezone.now()
    for item in items:
        for name, value in item["values"].items():
            setattr(by_id[item["id"]], name, value)
            by_id[item["id"]].updated = now
            fields.add(name)
    if fields:
        if "name" in fields:
            for obj in by_id.values():
                obj.name_key = fold(obj.name)
            fields.add("name_key")
        Initiative.objects.bulk_update(list(by_id.values()), sorted(fields | {"updated"}), batch_size=BATCH)


def set_relations(items: list[dict]) -> None:
    """Make each relation the plan names equal to its list of ids: delete the extra links, add the
    missing ones (links, never the related objects)."""
    for relation in ("regions", "municipalities", "sectors", "themes"):
        through = getattr(Initiative, relation).through
        column = getattr(Initiative, relation).field.m2m_reverse_field_name()
        wanted = {i["id"]: set(i["m2m"][relation]) for i in items if relation in i["m2m"]}
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
    """Refresh the folded search index of the written initiatives (their places and sectors are
    part of it)."""
    if ids:
        search_index.reindex(Initiative.objects.filter(pk__in=ids))
