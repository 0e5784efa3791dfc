"""The sheet of an assessment: the rubric's indicators and items as the document writes them, each item with its
inputs (rubrics.assessment_forms), its points or why it has none — not yet filled in, or its facts do not add up
(engine.FactsError, said in Chinese beside the item) — and, once every item is scored, the rubric's score, capped
bonus and total (rubrics.engine.score_rubric)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _

from rubrics import engine
from rubrics.assessment_forms import FactInput, item_facts, stored_value

OPEN, SCORED, ERROR, MET, NOT_MET = "open", "scored", "error", "met", "not_met"


@dataclass
class Line:
    """One item of the sheet."""

    item: dict
    bonus: bool
    number: int  # its position: the names of its fields
    inputs: list[FactInput] = field(default_factory=list)
    state: str = OPEN
    points: Decimal | None = None
    error: str = ""
    rates: list[str] = field(default_factory=list)
    evidence: list = field(default_factory=list)
    ledger: object = None  # the item's latest ledger import (rubrics.models.LedgerUpload)
    source: dict | None = None
    note: object = None  # the bound field of its note

    @property
    def code(self) -> str:
        return str(self.item["code"])

    @property
    def has_ledger(self) -> bool:
        return bool(self.item.get("ledger"))


@dataclass
class Section:
    code: str
    title: str
    points: str
    lines: list[Line]


@dataclass
class Sheet:
    sections: list[Section]
    result: engine.Result | None  # None until every item is scored
    open: list[str]  # codes of the items not yet filled in
    wrong: list[str]  # codes of the items whose facts do not add up
    partial: Decimal  # the points of the items scored so far, without the bonus


def line_score(item: dict, bonus: bool, facts: dict) -> tuple[str, Decimal | None, str]:
    """(state, points, error in Chinese) of one item, scored by the engine as the whole rubric scores it."""
    code = str(item["code"])
    given = code in facts
    if item.get("kind") == "gate":
        if not given or "met" not in facts[code]:
            return OPEN, None, ""
        return (MET if facts[code]["met"] else NOT_MET), None, ""
    alone = {"items": [], "bonus": [item], "bonus_cap": 0} if bonus else {"items": [item]}
    try:
        result = engine.score_rubric(alone, {code: facts[code]} if given else {})
    except engine.FactsError as error:
        return (ERROR if given else OPEN), None, facts_error_text(error, item, facts[code]) if given else ""
    return SCORED, result.items.get(code, engine.ZERO), ""


def score(rubric_data: dict, facts: dict) -> engine.Result | None:
    """The rubric's result when every item is scored, else None (an item open or wrong)."""
    for item, bonus, _facts in item_facts(rubric_data):
        if line_score(item, bonus, facts)[0] in (OPEN, ERROR):
            return None
    return engine.score_rubric(rubric_data, facts)


_MISSING = re.compile(r"missing fact '([^']+)'")


def facts_error_text(error: engine.FactsError, item: dict, facts: dict) -> str:
    """An engine.FactsError said in Chinese, naming the fact as the page labels it."""
    message = str(error)
    missing = _MISSING.search(message)
    if missing:
        return _("请填写“%(fact)s”。") % {"fact": _label(item, missing.group(1), facts)}
    if "do not add up" in message:
        return _("人数对不上：达成人数不能多于总人数减去剔除人数，剔除人数也不能多于总人数。")
    if "cannot be negative" in message:
        return _("数值不能小于0。")
    if "unknown checklist entries" in message:
        return _("有本项没有的条目，请重新勾选。")
    if "over the item's maximum" in message:
        return _("评审给分不能超过本项满分%(max)s分。") % {"max": item.get("max", "")}
    return _("事实有误，无法计分（%(detail)s）。") % {"detail": message}


def _label(item: dict, key: str, facts: dict) -> str:
    """The words of the page's input of the first fact of that key left empty (the part before 「：」)."""
    for _item, _bonus, item_facts_ in item_facts({"items": [item]}):
        for fact in item_facts_:
            if fact.path[-1] == key and stored_value(facts, fact) is None:
                return fact.label
    return key


def rates(item: dict, facts: dict) -> list[str]:
    """The rates of a rate item (or of a sum's rate parts) with the counts behind them: 「85.00%（171 / 190）」."""
    shown = []
    parts = [(item, facts, "")]
    if item.get("kind") == "sum":
        parts = [(part, facts.get("parts", {}).get(str(part["code"]), {}), f"{part['code']} ") for part in item["parts"]]
    for part, part_facts, label in parts:
        if part.get("kind") != "rate" or part_facts.get("achieved") is None or part_facts.get("total") is None:
            continue
        try:
            rate = engine.rate_percent(part_facts)
        except engine.FactsError:
            continue
        counted = Decimal(part_facts["total"]) - Decimal(part_facts.get("excluded") or 0)
        if rate is None:
            shown.append(label + _("无人可计（0人）"))
        else:
            shown.append(label + f"{rate.quantize(Decimal('0.01'))}%（{part_facts['achieved']} / {counted}）")
    return shown


def build_sheet(rubric_data: dict, facts: dict, form) -> Sheet:
    """The sheet of a rubric for these facts (those saved, or those just posted when the form is refused)."""
    lines: list[Line] = []
    for number, (item, bonus, _facts) in enumerate(item_facts(rubric_data)):
        line = Line(item=item, bonus=bonus, number=number, inputs=form.inputs[str(item["code"])],
                    note=form[f"note{number}"])
        for entry in line.inputs:
            entry.bound = form[entry.name]
        line.state, line.points, line.error = line_score(item, bonus, facts)
        line.rates = rates(item, facts.get(line.code, {}))
        lines.append(line)
    sections = [
        Section(str(row["code"]), row["title"], str(row["points"]),
                [line for line in lines if not line.bonus and line.item.get("indicator") == row["code"]])
        for row in rubric_data.get("indicators", ())
    ]
    codes = {row["code"] for row in rubric_data.get("indicators", ())}
    loose = [line for line in lines if not line.bonus and line.item.get("indicator") not in codes]
    if loose:
        sections.append(Section("", _("评分项"), "", loose))
    bonus = [line for line in lines if line.bonus]
    if bonus:
        sections.append(Section("", _("加分项"), str(rubric_data.get("bonus_cap", "")), bonus))
    open_ = [line.code for line in lines if line.state == OPEN]
    wrong = [line.code for line in lines if line.state == ERROR]
    partial = sum((line.points for line in lines if line.points is not None and not line.bonus), engine.ZERO)
    result = engine.score_rubric(rubric_data, facts) if not open_ and not wrong else None
    return Sheet(sections=[s for s in sections if s.lines], result=result, open=open_, wrong=wrong, partial=partial)
