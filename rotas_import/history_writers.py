"""Bulk writers of the initiatives' history, for the importer and its undo.

simple_history's bulk helpers copy the plain fields only; these also copy each initiative's
regions, municipalities, sectors and themes, as a save would.
"""

from django.db.models import Max
from django.utils import timezone

from initiatives.models import Initiative

RELATIONS = ("regions", "municipalities", "sectors", "themes")


def relation_column(relation: str) -> str:
    return getattr(Initiative, relation).field.m2m_reverse_field_name() + "_id"


def historical_relation_model(relation: str):
    history_model = Initiative.history.model
    return next(
        r.related_model
        for r in history_model._meta.related_objects
        if r.related_model.__name__.endswith(f"_{relation}")
    )


def through_rows(ids) -> dict[int, dict[str, list[tuple[int, int]]]]:
    """{initiative id: {relation: [(link id, related id)]}} as the catalogue has them now."""
    links = {pk: {r: [] for r in RELATIONS} for pk in ids}
    for relation in RELATIONS:
        through, column = getattr(Initiative, relation).through, relation_column(relation)
        for link, pk, other in through.objects.filter(initiative_id__in=links).values_list(
            "id", "initiative_id", column
        ):
            links[pk][relation].append((link, other))
    return links


def current_links(ids) -> dict[int, dict[str, frozenset[int]]]:
    """{initiative id: {relation: related ids}} as the catalogue has them now."""
    return {pk: {r: frozenset(o for _, o in v) for r, v in rel.items()} for pk, rel in through_rows(ids).items()}


def recorded_links(history_ids) -> dict[int, dict[str, frozenset[int]]]:
    """{history id: {relation: ids}} as the historical rows recorded them."""
    links = {hid: {r: set() for r in RELATIONS} for hid in history_ids}
    for relation in RELATIONS:
        model, column = historical_relation_model(relation), relation_column(relation)
        for hid, other in model.objects.filter(history_id__in=links).values_list("history_id", column):
            links[hid][relation].add(other)
    return {hid: {r: frozenset(v) for r, v in rel.items()} for hid, rel in links.items()}


def record_history(objs, history_type: str, *, reason: str = "", import_record_id=None, user=None) -> list:
    """Add one historical row per initiative (as it is in `objs`, its relations read from the
    database), tagged like `recorded_as` would: what a save of each would have recorded."""
    if not objs:
        return []
    now = timezone.now()
    rows = Initiative.history.bulk_history_create(
        objs,
        batch_size=1000,
        update=history_type != "+",
        default_user=user,
        default_change_reason=reason,
        default_date=now,
        custom_historical_attrs={"import_record_id": import_record_id},
    )
    if history_type == "-":
        for row in rows:
            row.history_type = "-"
        Initiative.history.model.objects.filter(pk__in=[r.pk for r in rows]).update(history_type="-")
    links = through_rows([o.pk for o in objs])
    for relation in RELATIONS:
        model, column = historical_relation_model(relation), relation_column(relation)
        model.objects.bulk_create(
            [model(history_id=row.pk, id=link, initiative_id=row.id, **{column: other})
             for row in rows for link, other in links[row.id][relation]],
            batch_size=1000,
        )  # fmt: skip
    return rows


def latest_rows(ids) -> dict[int, object]:
    """{initiative id: its latest historical row} for those that have one."""
    history = Initiative.history.model.objects
    last = history.filter(id__in=ids).values("id").annotate(last=Max("history_id")).values_list("last", flat=True)
    return {row.id: row for row in history.filter(history_id__in=list(last))}


def fields_of(obj) -> dict:
    return {f.attname: getattr(obj, f.attname) for f in Initiative.history.model.tracked_fields}


def snapshot_missing(ids, *, reason: str = "") -> list:
    """Record the current state of the initiatives whose latest historical row does not show it
    (none yet, or a write that bypassed history), so that history can take them back to it."""
    ids = [pk for pk in ids if pk is not None]
    if not ids:
        return []
    current = Initiative.objects.in_bulk(ids)
    latest = latest_rows(ids)
    links_now = current_links(ids)
    links_then = recorded_links([row.history_id for row in latest.values()])
    stale = [
        obj for pk, obj in current.items()
        if pk not in latest or latest[pk].history_type == "-" or fields_of(latest[pk]) != fields_of(obj)
        or links_then[latest[pk].history_id] != links_now[pk]
    ]  # fmt: skip
    # Not the import's doing: untagged, whatever block this runs in.
    return record_history(stale, "~", reason=reason)
