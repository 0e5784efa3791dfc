"""Ledgers (台账, issue 14): the persons behind a `rate` item, imported from an Excel file, each row counted or not
with the reason why, and the facts the engine needs (`achieved`, `total`, `excluded`) counted from them.

The file (.xlsx; the first sheet, or the sheet named `台账<code>` where the workbook has one, as the rubric's Excel
template does: rubrics/excel.py) has its headers in row 1, in any order:

    姓名 | 身份证号码 | 登记日期 | 状态/去向 | 注销原因 | 备注

(注销原因 and 备注 may be left out; the accepted spellings of each header are in `HEADERS`). What counts is data on
the item, its `ledger` key (docs/rubrics.md, "Ledgers"):

    "ledger": {"achieved_statuses": ["已就业"], "counted_statuses": ["未就业"],
               "achieved_reasons": [], "excluded_reasons": ["死亡", …]}

A row is, in this order of checks:

- refused (不予采用): a name, an ID number (GB 11643, `portal.validators.validate_id_number`) or a registration date
  missing or invalid, a date after the reporting period or today, an ID number already in an earlier row of the file
  (or in another ledger the caller names), a status or a reason the item does not list, or a status that contradicts
  the reason (「已就业」 deregistered for a non-employment reason). Every problem of the row is given;
- excluded (剔除): its 注销原因 is one of `excluded_reasons` (the item's non-employment deregistrations): in `total`
  and in `excluded`, so out of the denominator;
- achieved (计入分子): its 注销原因 is one of `achieved_reasons`, or, with no reason, its status is one of
  `achieved_statuses`: in `achieved` and `total`;
- counted only (只计入分母): no reason, a status of `counted_statuses`: in `total` only.

Rows left wholly empty are skipped. Statuses and reasons are compared after folding full-width characters, spaces and
quotation marks (「（一）」 matches 「(一)」).

ID numbers never leave the import in clear: a row carries its masked number (`portal.display.mask_id_number`) and,
when valid, a keyed hash (`id_hash`: HMAC-SHA-256 under a key derived from SECRET_KEY, so that someone with the
ledger's rows but not the key cannot recover a number by trying every birth date and sequence). Duplicates within a
file are found on the hash; across imports the caller passes the hashes of the other ledgers (`elsewhere`). The hash
changes with SECRET_KEY: store hashes only beside their import, to be compared with imports made under the same key.

The import streams the sheet (openpyxl read-only mode): 50,000 rows in a few seconds (`scripts/bench_ledger.py`).
"""

from __future__ import annotations

import datetime
import io
import os
import re
import zipfile
from collections.abc import Callable, Container, Iterator, Mapping
from dataclasses import dataclass, field
from typing import BinaryIO

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import load_workbook

from rubrics.ledger_rows import (  # the row's names, imported from here by callers
    LedgerError,
    LedgerRow,
    LedgerRules,
    Outcome,
    RowContext,
    classify,
    fold,
    hash_key,
    id_hash,
    outcome_label,
)

__all__ = [
    "HEADERS", "MAX_ROWS", "PROGRESS_EVERY", "REQUIRED", "SHEET_PREFIX", "LedgerError", "LedgerImport", "LedgerRow",
    "LedgerRules", "Outcome", "fold", "hash_key", "id_hash", "import_ledger", "import_sheet", "open_workbook",
    "outcome_label", "sheet_title",
]

# The columns, by their canonical header, with the spellings accepted for each (compared after folding spaces and
# full-width characters). The first four are required.
HEADERS = {
    "姓名": ("姓名",),
    "身份证号码": ("身份证号码", "身份证号", "公民身份号码", "居民身份证号码"),
    "登记日期": ("登记日期", "失业登记日期", "认定日期"),
    "状态/去向": ("状态/去向", "状态", "去向", "就业状态", "就业去向"),
    "注销原因": ("注销原因", "取消原因", "注销/取消原因"),
    "备注": ("备注",),
}
REQUIRED = ("姓名", "身份证号码", "登记日期", "状态/去向")
SHEET_PREFIX = "台账"

MAX_ROWS = 200_000  # data rows in one ledger
MAX_UNPACKED_BYTES = 512 * 1024 * 1024  # an .xlsx is a zip archive: checked before anything opens it
MAX_ARCHIVE_ENTRIES = 5_000
PROGRESS_EVERY = 1_000


