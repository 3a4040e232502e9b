"""Step 2 for polos: recognise the layout of each sheet and turn its rows into polo records.

The header is found as for any import (`rotas_import.layout`). The polo layouts:

- long: one row per polo and municipality (ROTA, POLO, UF, MUNICIPIO, COD_IBGE, maybe SEDE, FONTE);
- one row per polo: the municipalities of a polo in one cell, separated by `;`, `,`, `/` or line
  breaks (the same code path as long: a cell with one name is a list of one);
- wide: one row per municipality (COD_MUNIC_IBGE, maybe name and UF) and one column per Rota
  (R_MEL, R_LEITE…) holding the polo's name.

Blank cells left by merged cells (a Rota or polo name written once above its rows) are filled
from the row above.
"""

import re
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from ..issues import Issues
from ..layout import Header, cell, find_header, too_long
from ..reading import Sheet
from ..values import fold

LIST_SEPARATORS = re.compile(r"\s*(?:;|,|/|\r?\n)\s*")
YES = {"sim", "s", "x", "yes", "y", "si", "1", "true", "verdadeiro", "sede"}

POLO_COLUMNS = {
    "route": {"rota", "rotas", "nome da rota", "rota de integracao", "rota de integracao nacional"},
    "polo": {"polo", "polos", "nome do polo", "nome polo", "polo de integracao", "nome do polo de integracao"},
    "uf": {"uf", "sigla uf", "sg uf", "sigla", "estado", "unidade da federacao"},
    "municipality": {"municipio", "nome do municipio", "nome municipio", "cidade", "nome"},
    "municipalities": {"municipios", "municipios do polo", "cidades", "lista de municipios"},
    "code": {
        "cod ibge", "codigo ibge", "cod municipio", "codigo do municipio", "codigo municipio", "cod munic ibge",
        "codigo municipio ibge", "cod ibge municipio", "ibge", "geocodigo", "codigos ibge", "cod municipio ibge",
    },
    "seat": {"sede", "municipio sede", "sede do polo"},
    "source": {"fonte", "fontes", "source", "url da fonte"},
}  # fmt: skip
ROUTE_COLUMN = re.compile(r"^(?:r|rota)\s+(.+)$")


@dataclass
class Place:
    name: str
    code: str


@dataclass
class PoloRecord:
    sheet: str
    row: int  # 1-based, as the spreadsheet shows it
    route: str
    polo: str
    uf: str
    places: list[Place]
    is_seat: bool = False
    seat_name: str = ""
    source: str = ""
    columns: dict[str, str] = field(default_factory=dict)  # key -> header as written, for messages


@dataclass
class Layout:
    name: str
    records: list[PoloRecord]
    read: int = 0
    skipped: int = 0


def accept_polo_header(columns: dict[str, int], folded: list[str]) -> bool:
    places = {"municipality", "municipalities", "code"} & columns.keys()
    if "route" in columns and "polo" in columns and places:
        return True
    return "polo" not in columns and bool(places) and any(ROUTE_COLUMN.match(name) for name in folded)


def split_list(value: str) -> list[str]:
    return [item for item in LIST_SEPARATORS.split(value) if item]


def polo_layouts(sheets: list[Sheet], issues: Issues, sheet_name: str | None = None) -> Layout:
    """Records of every sheet with a recognisable polo header (or only the named sheet)."""
    if sheet_name is not None:
        chosen = [s for s in sheets if s.name == sheet_name or fold(s.name) == fold(sheet_name)]
        if not chosen:
            issues.error(
                _("There is no sheet named “%(name)s”. The sheets are: %(sheets)s.")
                % {"name": sheet_name, "sheets": ", ".join(s.name for s in sheets)}
            )
            return Layout("", [])
        sheets = chosen
    result, unrecognised, names = Layout("", []), [], []
    for sheet in sheets:
        if not any(any(row) for row in sheet.rows):
            continue
        header, found = find_header(sheet, POLO_COLUMNS, accept_polo_header)
        if header is None:
            unrecognised.append((sheet, found))
            continue
        read = read_long if "polo" in header.columns else read_wide
        names.append(read(sheet, header, issues, result))
    if not names:
        for sheet, found in unrecognised:
            issues.error(
                _(
                    "No recognisable header in this sheet. Expected columns: ROTA, POLO and MUNICIPIO or "
                    "COD_IBGE (with UF when there are no codes), or COD_MUNIC_IBGE and one column per Rota "
                    "(R_MEL, R_LEITE…). Found: %(found)s."
                )
                % {"found": ", ".join(found) or _("nothing")},
                sheet.name,
            )
        return result
    for sheet, _found in unrecognised:
        issues.warning(_("This sheet was skipped: it has no polo columns."), sheet.name)
    result.name = " + ".join(dict.fromkeys(names))
    return result


