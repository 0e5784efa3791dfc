"""The portal's one upload inspection, for the shared core's own pages (the regions' Excel import).

The inspection is `applications.uploads.inspect_upload` (size, extension and content agreeing, the inside of an XLSX
archive, clamd when configured; docs/security.md 13). portal is the bottom layer and cannot import it: the project
package registers it at start-up (config/apps.py), as it does for rubrics.uploads. Until then every upload is refused.
"""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

XLSX = {".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


@dataclass(frozen=True)
class WorkbookLimits:
    """One workbook at a time, at most 5 MB (about 100,000 rows of regions; the import reads 5,000)."""

    max_file_bytes: int = 5 * 1024 * 1024
    max_total_bytes: int = 5 * 1024 * 1024
    max_files: int = 1


_INSPECTION: list = []


def register(inspection) -> None:
    """Set the inspection: `inspection(uploaded, *, limits, existing_count, existing_bytes, allowed)`."""
    _INSPECTION[:] = [inspection]


def inspect_workbook(uploaded) -> None:
    """Refuse (ValidationError, in Chinese) an upload that is not a sound .xlsx file within WorkbookLimits."""
    if not _INSPECTION:
        raise ValidationError(_("暂时无法检查上传的文件，请稍后再上传。"), code="no_inspection")
    _INSPECTION[0](uploaded, limits=WorkbookLimits(), existing_count=0, existing_bytes=0, allowed=XLSX)
