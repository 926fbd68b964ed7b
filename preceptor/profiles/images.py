"""Avatar images: checked, turned upright, cropped square, resized and re-encoded without metadata."""

from __future__ import annotations

import io
from typing import IO

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

ACCEPTED_FORMATS = {"JPEG", "PNG", "WEBP", "GIF"}
MAX_PIXELS = 40_000_000  # refuses decompression bombs long before Pillow's own limit


def avatar_from_upload(upload: IO[bytes], *, size: int | None = None) -> ContentFile:
    """Return a square JPEG of ``size`` pixels with no EXIF (no camera, no GPS position)."""
    size = size or settings.AVATAR_SIZE
    if getattr(upload, "size", 0) > settings.AVATAR_MAX_BYTES:
        raise ValidationError(
            _("The photo is larger than %(mb)d MB.") % {"mb": settings.AVATAR_MAX_BYTES // (1024 * 1024)}
        )
    try:
        with Image.open(upload) as probe:
            if probe.format not in ACCEPTED_FORMATS:
                raise ValidationError(_("Upload a JPEG, PNG, WebP or GIF image."))
            if probe.width * probe.height > MAX_PIXELS:
                raise ValidationError(_("The photo has too many pixels; please upload a smaller image."))
            probe.verify()
        upload.seek(0)
        with Image.open(upload) as opened:
            opened.load()
            image = ImageOps.exif_transpose(opened)
            image = image.convert("RGB")
            image = ImageOps.fit(image, (size, size), method=Image.Resampling.LANCZOS)
            out = io.BytesIO()
            image.save(out, format="JPEG", quality=85, optimize=True)
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise ValidationError(_("This file is not an image we can read.")) from None
    return ContentFile(out.getvalue(), name="avatar.jpg")
