"""A rubric's Excel template (issue 14): `facts_template(rubric)` writes a workbook to fill in, `read_facts_template`
reads a filled one back as the engine's facts (rubrics/engine.py), the facts a `manage.py rubric_score` run takes.

The workbook (docs/rubrics.md, "The Excel template"):

- 「说明」: the rubric (name, version, slug) and how to fill in the workbook, with each ledger's statuses and reasons;
- 「评分项」: one row per fact each item needs, by its kind (a rate's achieved, total and excluded; a checklist's
  entries one by one; a deduction's rules; a precondition; a sum's parts …): 编号, 指标, 分值, 计分方式, 说明 (what to
  write, in Chinese), 填写 (empty, to fill: a number, or 是/否), 事实 (the fact's key, e.g. `deductions.mismatch_share`
  or `parts.落实率.achieved`: left as it is) and the item's 评估标准 (on its first row);
- one 「台账<code>」 sheet per item with a `ledger` key, headed as rubrics/ledger.py reads it (姓名, 身份证号码,
  登记日期, 状态/去向, 注销原因, 备注), with the item's statuses and reasons offered in drop-down lists.

Reading it back: a fact left empty is not given (an item with none is not in the facts: a bonus item not claimed);
a checklist's entries answered give the list of those met. A ledger sheet with rows gives its item's achieved, total
and excluded (rubrics/ledger.py), which must agree with any numbers written for them on 「评分项」; a ledger row
refused refuses the whole workbook, as does any unreadable value: TemplateError lists every problem, in Chinese.
"""

from __future__ import annotations

import io
from collections.abc import Mapping

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from portal.exports import safe_cell
from rubrics.excel_read import (  # the template's format and reading it, imported from here by callers
    DOCUMENT_LABEL,
    INFO_SHEET,
    ITEMS_SHEET,
    KIND_LABELS,
    LEDGER_FACTS,
    MAX_PROBLEMS,
    NAME_LABEL,
    NO,
    SLUG_LABEL,
    VERSION_LABEL,
    YES,
    Fact,
    TemplateError,
    facts_of,
    read_facts_template,
)
from rubrics.ledger import HEADERS as LEDGER_HEADERS
from rubrics.ledger import MAX_ROWS, LedgerRules, sheet_title

__all__ = [
    "COLUMNS", "DOCUMENT_LABEL", "INFO_SHEET", "ITEMS_SHEET", "KIND_LABELS", "LEDGER_FACTS", "MAX_PROBLEMS",
    "NAME_LABEL", "NO", "SLUG_LABEL", "VERSION_LABEL", "WIDTHS", "YES", "Fact", "TemplateError", "facts_of",
    "facts_template", "read_facts_template",
]

COLUMNS = ("编号", "指标", "分值", "计分方式", "说明", "填写", "事实", "评估标准")
WIDTHS = (9, 36, 6, 12, 60, 10, 30, 60)

_HEADER_FILL = PatternFill("solid", fgColor="E8F0FA")
_FILL_FILL = PatternFill("solid", fgColor="FFF7D6")
_WRAP = Alignment(wrap_text=True, vertical="top")


# --- writing ---------------------------------------------------------------------------------------------------------


def _header_row(sheet, headers, widths) -> None:
    sheet.append(list(headers))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = _HEADER_FILL
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"


def _list_validation(values, *, title: str) -> DataValidation | None:
    """A drop-down of `values`, where Excel can hold it (a list of 255 characters at most, no commas inside)."""
    if not values or any("," in value or '"' in value for value in values) or len(",".join(values)) > 250:
        return None
    return DataValidation(
        type="list", formula1='"' + ",".join(values) + '"', allow_blank=True, showErrorMessage=True,
        errorTitle=title, error=_("请从下拉列表中选择：%(values)s") % {"values": "、".join(values)},
    )


