import os

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class PrivateStorage(FileSystemStorage):
    """Files under settings.PRIVATE_MEDIA_ROOT (read when used, so tests can move it), with no
    URL: an imported file is never reachable from the web."""

    @property
    def base_location(self):
        return str(settings.PRIVATE_MEDIA_ROOT)

    @property
    def location(self):
        return os.path.abspath(self.base_location)

    @property
    def base_url(self):
        return None


private_storage = PrivateStorage()


def upload_path(record, file_name: str) -> str:
    return f"imports/{record.kind}/{record.sha256[:2]}/{record.sha256}/{file_name}"


class ImportRecord(models.Model):
    """One file submitted for import, with what it did (or would have done) to the catalogue."""

    class Kind(models.TextChoices):
        POLOS = "polos", _("Rotas polos")
        INITIATIVES = "initiatives", _("Initiatives")
        UNDO = "undo", _("Undo of an import")

    class Status(models.TextChoices):
        PREVIEWED = "previewed", _("Previewed")
        APPLIED = "applied", _("Applied")
        CANCELLED = "cancelled", _("Cancelled")
        FAILED = "failed", _("Failed")
        UNDONE = "undone", _("Undone")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PREVIEWED)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="import_records",
        verbose_name=_("imported by"),
    )
    file_name = models.CharField(_("file name"), max_length=255)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    file = models.FileField(_("stored file"), upload_to=upload_path, storage=private_storage, max_length=500)
    options = models.JSONField(_("options"), default=dict, blank=True)
    counts = models.JSONField(_("counts"), default=dict, blank=True)
    report = models.JSONField(_("report"), default=dict, blank=True)
    undoes = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="undone_by",
        verbose_name=_("undoes"),
        help_text=_("The import this record undid (records of kind “undo” only)."),
    )
    created = models.DateTimeField(_("uploaded"), auto_now_add=True)
    finished = models.DateTimeField(_("applied or cancelled"), null=True, blank=True)

    class Meta:
        ordering = ["-created", "-pk"]
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        permissions = [
            ("import_polos", _("Can import Rotas polos")),
            ("import_initiatives", _("Can import initiatives")),
        ]
        indexes = [
            # "Was this very file already applied?" is asked on every upload.
            models.Index(fields=["kind", "sha256", "status"], name="importrecord_kind_sha_status"),
        ]

    def __str__(self):
        return f"{self.file_name} ({self.get_status_display()}, {self.created:%Y-%m-%d %H:%M})"

    def get_absolute_url(self):
        return reverse("admin:rotas_import_importrecord_preview", args=[self.pk])

    def keep(self, plan) -> None:
        """Keep an ImportPlan (rotas_import.plan) as this record's report, in JSON."""
        self.report, self.counts = plan.to_report(), plan.counts

    @property
    def can_confirm(self) -> bool:
        """A preview with no errors may be applied."""
        return self.status == self.Status.PREVIEWED and not self.report.get("errors")

    @property
    def can_undo(self) -> bool:
        """An applied import may be undone (undoing checks, then, that nothing came after it)."""
        return self.status == self.Status.APPLIED and self.kind != self.Kind.UNDO

    @property
    def offers_new_terms(self) -> bool:
        """Sectors or themes unknown to the catalogue, not yet accepted: staff may accept them."""
        terms = self.report.get("new_terms", {})
        if self.options.get("create_new_terms"):
            # Accepted, but a new sector still lacks its family: staff choose it.
            return self.status == self.Status.FAILED and any(not t.get("family") for t in terms.get("sectors", []))
        return any(terms.get(r) for r in ("sectors", "themes"))

    @property
    def error_count(self) -> int:
        return len(self.report.get("errors", []))

    @property
    def permission_kind(self) -> str:
        """The kind whose import permission this record needs (an undo: its import's)."""
        return self.undoes.kind if self.kind == self.Kind.UNDO and self.undoes_id else self.kind

    def earlier_application(self):
        """The applied import of the very same file, if there is one."""
        return (
            ImportRecord.objects.filter(kind=self.kind, sha256=self.sha256, status=self.Status.APPLIED)
            .exclude(pk=self.pk)
            .order_by("-finished")
            .first()
        )
