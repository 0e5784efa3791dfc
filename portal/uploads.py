"""The portal's one upload inspection, for the apps below applications in the layers: the shared core's own pages (the
regions' Excel import, a department's seal) and rubrics (evidence files, ledgers, filled templates).

The inspection is `applications.uploads.inspect_upload` (size, extension and content agreeing, the inside of an XLSX
archive, archives, images and PDFs inspected, clamd when configured; docs/security.md 13). portal is the bottom layer
and cannot import it: the project package registers it at start-up (config/apps.py). Until then every upload is
refused: an unchecked file is never stored.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

MB = 1024 * 1024
XLSX = {".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


@dataclass(frozen=True)
class Limits:
    """What the inspection reads of its limits (the attributes of applications.uploads.UploadLimits)."""

    max_file_bytes: int
    max_total_bytes: int
    max_files: int


# One workbook at a time, at most 5 MB (about 100,000 rows of regions; the import reads 5,000).
WORKBOOK_LIMITS = Limits(max_file_bytes=5 * MB, max_total_bytes=5 * MB, max_files=1)
# A department's seal: one picture, at most 2 MB (a transparent PNG of a seal is a few hundred KB).
IMAGES = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg"}
SEAL_LIMITS = Limits(max_file_bytes=2 * MB, max_total_bytes=2 * MB, max_files=1)

_INSPECTION: list[Callable] = []


def register(inspection: Callable) -> None:
    """Set the inspection: `inspection(uploaded, *, limits, existing_count, existing_bytes, allowed)`, returning what it
    found (`content_type`, `size`, `sha256`) or raising ValidationError in Chinese."""
    _INSPECTION[:] = [inspection]


def inspect(uploaded, *, limits: Limits, allowed: dict[str, str], existing_count: int = 0, existing_bytes: int = 0):
    """What the portal's upload inspection found of `uploaded`; ValidationError (Chinese) when it refuses the file."""
    if not _INSPECTION:
        raise ValidationError(_("暂时无法检查上传的文件，请稍后再上传。"), code="no_inspection")
    return _INSPECTION[0](
        uploaded, limits=limits, existing_count=existing_count, existing_bytes=existing_bytes, allowed=allowed
    )


def inspect_workbook(uploaded) -> None:
    """Refuse (ValidationError, in Chinese) an upload that is not a sound .xlsx file within WORKBOOK_LIMITS."""
    inspect(uploaded, limits=WORKBOOK_LIMITS, allowed=XLSX)


def inspect_seal(uploaded) -> None:
    """Refuse (ValidationError, in Chinese) an upload that is not a sound PNG or JPEG image within SEAL_LIMITS."""
    inspect(uploaded, limits=SEAL_LIMITS, allowed=IMAGES)