def _info_sheet(workbook, rubric: Mapping) -> None:
    sheet = workbook.active
    sheet.title = INFO_SHEET
    sheet.column_dimensions["A"].width = 14
    sheet.column_dimensions["B"].width = 100
    rows = [
        (NAME_LABEL, rubric.get("name", "")),
        (VERSION_LABEL, rubric.get("version", "")),
        (SLUG_LABEL, rubric.get("slug", "")),
        (DOCUMENT_LABEL, rubric.get("document", "")),
        ("", ""),
        (_("填写说明"), _("在“评分项”表的“填写”列逐行填写：人数、次数填整数，百分数填数字（如15表示15%），其余填“是”或“否”；"
                       "不涉及的留空。请不要修改“编号”和“事实”两列，也不要增删行。")),
        ("", _("计分按评分标准的原文：见各行的“评估标准”。比例 = 达成人数 ÷ (总人数 − 剔除人数) × 100%。")),
    ]
    for item in rubric.get("items", ()):
        if not item.get("ledger"):
            continue
        rules = LedgerRules.of(item)
        parts = [_("状态/去向填 %(achieved)s 的计入分子和分母") % {"achieved": "、".join(rules.achieved_statuses)}]
        if rules.counted_statuses:
            parts.append(_("填 %(counted)s 的只计入分母") % {"counted": "、".join(rules.counted_statuses)})
        if rules.achieved_reasons:
            parts.append(_("注销原因为 %(reasons)s 的计为实现就业") % {"reasons": "、".join(rules.achieved_reasons)})
        if rules.excluded_reasons:
            parts.append(_("注销原因为 %(reasons)s 的属非就业情形，从分母中剔除") % {"reasons": "、".join(rules.excluded_reasons)})
        rows.append((sheet_title(item["code"]), _("%(code)s %(title)s：从第2行起每行一人，身份证号码请按文本填写；") % {
            "code": item["code"], "title": str(item.get("title", "")).rstrip("。")} + "；".join(parts) + _("。同一身份证号码只能出现一次。")))
    for label, value in rows:
        sheet.append([safe_cell(label), safe_cell(value)])
    for row in sheet.iter_rows():
        row[0].font = Font(bold=True)
        row[1].alignment = _WRAP


def _items_sheet(workbook, rubric: Mapping) -> None:
    sheet = workbook.create_sheet(ITEMS_SHEET)
    _header_row(sheet, COLUMNS, WIDTHS)
    validations = {
        "bool": DataValidation(type="list", formula1='"是,否"', allow_blank=True, showErrorMessage=True,
                               errorTitle=_("请填“是”或“否”"), error=_("请从下拉列表中选择“是”或“否”。")),
        "count": DataValidation(type="whole", operator="greaterThanOrEqual", formula1="0", allow_blank=True,
                                showErrorMessage=True, errorTitle=_("请填整数"), error=_("请填写不小于0的整数。")),
        "number": DataValidation(type="decimal", operator="greaterThanOrEqual", formula1="0", allow_blank=True,
                                 showErrorMessage=True, errorTitle=_("请填数字"), error=_("请填写不小于0的数字。")),
    }
    validations["entry"] = validations["bool"]
    fill = COLUMNS.index("填写") + 1
    for fact in facts_of(rubric):
        sheet.append([safe_cell(value) for value in (
            fact.code, fact.title, fact.max, fact.kind, fact.text, None, fact.key, fact.standard)])
        row = sheet.max_row
        for column in (1, 3, 7):
            sheet.cell(row, column).number_format = "@"
        for column in (2, 5, 8):
            sheet.cell(row, column).alignment = _WRAP
        sheet.cell(row, fill).fill = _FILL_FILL
        validations[fact.type].add(sheet.cell(row, fill))
    for validation in {id(v): v for v in validations.values()}.values():
        if validation.sqref:
            sheet.add_data_validation(validation)


def _ledger_sheet(workbook, item: Mapping) -> None:
    rules = LedgerRules.of(item)
    sheet = workbook.create_sheet(sheet_title(item["code"]))
    _header_row(sheet, list(LEDGER_HEADERS), (10, 22, 14, 12, 24, 30))
    last = MAX_ROWS + 1
    sheet.column_dimensions["B"].number_format = "@"  # ID numbers as text: a number would lose its last digits
    sheet.column_dimensions["C"].number_format = "yyyy-mm-dd"
    for column, values, title in (("D", rules.statuses, _("状态/去向")), ("E", rules.reasons, _("注销原因"))):
        validation = _list_validation(list(values), title=title)
        if validation is not None:
            validation.add(f"{column}2:{column}{last}")
            sheet.add_data_validation(validation)


def facts_template(rubric_data: Mapping) -> bytes:
    """The rubric's Excel template (.xlsx bytes): 「说明」, 「评分项」 and a 「台账<code>」 sheet per ledger item."""
    workbook = Workbook()
    _info_sheet(workbook, rubric_data)
    _items_sheet(workbook, rubric_data)
    for item in rubric_data.get("items", ()):
        if item.get("ledger"):
            _ledger_sheet(workbook, item)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()

