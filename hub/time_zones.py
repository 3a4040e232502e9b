"""A time zone as people read it: "horário de Brasília, UTC−3", "hora de Colombia, UTC−5"."""

import datetime
import zoneinfo

from babel.dates import get_timezone_name
from django.utils.translation import get_language, to_locale

MINUS = "\u2212"  # the minus sign, not a hyphen
LOWERCASE_LANGUAGES = {"pt", "es"}  # "horário de Brasília" inside a sentence; CLDR's Portuguese capitalises it


def utc_offset(zone: zoneinfo.ZoneInfo, moment: datetime.datetime) -> str:
    """ "UTC−3", "UTC+5:30", "UTC": the offset in force at that moment (summer time included)."""
    minutes = round(moment.astimezone(zone).utcoffset().total_seconds() / 60)
    if not minutes:
        return "UTC"
    hours, rest = divmod(abs(minutes), 60)
    return f"UTC{MINUS if minutes < 0 else '+'}{hours}" + (f":{rest:02d}" if rest else "")


def time_zone_label(name: str, moment: datetime.datetime, language: str | None = None) -> str:
    """The zone's name in the language (CLDR, through Babel) and its offset at `moment`."""
    language = language or get_language() or "en"
    zone = zoneinfo.ZoneInfo(name)
    readable = get_timezone_name(zone, width="long", locale=to_locale(language), zone_variant="generic")
    if language.split("-")[0] in LOWERCASE_LANGUAGES:
        readable = readable[:1].lower() + readable[1:]
    return f"{readable}, {utc_offset(zone, moment)}"
