"""The scoring engine of every rubric (issue 14): each kind of item is a pure function from recorded facts to exact
`Decimal` points, and a rubric's score is the sum of its items within their caps.

An item is data (a dict, as a rubric is stored and shipped: see `rubrics/standards/`):

    {"code": "一.1", "kind": "rate", "max": 5,
     "tiers": [{"at_least": 90, "points": 5}, {"at_least": 80, "below": 85, "points": 3}], ...}

The engine reads only the keys named below; the text beside them (`title`, `content`, `standard`, an entry's or a
rule's `text`, …) is for people.

Tier bounds as the documents' text reads them (the one reading everywhere):

- 「达90%得8分」, 「90%以上」, 「10人次以上」, 「2个以上」 → `at_least`: the value is ≥ the bound;
- 「75%-80%得5分」 → `at_least` 75 and `below` 80: ≥ 75 and < 80;
- 「低于70%不得分」, 「5%以内」 → `below`: < the bound (「以内」 read as below the next tier's lower bound, so that the
  tiers do not overlap);
- 「无剔除人员加2分」 → `at_most` 0: ≤ the bound (a share of exactly 0);
- where several tiers hold (「10人次以上得1分，20人次以上得2分」), the item scores the highest of them; where none
  holds, 0.

Kinds (the `kind` of an item) and the facts each reads (a dict per item):

- `rate`: `achieved`, `total`, `excluded` → rate = achieved ÷ (total − excluded) × 100 %, scored by tiers;
  `none_scores_full`: nobody in the period (denominator 0) scores the maximum (「报告期内未出现…的，得N分」), else 0;
- `pass_fail`: `met` (bool); `none_in_period` (bool) scores full where `none_scores_full` says so;
- `count`: `count` → tiers;
- `recommendation`: `count`, `all_employed` → tiers, and 「推荐…不足3次，但均已实现就业创业的，得4分」
  (`fewer_than`, `all_employed_points`);
- `checklist`: `met` (the keys of the entries met) → the sum of their points (base entries and 「加1分」 additions
  alike), capped at the item's maximum (「加至该项指标满分为止」);
- `deduction`: the item's maximum less its deductions, never below 0 (「扣完为止」); rules by `per`:
  `incident` (points per incident, fact: a count), `fixed` (points once, fact: bool), `share` (points per full
  `step` % of a sample, fact: the share in %, 「每占抽查比例10%扣4分」), `person` (points per person, fact: a count);
- `judged`: `points`, a reviewer's points between 0 and the maximum (guidance in the item's text);
- `gate`: `met` (bool); no points: a gate not met excludes the whole score (`Result.excluded_by`);
- `sum`: `parts`, sub-items with their own points and facts (annex 4 (一)2: 4 + 2), capped at the item's maximum;
  `none_scores_full` with the fact `none_in_period` scores the whole item;
- `per_event`: `events` → `per_event` points each (「获得市级以上荣誉,每次加5分」), within the item's maximum.

A precondition on any scored item (`precondition`: its clause, 「不达标不得分」, 「未按规定协助组织培训的,此项不得分」;
fact `precondition_met`, a bool the item's facts must give) scores the whole item 0 when not met, whatever its other
facts; met, the item scores by its kind (annex 4 (二)2: at least one member of staff, then a checklist).

Deductions attached to any scored item (`deductions`: the same rules as the `deduction` kind, facts under
`deductions`) come off that item's points, never below 0: annex 4 (一)1 「底数不清扣4分 … 每占抽查比例10%扣4分」.

Required items (seed 000 四(二): 「须符合…基本条件，并符合以下条件」): a `gate` scores no points; any scored item with
`"gate": true` is required as well as scored (a reviewer's points for the comparison 择优, and the fact `met`): not met
excludes the whole score like a gate, its points still shown.

Items that bind only some subjects (`applies_to`, e.g. `{"institution_kind": ["public_agency"]}`: county condition 1
「其他机构不作要求」): `score_rubric` is given the subject (`{"institution_kind": "gig_market"}`); an item whose
`applies_to` does not list the subject's value is not applicable (不适用): no facts asked, no points, never excluding,
listed in `Result.not_applicable`. Without a subject every item applies.

A rubric (`score_rubric`) is a list of items and a `bonus` section: the bonus items' points (`per_event`, fact
`events`) are summed and capped (`bonus_cap`, 「加分…最高不超过10分」) apart from the 100. A bonus item with a `kind`
scores as any item does, within its own maximum (annex 4 (四)2: a rate by tiers); one whose code has no facts was not
claimed and scores 0.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import ROUND_FLOOR, Decimal

ZERO = Decimal(0)
HUNDRED = Decimal(100)


class FactsError(ValueError):
    """A fact the item needs is missing or impossible (a negative count, more achieved than counted)."""


def _d(value) -> Decimal:
    """An exact Decimal of a number as the data writes it (an int, a string such as "0.5"; never a float)."""
    if isinstance(value, float):
        raise TypeError(f"write {value!r} as a string: floats are not exact")
    return value if isinstance(value, Decimal) else Decimal(str(value))


def _count(facts: Mapping, key: str) -> Decimal:
    if key not in facts or facts[key] is None:
        raise FactsError(f"missing fact {key!r}")
    value = _d(facts[key])
    if value < 0:
        raise FactsError(f"{key!r} cannot be negative")
    return value


def tier_points(tiers, value: Decimal) -> Decimal:
    """The highest points among the tiers that hold for `value`; 0 when none does."""
    best = ZERO
    for tier in tiers:
        if "at_least" in tier and value < _d(tier["at_least"]):
            continue
        if "below" in tier and value >= _d(tier["below"]):
            continue
        if "at_most" in tier and value > _d(tier["at_most"]):
            continue
        best = max(best, _d(tier["points"]))
    return best


def rate_percent(facts: Mapping) -> Decimal | None:
    """achieved ÷ (total − excluded) × 100, exact; None when nobody is counted (the denominator is 0)."""
    achieved, total = _count(facts, "achieved"), _count(facts, "total")
    excluded = _count(facts, "excluded") if facts.get("excluded") is not None else ZERO
    denominator = total - excluded
    if denominator < 0 or achieved > denominator:
        raise FactsError("achieved, total and excluded do not add up")
    if denominator == 0:
        return None
    return achieved / denominator * HUNDRED


def _rate(item, facts) -> Decimal:
    rate = rate_percent(facts)
    if rate is None:
        return _d(item["max"]) if item.get("none_scores_full") else ZERO
    return tier_points(item["tiers"], rate)


def _pass_fail(item, facts) -> Decimal:
    if item.get("none_scores_full") and facts.get("none_in_period"):
        return _d(item["max"])
    if "met" not in facts:
        raise FactsError("missing fact 'met'")
    return _d(item["max"]) if facts["met"] else ZERO


def _count_tiers(item, facts) -> Decimal:
    return tier_points(item["tiers"], _count(facts, "count"))


def _recommendation(item, facts) -> Decimal:
    count = _count(facts, "count")
    points = tier_points(item["tiers"], count)
    if count < _d(item["fewer_than"]) and facts.get("all_employed"):
        points = max(points, _d(item["all_employed_points"]))
    return points


def _checklist(item, facts) -> Decimal:
    met = set(facts.get("met", ()))
    unknown = met - {entry["key"] for entry in item["entries"]}
    if unknown:
        raise FactsError(f"unknown checklist entries {sorted(unknown)}")
    return sum((_d(entry["points"]) for entry in item["entries"] if entry["key"] in met), ZERO)


def deduction_points(rules, facts: Mapping) -> Decimal:
    """What the rules take off, from the facts under each rule's `key`."""
    taken = ZERO
    for rule in rules:
        value = facts.get(rule["key"])
        if value in (None, False, 0, "0"):
            continue
        points = _d(rule["points"])
        per = rule["per"]
        if per == "fixed":
            taken += points
        elif per in ("incident", "person"):
            taken += points * _count(facts, rule["key"])
        elif per == "share":  # each full step of the sample's share: 25 % in steps of 10 % is two steps
            steps = (_count(facts, rule["key"]) / _d(rule["step"])).to_integral_value(rounding=ROUND_FLOOR)
            taken += points * steps
        else:
            raise ValueError(f"unknown deduction rule {per!r}")
    return taken


