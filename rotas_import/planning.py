"""Step 4, shared by both importers: how a planned change is worked out (the fields and
relations that would change in an initiative, a free slug for a new one). What a plan holds is in
`plan`."""

import itertools

from django.utils.text import slugify
from django.utils.translation import gettext as _

from initiatives.models import Initiative
from initiatives.ownership import claimed_fields

from .issues import Issues
from .plan import FieldChange, ImportPlan, PlannedChange


def unique_slug(name: str, suffix: str, taken: set[str]) -> str:
    base = slugify(name)[:200] or "initiative"
    candidates = itertools.chain([base, f"{base}-{slugify(suffix)}"[:210]], (f"{base}-{n}" for n in itertools.count(2)))
    slug = next(c for c in candidates if c not in taken)
    taken.add(slug)
    return slug


def planned_update(current: Initiative, values: dict, relations: dict, names: dict[int, str], **where) -> PlannedChange:
    """What would change in `current`: fields the file gives that differ, and relations (`names`:
    municipality names by id, for the preview). `where`: the change's name, route, sheet and row."""
    changed_values, changes = {}, []
    for name, value in values.items():
        old = getattr(current, name)
        same = old == value or (isinstance(value, float) and old is not None and abs(old - value) < 1e-6)
        if not same:
            changed_values[name] = value
            model_field = Initiative._meta.get_field(name.removesuffix("_id"))
            changes.append(FieldChange.of(model_field.verbose_name, display(current, name, old), value))
    changed_m2m = {}
    for name, wanted in relations.items():
        related = getattr(current, name).all()
        have = {obj.pk: str(getattr(obj, "name", obj)) for obj in related}
        if name == "sectors":
            # Sectors staff added stay; known ids first, then new terms' "new:<slug>" placeholders.
            wanted = sorted(set(have) | set(wanted), key=lambda term: (isinstance(term, str), str(term).zfill(20)))
        if set(have) != set(wanted):
            changed_m2m[name] = wanted
            added = [names.get(pk, str(pk)) for pk in wanted if pk not in have] if name == "municipalities" else []
            removed = [have[pk] for pk in have if pk not in wanted]
            label = Initiative._meta.get_field(name).verbose_name
            changes.append(
                FieldChange.of(
                    label,
                    ", ".join(removed) or "",
                    ", ".join(added) or _("%(n)s added") % {"n": len(set(wanted) - set(have))},
                )
            )
    return PlannedChange(
        action="updated" if changes else "unchanged", id=current.pk, slug=current.slug, values=changed_values,
        relations=changed_m2m, field_changes=changes, **where,
    )  # fmt: skip


def display(obj, name, value):
    if name in ("program_id", "route_id"):
        related = getattr(obj, name.removesuffix("_id"))
        return related.name if related else ""
    return value


def keep_claimed(changes: list[PlannedChange], issues: Issues) -> None:
    """Leave alone the fields that an initiative's managers changed (initiatives.ownership): the
    file's value is dropped from the plan, and a warning says so."""
    updated = [c for c in changes if c.id is not None and (c.values or c.relations)]
    claims = claimed_fields([c.id for c in updated])
    for change in updated:
        claimed = claims.get(change.id, set())
        kept = [n for n in [*change.values, *change.relations] if n.removesuffix("_id") in claimed]
        if not kept:
            continue
        labels = {str(Initiative._meta.get_field(n.removesuffix("_id")).verbose_name) for n in kept}
        for name in kept:
            change.values.pop(name, None)
            change.relations.pop(name, None)
        change.field_changes = [c for c in change.field_changes if c.field not in labels]
        if change.action == "updated" and not change.field_changes:
            change.action = "unchanged"
        issues.warning(
            _("“%(name)s”: kept %(fields)s as the initiative's managers changed it.")
            % {"name": change.name, "fields": ", ".join(sorted(labels))},
            change.sheet or "",
            change.row,
        )


def only_creations(plan: ImportPlan) -> ImportPlan:
    """The plan of a loader that only creates (the shipped public files): what exists stays as
    whoever last changed it left it."""
    for change in plan.changes:
        if change.action != "created":
            change.action, change.values, change.relations, change.field_changes = "unchanged", {}, {}, []
    plan.fingerprint = plan.writes_fingerprint()
    return plan
