"""Change history of the catalogue (django-simple-history) and how writers tag their changes.

Every save of an Initiative, Sector, Theme, Program or Route (and every change to an initiative's
regions, municipalities, sectors or themes) adds a historical row with who, when and what; the
admin's "History" button lists them and can revert to one.

An import tags the rows it causes, so that they can be found (and undone) later:

    from initiatives.history import recorded_as
    with recorded_as(reason="Import #12: polos_2026.xlsx", import_record_id=12):
        ...  # ordinary saves; bulk writes must use simple_history's bulk_*_with_history

and finds them again with `Initiative.history.filter(import_record_id=12)`.
"""

from contextlib import contextmanager
from contextvars import ContextVar

from django.db import models
from django.dispatch import receiver
from django.utils.translation import gettext_lazy as _
from simple_history.signals import pre_create_historical_record

_current_tag: ContextVar[tuple[str | None, int | None]] = ContextVar("history_tag", default=(None, None))


class HistoryTag(models.Model):
    """Extra columns of every historical table (simple_history's `bases`)."""

    import_record_id = models.PositiveBigIntegerField(
        _("import record"), null=True, blank=True, db_index=True, help_text=_("The import that made this change.")
    )

    class Meta:
        abstract = True


@contextmanager
def recorded_as(reason: str | None = None, import_record_id: int | None = None):
    """Tag every historical row created inside the block with a reason and/or an import."""
    token = _current_tag.set((reason, import_record_id))
    try:
        yield
    finally:
        _current_tag.reset(token)


@receiver(pre_create_historical_record)
def tag_historical_record(sender, history_instance, **kwargs):
    reason, import_record_id = _current_tag.get()
    if reason and not history_instance.history_change_reason:
        history_instance.history_change_reason = reason
    if import_record_id is not None and hasattr(history_instance, "import_record_id"):
        history_instance.import_record_id = import_record_id