def _deduction(item, facts) -> Decimal:
    return _d(item["max"]) - deduction_points(item["rules"], facts)


def _judged(item, facts) -> Decimal:
    points = _count(facts, "points")
    if points > _d(item["max"]):
        raise FactsError(f"{points} is over the item's maximum {item['max']}")
    return points


def _sum(item, facts) -> Decimal:
    if item.get("none_scores_full") and facts.get("none_in_period"):
        return _d(item["max"])
    parts = facts.get("parts", {})
    return sum((item_points(part, parts.get(part["code"], {})) for part in item["parts"]), ZERO)


def _per_event(item, facts) -> Decimal:
    return _d(item["per_event"]) * _count(facts, "events")


KINDS = {
    "rate": _rate,
    "pass_fail": _pass_fail,
    "count": _count_tiers,
    "recommendation": _recommendation,
    "checklist": _checklist,
    "deduction": _deduction,
    "judged": _judged,
    "sum": _sum,
    "per_event": _per_event,
}


def item_points(item: Mapping, facts: Mapping) -> Decimal:
    """An item's points from its facts: its kind's points less its deductions, within 0 and its maximum."""
    kind = KINDS.get(item["kind"])
    if kind is None:
        raise ValueError(f"unknown item kind {item['kind']!r}")
    if item.get("precondition"):
        if facts.get("precondition_met") is None:
            raise FactsError("missing fact 'precondition_met'")
        if not facts["precondition_met"]:
            return ZERO
    points = kind(item, facts)
    if item.get("deductions"):
        points -= deduction_points(item["deductions"], facts.get("deductions", {}))
    return min(max(points, ZERO), _d(item["max"]))


