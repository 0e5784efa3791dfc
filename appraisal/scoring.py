"""The arithmetic of the yearly staff assessment (seed 003 三(四)4), on the rubric engine.

The standard is data (appraisal/standards/platform_staff.json): four `judged` items, 德 20 · 勤 20 · 绩 40 · 效 20,
as 「以上四个方面分别占总评分的20、20、40和20」. Each dimension is marked 0–100 by each of the three sources the seed
names (「服务对象评价、员工相互评价和领导评价综合评定」); the dimension's mark is their weighted mean, and the
engine scores the item as that mark × the item's maximum ÷ 100, so the total is out of 100. The total is rounded
half up to two decimals, once, after the engine adds the items (exact Decimals until then).

What the seed leaves open, with the portal's defaults (each appraisal may change them, `Appraisal` fields):
- the weights of the three sources: none given; default 服务对象评价 30 % · 员工相互评价 30 % · 领导评价 40 %;
- the grade bounds: none given; default 优秀 ≥ 90, 称职 ≥ 75, 基本称职 ≥ 60, else 不称职.

Then the rules, in this order (`decide`):
1. 三(五)2 「每年被投诉并查实3次以上，情节严重的工作人员当年考核应评为不称职」: 3 or more substantiated complaints
   naming the person received that year → 不称职 whatever the score (「以上」 includes 3; the severity is not recorded
   apart: a substantiated complaint counts);
2. otherwise the grade by the bounds;
3. 三(四)4 「对连续两年考核不称职的人员应予辞退」: 不称职 this year and in the previous year's concluded appraisal →
   flagged 应予辞退 (the portal flags; the dismissal is the institution's).
"""

import json
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from pathlib import Path

from django.utils.translation import gettext as _

from appraisal.enums import Grade, Source
from rubrics import engine

STANDARD = Path(__file__).parent / "standards" / "platform_staff.json"
COMPLAINTS_LIMIT = 3  # 三(五)2 「3次以上」
CENT = Decimal("0.01")
HUNDRED = Decimal(100)


@cache
def standard() -> dict:
    """The shipped standard (read only: shared)."""
    return json.loads(STANDARD.read_text(encoding="utf-8"))


def dimensions() -> list[tuple[str, str, Decimal]]:
    """(code, title, weight in points) of the four dimensions, in the standard's order."""
    return [(item["code"], item["title"], Decimal(str(item["max"]))) for item in standard()["items"]]


@dataclass(frozen=True)
class Weights:
    clients: Decimal = Decimal(30)
    peers: Decimal = Decimal(30)
    leaders: Decimal = Decimal(40)

    def of(self, source: str) -> Decimal:
        return getattr(self, source)


@dataclass(frozen=True)
class Bounds:
    excellent: Decimal = Decimal(90)
    competent: Decimal = Decimal(75)
    basic: Decimal = Decimal(60)


def dimension_marks(marks: dict, weights: Weights) -> dict[str, Decimal]:
    """Each dimension's mark (0–100): the sources' marks weighted by `weights` (percentages adding up to 100)."""
    return {
        code: sum((weights.of(source) * Decimal(str(marks[source][code])) for source in Source.values), Decimal(0)) / HUNDRED
        for code, _title, _points in dimensions()
    }


def total(marks: dict, weights: Weights) -> Decimal:
    """The total out of 100, scored by the engine and rounded half up to 0.01."""
    facts = {code: {"points": mark * points / HUNDRED}
             for (code, _title, points), mark in zip(dimensions(), dimension_marks(marks, weights).values(), strict=True)}
    return engine.score_rubric(standard(), facts).total.quantize(CENT, rounding=ROUND_HALF_UP)


def grade_by_score(score: Decimal, bounds: Bounds) -> str:
    if score >= bounds.excellent:
        return Grade.EXCELLENT
    if score >= bounds.competent:
        return Grade.COMPETENT
    if score >= bounds.basic:
        return Grade.BASIC
    return Grade.INCOMPETENT


def decide(score: Decimal, bounds: Bounds, complaints: int) -> tuple[str, str]:
    """(grade, reason): the complaints' rule first, then the bounds."""
    if complaints >= COMPLAINTS_LIMIT:
        return Grade.INCOMPETENT, _("当年被投诉并查实%(n)d次，按业务规范三(五)2评为不称职") % {"n": complaints}
    return grade_by_score(score, bounds), _("按总分评定")
