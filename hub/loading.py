"""The hub's shipped content (hub/data/library.csv and events.csv: real publications and events),
loaded by `load_hub_content` (run by scripts/run at every start) and from the admin.

Idempotent, and it never undoes an edit: each loaded item keeps the values it was last loaded
with (`as_loaded`). On a later load a field is set from the file only while the item still holds
what was loaded; a field that staff changed since is left as they made it. Missing items are
created. Nothing is deleted: to hide a shipped item, unpublish it (a deleted one comes back).
A file with an error writes nothing.
"""

import csv
import datetime
import zoneinfo
from dataclasses import dataclass, field
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import override
from django_countries import countries

from initiatives.models import Theme

from .models import Event, LibraryItem

DATA_DIR = Path(__file__).resolve().parent / "data"
LIBRARY_FILE = DATA_DIR / "library.csv"
EVENTS_FILE = DATA_DIR / "events.csv"
LANGUAGES = {"pt": "pt-br", "pt-br": "pt-br", "es": "es", "en": "en"}
LIBRARY_KINDS = {
    "publication": LibraryItem.Kind.PUBLICATION,
    "methodology": LibraryItem.Kind.METHODOLOGY,
    "tool": LibraryItem.Kind.TOOL,
    "programme": LibraryItem.Kind.SUPPORT_PROGRAMME,
}
# Where an event happens, by country: its wall-clock times are read there.
TIME_ZONES = {
    "AR": "America/Argentina/Buenos_Aires", "BR": "America/Sao_Paulo", "CL": "America/Santiago",
    "CO": "America/Bogota", "CR": "America/Costa_Rica", "EC": "America/Guayaquil", "GT": "America/Guatemala",
    "MX": "America/Mexico_City", "PA": "America/Panama", "PE": "America/Lima", "PY": "America/Asuncion",
    "UY": "America/Montevideo", "DO": "America/Santo_Domingo", "BO": "America/La_Paz",
}  # fmt: skip
DEFAULT_TIME_ZONE = "America/Sao_Paulo"
# The files give dates only: a working day, in the event's time zone.
DAY_STARTS, DAY_ENDS = datetime.time(9), datetime.time(18)


class LoadError(Exception):
    """A shipped file cannot be loaded; the message names the file, row and column."""


@dataclass
class LoadResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    kept: list[str] = field(default_factory=list)  # "title: field" left as staff changed it

    def summary(self, name: str) -> str:
        return _("%(file)s: %(created)s created, %(updated)s updated, %(unchanged)s unchanged, %(kept)s edited fields kept.") % {
            "file": name, "created": self.created, "updated": self.updated, "unchanged": self.unchanged,
            "kept": len(self.kept),
        }  # fmt: skip


@dataclass
class Row:
    key: str  # the item's URL in the file: its identity across loads
    values: dict
    themes: list[str]


def read_rows(path: Path, parse) -> list[Row]:
    with open(path, encoding="utf-8-sig", newline="") as f:
        rows = []
        for number, raw in enumerate(csv.DictReader(f), start=2):
            try:
                rows.append(parse({k: (v or "").strip() for k, v in raw.items() if k}))
            except (KeyError, ValueError) as exc:
                raise LoadError(
                    _("%(file)s, row %(row)s: %(error)s") % {"file": path.name, "row": number, "error": exc}
                ) from exc
    return rows


def language(value: str) -> str:
    if value not in LANGUAGES:
        raise ValueError(_("“%(value)s” is not a language of the catalogue (pt, es, en).") % {"value": value})
    return LANGUAGES[value]


def themes(value: str) -> list[str]:
    return sorted({slug.strip() for slug in value.split(";") if slug.strip()})


def in_original_and_english(text: str, lang: str) -> dict:
    """The files' summaries are in English: the original text when the item is English, else its
    English version."""
    return {"summary": text, "summary_en": ""} if lang == "en" else {"summary": "", "summary_en": text}


def library_row(raw: dict) -> Row:
    lang = language(raw["language"])
    if raw["kind"] not in LIBRARY_KINDS:
        raise ValueError(_("“%(value)s” is not a kind of library item.") % {"value": raw["kind"]})
    values = {
        "title": raw["title"], "language": lang, "kind": str(LIBRARY_KINDS[raw["kind"]]),
        "authors": raw["authors_or_publisher"], "year": int(raw["year"]) if raw["year"] else None,
        "link": raw["url"], **in_original_and_english(raw["summary"], lang),
    }  # fmt: skip
    return Row(raw["url"], values, themes(raw["themes"]))