@dataclass
class Result:
    items: dict[str, Decimal] = field(default_factory=dict)  # by item code, the bonus items included
    score: Decimal = ZERO  # the items out of the rubric's full marks, without the bonus
    bonus: Decimal = ZERO  # capped
    excluded_by: list[str] = field(default_factory=list)  # the codes of the gates (and required items) not met
    not_applicable: list[str] = field(default_factory=list)  # the codes of the items that do not bind the subject

    @property
    def total(self) -> Decimal:
        return self.score + self.bonus

    @property
    def excluded(self) -> bool:
        return bool(self.excluded_by)


def applies(item: Mapping, subject: Mapping | None) -> bool:
    """Whether the item binds the subject: every key of its `applies_to` lists the subject's value (no subject, or no
    `applies_to`: it does)."""
    if not subject or not item.get("applies_to"):
        return True
    return all(subject.get(key) in allowed for key, allowed in item["applies_to"].items())


def is_required(item: Mapping) -> bool:
    """A gate, or a scored item that is also required (`gate`: true)."""
    return item["kind"] == "gate" or bool(item.get("gate"))


def score_rubric(rubric: Mapping, facts: Mapping, *, subject: Mapping | None = None) -> Result:
    """Score a whole rubric: `facts` maps each item's code to its facts. Gates and required items not met are listed;
    the score stands (the caller decides what exclusion means: not ranked, not recommended). `subject`: what the
    items' `applies_to` is read against."""
    result = Result()
    for item in rubric["items"]:
        if not applies(item, subject):
            result.not_applicable.append(item["code"])
            continue
        item_facts = facts.get(item["code"], {})
        if is_required(item) and not item_facts.get("met"):
            result.excluded_by.append(item["code"])
        if item["kind"] == "gate":
            continue
        points = item_points(item, item_facts)
        result.items[item["code"]] = points
        result.score += points
    bonus = ZERO
    for item in rubric.get("bonus", ()):
        if not applies(item, subject):
            result.not_applicable.append(item["code"])
            continue
        if "kind" in item:
            points = item_points(item, facts[item["code"]]) if item["code"] in facts else ZERO
        else:
            points = _d(item["per_event"]) * _count(facts.get(item["code"], {"events": 0}), "events")
        result.items[item["code"]] = points
        bonus += points
    result.bonus = min(bonus, _d(rubric.get("bonus_cap", 0)))
    return result
