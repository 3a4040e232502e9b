"""Step 2 for initiatives: the layout and cell rules, one row per initiative, headers in Portuguese, Spanish or
English (folded, as for polos), each cell checked into a typed value or an error at its column."""

import datetime
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from initiatives.models import EARLIEST_YEAR, Initiative
from initiatives.text import FORMULA_START

from ..issues import Issues
from ..layout import cell, find_header, too_long
from ..reading import Sheet
from ..values import clean_url, fold

COLUMNS = {
    "slug": {"slug", "identificador"},
    "name": {"name", "nombre", "nome", "initiative", "iniciativa", "cluster", "nombre del cluster", "nome da iniciativa"},
    "country": {"country", "pais", "country code", "codigo pais", "codigo do pais"},
    "region": {"region", "regions", "regiones", "regiao", "regioes", "estado", "departamento", "provincia"},
    "city": {"city", "ciudad", "cidade", "municipio", "territory", "territorio"},
    "kind": {"kind", "tipo", "type"},
    "sector": {"sector", "sectors", "sectores", "setor", "setores"},
    "themes": {"themes", "theme", "temas", "tema"},
    "specialisation": {"specialisation", "specialization", "especializacion", "especializacao", "especialidad",
                       "especialidade", "specialty", "speciality"},
    "specialisation_language": {"specialisation language", "specialization language", "idioma de la especializacion",
                                "idioma da especializacao"},
    "description": {"description", "descripcion", "descricao"},
    "language": {"language", "idioma", "lingua", "language of the texts", "idioma de los textos", "idioma dos textos"},
    "managing_organisation": {
        "managing organisation", "managing organization", "organizacion gestora", "organizacao gestora",
        "entidad gestora", "gestor", "managing organisation name",
    },
    "year_started": {"year started", "year", "ano de inicio", "ano inicio", "ano", "inicio", "year_started"},
    "member_count": {"member firms", "member count", "members", "empresas", "empresas miembro", "miembros", "membros"},
    "website": {"website", "web", "sitio web", "site", "pagina web", "url"},
    "email": {"email", "e mail", "correo", "correo electronico", "contact email"},
    "latitude": {"latitude", "latitud", "lat"},
    "longitude": {"longitude", "longitud", "lon", "lng"},
    "location_precision": {"location precision", "precision", "precisao", "precision de la ubicacion"},
    "source": {"source", "fuente", "fonte", "source text"},
    "source_url": {"source url", "url de la fuente", "url da fonte"},
    "notes": {"notes", "notas", "observaciones", "observacoes", "internal notes"},
}  # fmt: skip
COLUMNS["year_started"].add("ano de inicio")  # 'año de inicio' folds to 'ano de inicio'
PRECISIONS = {
    **{fold(p.value): p.value for p in Initiative.Precision},
    "exacto": "exact", "exato": "exact", "punto exacto": "exact", "ponto exato": "exact",
    "municipio": "municipality", "ciudad": "municipality", "cidade": "municipality", "city": "municipality",
    "region": "region", "regiao": "region", "estado": "region", "departamento": "region",
    "pais": "country", "country": "country",
}  # fmt: skip
LANGUAGES = {"pt": "pt-br", "pt br": "pt-br", "portugues": "pt-br", "portuguese": "pt-br", "es": "es", "espanol": "es",
             "spanish": "es", "espanhol": "es", "en": "en", "english": "en", "ingles": "en"}  # fmt: skip
KINDS = {fold(k.value): k.value for k in Initiative.Kind} | {fold(str(k.label)): k.value for k in Initiative.Kind}


@dataclass
class InitiativeRow:
    sheet: str
    row: int
    raw: dict[str, str]  # column key -> cell text (only the columns the file has)
    columns: dict[str, str]  # column key -> header as written
    values: dict = field(default_factory=dict)  # typed values of simple fields


def accept_header(columns: dict[str, int], folded: list[str]) -> bool:
    return "name" in columns and ("country" in columns or "slug" in columns)


def unneutralise(value: str) -> str:
    """Undo the catalogue's export guard against spreadsheet formulas ("'=…" back to "=…"), so an
    exported file imports back unchanged."""
    if value.startswith("'") and value[1:2] in FORMULA_START:
        return value[1:]
    return value


