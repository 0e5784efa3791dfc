"""What the assessments accept as uploads (evidence files, ledgers, filled templates): their types and limits, checked
by the portal's one upload inspection (portal.uploads, registered at start-up by config/apps.py)."""

from portal.uploads import MB, Limits, inspect

__all__ = ["EVIDENCE_LIMITS", "EVIDENCE_TYPES", "EXCEL_LIMITS", "EXCEL_TYPES", "inspect"]

PDF, JPEG, PNG = "application/pdf", "image/jpeg", "image/png"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

EVIDENCE_TYPES = {".pdf": PDF, ".jpg": JPEG, ".jpeg": JPEG, ".png": PNG, ".docx": DOCX, ".xlsx": XLSX}
EXCEL_TYPES = {".xlsx": XLSX}

EVIDENCE_LIMITS = Limits(max_file_bytes=20 * MB, max_total_bytes=500 * MB, max_files=300)  # per assessment
EXCEL_LIMITS = Limits(max_file_bytes=50 * MB, max_total_bytes=50 * MB, max_files=1)  # one workbook at a time
