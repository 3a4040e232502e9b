"""Step 4, shared by both importers: what a plan holds and how a planned change is worked out
(the fields and relations that would change in an initiative, a free slug for a new one).

A plan is plain JSON-able data: the admin shows it, the record keeps it, applying executes it.
"""

import hashlib
import itertools
import json

from django.utils.text import slugify
from django.utils.translation import gettext as _

from initiatives.models import Initiative

from .issues import Issues


def finish_plan(kind, layout, read, skipped, items, issues: Issues, mark_absent_inactive=False) -> dict:
    counts = {
        action: sum(1 for i in items if i["action"] == action)
        for action in ("created", "updated", "unchanged", "absent")
    }
    plan = {
        "kind": kind, "layout": layout, "rows": {"read": read, "skipped": skipped}, "counts": counts,
        "items": items, **issues.as_dict(), "options": {"mark_absent_inactive": mark_absent_inactive},
    }  # fmt: skip
    plan["fingerprint"] = fingerprint(plan)
    return plan


def fingerprint(plan: dict) -> str:
    """What applying would write: equal fingerprints mean the same writes."""
    writes = [(i["action"], i["id"], i.get("slug"), i["values"], i["m2m"]) for i in plan["items"]]
    return hashlib.sha256(json.dumps([writes, plan["errors"]], sort_keys=True, default=str).encode()).hexdigest()


def unique_slug(name: str, suffix: str, taken: set[str]) -> str:
    base = slugify(name)[:200] or "initiative"
    candidates = itertools.chain([base, f"{base}-{slugify(suffix)}"[:210]], (f"{base}-{n}" for n in itertools.count(2)))
    slug = next(c for c in candidates if c not in taken)
    taken.add(slug)
    return slug


def change(label, old, new) -> dict:
    return {"field": str(label), "old": "" if old is None else str(old), "new": "" if new is None else str(new)}


def diff(current: Initiative, values: dict, m2m: dict, names: dict[int, str]) -> dict:
    """What would change in `current`: fields the file gives that differ, and relations."""
    changed_values, changes = {}, []
    for name, value in values.items():
        old = getattr(current, name)
        same = old == value or (isinstance(value, float) and old is not None and abs(old - value) < 1e-6)
        if not same:
            changed_values[name] = value
            model_field = Initiative._meta.get_field(name.removesuffix("_id"))
            changes.append(change(model_field.verbose_name, display(current, name, old), value))
    changed_m2m = {}
    for name, wanted in m2m.items():
        related = getattr(current, name).all()
        have = {obj.pk: str(getattr(obj, "name", obj)) for obj in related}
        if name == "sectors":
            wanted = sorted(set(have) | set(wanted))  # sectors staff added stay
        if set(have) != set(wanted):
            changed_m2m[name] = wanted
            added = [names.get(pk, str(pk)) for pk in wanted if pk not in have] if name == "municipalities" else []
            removed = [have[pk] for pk in have if pk not in wanted]
            label = Initiative._meta.get_field(name).verbose_name
            changes.append(
                change(
                    label,
                    ", ".join(removed) or "",
                    ", ".join(added) or _("%(n)s added") % {"n": len(set(wanted) - set(have))},
                )
            )
    action = "updated" if changes else "unchanged"
    return {"action": action, "id": current.pk, "slug": current.slug, "values": changed_values, "m2m": changed_m2m,
            "changes": changes}  # fmt: skip


def display(obj, name, value):
    if name in ("program_id", "route_id"):
        related = getattr(obj, name.removesuffix("_id"))
        return related.name if related else ""
    return value
