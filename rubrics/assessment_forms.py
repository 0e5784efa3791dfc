"""The forms of an assessment: the subject (new assessment), the facts of every item (one field per fact, the facts the
Excel template asks for: rubrics.excel_read.facts_of, so the page and the workbook ask the same), the events of a
per-event item as rows (日期, 级别, 名称: the engine counts them), and the uploads (evidence, ledger, template)."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.models import Region
from rubrics.enums import EVENT_LEVELS
from rubrics.excel_read import Fact, _parse, _put, facts_of
from rubrics.models import Assessment

EMPTY_EVENT_ROWS = 2  # blank rows offered below the events entered
MAX_EVENT_ROWS = 50
LEVELS = dict(EVENT_LEVELS)
# 「获得市级以上荣誉」: the levels an event must have to count, by the words of the item's text.
AT_LEAST = (("省级以上", ("national", "province")), ("市级以上", ("national", "province", "city")),
            ("县级以上", ("national", "province", "city", "county")))
BOOL_WORDS = {
    "met": (gettext_lazy("符合"), gettext_lazy("不符合")),
    "precondition_met": (gettext_lazy("达到"), gettext_lazy("未达到")),
    "none_in_period": (gettext_lazy("是，报告期内未发生"), gettext_lazy("否")),
}


class AssessmentForm(forms.ModelForm):
    class Meta:
        model = Assessment
        fields = ["subject", "region", "period"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = Region.objects.order_by("code")
        self.fields["region"].required = False


class EvidenceForm(forms.Form):
    item = forms.CharField(max_length=30)
    file = forms.FileField(label=gettext_lazy("佐证材料"))
    note = forms.CharField(label=gettext_lazy("说明"), max_length=300, required=False)


class WorkbookForm(forms.Form):
    item = forms.CharField(max_length=30, required=False)
    file = forms.FileField(label=gettext_lazy("Excel文件（.xlsx）"))


def counts_event(level: str, text: str) -> bool:
    """Whether an event of this level counts for an item whose text says which levels do (「市级以上」)."""
    for words, levels in AT_LEAST:
        if words in text:
            return level in levels
    return True


def _event_text(item: dict, fact: Fact) -> str:
    """The words that say which events count: a sum's part's own text, else the item's."""
    if fact.path[0] == "parts":
        part = next((p for p in item.get("parts", ()) if str(p["code"]) == fact.path[1]), {})
        return str(part.get("text", ""))
    return " ".join(str(item.get(key, "")) for key in ("title", "text", "standard"))


@dataclass
class FactInput:
    """One input of the page: a fact of an item, as a form field (its bound field) or, for a count of events, rows."""

    fact: Fact
    name: str
    events: list[dict] | None = None  # for `events` facts: the rows, each {date, level, name, counts}
    errors: list[str] = field(default_factory=list)
    bound: object = None  # the form's bound field, for the template

    @property
    def is_events(self) -> bool:
        return self.events is not None


def item_facts(rubric_data: dict) -> list[tuple[dict, bool, list[Fact]]]:
    """Every item (the bonus ones after) with whether it is a bonus item and the facts it asks for, in order."""
    by_code: dict[str, list[Fact]] = {}
    for fact in facts_of(rubric_data):
        by_code.setdefault(fact.code, []).append(fact)
    items = [(item, False) for item in rubric_data["items"]] + [(item, True) for item in rubric_data.get("bonus", ())]
    return [(item, bonus, by_code.get(str(item["code"]), [])) for item, bonus in items]


def stored_value(facts: dict, fact: Fact):
    """The value a fact has in an item's facts (None when not given)."""
    value = facts
    for key in fact.path[:-1] if fact.type != "entry" else fact.path[:-2]:
        value = value.get(key, {}) if isinstance(value, dict) else {}
    if fact.type == "entry":
        return fact.path[-1] in value.get("met", ()) if isinstance(value, dict) else False
    return value.get(fact.path[-1]) if isinstance(value, dict) else None


def _field(fact: Fact, value) -> forms.Field:
    label = fact.text
    if fact.type == "entry":
        return forms.BooleanField(label=label, required=False, initial=bool(value))
    if fact.type == "bool":
        yes, no = BOOL_WORDS.get(fact.path[-1], (gettext_lazy("是"), gettext_lazy("否")))
        initial = "" if value is None else ("是" if value else "否")
        return forms.ChoiceField(label=label, required=False, initial=initial,
                                 choices=[("", gettext_lazy("未填写")), ("是", yes), ("否", no)])
    mode = "numeric" if fact.type == "count" else "decimal"
    return forms.CharField(label=label, required=False, max_length=20, initial="" if value is None else str(value),
                           widget=forms.TextInput(attrs={"inputmode": mode, "autocomplete": "off"}))


