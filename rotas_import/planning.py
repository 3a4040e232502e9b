"""Step 4: compare what a file says with the catalogue and write down, without writing anything,
what an import would do: each polo created, updated (which fields), unchanged or absent.

A plan is plain JSON-able data: the admin shows it, the record keeps it, applying executes it.
"""

import hashlib
import itertools
import json
import math
from dataclasses import dataclass, field

from django.utils.text import slugify
from django.utils.translation import gettext as _

from initiatives.models import Initiative, Municipality, Region, Route
from initiatives.ownership import claimed_fields
from initiatives.reference import country_points

from .layout import polo_layouts
from .matching import Gazetteer, MatchedRecord, State, match_records, route_names
from .matching import Municipality as Place
from .matching import Route as RouteRef
from .reading import Sheet
from .report import Issues
from .values import clean_url, fold


def load_gazetteer() -> Gazetteer:
    states = [
        State(code.split("-")[1], name, pk, lat, lon)
        for pk, code, name, lat, lon in Region.objects.filter(country="BR").values_list(
            "pk", "code", "name", "latitude", "longitude"
        )
    ]
    uf_of = {s.region_id: s.uf for s in states}
    municipalities = [
        Place(pk, code, name, uf_of[region_id], region_id, lat, lon)
        for pk, code, name, region_id, lat, lon in Municipality.objects.filter(country="BR").values_list(
            "pk", "code", "name", "region_id", "latitude", "longitude"
        )
    ]
    routes = [
        RouteRef(r.pk, r.name, r.program_id, r.sector_id, route_names(r.all_names()))
        for r in Route.objects.order_by("name")
    ]
    return Gazetteer(municipalities, states, routes)


@dataclass
class Polo:
    name: str
    route: RouteRef
    sheet: str
    row: int
    states: dict[str, State] = field(default_factory=dict)
    municipalities: dict[int, Place] = field(default_factory=dict)
    seat: Place | None = None
    source: str = ""


def group_polos(matched: list[MatchedRecord], issues: Issues) -> dict[tuple[int, str], Polo]:
    polos: dict[tuple[int, str], Polo] = {}
    for m in matched:
        record = m.record
        key = (m.route.id, fold(record.polo))
        polo = polos.setdefault(key, Polo(record.polo, m.route, record.sheet, record.row))
        if m.state:
            polo.states[m.state.uf] = m.state
        for place in m.municipalities:
            polo.municipalities[place.id] = place
            polo.states.setdefault(place.uf, State(place.uf, "", place.region_id, None, None))
        seat = None
        if record.is_seat:
            seat = m.municipalities[0]
        elif record.seat_name:
            seat = next((p for p in m.municipalities if fold(p.name) == fold(record.seat_name)), None)
            seat = seat or next(
                (p for p in polo.municipalities.values() if fold(p.name) == fold(record.seat_name)), None
            )
            if seat is None:
                issues.warning(
                    _("The seat “%(seat)s” is not one of this polo's municipalities; it was ignored.")
                    % {"seat": record.seat_name},
                    record.sheet, record.row, record.columns.get("seat", ""),
                )  # fmt: skip
        if seat is not None:
            if polo.seat is not None and polo.seat.id != seat.id:
                issues.warning(
                    _("%(polo)s has two seats, %(first)s and %(second)s; the first is kept.")
                    % {"polo": polo.name, "first": polo.seat.name, "second": seat.name},
                    record.sheet, record.row, record.columns.get("seat", ""),
                )  # fmt: skip
            else:
                polo.seat = seat
        if record.source and not polo.source:
            url = clean_url(record.source)
            if url:
                polo.source = url
            else:
                issues.warning(
                    _("“%(value)s” is not a web address; the source was left out.") % {"value": record.source},
                    record.sheet, record.row, record.columns.get("source", ""),
                )  # fmt: skip
    return polos


def locate(polo: Polo, gazetteer: Gazetteer, issues: Issues) -> tuple[float, float, str]:
    """The seat, else the municipality nearest the centre of the polo's, else its state, else Brazil."""
    points = [m for m in polo.municipalities.values() if m.latitude is not None]
    if polo.seat is not None and polo.seat.latitude is not None:
        return polo.seat.latitude, polo.seat.longitude, Initiative.Precision.MUNICIPALITY
    if points:
        lat = sum(p.latitude for p in points) / len(points)
        lon = sum(p.longitude for p in points) / len(points)
        nearest = min(
            points, key=lambda p: (p.latitude - lat) ** 2 + ((p.longitude - lon) * math.cos(math.radians(lat))) ** 2
        )
        return nearest.latitude, nearest.longitude, Initiative.Precision.MUNICIPALITY
    states = [gazetteer.state_by_key[fold(uf)] for uf in polo.states]
    located = [s for s in states if s.latitude is not None]
    if located:
        return located[0].latitude, located[0].longitude, Initiative.Precision.REGION
    issues.warning(
        _("%(polo)s names no municipality and no UF: it is placed at Brazil's capital.") % {"polo": polo.name},
        polo.sheet, polo.row,
    )  # fmt: skip
    point = country_points()["BR"]
    return point.latitude, point.longitude, Initiative.Precision.COUNTRY


