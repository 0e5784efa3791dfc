"""Uploads of the assessments (evidence files, ledgers, filled templates), checked by the portal's one upload
inspection: `applications.uploads.inspect_upload` (size, extension and content agreeing, archives, images and PDFs
inspected, clamd when configured; docs/security.md 13).

rubrics sits below applications in the layers (pyproject.toml), so it cannot import the inspection: the project
package registers it at start-up (config/apps.py, `register`). Until it is registered every upload is refused: an
unchecked file is never stored.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

MB = 1024 * 1024
PDF, JPEG, PNG = "application/pdf", "image/jpeg", "image/png"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

EVIDENCE_TYPES = {".pdf": PDF, ".jpg": JPEG, ".jpeg": JPEG, ".png": PNG, ".docx": DOCX, ".xlsx": XLSX}
EXCEL_TYPES = {".xlsx": XLSX}


@dataclass(frozen=True)
class Limits:
    """What the inspection reads of its limits (the attributes of applications.uploads.UploadLimits)."""

    max_file_bytes: int
    max_total_bytes: int
    max_files: int


EVIDENCE_LIMITS = Limits(max_file_bytes=20 * MB, max_total_bytes=500 * MB, max_files=300)  # per assessment
EXCEL_LIMITS = Limits(max_file_bytes=50 * MB, max_total_bytes=50 * MB, max_files=1)  # one workbook at a time

_CHECKS: list[Callable] = []


def register(check: Callable) -> None:
    """Set the inspection: `check(uploaded, *, limits, existing_count, existing_bytes, allowed)`, returning what it
    found (`content_type`, `size`, `sha256`) or raising ValidationError in Chinese."""
    _CHECKS[:] = [check]


def inspect(uploaded, *, limits: Limits, allowed: dict[str, str], existing_count: int = 0, existing_bytes: int = 0):
    """What the portal's upload inspection found of `uploaded`; ValidationError (Chinese) when it refuses the file."""
    if not _CHECKS:
        raise ValidationError(_("暂时无法检查上传的文件，请稍后再上传。"), code="no_inspection")
    return _CHECKS[0](
        uploaded, limits=limits, existing_count=existing_count, existing_bytes=existing_bytes, allowed=allowed
    )