class FactsForm(forms.Form):
    """The facts of every item of the rubric, a note per item and the events of per-event facts.

    Fields are named by position (`f<item>_<fact>`, `note<item>`, `e<item>_<fact>-<row>-date|level|name`): item codes
    and checklist keys are Chinese and bracketed. `facts()`, `notes()` and `events()` give what was entered, by item
    code, in the engine's format; a value that is not of its fact's kind is the field's error, in Chinese.
    """

    def __init__(self, *args, rubric_data: dict, assessment: Assessment, **kwargs):
        super().__init__(*args, **kwargs)
        self.items = item_facts(rubric_data)
        self.inputs: dict[str, list[FactInput]] = {}
        for n, (item, _bonus, facts) in enumerate(self.items):
            code = str(item["code"])
            stored = assessment.facts.get(code, {})
            inputs = []
            for j, fact in enumerate(facts):
                name = f"f{n}_{j}"
                self.fields[name] = _field(fact, stored_value(stored, fact))
                rows = None
                if fact.path[-1] == "events":  # a count, or the events one by one (they count then)
                    rows = self._event_rows(name, _event_text(item, fact), assessment.events.get(f"{code}|{fact.key}", []))
                inputs.append(FactInput(fact, name, events=rows))
            self.fields[f"note{n}"] = forms.CharField(
                label=_("说明"), required=False, max_length=1000, initial=assessment.notes.get(code, ""),
                widget=forms.Textarea(attrs={"rows": 2}))
            self.inputs[code] = inputs

    def _event_rows(self, name: str, text: str, kept: list[dict]) -> list[dict]:
        """The rows of an events fact: as posted (errors beside the rows), else as stored, with blank rows below."""
        if self.is_bound:
            rows = []
            for row in range(MAX_EVENT_ROWS):
                if f"{name}-{row}-date" not in self.data:
                    break
                rows.append({key: self.data.get(f"{name}-{row}-{key}", "").strip() for key in ("date", "level", "name")})
        else:
            rows = [dict(row) for row in kept] + [{"date": "", "level": "", "name": ""} for _blank in range(EMPTY_EVENT_ROWS)]
        for index, row in enumerate(rows):
            row["prefix"] = f"{name}-{index}"
            row["counts"] = counts_event(row.get("level", ""), text)
        return rows

    def clean(self):
        cleaned = super().clean()
        for inputs in self.inputs.values():
            for entry in inputs:
                if entry.is_events:
                    entry.errors = [problem for row in entry.events for problem in _event_problems(row)]
                    if entry.errors:
                        self.add_error(None, entry.fact.code + "：" + entry.errors[0])
                value = cleaned.get(entry.name)
                if entry.fact.type in ("count", "number") and value not in (None, ""):
                    parsed = _parse(value, entry.fact.type)
                    if isinstance(parsed, tuple):
                        self.add_error(entry.name, _("“%(value)s”%(problem)s。") % {"value": value, "problem": parsed[0]})
        return cleaned

    def facts(self) -> dict[str, dict]:
        """The facts entered, by item code; an item with nothing entered is left out (not yet assessed)."""
        result: dict[str, dict] = {}
        for code, inputs in self.inputs.items():
            facts: dict = {}
            given = False
            for entry in inputs:
                value = self._value(entry)
                if value is None:
                    continue
                given = given or entry.fact.type != "entry" or value
                _put(facts, entry.fact.path, entry.fact.type, value)
            if given:
                for entry in inputs:  # a claimed item's events left empty are none (a sum's other parts)
                    if entry.is_events and self._value(entry) is None:
                        _put(facts, entry.fact.path, entry.fact.type, 0)
                result[code] = facts
        return result

    def _value(self, entry: FactInput):
        if entry.is_events and any(_filled(row) for row in entry.events):
            return sum(1 for row in entry.events if _filled(row) and row["counts"])
        raw = self.cleaned_data.get(entry.name)
        if entry.fact.type == "entry":
            return bool(raw)
        if raw in (None, ""):
            return None
        return _parse(raw, entry.fact.type)

    def notes(self) -> dict[str, str]:
        return {
            str(item["code"]): self.cleaned_data[f"note{n}"].strip()
            for n, (item, _bonus, _facts) in enumerate(self.items)
            if self.cleaned_data.get(f"note{n}", "").strip()
        }

    def events(self) -> dict[str, list[dict]]:
        """The events entered, by `code|fact`, each {date, level, name}."""
        return {
            f"{code}|{entry.fact.key}": [{key: row[key] for key in ("date", "level", "name")}
                                         for row in entry.events if _filled(row)]
            for code, inputs in self.inputs.items() for entry in inputs
            if entry.is_events and any(_filled(row) for row in entry.events)
        }


def _filled(row: dict) -> bool:
    return any(row.get(key) for key in ("date", "level", "name"))


def _event_problems(row: dict) -> list[str]:
    """What is wrong with an event row, in Chinese (an empty row is no event)."""
    if not _filled(row):
        return []
    problems = []
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", row["date"]):
        problems.append(_("日期“%(value)s”应写作如2024-03-01") % {"value": row["date"]})
    else:
        try:
            datetime.date.fromisoformat(row["date"])
        except ValueError:
            problems.append(_("日期“%(value)s”不是有效日期") % {"value": row["date"]})
    if row["level"] not in LEVELS:
        problems.append(_("请选择级别"))
    if not row["name"]:
        problems.append(_("请填写名称"))
    elif len(row["name"]) > 200:
        problems.append(_("名称不能超过200字"))
    row["problems"] = problems
    return problems
