"""Step 3 for polos: match the names and codes of a file to the catalogue's municipalities, states and Rotas.

Works on plain lookup tables (a `Gazetteer`) that planning builds from the database, so the rules
here are pure functions of the file and those tables.
"""

import difflib
import re
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from ..issues import Issues
from ..values import fold
from .layout import Place, PoloRecord

NEAR_SPELLING = 0.85  # difflib ratio above which a single candidate is taken as the same name
SUGGESTION_CUTOFF = 0.5
ROUTE_PREFIX = re.compile(r"^rota\s+(?:d[aoe]s?\s+)?")


@dataclass(frozen=True)
class Municipality:
    id: int
    code: str
    name: str
    uf: str
    region_id: int
    latitude: float | None
    longitude: float | None


@dataclass(frozen=True)
class State:
    uf: str
    name: str
    region_id: int
    latitude: float | None
    longitude: float | None


@dataclass(frozen=True)
class Route:
    id: int
    name: str
    program_id: int
    sector_id: int | None
    names: frozenset[str]  # folded names, aliases and their cores ("mel" for "Rota do Mel")


@dataclass
class Gazetteer:
    municipalities: list[Municipality]
    states: list[State]
    routes: list[Route]
    by_code: dict[str, Municipality] = field(init=False)
    by_code6: dict[str, Municipality] = field(init=False)
    by_uf_name: dict[str, dict[str, Municipality]] = field(init=False)
    state_by_key: dict[str, State] = field(init=False)

    def __post_init__(self):
        self.by_code = {m.code: m for m in self.municipalities}
        self.by_code6 = {m.code[:6]: m for m in self.municipalities}
        self.by_uf_name = {}
        for m in self.municipalities:
            self.by_uf_name.setdefault(m.uf, {})[fold(m.name)] = m
        self.state_by_key = {fold(s.uf): s for s in self.states} | {fold(s.name): s for s in self.states}


def route_names(names: list[str]) -> frozenset[str]:
    folded = {fold(n) for n in names}
    return frozenset(folded | {ROUTE_PREFIX.sub("", n) for n in folded})


def match_route(label: str, gazetteer: Gazetteer) -> Route | None:
    key = fold(label)
    for route in gazetteer.routes:
        if key in route.names or ROUTE_PREFIX.sub("", key) in route.names:
            return route
    return None


def match_state(value: str, gazetteer: Gazetteer) -> State | None:
    return gazetteer.state_by_key.get(fold(value))


def digits(code: str) -> str:
    return re.sub(r"\D", "", code)


def similarity(a: str, b: str) -> float:
    return difflib.SequenceMatcher(None, fold(a), fold(b)).ratio()


def match_place(place: Place, state: State | None, gazetteer: Gazetteer, issues: Issues, where: dict):
    """The municipality a file's name and/or code means, or None after an error saying why."""
    if place.code:
        code = digits(place.code)
        found = (
            gazetteer.by_code.get(code) if len(code) == 7 else gazetteer.by_code6.get(code) if len(code) == 6 else None
        )
        if found is None:
            _error(
                issues, where, "code",
                _("“%(code)s” is not an IBGE municipality code (7 digits, or 6 without the check digit).")
                % {"code": place.code},
            )  # fmt: skip
            return None
        if state is not None and found.uf != state.uf:
            _error(
                issues, where, "code",
                _("The code %(code)s is %(name)s (%(found)s), not a municipality of %(uf)s.")
                % {"code": found.code, "name": found.name, "found": found.uf, "uf": state.uf},
            )  # fmt: skip
            return None
        if place.name and fold(place.name) != fold(found.name):
            if similarity(place.name, found.name) < NEAR_SPELLING:
                _error(
                    issues, where, "municipality",
                    _("The code %(code)s is %(name)s (%(uf)s), but the name says “%(given)s”.")
                    % {"code": found.code, "name": found.name, "uf": found.uf, "given": place.name},
                )  # fmt: skip
                return None
            _near_spelling(issues, where, place.name, found)
        return found
    if not place.name:
        _error(issues, where, "municipality", _("The municipality's name and code are both missing."))
        return None
    if state is None:
        _error(
            issues, where, "uf", _("“%(name)s” has no IBGE code and no UF: give one of them.") % {"name": place.name}
        )
        return None
    names = gazetteer.by_uf_name.get(state.uf, {})
    key = fold(place.name)
    if key in names:
        return names[key]
    close = difflib.get_close_matches(key, names, n=3, cutoff=SUGGESTION_CUTOFF)
    ratios = [difflib.SequenceMatcher(None, key, c).ratio() for c in close]
    if ratios and ratios[0] >= NEAR_SPELLING and (len(ratios) == 1 or ratios[1] < NEAR_SPELLING):
        found = names[close[0]]
        _near_spelling(issues, where, place.name, found)
        return found
    suggestions = ", ".join(names[c].name for c in close)
    message = _("No municipality of %(uf)s is called “%(name)s”.") % {"uf": state.uf, "name": place.name}
    if suggestions:
        message += " " + _("Closest names: %(names)s.") % {"names": suggestions}
    _error(issues, where, "municipality", message)
    return None


def _error(issues: Issues, where: dict, key: str, message: str) -> None:
    issues.error(message, where["sheet"], where["row"], where["columns"].get(key, ""))


def _near_spelling(issues: Issues, where: dict, given: str, found: Municipality) -> None:
    issues.warning(
        _("“%(given)s” was read as %(name)s (%(uf)s, IBGE %(code)s), the closest spelling.")
        % {"given": given, "name": found.name, "uf": found.uf, "code": found.code},
        where["sheet"], where["row"], where["columns"].get("municipality", ""),
    )  # fmt: skip


@dataclass
class MatchedRecord:
    record: PoloRecord
    route: Route
    state: State | None
    municipalities: list[Municipality]


def match_records(records: list[PoloRecord], gazetteer: Gazetteer, issues: Issues) -> list[MatchedRecord]:
    matched = []
    for record in records:
        where = {"sheet": record.sheet, "row": record.row, "columns": record.columns}
        route = match_route(record.route, gazetteer)
        if route is None:
            _error(
                issues, where, "route",
                _("“%(name)s” is not one of the Rotas: %(rotas)s.")
                % {"name": record.route, "rotas": ", ".join(r.name for r in gazetteer.routes)},
            )  # fmt: skip
        state = None
        if record.uf:
            state = match_state(record.uf, gazetteer)
            if state is None:
                _error(issues, where, "uf", _("“%(uf)s” is not a Brazilian state (UF).") % {"uf": record.uf})
                continue
        found = [match_place(place, state, gazetteer, issues, where) for place in record.places]
        if route is not None and all(m is not None for m in found):
            matched.append(MatchedRecord(record, route, state, found))
    return matched