def event_row(raw: dict) -> Row:
    lang, country = language(raw["language"]), raw["country"].upper()
    zone = zoneinfo.ZoneInfo(TIME_ZONES.get(country, DEFAULT_TIME_ZONE))
    start = datetime.datetime.combine(datetime.date.fromisoformat(raw["start_date"]), DAY_STARTS, zone)
    end = datetime.datetime.combine(datetime.date.fromisoformat(raw["end_date"] or raw["start_date"]), DAY_ENDS, zone)
    with override(lang):
        place = ", ".join(p for p in (raw["city"], str(countries.name(country)) if country else "") if p)
    values = {
        "title": raw["title"], "language": lang, "organiser": raw["organiser"], "start": utc_text(start),
        "end": utc_text(end), "time_zone": zone.key, "place": place, "is_online": raw["online"] == "yes",
        "registration_url": raw["url"],
    }  # fmt: skip
    return Row(raw["url"], values, themes(raw["themes"]))


def utc_text(moment: datetime.datetime) -> str:
    """One spelling of an instant, however the database hands it back."""
    return moment.astimezone(datetime.UTC).isoformat()


def as_stored(model, values: dict) -> dict:
    """File values as the model stores them (datetimes for events' ISO strings)."""
    stored = dict(values)
    for name in ("start", "end"):
        if name in stored and model is Event:
            stored[name] = datetime.datetime.fromisoformat(stored[name])
    return stored


def snapshot_of(obj, names) -> dict:
    values = {}
    for name in names:
        value = getattr(obj, name)
        values[name] = utc_text(value) if isinstance(value, datetime.datetime) else value
    values["themes"] = sorted(obj.themes.values_list("slug", flat=True)) if obj.pk else []
    return values


def unique_slug(title: str, taken: set[str]) -> str:
    base = slugify(title)[:200] or "item"
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    taken.add(slug)
    return slug


def load_rows(model, rows: list[Row]) -> LoadResult:
    theme_ids = dict(Theme.objects.values_list("slug", "pk"))
    unknown = sorted({slug for row in rows for slug in row.themes} - set(theme_ids))
    if unknown:
        raise LoadError(
            _("%(model)s: unknown themes %(slugs)s (the slugs of initiatives/data/themes.csv).")
            % {"model": model._meta.verbose_name_plural, "slugs": ", ".join(unknown)}
        )
    result = LoadResult()
    existing = {obj.source_key: obj for obj in model.objects.filter(source_key__in=[r.key for r in rows])}
    taken = set(model.objects.values_list("slug", flat=True))
    for row in rows:
        wanted = {**row.values, "themes": row.themes}
        obj = existing.get(row.key)
        if obj is None:
            obj = model(
                source_key=row.key, slug=unique_slug(row.values["title"], taken), **as_stored(model, row.values)
            )
            obj.as_loaded = wanted
            checked(obj).save()
            obj.themes.set([theme_ids[slug] for slug in row.themes])
            result.created += 1
            continue
        now, then = snapshot_of(obj, row.values), obj.as_loaded or {}
        changes = {}
        for name, value in wanted.items():
            if now[name] == value:
                continue
            if name in then and now[name] != then[name]:
                result.kept.append(f"{obj.title}: {name}")  # staff changed it since: theirs stays
            else:
                changes[name] = value
        if not changes and obj.as_loaded == {**then, **wanted}:
            result.unchanged += 1
            continue
        for name, value in as_stored(model, {k: v for k, v in changes.items() if k != "themes"}).items():
            setattr(obj, name, value)
        obj.as_loaded = wanted
        checked(obj).save()
        if "themes" in changes:
            obj.themes.set([theme_ids[slug] for slug in changes["themes"]])
        result.updated += 1 if changes else 0
        result.unchanged += 0 if changes else 1
    return result


def checked(obj):
    try:
        obj.full_clean()
    except ValidationError as exc:
        messages = "; ".join(f"{name}: {' '.join(errors)}" for name, errors in exc.message_dict.items())
        raise LoadError(f"{obj.source_key}: {messages}") from exc
    return obj


def load_hub_content(library_file: Path = LIBRARY_FILE, events_file: Path = EVENTS_FILE) -> dict[str, LoadResult]:
    """Load both files in one transaction: {file name: result}. Raises LoadError (nothing written)."""
    library, events = read_rows(library_file, library_row), read_rows(events_file, event_row)
    with transaction.atomic():
        return {library_file.name: load_rows(LibraryItem, library), events_file.name: load_rows(Event, events)}
