"""The showcase's photos: the portal's upload inspection, then a re-encoding before anything is stored.

Why re-encode, when the review's inspection photos are stored as uploaded: these photos are published. A phone's
JPEG carries EXIF (the place it was taken, the device, sometimes the owner's name); re-encoding the pixels drops every
metadata block and anything appended after the image data, turns the photo upright as its EXIF orientation says, and
brings it down to a size a phone on a public page can load.
"""

import hashlib
import io
from dataclasses import dataclass
from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps

from portal.uploads import MB, Limits, inspect

JPEG, PNG = "image/jpeg", "image/png"
PHOTO_TYPES = {".jpg": JPEG, ".jpeg": JPEG, ".png": PNG}
# One photo at a time, at most 10 MB (a phone's full-size photo); the number of photos is counted by the service.
PHOTO_LIMITS = Limits(max_file_bytes=10 * MB, max_total_bytes=10 * MB, max_files=1)
LONGEST_SIDE = 1600  # pixels: sharp on a wide screen, about 300 KB as a JPEG
JPEG_QUALITY = 85


@dataclass(frozen=True)
class Encoded:
    content: ContentFile
    content_type: str
    size: int
    sha256: str
    width: int
    height: int


def photo_encode(uploaded) -> Encoded:
    """Inspect an uploaded JPEG or PNG (ValidationError in Chinese when the portal refuses it) and re-encode it: no
    metadata, upright, at most LONGEST_SIDE pixels on its longer side, as the same format."""
    found = inspect(uploaded, limits=PHOTO_LIMITS, allowed=PHOTO_TYPES)
    uploaded.seek(0)
    try:
        image = Image.open(uploaded, formats=["JPEG" if found.content_type == JPEG else "PNG"])
        if found.content_type == JPEG:
            image.draft("RGB", (LONGEST_SIDE, LONGEST_SIDE))  # decode a large JPEG at a reduced scale
        image = ImageOps.exif_transpose(image)
        image.thumbnail((LONGEST_SIDE, LONGEST_SIDE))
        content = _encode(image, found.content_type)
    except Exception:  # the inspection opened it; a file Pillow still cannot decode is refused like a corrupt one
        raise ValidationError(_("图片“%(name)s”无法读取，请检查后重新上传。") % {"name": PurePath(uploaded.name).name})
    finally:
        uploaded.seek(0)
    stem = PurePath(uploaded.name).stem[:80] or "photo"
    suffix = ".jpg" if found.content_type == JPEG else ".png"
    return Encoded(
        content=ContentFile(content, name=stem + suffix), content_type=found.content_type, size=len(content),
        sha256=hashlib.sha256(content).hexdigest(), width=image.width, height=image.height,
    )


def _encode(image: Image.Image, content_type: str) -> bytes:
    buffer = io.BytesIO()
    if content_type == JPEG:
        image.convert("RGB").save(buffer, format="JPEG", quality=JPEG_QUALITY, optimize=True)
    else:
        keep = image.mode if image.mode in ("RGB", "RGBA", "L", "LA") else "RGBA"
        image.convert(keep).save(buffer, format="PNG")
    return buffer.getvalue()
