"""Who owns which field of an initiative (docs/field-ownership.md).

MIDR's polo import owns the polos' identity and place; the shipped public files only create; an
initiative's managers own its profile; staff may change anything. An importer asks
`claimed_fields` before overwriting: a field its managers changed is theirs, and stays.

The collaboration app knows who changed what; it registers a finder here so that the importers
(and `initiatives`) need not import it.
"""

from collections.abc import Callable, Iterable

POLO_IMPORT_FIELDS = ("name", "route", "municipalities", "latitude", "longitude", "location_precision")
# The fields a manager's profile form offers; description stands for its three translations too.
MANAGER_FIELDS = (
    "description",
    "description_pt_br",
    "description_es",
    "description_en",
    "themes",
    "website",
    "email",
    "member_count",
    "year_started",
    "logo",
)

_finders: list[Callable[[list[int]], dict[int, set[str]]]] = []


def register_claims(finder: Callable[[list[int]], dict[int, set[str]]]) -> None:
    """`finder(ids)` returns {initiative id: fields its managers changed}."""
    if finder not in _finders:
        _finders.append(finder)


def claimed_fields(ids: Iterable[int]) -> dict[int, set[str]]:
    """{initiative id: manager-owned fields that a manager changed}, for the given initiatives."""
    ids = [pk for pk in ids if pk is not None]
    claims: dict[int, set[str]] = {}
    if not ids:
        return claims
    for finder in _finders:
        for pk, fields in finder(ids).items():
            claims.setdefault(pk, set()).update(set(fields) & set(MANAGER_FIELDS))
    return claims
