"""What an import would do, as typed data: made by planning, shown by the commands, executed by
applying, and kept as JSON (`ImportPlan.to_report()`) in `ImportRecord.report`, whose shape the
admin's preview and stored records rely on."""

import hashlib
import json
from dataclasses import asdict, dataclass, field

from .issues import Issue

ACTIONS = ("created", "updated", "unchanged", "absent")


@dataclass
class FieldChange:
    """One line of a preview: a field or relation, shown as it is and as it would be."""

    field: str
    old: str
    new: str

    @classmethod
    def of(cls, label, old, new) -> "FieldChange":
        return cls(str(label), "" if old is None else str(old), "" if new is None else str(new))


@dataclass
class PlannedChange:
    """What the import does to one initiative: `created`, `updated`, `unchanged`, or `absent` (a
    polo of the file's Rotas that the file no longer lists)."""

    action: str
    name: str
    id: int | None = None  # None until a created initiative is written
    slug: str = ""
    route: str = ""  # a polo's Rota, by name
    sheet: str | None = None  # where the file names it (not for an absent polo)
    row: int | None = None
    values: dict = field(default_factory=dict)  # field -> the value to write
    relations: dict[str, list] = field(default_factory=dict)  # relation -> every id it should hold
    field_changes: list[FieldChange] = field(default_factory=list)
    municipality_names: list[str] | None = None  # a new polo's, for the preview
    status: str | None = None  # an absent polo's status as it is

    @property
    def writes(self) -> bool:
        return self.action == "created" or bool(self.values or self.relations)

    def to_json(self) -> dict:
        data = {"route": self.route, "name": self.name}
        if self.sheet is not None:
            data |= {"sheet": self.sheet, "row": self.row}
        data |= {
            "action": self.action, "id": self.id, "slug": self.slug, "values": self.values, "m2m": self.relations,
            "changes": [asdict(c) for c in self.field_changes],
        }  # fmt: skip
        if self.municipality_names is not None:
            data["municipality_names"] = self.municipality_names
        if self.status is not None:
            data["status"] = self.status
        return data


@dataclass
class NewTerm:
    """A sector or theme a file names and the catalogue lacks; created when staff accept it. Its
    placeholder in a planned change's relations is `new:<slug>`."""

    slug: str
    name: str
    language: str
    sheet: str
    row: int
    column: str
    closest: list[str] | None = None  # a sector's nearest known names
    family: str | None = None  # a sector's family (its slug; "" until staff choose it)

    @property
    def placeholder(self) -> str:
        return f"new:{self.slug}"

    def to_json(self) -> dict:
        return {k: v for k, v in asdict(self).items() if v is not None}


@dataclass
class ImportPlan:
    """Everything an import of one file would do, and every problem found in the file. A plan
    with errors is never applied."""

    kind: str  # an ImportRecord.Kind
    layout: str = ""  # the layout recognised, as staff read it
    rows_read: int = 0
    rows_skipped: int = 0
    changes: list[PlannedChange] = field(default_factory=list)
    errors: list[Issue] = field(default_factory=list)
    warnings: list[Issue] = field(default_factory=list)
    options: dict = field(default_factory=dict)  # the planner's options, as given
    new_terms: dict[str, list[NewTerm]] | None = None  # relation -> terms (initiatives only)
    identical_to: int | None = None  # the applied import of the very same file
    fingerprint: str = field(init=False, default="")

    def __post_init__(self):
        # Taken when planned: applying fills in the ids of what it creates.
        self.fingerprint = self.writes_fingerprint()

    def writes_fingerprint(self) -> str:
        """What applying would write: equal fingerprints mean the same writes."""
        writes = [(c.action, c.id, c.slug, c.values, c.relations) for c in self.changes]
        errors = [asdict(e) for e in self.errors]
        return hashlib.sha256(json.dumps([writes, errors], sort_keys=True, default=str).encode()).hexdigest()

    @property
    def counts(self) -> dict[str, int]:
        return {action: sum(1 for c in self.changes if c.action == action) for action in ACTIONS}

    @property
    def rows(self) -> dict[str, int]:
        return {"read": self.rows_read, "skipped": self.rows_skipped}

    def to_report(self) -> dict:
        """The JSON kept in ImportRecord.report."""
        report = {
            "kind": self.kind, "layout": self.layout, "rows": self.rows, "counts": self.counts,
            "items": [c.to_json() for c in self.changes], "errors": [asdict(e) for e in self.errors],
            "warnings": [asdict(w) for w in self.warnings],
            # Reports have always named this option, whatever the kind.
            "options": {"mark_absent_inactive": False, **self.options}, "fingerprint": self.fingerprint,
        }  # fmt: skip
        if self.new_terms is not None:
            report["new_terms"] = {r: [t.to_json() for t in terms] for r, terms in self.new_terms.items()}
        if self.identical_to is not None:
            report["identical_to"] = self.identical_to
        return report