def data_rows(sheet: Sheet, header: Header, issues: Issues, result: Layout):
    """The rows below the header that hold something and keep to the cell limit, numbered as in
    the spreadsheet; `result` counts every row read and every blank one skipped."""
    for index in range(header.index + 1, len(sheet.rows)):
        number = index + 1
        row = sheet.rows[index]
        result.read += 1
        if not any(row):
            result.skipped += 1
            continue
        if too_long(sheet, header, row, number, issues):
            continue
        yield number, row


def read_long(sheet: Sheet, header: Header, issues: Issues, result: Layout) -> str:
    cols = header.columns
    names = {key: header.names[position] for key, position in cols.items()}
    places_key = "municipalities" if "municipalities" in cols else "municipality"
    several = places_key == "municipalities"
    last = {"route": "", "polo": "", "uf": "", "source": ""}
    for number, row in data_rows(sheet, header, issues, result):
        route, polo, uf, source = (cell(row, cols.get(k)) for k in ("route", "polo", "uf", "source"))
        municipalities, codes = cell(row, cols.get(places_key)), cell(row, cols.get("code"))
        if not (polo or municipalities or codes or uf):
            result.skipped += 1
            issues.warning(_("Row ignored: it names no polo, municipality or UF."), sheet.name, number)
            continue
        # Merged cells leave blanks below the first row of a Rota or polo: fill them from above.
        same_polo = not polo and (not route or route == last["route"])
        route = route or last["route"]
        polo = polo or (last["polo"] if same_polo else "")
        if same_polo:
            uf, source = uf or last["uf"], source or last["source"]
        last = {"route": route, "polo": polo, "uf": uf, "source": source}
        if not route:
            issues.error(_("The Rota is missing."), sheet.name, number, names.get("route", ""))
            continue
        if not polo:
            issues.error(_("The polo's name is missing."), sheet.name, number, names["polo"])
            continue
        name_list, code_list = split_list(municipalities), split_list(codes)
        several = several or len(name_list) > 1 or len(code_list) > 1
        if name_list and code_list and len(name_list) != len(code_list):
            issues.error(
                _("%(names)s municipality names but %(codes)s codes: give one code per name, or only names.")
                % {"names": len(name_list), "codes": len(code_list)},
                sheet.name, number, names.get("code", ""),
            )  # fmt: skip
            continue
        count = max(len(name_list), len(code_list))
        places = [
            Place(name_list[i] if name_list else "", code_list[i] if code_list else "") for i in range(count)
        ]  # fmt: skip
        seat = cell(row, cols.get("seat"))
        is_seat = fold(seat) in YES
        result.records.append(
            PoloRecord(
                sheet.name,
                number,
                route,
                polo,
                uf,
                places,
                is_seat=is_seat and count == 1,
                seat_name="" if is_seat or fold(seat) in ("nao", "n", "no") else seat,
                source=source,
                columns=names,
            )  # fmt: skip
        )
    return _("one row per polo") if several else _("long (one row per polo and municipality)")


def read_wide(sheet: Sheet, header: Header, issues: Issues, result: Layout) -> str:
    cols = header.columns
    names = {key: header.names[position] for key, position in cols.items()}
    route_columns = []
    for position, written in enumerate(header.names):
        match = ROUTE_COLUMN.match(fold(written))
        if match and position not in cols.values():
            route_columns.append((position, written, match.group(1)))
    for number, row in data_rows(sheet, header, issues, result):
        place = Place(cell(row, cols.get("municipality")), cell(row, cols.get("code")))
        uf = cell(row, cols.get("uf"))
        in_a_polo = False
        for position, written, route in route_columns:
            polo = cell(row, position)
            if polo:
                in_a_polo = True
                result.records.append(
                    PoloRecord(sheet.name, number, route, polo, uf, [place], columns={**names, "route": written, "polo": written})
                )  # fmt: skip
        if not in_a_polo:
            result.skipped += 1
    return _("wide (one column per Rota)")
