"""Checks on uploaded files: what they claim to be is what their first bytes say they are."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

PDF_MAGIC = b"%PDF-"


def _check_size(upload, limit: int) -> None:
    if upload.size > limit:
        raise ValidationError(
            _("The file weighs %(size)s; the limit is %(limit)s."),
            code="too_large",
            params={"size": filesizeformat(upload.size), "limit": filesizeformat(limit)},
        )


def validate_pdf(upload) -> None:
    """A real PDF (its first bytes are '%PDF-', whatever the name says) within the size limit."""
    _check_size(upload, settings.HUB_MAX_PDF_BYTES)
    position = upload.tell() if hasattr(upload, "tell") else 0
    upload.seek(0)
    head = upload.read(len(PDF_MAGIC))
    upload.seek(position)
    if head != PDF_MAGIC:
        raise ValidationError(_("This file is not a PDF document."), code="not_pdf")


def validate_image_size(upload) -> None:
    _check_size(upload, settings.HUB_MAX_IMAGE_BYTES)