def initiative_rows(sheets: list[Sheet], issues: Issues) -> tuple[list[InitiativeRow], int, int, str]:
    rows, read, skipped, unrecognised = [], 0, 0, []
    for sheet in sheets:
        if not any(any(r) for r in sheet.rows):
            continue
        header, found = find_header(sheet, COLUMNS, accept_header)
        if header is None:
            unrecognised.append((sheet, found))
            continue
        names = {key: header.names[position] for key, position in header.columns.items()}
        for index in range(header.index + 1, len(sheet.rows)):
            read += 1
            row = sheet.rows[index]
            if not any(row):
                skipped += 1
                continue
            if too_long(sheet, header, row, index + 1, issues):
                continue
            raw = {key: unneutralise(cell(row, position)) for key, position in header.columns.items()}
            rows.append(InitiativeRow(sheet.name, index + 1, raw, names))
    if not rows and unrecognised:
        for sheet, found in unrecognised:
            issues.error(
                _("No recognisable header in this sheet. Expected columns: name and country (or slug), and "
                  "optionally region, city, sector, themes, managing_organisation, year_started, member_firms, "
                  "website, latitude, longitude, location_precision, source, notes. Found: %(found)s.")
                % {"found": ", ".join(found) or _("nothing")},
                sheet.name,
            )  # fmt: skip
    return rows, read, skipped, _("one row per initiative")


def typed_values(row: InitiativeRow, issues: Issues) -> dict:
    """The simple fields of a row, typed; an error per bad cell."""
    raw, values = row.raw, {}

    def error(key, message):
        issues.error(message, row.sheet, row.row, row.columns.get(key, ""))

    for key in ("managing_organisation", "description", "email", "specialisation"):
        if key in raw:
            values[key] = raw[key]
    if raw.get("email") and not is_one_address(raw["email"]):
        error("email", _("“%(value)s” is not one e-mail address: write a single address, such as "
                         "contact@example.org, in this cell.") % {"value": raw["email"]})  # fmt: skip
    if "city" in raw:
        values["territory"] = raw["city"]
    if "notes" in raw:
        values["internal_notes"] = raw["notes"]
    if raw.get("kind"):
        kind = KINDS.get(fold(raw["kind"]))
        if kind is None:
            error("kind", _("“%(value)s” is not a kind of initiative.") % {"value": raw["kind"]})
        values["kind"] = kind
    if raw.get("language"):
        language = LANGUAGES.get(fold(raw["language"]))
        if language is None:
            error("language", _("“%(value)s” is not pt-br, es or en.") % {"value": raw["language"]})
        values["language"] = language
    if raw.get("specialisation_language"):
        language = LANGUAGES.get(fold(raw["specialisation_language"]))
        if language is None:
            error("specialisation_language", _("“%(value)s” is not pt-br, es or en.")
                  % {"value": raw["specialisation_language"]})  # fmt: skip
        values["specialisation_language"] = language
    if "year_started" in raw:
        values["year_started"] = whole_number(raw["year_started"], "year_started", error)
        year = values["year_started"]
        if year is not None and not EARLIEST_YEAR <= year <= datetime.date.today().year:
            error("year_started", _("%(year)s is not a plausible starting year (%(first)s to this year).")
                  % {"year": year, "first": EARLIEST_YEAR})  # fmt: skip
    if "member_count" in raw:
        count = whole_number(raw["member_count"], "member_count", error)
        if count is not None and count < 0:
            error("member_count", _("The number of member firms cannot be negative."))
        values["member_count"] = count
    if "website" in raw:
        values["website"] = clean_url(raw["website"])
        if raw["website"] and not values["website"]:
            error("website", _("“%(value)s” is not a web address.") % {"value": raw["website"]})
    if "source_url" in raw:  # the catalogue's own export keeps the source's text and address apart
        values["source_url"] = clean_url(raw["source_url"])
        if raw["source_url"] and not values["source_url"]:
            error("source_url", _("“%(value)s” is not a web address.") % {"value": raw["source_url"]})
        if "source" in raw:
            values["source_text"] = raw["source"]
    elif "source" in raw:
        url = clean_url(raw["source"]) if " " not in raw["source"].strip() else ""
        values["source_url"], values["source_text"] = (url, "") if url else ("", raw["source"])
    if raw.get("location_precision"):
        precision = PRECISIONS.get(fold(raw["location_precision"]))
        if precision is None:
            error("location_precision", _("“%(value)s” is not exact, municipality, region or country.")
                  % {"value": raw["location_precision"]})  # fmt: skip
        values["location_precision"] = precision
    return values


def is_one_address(text: str) -> bool:
    """One address Django accepts: no list, no name, no line break to smuggle a header."""
    try:
        validate_email(text)
    except ValidationError:
        return False
    return True


def whole_number(text: str, key: str, error) -> int | None:
    if not text:
        return None
    try:
        number = float(text.replace(" ", ""))
    except ValueError:
        number = None
    if number is None or not number.is_integer():
        error(key, _("“%(value)s” is not a whole number.") % {"value": text})
        return None
    return int(number)


def coordinate(text: str) -> float | None:
    try:
        return float(text.replace(",", ".")) if text else None
    except ValueError:
        return None
