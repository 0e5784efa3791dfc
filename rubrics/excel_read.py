"""Reading a rubric's Excel template back (rubrics/excel.py describes the workbook): `read_facts_template`, with what
the written and the read template share: its sheets' and labels' names, the facts each item needs (`facts_of`: the
rows of 「评分项」) and TemplateError. rubrics/excel.py writes the template and imports these names again for callers.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from portal.exports import safe_cell
from rubrics.ledger import LedgerError, Outcome, fold, import_sheet, open_workbook, sheet_title

INFO_SHEET = "说明"
ITEMS_SHEET = "评分项"
MAX_PROBLEMS = 30

KIND_LABELS = {
    "rate": "比例", "pass_fail": "达标与否", "count": "数量", "recommendation": "推荐次数", "checklist": "逐条计分",
    "deduction": "扣分", "judged": "评审打分", "gate": "前提条件", "sum": "分项合计", "per_event": "按次计分",
}
YES = frozenset({"是", "Y", "YES", "TRUE", "√", "✓", "✔", "对", "有"})
NO = frozenset({"否", "N", "NO", "FALSE", "×", "✗", "✘", "错", "无"})
# 「说明」's labels, part of the file's format (not translated): the rubric a template was made for
NAME_LABEL, VERSION_LABEL, SLUG_LABEL, DOCUMENT_LABEL = "评分标准", "版本", "标识", "发布文件"
LEDGER_FACTS = {"achieved": "达成人数", "total": "总人数", "excluded": "剔除人数"}


class TemplateError(LedgerError):
    """A filled template that cannot be read: `problems`, each in Chinese (the message lists them)."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        shown = problems[:MAX_PROBLEMS]
        more = len(problems) - len(shown)
        text = "\n".join(shown) + (("\n" + _("……另有%(count)s处问题。") % {"count": more}) if more else "")
        super().__init__(text)


@dataclass(frozen=True)
class Fact:
    """One row of 「评分项」: a fact an item needs."""

    code: str
    title: str
    max: str
    kind: str  # a Chinese label
    path: tuple[str, ...]  # where the value goes in the item's facts: ("achieved",), ("parts", "落实率", "achieved")
    type: str  # "count" (a whole number ≥ 0), "number" (≥ 0, decimals allowed), "bool", "entry" (a checklist's)
    text: str  # what to write, in Chinese
    standard: str = ""  # the item's 评估标准, on its first row

    @property
    def key(self) -> str:
        return ".".join(self.path)

    @property
    def label(self) -> str:
        """The words naming the fact, without what the text says to write (the part before 「：」)."""
        return self.text.split("：", 1)[0]


def _number(value) -> str:
    return format(Decimal(str(value)).normalize(), "f")


