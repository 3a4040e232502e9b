"""The problems an import finds, each placed at its sheet, row and column, in the staff's words."""

from dataclasses import dataclass, field

from django.utils.translation import gettext as _


@dataclass(frozen=True)
class Issue:
    message: str
    sheet: str = ""
    row: int | None = None
    column: str = ""


@dataclass
class Issues:
    errors: list[Issue] = field(default_factory=list)
    warnings: list[Issue] = field(default_factory=list)

    def error(self, message, sheet="", row=None, column=""):
        self.errors.append(Issue(str(message), sheet, row, column))

    def warning(self, message, sheet="", row=None, column=""):
        self.warnings.append(Issue(str(message), sheet, row, column))


def where(issue: Issue) -> str:
    """'sheet Polos, row 5, column MUNICIPIO' (only the parts an issue has)."""
    parts = []
    if issue.sheet:
        parts.append(_("sheet %(sheet)s") % {"sheet": issue.sheet})
    if issue.row:
        parts.append(_("row %(row)s") % {"row": issue.row})
    if issue.column:
        parts.append(_("column %(column)s") % {"column": issue.column})
    return ", ".join(parts)
