"""The 行政区划 list as an Excel sheet: the template an admin downloads (the regions it maintains, one a row) and the
rows read back from a filled one, before portal.region_import plans them.

Columns: 上级区划代码, 上级名称 (either names the parent), 区划代码 (optional: a town or community without one gets a
local code), 名称, 层级, 社区或村. The first row is the header; the columns are found by their names, in any order, and
other columns (the template's 说明) are ignored. Cells are read as text: a code typed as a number is read as its
digits, full-width characters are folded (NFKC).
"""

import re
import unicodedata
from datetime import date, datetime
from io import BytesIO

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import load_workbook

from portal.enums import RegionLevel, Settlement
from portal.exports import xlsx_response

MAX_ROWS = 5000
CELL_MAX = 100  # longer than any name or code: what is beyond is not needed and would bloat the signed preview
COLUMNS = {
    "parent_code": gettext_lazy("上级区划代码"),
    "parent_name": gettext_lazy("上级名称"),
    "code": gettext_lazy("区划代码"),
    "name": gettext_lazy("名称"),
    "level": gettext_lazy("层级"),
    "settlement": gettext_lazy("社区或村"),
}
KEYS = tuple(COLUMNS)
WIDTHS = [16, 18, 16, 20, 14, 10, 12]

# 层级 and 社区或村 as people write them, compared without spaces or brackets (「县（市、区）」 → 「县市区」).
LEVEL_WORDS = {
    RegionLevel.PROVINCE: ("省", "省级", "自治区", "直辖市"),
    RegionLevel.CITY: ("市", "市级", "地级市", "地区", "自治州", "盟"),
    RegionLevel.COUNTY: ("县", "县级", "区", "县区", "县市区", "县级市", "市辖区", "旗"),
    RegionLevel.TOWN: ("街道", "镇", "乡", "乡镇", "街镇", "街道镇", "街道乡镇"),
    RegionLevel.COMMUNITY: ("社区村", "社区", "村", "居委会", "村委会", "居民委员会", "村民委员会", "行政村"),
}
SETTLEMENT_WORDS = {
    Settlement.COMMUNITY: ("社区", "居委会", "居民委员会"),
    Settlement.VILLAGE: ("村", "村委会", "村民委员会", "行政村"),
}


class SheetError(Exception):
    """The file cannot be read as a list of regions; `problems` says why, in Chinese."""

    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems))
        self.problems = problems


def _word(text: str) -> str:
    return re.sub(r"[\s()（）、,，]", "", unicodedata.normalize("NFKC", text)).lower()


def parse_level(text: str) -> tuple[str, str]:
    """(level, settlement implied by the word or "") of what a row writes in 层级; ValueError when it is none."""
    word = _word(text)
    for level, words in LEVEL_WORDS.items():
        if word == level.value or word in {_word(w) for w in words}:
            implied = parse_settlement(word) if level == RegionLevel.COMMUNITY and word != "社区村" else ""
            return level, implied
    raise ValueError(text)


def parse_settlement(text: str) -> str:
    """The Settlement value of what a row writes in 社区或村 ("" when blank); ValueError when it is neither."""
    word = _word(text)
    if not word:
        return ""
    for settlement, words in SETTLEMENT_WORDS.items():
        if word == settlement.value or word in words:
            return settlement.value
    raise ValueError(text)


def name_text(text: str) -> str:
    """A region's name as stored: no spaces (the seed's 「锦 村」 is 锦村)."""
    return re.sub(r"\s+", "", text)


# --- the template ------------------------------------------------------------------------------------------------------


def template_response(regions):
    """The template: the header, then each of `regions` (ordered by code) as a row, the parent by code and name, and
    「本地编码」 in the last column beside a local code. Filled in and uploaded again, the unchanged rows are left alone."""
    rows = (
        [
            region.parent.code if region.parent else "", region.parent.name if region.parent else "", region.code,
            region.name, region.get_level_display(), region.get_settlement_display(),
            _("本地编码") if region.code_is_local else "",
        ]
        for region in regions.select_related("parent")[:MAX_ROWS]
    )
    headers = [*COLUMNS.values(), _("说明")]
    return xlsx_response(
        filename=_("行政区划导入模板.xlsx"), title=_("行政区划"), headers=headers, rows=rows, widths=WIDTHS
    )


# --- reading a filled template -----------------------------------------------------------------------------------------


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # a code typed as a number and stored as a double
    if isinstance(value, datetime | date):
        value = value.isoformat()
    return unicodedata.normalize("NFKC", str(value)).strip()[:CELL_MAX]


def _columns(header) -> list[int | None]:
    """Where each of KEYS is in the header row (None when absent), by the Chinese name or its translation."""
    names = {}
    for index, value in enumerate(header or ()):
        names.setdefault(_word(_text(value)), index)
    with translation.override("zh-hans"):
        sources = {key: _word(str(label)) for key, label in COLUMNS.items()}
    found = [names.get(sources[key], names.get(_word(str(COLUMNS[key])))) for key in KEYS]
    missing = [str(COLUMNS[key]) for key, index in zip(KEYS, found, strict=True)
               if index is None and key in ("name", "level")]
    if found[0] is None and found[1] is None:
        missing.append(_("上级区划代码或上级名称"))
    if missing:
        raise SheetError([_("第1行应为表头（可下载模板对照），缺少：%(columns)s。") % {"columns": "、".join(missing)}])
    return found


def read_rows(content: bytes) -> list[list]:
    """[Excel row number, *the cells of KEYS] of each row that is not blank, from the first sheet. SheetError (in
    Chinese) for a file that is not such a list: unreadable, no header, no rows, over MAX_ROWS rows."""
    try:
        workbook = load_workbook(BytesIO(content), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds on a damaged file; none may become a 500
        raise SheetError([_("无法读取该文件，请用Excel或WPS另存为“.xlsx”格式后重新上传。")]) from error
    try:
        rows = workbook.worksheets[0].iter_rows(values_only=True)
        columns = _columns(next(rows, None))
        found = []
        for number, values in enumerate(rows, start=2):
            cells = [_text(values[index]) if index is not None and index < len(values) else "" for index in columns]
            if not any(cells):
                continue
            if len(found) == MAX_ROWS:
                raise SheetError([_("一次最多导入%(max)d行，请分成几个文件导入。") % {"max": MAX_ROWS}])
            found.append([number, *cells])
    except SheetError:
        raise
    except Exception as error:
        raise SheetError([_("文件内容已损坏，无法读取，请检查后重新上传。")]) from error
    finally:
        workbook.close()
    if not found:
        raise SheetError([_("表中没有数据行：请在表头下逐行填写区划。")])
    return found
