"""Step 4, shared by both importers: how a planned change is worked out (the fields and
relations that would change in an initiative, a free slug for a new one). What a plan holds is in
`plan`."""

import itertools

from django.utils.text import slugify
from django.utils.translation import gettext as _

from initiatives.models import Initiative

from .plan import FieldChange, PlannedChange


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
