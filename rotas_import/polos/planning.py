"""Step 4 for polos: compare what a file says with the catalogue and write down, without writing
anything, what an import would do: each polo created, updated (which fields), unchanged or absent.
"""

import math
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from initiatives.models import Initiative, Municipality, Region, Route
from initiatives.reference import country_points

from ..issues import Issues
from ..models import ImportRecord
from ..plan import FieldChange, ImportPlan, PlannedChange
from ..planning import keep_claimed, planned_update, unique_slug
from ..reading import Sheet
from ..values import clean_url, fold
from .layout import polo_layouts
from .matching import Gazetteer, MatchedRecord, State, match_records, route_names
from .matching import Municipality as Place
from .matching import Route as RouteRef


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


def plan_polos(sheets: list[Sheet], *, sheet_name=None, mark_absent_inactive=False) -> ImportPlan:
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
    changes = []
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
        relations = {
            "regions": sorted({s.region_id for s in polo.states.values()}),
            "municipalities": sorted(polo.municipalities),
            "sectors": [polo.route.sector_id] if polo.route.sector_id else [],
        }
        names = {m.id: m.name for m in polo.municipalities.values()}
        where = {"route": polo.route.name, "name": polo.name, "sheet": polo.sheet, "row": polo.row}
        current = existing.pop(key, None)
        if current is None:
            slug = unique_slug(polo.name, polo.route.name, taken_slugs)
            values |= {"name": polo.name, "slug": slug, "is_published": True, "language": "pt-br"}
            changes.append(
                PlannedChange(
                    "created", slug=slug, values=values, relations=relations,
                    municipality_names=sorted(names.values()), **where,
                )
            )  # fmt: skip
        else:
            if current.location_precision == Initiative.Precision.EXACT:
                # Staff placed this polo by hand: its exact point beats one derived from the file.
                for field_name in ("latitude", "longitude", "location_precision"):
                    values.pop(field_name)
            changes.append(planned_update(current, values, relations, names, **where))
    for current in existing.values():
        if current.kind != Initiative.Kind.ROTAS_POLO:
            continue
        absent = PlannedChange(
            "absent", current.name, id=current.pk, slug=current.slug, route=str(current.route.name),
            status=current.status,
        )  # fmt: skip
        if mark_absent_inactive and current.status != Initiative.Status.INACTIVE:
            absent.values = {"status": Initiative.Status.INACTIVE.value}
            absent.field_changes = [
                FieldChange.of(_("status"), current.get_status_display(), Initiative.Status.INACTIVE.label)
            ]
        changes.append(absent)
    keep_claimed(changes, issues)
    return ImportPlan(
        ImportRecord.Kind.POLOS, layout.name, layout.read, layout.skipped, changes, issues.errors, issues.warnings,
        options={"mark_absent_inactive": mark_absent_inactive},
    )  # fmt: skip