@dataclass
class LedgerImport:
    code: str  # the item's
    rows: list[LedgerRow] = field(default_factory=list)
    sheet: str = ""

    def count(self, outcome: Outcome) -> int:
        return sum(1 for row in self.rows if row.outcome is outcome)

    @property
    def achieved(self) -> int:
        return self.count(Outcome.ACHIEVED)

    @property
    def excluded(self) -> int:
        return self.count(Outcome.EXCLUDED)

    @property
    def refused(self) -> int:
        return self.count(Outcome.REFUSED)

    @property
    def total(self) -> int:
        """Everyone counted, the excluded included (the engine takes them off: achieved ÷ (total − excluded))."""
        return len(self.rows) - self.refused

    def facts(self) -> dict:
        """The item's facts for the engine (rubrics/engine.py, kind `rate`)."""
        return {"achieved": self.achieved, "total": self.total, "excluded": self.excluded}


def sheet_title(code: str) -> str:
    """The ledger sheet of an item in the rubric's Excel template (a sheet's name: 31 characters at most)."""
    return (SHEET_PREFIX + re.sub(r"[\[\]:*?/\\]", "", code))[:31]


# --- opening the file ------------------------------------------------------------------------------------------------


def _stream(source) -> BinaryIO:
    if isinstance(source, bytes | bytearray | memoryview):
        return io.BytesIO(bytes(source))
    if isinstance(source, str | os.PathLike):
        with open(source, "rb") as file:  # read here: openpyxl would judge a path by its extension, not its content
            return io.BytesIO(file.read())
    return source