def _item_facts(item: Mapping, prefix: tuple[str, ...] = (), label: str = "") -> Iterator[tuple]:
    """(path, type, text) of every fact of an item (or of one of a sum's parts)."""
    kind = item.get("kind")
    if item.get("precondition"):
        yield prefix + ("precondition_met",), "bool", label + _("前提条件：%(text)s 达到的填“是”，未达到的填“否”（本项不得分）") % {
            "text": item["precondition"]}
    if kind == "rate":
        yield prefix + ("achieved",), "count", label + _("达成人数：比例的分子")
        yield prefix + ("total",), "count", label + _("总人数：比例的分母，包括要剔除的人员") + (
            _("（报告期内没有需计人员的填0：本项得满分）") if item.get("none_scores_full") else "")
        yield prefix + ("excluded",), "count", label + _("剔除人数：从分母中减去的人数（没有的留空）")
    elif kind in ("pass_fail", "gate"):
        yield prefix + ("met",), "bool", label + (
            _("是否达标：填“是”或“否”") if kind == "pass_fail" else _("是否符合：填“是”或“否”（不符合的不参加评定）"))
    elif kind == "count":
        yield prefix + ("count",), "count", label + _("数量：按评估标准所计的个数、次数或年数")
    elif kind == "recommendation":
        yield prefix + ("count",), "count", label + _("推荐次数")
        yield prefix + ("all_employed",), "bool", label + _(
            "推荐不足%(n)s次的，有需求的人员是否均已实现就业创业：填“是”或“否”") % {"n": item.get("fewer_than", "")}
    elif kind == "checklist":
        for entry in item.get("entries", ()):
            yield prefix + ("met", str(entry["key"])), "entry", label + _("%(text)s：做到的填“是”，没有做到的填“否”") % {
                "text": entry.get("text") or entry["key"]}
    elif kind == "deduction":
        yield from _rules(item.get("rules", ()), prefix, label)
    elif kind == "judged":
        yield prefix + ("points",), "number", label + _("评审给分：0至%(max)s分") % {"max": _number(item["max"])}
    elif kind == "per_event" or (kind is None and "per_event" in item):
        yield prefix + ("events",), "count", label + _("次数：每次%(points)s分") % {"points": _number(item["per_event"])}
    elif kind == "sum":
        for part in item.get("parts", ()):
            yield from _item_facts(part, prefix + ("parts", str(part["code"])), label + f"【{part['code']}】")
    if item.get("none_scores_full") and kind in ("pass_fail", "sum"):  # a rate's: a denominator of 0
        yield prefix + ("none_in_period",), "bool", label + _("报告期内没有需计的人或事：填“是”的本项得满分")
    if item.get("deductions"):
        yield from _rules(item["deductions"], prefix + ("deductions",), label)


def _rules(rules, prefix, label) -> Iterator[tuple]:
    texts = {
        "fixed": ("bool", _("%(text)s：有此情形的填“是”，没有的填“否”")),
        "incident": ("count", _("%(text)s：填次数或条数")),
        "person": ("count", _("%(text)s：填人数")),
        "share": ("number", _("%(text)s：填占抽查人数的百分数（如15表示15%%）")),
    }
    for rule in rules:
        kind, text = texts[rule["per"]]
        yield prefix + (str(rule["key"]),), kind, label + text % {"text": rule.get("text") or rule["key"]}


def facts_of(rubric: Mapping) -> list[Fact]:
    """Every fact of every item of the rubric (the bonus items included), in order: the rows of 「评分项」."""
    facts = []
    items = [(item, False) for item in rubric.get("items", ())] + [(item, True) for item in rubric.get("bonus", ())]
    for item, bonus in items:
        kind = KIND_LABELS.get(item.get("kind"), KIND_LABELS["per_event"] if "per_event" in item else "")
        if bonus:
            kind = _("加分·") + kind
        extra = ""
        if item.get("ledger"):
            extra = _("；也可在“%(sheet)s”表中逐人填写，由台账计数（两处都填的须一致）") % {"sheet": sheet_title(item["code"])}
        for index, (path, type_, text) in enumerate(_item_facts(item)):
            if extra and path in (("achieved",), ("total",), ("excluded",)):
                text += extra
            facts.append(Fact(
                code=str(item["code"]), title=str(item.get("title", "")), max=_number(item.get("max", item.get("per_event", 0))),
                kind=kind, path=path, type=type_, text=text, standard=str(item.get("standard", "")) if index == 0 else "",
            ))
    return facts


# --- reading ---------------------------------------------------------------------------------------------------------


def _text(value) -> str:
    return "" if value is None else unicodedata.normalize("NFKC", str(value)).strip()


def _parse(value, type_: str):
    """A filled cell as the fact's value, or a Chinese problem (a str in a tuple)."""
    if type_ in ("bool", "entry"):
        if isinstance(value, bool):
            return value
        if isinstance(value, int | float) and value in (0, 1):
            return bool(value)
        word = fold(value).upper()
        if word in YES:
            return True
        if word in NO:
            return False
        return (_("应填“是”或“否”"),)
    if isinstance(value, bool):
        return (_("应填数字"),)
    text = _text(value).removesuffix("%")
    try:
        number = Decimal(str(value) if isinstance(value, int | float) else text.replace(",", ""))
    except InvalidOperation:
        number = None
    if number is None or not number.is_finite():
        return (_("应填数字") if type_ == "number" else _("应填不小于0的整数"),)
    if number < 0:
        return (_("不能小于0"),)
    if number == number.to_integral_value():
        return int(number)
    if type_ == "count":
        return (_("应填整数"),)
    return format(number.normalize(), "f")  # as the data writes numbers: never a float