def plan_polos(sheets: list[Sheet], *, sheet_name=None, mark_absent_inactive=False) -> dict:
    issues = Issues()
    layout = polo_layouts(sheets, issues, sheet_name)
    gazetteer = load_gazetteer()
    polos = group_polos(match_records(layout.records, gazetteer, issues), issues)
    # Absent polos are looked for only in the Rotas the file covers: a file of one Rota says
    # nothing about the others.
    routes = {p.route.id for p in polos.values()}
    existing = {
        (i.route_id, i.name_key): i
        for i in Initiative.objects.filter(route_id__in=routes)
        .select_related("route")
        .prefetch_related("regions", "municipalities", "sectors")
    }
    taken_slugs = set(Initiative.objects.values_list("slug", flat=True))
    items = []
    for key, polo in polos.items():
        if len(polo.name) > Initiative._meta.get_field("name").max_length:
            issues.error(_("The polo's name is longer than 300 characters."), polo.sheet, polo.row)
            continue
        lat, lon, precision = locate(polo, gazetteer, issues)
        values = {
            "kind": Initiative.Kind.ROTAS_POLO.value, "country": "BR", "program_id": polo.route.program_id,
            "route_id": polo.route.id, "latitude": round(lat, 6), "longitude": round(lon, 6),
            "location_precision": str(precision), "status": Initiative.Status.ACTIVE.value,
        }  # fmt: skip
        if polo.source:
            values["source_url"] = polo.source
        m2m = {
            "regions": sorted({s.region_id for s in polo.states.values()}),
            "municipalities": sorted(polo.municipalities),
            "sectors": [polo.route.sector_id] if polo.route.sector_id else [],
        }
        names = {m.id: m.name for m in polo.municipalities.values()}
        item = {"route": polo.route.name, "name": polo.name, "sheet": polo.sheet, "row": polo.row}
        current = existing.pop(key, None)
        if current is None:
            slug = unique_slug(polo.name, polo.route.name, taken_slugs)
            values |= {"name": polo.name, "slug": slug, "is_published": True, "language": "pt-br"}
            item |= {"action": "created", "id": None, "slug": slug, "values": values, "m2m": m2m, "changes": []}
            item["municipality_names"] = sorted(names.values())
        else:
            if current.location_precision == Initiative.Precision.EXACT:
                # Staff placed this polo by hand: its exact point beats one derived from the file.
                for key in ("latitude", "longitude", "location_precision"):
                    values.pop(key)
            item |= diff(current, values, m2m, names)
        items.append(item)
    for current in existing.values():
        if current.kind != Initiative.Kind.ROTAS_POLO:
            continue
        item = {"action": "absent", "id": current.pk, "route": str(current.route.name), "name": current.name,
                "slug": current.slug, "values": {}, "m2m": {}, "changes": [], "status": current.status}  # fmt: skip
        if mark_absent_inactive and current.status != Initiative.Status.INACTIVE:
            item["values"] = {"status": Initiative.Status.INACTIVE.value}
            item["changes"] = [change(_("status"), current.get_status_display(), Initiative.Status.INACTIVE.label)]
        items.append(item)
    return finish_plan("polos", layout.name, layout.read, layout.skipped, items, issues, mark_absent_inactive)


def finish_plan(kind, layout, read, skipped, items, issues: Issues, mark_absent_inactive=False) -> dict:
    keep_claimed(items, issues)
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


def keep_claimed(items: list[dict], issues: Issues) -> None:
    """Leave alone the fields that an initiative's managers changed (initiatives.ownership): the
    file's value is dropped from the plan, and a warning says so."""
    updated = [i for i in items if i["id"] is not None and (i["values"] or i["m2m"])]
    claims = claimed_fields([i["id"] for i in updated])
    for item in updated:
        claimed = claims.get(item["id"], set())
        kept = [n for n in [*item["values"], *item["m2m"]] if n.removesuffix("_id") in claimed]
        if not kept:
            continue
        labels = {str(Initiative._meta.get_field(n.removesuffix("_id")).verbose_name) for n in kept}
        for name in kept:
            item["values"].pop(name, None)
            item["m2m"].pop(name, None)
        item["changes"] = [c for c in item["changes"] if c["field"] not in labels]
        if item["action"] == "updated" and not item["changes"]:
            item["action"] = "unchanged"
        issues.warning(
            _("“%(name)s”: kept %(fields)s as the initiative's managers changed it.")
            % {"name": item["name"], "fields": ", ".join(sorted(labels))},
            item.get("sheet", ""),
            item.get("row"),
        )


def only_creations(plan: dict) -> dict:
    """The plan of a loader that only creates (the shipped public files): what exists stays as
    whoever last changed it left it."""
    for item in plan["items"]:
        if item["action"] != "created":
            item |= {"action": "unchanged", "values": {}, "m2m": {}, "changes": []}
    plan["counts"] = {
        action: sum(1 for i in plan["items"] if i["action"] == action)
        for action in ("created", "updated", "unchanged", "absent")
    }
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
