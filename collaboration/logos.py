"""An uploaded logo: checked to be a real image of an accepted type and size, then resized and
re-encoded (which also drops whatever else the file carried) before it is stored."""

import io
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

ACCEPTED_FORMATS = {"PNG", "JPEG", "WEBP", "GIF"}
MAX_PIXELS = 40_000_000  # before decoding: a small file may claim a huge canvas
SIDE = 400  # the longest side once resized, in pixels


def clean_logo(upload) -> ContentFile:
    if upload.size > settings.LOGO_MAX_BYTES:
        raise ValidationError(
            _("The logo weighs %(size)s; the limit is %(limit)s.")
            % {"size": filesizeformat(upload.size), "limit": filesizeformat(settings.LOGO_MAX_BYTES)},
            code="too_large",
        )
    not_image = ValidationError(_("This file is not an image (use PNG, JPEG, WebP or GIF)."), code="not_image")
    try:
        upload.seek(0)
        with Image.open(upload) as image:
            if image.format not in ACCEPTED_FORMATS:
                raise not_image
            if image.width * image.height > MAX_PIXELS:
                raise ValidationError(_("The image is too large in pixels; use one under 6000 × 6000."), code="pixels")
            image.load()
            image = image.convert("RGBA")
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError) as exc:
        raise not_image from exc
    image.thumbnail((SIDE, SIDE))
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return ContentFile(out.getvalue(), name=f"{uuid.uuid4().hex}.png")