def _guess(path: tuple[str, ...], value) -> str:
    """A fact's type where no rubric says it: from its key and its value."""
    if len(path) >= 2 and path[-2] == "met":
        return "entry"
    if isinstance(value, bool) or fold(value).upper() in YES | NO:
        return "bool"
    return "number"


def _put(facts: dict, path: tuple[str, ...], type_: str, value) -> None:
    for key in path[:-2 if type_ == "entry" else -1]:
        facts = facts.setdefault(key, {})
    if type_ == "entry":
        met = facts.setdefault("met", [])
        if value:
            met.append(path[-1])
    else:
        facts[path[-1]] = value


def _info(workbook) -> dict[str, str]:
    if INFO_SHEET not in workbook.sheetnames:
        return {}
    found = {}
    for row in workbook[INFO_SHEET].iter_rows(min_row=1, max_row=10, max_col=2, values_only=True):
        if row and row[0] not in (None, ""):
            found[_text(row[0])] = _text(row[1] if len(row) > 1 else None)
    return found


def read_facts_template(content, rubric_data: Mapping | None = None) -> dict:
    """The facts of a filled template (bytes, a path or a binary file), by item code, as the engine takes them.

    With the rubric (as `facts_template` was given it), each value is read as its fact's type, the template must be
    this rubric's (name and version on 「说明」) and the ledger sheets with rows give their items' counts. Without it,
    the values are read by their look (是/否, numbers) and a ledger sheet with rows is refused (which statuses count
    is the rubric's to say, not the file's). Raises TemplateError with every problem, in Chinese.
    """
    workbook = open_workbook(content)
    try:
        return _read(workbook, rubric_data)
    finally:
        workbook.close()


def _read(workbook, rubric: Mapping | None) -> dict:
    """The facts of an open template: 「评分项」's values, then the ledger sheets' counts; TemplateError on any problem."""
    problems: list[str] = []
    if ITEMS_SHEET not in workbook.sheetnames:
        raise TemplateError([_("这不是评分标准的Excel模板：没有“%(sheet)s”工作表。") % {"sheet": ITEMS_SHEET}])
    if rubric is not None:
        _check_rubric(workbook, rubric)
    specs = {(fact.code, fact.key): fact for fact in facts_of(rubric)} if rubric is not None else {}
    facts = _read_items(workbook[ITEMS_SHEET], specs, rubric is not None, problems)
    for item in (rubric or {}).get("items", ()):
        if item.get("ledger"):
            _read_ledger(workbook, item, facts, problems)
    if rubric is None:
        _refuse_ledgers(workbook, problems)
    if problems:
        raise TemplateError(problems)
    return facts


def _check_rubric(workbook, rubric: Mapping) -> None:
    """A template made for another rubric (name and version on 「说明」, where it has one) is refused outright."""
    info = _info(workbook)
    stated = (info.get(NAME_LABEL, ""), info.get(VERSION_LABEL, ""))
    if info and stated != (_text(safe_cell(rubric.get("name"))), _text(safe_cell(rubric.get("version")))):
        raise TemplateError([_("该模板属于“%(name)s（%(version)s）”，与所选评分标准不符。") % {
            "name": stated[0], "version": stated[1]}])