def open_workbook(source):
    """An .xlsx file (bytes, a path or a binary file) opened read-only for streaming, after checking it is one: the
    caller closes it. LedgerError, in Chinese, for anything else."""
    stream = _stream(source)
    head = stream.read(8)
    stream.seek(0)
    not_xlsx = _("文件不是Excel（.xlsx）格式，请用Excel或WPS另存为“.xlsx”后再上传。")
    if head.startswith(b"\xd0\xcf\x11\xe0"):  # the old binary .xls (or an encrypted workbook)
        raise LedgerError(_("文件是旧版Excel（.xls）格式或设置了打开密码，请取消密码并另存为“.xlsx”后再上传。"))
    try:
        with zipfile.ZipFile(stream) as archive:
            entries = archive.infolist()
            names = {entry.filename for entry in entries}
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as error:
        raise LedgerError(not_xlsx) from error
    if "xl/workbook.xml" not in names:
        raise LedgerError(not_xlsx)
    if len(entries) > MAX_ARCHIVE_ENTRIES or sum(entry.file_size for entry in entries) > MAX_UNPACKED_BYTES:
        raise LedgerError(_("文件解压后过大或内部条目过多，已拒绝。"))
    stream.seek(0)
    try:
        return load_workbook(stream, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds on a damaged file; none may become a 500
        raise LedgerError(_("文件已损坏，无法打开，请检查后重新上传。")) from error


def _rows(sheet, **bounds) -> Iterator[tuple]:
    """The sheet's rows as values, a damaged file read as a LedgerError."""
    rows = sheet.iter_rows(values_only=True, **bounds)
    while True:
        try:
            row = next(rows)
        except StopIteration:
            return
        except Exception as error:  # malformed XML in the sheet
            raise LedgerError(_("文件已损坏，无法读取，请检查后重新上传。")) from error
        yield row


def _header(sheet) -> dict[str, int]:
    """The column of each canonical header, from row 1."""
    accepted = {fold(spelling): canonical for canonical, spellings in HEADERS.items() for spelling in spellings}
    expected = "、".join(HEADERS)
    first = next(_rows(sheet, min_row=1, max_row=1), ())
    if not any(value not in (None, "") for value in first):
        raise LedgerError(_("表格是空的：第1行应为表头（%(headers)s），从第2行起每行一人。") % {"headers": expected})
    columns: dict[str, int] = {}
    for index, value in enumerate(first):
        canonical = accepted.get(fold(value))
        if canonical is None:
            continue
        if canonical in columns:
            raise LedgerError(_("表头中“%(header)s”出现了两次，请只保留一列。") % {"header": canonical})
        columns[canonical] = index
    missing = [header for header in REQUIRED if header not in columns]
    if missing:
        raise LedgerError(
            _("第1行的表头不对，缺少：%(missing)s。第1行应为：%(headers)s（注销原因、备注可以不要）。")
            % {"missing": "、".join(missing), "headers": expected}
        )
    return columns


# --- the import ------------------------------------------------------------------------------------------------------


def import_sheet(
    sheet,
    item: Mapping,
    *,
    epoch=None,
    progress: Callable[[int, int], None] | None = None,
    every: int = PROGRESS_EVERY,
    period_end: datetime.date | None = None,
    today: datetime.date | None = None,
    elsewhere: Mapping[str, str] | Container[str] = (),
) -> LedgerImport:
    """A ledger from an open read-only worksheet (see `import_ledger`)."""
    rules = LedgerRules.of(item)
    today = today or timezone.localdate()
    if period_end is not None and period_end < today:
        latest, latest_reason = period_end, _("登记日期%(date)s晚于报告期末（%(end)s）")
    else:
        latest, latest_reason = today, _("登记日期%(date)s晚于今天（%(end)s）")
    context = RowContext(
        rules=rules, key=hash_key(), epoch=epoch or datetime.datetime(1899, 12, 30), latest=latest,
        latest_reason=latest_reason, elsewhere=elsewhere,
    )
    estimate = max((sheet.max_row or 1) - 1, 0)  # from the sheet's own dimension: a progress bar's length
    if hasattr(sheet, "reset_dimensions"):
        sheet.reset_dimensions()  # …but read every row, however wrong the dimension is
    columns = _header(sheet)
    width = max(columns.values()) + 1
    positions = [(header, columns.get(header)) for header in HEADERS]
    result = LedgerImport(code=rules.code, sheet=sheet.title)
    done = 0
    for done, row in enumerate(_rows(sheet, min_row=2, max_col=width), start=1):
        if done > MAX_ROWS:
            raise LedgerError(_("台账超过%(max)s行，请分成几个文件导入。") % {"max": f"{MAX_ROWS:,}"})
        if any(value is not None and value != "" for value in row):
            padded = row + (None,) * (width - len(row))
            values = {header: None if index is None else padded[index] for header, index in positions}
            result.rows.append(classify(done + 1, values, context))
        if progress is not None and done % every == 0:
            progress(done, max(estimate, done))
    if progress is not None:
        progress(done, done)
    return result


def import_ledger(
    source: bytes | str | os.PathLike | BinaryIO,
    item: Mapping,
    *,
    sheet: str | None = None,
    progress: Callable[[int, int], None] | None = None,
    every: int = PROGRESS_EVERY,
    period_end: datetime.date | None = None,
    today: datetime.date | None = None,
    elsewhere: Mapping[str, str] | Container[str] = (),
) -> LedgerImport:
    """Import the ledger of a `rate` item (a dict with a `ledger` key) from an .xlsx file.

    `sheet`: the sheet to read; by default the item's sheet of the rubric's template (`台账<code>`) where the
    workbook has one, else the first. `progress(done, total)` is called every `every` rows read and once at the end
    with `done == total` (`total` is the sheet's row count as the file states it, corrected at the end).
    `period_end`: rows registered after it are refused (as are those registered after today). `elsewhere`: the
    hashes (`id_hash`) of the persons in other ledgers, or a mapping of them to where they are (「黄竹塱社区」): those
    rows are refused. Raises LedgerError (a Chinese message) when the file as a whole cannot be read.
    """
    workbook = open_workbook(source)
    try:
        names = workbook.sheetnames
        if sheet is None:
            sheet = sheet_title(str(item.get("code", "")))
            sheet = sheet if sheet in names else names[0]
        elif sheet not in names:
            raise LedgerError(_("文件中没有名为“%(sheet)s”的工作表。") % {"sheet": sheet})
        return import_sheet(
            workbook[sheet], item, epoch=workbook.epoch, progress=progress, every=every, period_end=period_end,
            today=today, elsewhere=elsewhere,
        )
    finally:
        workbook.close()