def _read_items(sheet, specs: dict, ruled: bool, problems: list[str]) -> dict[str, dict]:
    """The facts written on 「评分项」, by item code; each row's problem noted (`ruled`: a rubric was given)."""
    sheet.reset_dimensions()  # read every row, whatever size the file claims
    rows = sheet.iter_rows(values_only=True)
    header = [_text(value) for value in next(rows, ())]
    missing = [name for name in ("编号", "填写", "事实") if name not in header]
    if missing:
        raise TemplateError([_("“%(sheet)s”表第1行的表头不对，缺少：%(missing)s。") % {
            "sheet": ITEMS_SHEET, "missing": "、".join(missing)}])
    code_at, value_at, key_at = header.index("编号"), header.index("填写"), header.index("事实")
    facts: dict[str, dict] = {}
    written: dict[tuple[str, str], int] = {}
    for number, row in enumerate(rows, start=2):
        row = tuple(row) + (None,) * (len(header) - len(row))
        value = row[value_at]
        if value is None or (isinstance(value, str) and not value.strip()):
            continue
        code, key = _text(row[code_at]), _text(row[key_at])
        where = _("“%(sheet)s”表第%(row)s行") % {"sheet": ITEMS_SHEET, "row": number}
        problem = _item_problem(code, key, specs.get((code, key)), ruled, written)
        if problem:
            problems.append(where + problem)
            continue
        written[code, key] = number
        _read_item(facts, code, key, specs.get((code, key)), value, where, problems)
    return facts


def _item_problem(code: str, key: str, spec: Fact | None, ruled: bool, written: dict) -> str:
    """Why a filled row of 「评分项」 names no fact to take ("" when it names one, not written before)."""
    if not code or not key:
        return _("：填了值，但“编号”或“事实”是空的。")
    if ruled and spec is None:
        return _("：本评分标准没有“%(code)s %(key)s”这一项。") % {"code": code, "key": key}
    if (code, key) in written:
        return _("：与第%(row)s行重复。") % {"row": written[code, key]}
    return ""


def _read_item(facts: dict, code: str, key: str, spec: Fact | None, value, where: str, problems: list[str]) -> None:
    """One filled value put into the facts as its fact's type (guessed without a rubric), or its problem noted."""
    path = spec.path if spec is not None else tuple(key.split("."))
    type_ = spec.type if spec is not None else _guess(path, value)
    parsed = _parse(value, type_)
    if isinstance(parsed, tuple):
        problems.append(where + f"（{code}）：" + _("“%(value)s”%(problem)s。") % {
            "value": _text(value), "problem": parsed[0]})
        return
    _put(facts.setdefault(code, {}), path, type_, parsed)


def _read_ledger(workbook, item: Mapping, facts: dict, problems: list[str]) -> None:
    """An item's ledger sheet with rows gives its counts, which must agree with those written on 「评分项」."""
    title = sheet_title(item["code"])
    if title not in workbook.sheetnames:
        return
    try:
        ledger = import_sheet(workbook[title], item, epoch=workbook.epoch)
    except LedgerError as error:
        problems.append(f"“{title}”表：{error}")
        return
    if not ledger.rows:
        return  # not used: the numbers, if any, are on 「评分项」
    refused = [row for row in ledger.rows if row.outcome is Outcome.REFUSED]
    for row in refused[:10]:
        problems.append(_("“%(sheet)s”表第%(row)s行：%(why)s") % {"sheet": title, "row": row.row, "why": row.why})
    if len(refused) > 10:
        problems.append(_("“%(sheet)s”表另有%(count)s行未被采用。") % {"sheet": title, "count": len(refused) - 10})
    item_facts = facts.setdefault(item["code"], {})
    for key, counted in ledger.facts().items():
        if key in item_facts and item_facts[key] != counted:
            problems.append(_("%(code)s的%(key)s：“评分项”表填的是%(given)s，台账计得%(counted)s，两者不一致。") % {
                "code": item["code"], "key": LEDGER_FACTS[key], "given": item_facts[key], "counted": counted})
        item_facts[key] = counted


def _refuse_ledgers(workbook, problems: list[str]) -> None:
    """Without a rubric, a ledger sheet with rows cannot be counted: which statuses count is the rubric's to say."""
    for title in workbook.sheetnames:
        if title.startswith("台账") and any(
            any(v not in (None, "") for v in row) for row in workbook[title].iter_rows(min_row=2, max_row=3, values_only=True)
        ):
            problems.append(_("“%(sheet)s”表填了台账：须按评分标准计数，请选定评分标准后导入。") % {"sheet": title})
