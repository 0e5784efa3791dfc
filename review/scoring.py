"""Aggregate reviewers' score sheets into a ranking (issue 5 §6; seed 000 四 and 五.2-3).

Pure: plain dataclasses in and out, no ORM and no settings, so every rule is tested on fixed data.
The models layer builds a `Sheet` from each submitted score sheet of one stage, calls `rank`, and
stores what it returns; the score form calls `needs_justification`. A sheet's own total is the rubric engine's
(rubrics.engine, through review.services.sheets.sheet_result).

The rules, in the order `rank` applies them:
1. Gates (seed 000 四(一), the six basic conditions): with ``gate_rule="majority"`` a gate fails
   when more than half of all submitted sheets of the application mark it failed (exactly half is
   not a fail); with ``"any"`` one sheet is enough. A failed gate makes the application ineligible
   whatever its score; it is listed apart with the gate codes as the reasons.
2. Normalisation (programme option, off by default): see `_normalised_totals`.
3. Department mean: the mean of its reviewers' totals; with ``drop_extremes_from`` (5) or more
   sheets in the department, one highest and one lowest are dropped first.
4. Overall: the programme's weighted mean of the department means, over the departments that have
   at least one sheet for the application. A department with no sheet is left out of the weights,
   not counted as 0: a missing sheet is an assignment gap for the admin to fix, not a zero score.
5. Order: overall descending; equal overall → an application with priority items
   (seed 000 四(二)5 「优先评定」) first; still equal → the admin's recorded decision
   (``tie_breaks``), and until there is one the group is flagged with a ``tie_group`` number.

Exactness: totals are Decimals as entered. Means are computed as exact fractions and turned into a
Decimal once, rounded to 28 significant digits, so two applications whose overall is mathematically
equal always compare equal, whatever the order of the input. Show scores with `fmt2`.
"""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal, localcontext
from fractions import Fraction
from itertools import groupby
from types import MappingProxyType

GATE_RULES = ("majority", "any")

_PRECISION = 28  # significant digits of a mean once it leaves exact fractions
_TWO_PLACES = Decimal("0.01")
_FOUR_PLACES = Decimal("0.0001")
_NO_TIE_BREAKS: Mapping[int, int] = MappingProxyType({})


def _require_decimal(value: object, what: str) -> None:
    """Refuse floats (and anything else): a float would silently turn 84.1 into 84.0999…"""
    if not isinstance(value, Decimal):
        raise TypeError(f"{what} must be a Decimal, got {type(value).__name__}")
    if not value.is_finite():
        raise ValueError(f"{what} must be finite, got {value}")


def _to_decimal(value: Fraction) -> Decimal:
    """The exact value if it terminates within 28 digits, else rounded there (independent of the caller's context)."""
    with localcontext() as ctx:
        ctx.prec = _PRECISION
        ctx.rounding = ROUND_HALF_EVEN
        return Decimal(value.numerator) / Decimal(value.denominator)


def fmt2(value: Decimal) -> str:
    """A score as shown to people: two places, half up (84.125 → "84.13", 84.124 → "84.12")."""
    _require_decimal(value, "value")
    with localcontext() as ctx:
        ctx.prec = _PRECISION
        return str(value.quantize(_TWO_PLACES, rounding=ROUND_HALF_UP))


# --- ranking ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Sheet:
    """One submitted score sheet: a reviewer's total for an application and the gates they marked failed."""

    application_id: int
    reviewer_id: int
    department_id: int
    total: Decimal  # the sheet's total on the rubric engine (review.services.sheets.sheet_total)
    failed_gates: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        _require_decimal(self.total, "total")
        object.__setattr__(self, "failed_gates", frozenset(self.failed_gates))


@dataclass(frozen=True)
class Settings:
    """A programme's aggregation settings (issue 5 §6).

    department_weights: department id → weight (≥ 0); equal weights are the default, so the caller
        passes 1 for each department. A department with sheets but no weight is a ValueError; a
        weight of 0 makes the department's mean informational only, and an application whose
        departments with sheets all weigh 0 has no overall (ValueError).
    drop_extremes_from: with this many sheets or more in a department, drop one highest and one
        lowest before the mean. At least 3 (fewer would leave nothing); a large number turns it off.
    normalise: z-score each reviewer's totals within the stage before the department mean, for
        panels where some reviewers are stricter than others (see `_normalised_totals`).
    gate_rule: "majority" (a gate fails when more than half of all submitted sheets of the
        application mark it failed) or "any" (one sheet is enough).
    """

    department_weights: Mapping[int, Decimal]
    drop_extremes_from: int = 5
    normalise: bool = False
    gate_rule: str = "majority"

    def __post_init__(self) -> None:
        if self.gate_rule not in GATE_RULES:
            raise ValueError(f"gate_rule must be one of {GATE_RULES}, got {self.gate_rule!r}")
        if self.drop_extremes_from < 3:
            raise ValueError("drop_extremes_from must be at least 3: dropping two of fewer sheets leaves none")
        for department_id, weight in self.department_weights.items():
            _require_decimal(weight, f"weight of department {department_id}")
            if weight < 0:
                raise ValueError(f"weight of department {department_id} must not be negative, got {weight}")
        object.__setattr__(self, "department_weights", MappingProxyType(dict(self.department_weights)))


@dataclass(frozen=True)
class DepartmentResult:
    """One department's part of an application's score."""

    department_id: int
    mean: Decimal
    sheet_count: int  # sheets submitted, dropped ones included
    dropped: tuple[int, ...]  # (reviewer of the lowest, reviewer of the highest), or () when nothing was dropped


@dataclass(frozen=True)
class RankedApplication:
    """An application's place in the ranking, or (rank None) why it is ineligible."""

    application_id: int
    overall: Decimal
    departments: tuple[DepartmentResult, ...]  # by department id
    has_priority: bool
    rank: int | None  # 1-based; None for ineligible
    tie_group: int | None  # shared by applications still tied after the priority rule; None if not tied
    ineligible_reasons: tuple[str, ...]  # gate codes failed, sorted


def rank(
    sheets: Iterable[Sheet],
    *,
    settings: Settings,
    priority: Mapping[int, bool],
    tie_breaks: Mapping[int, int] = _NO_TIE_BREAKS,
) -> tuple[list[RankedApplication], list[RankedApplication]]:
    """Rank the applications of one stage from its submitted sheets: (eligible in rank order, ineligible).

    ``priority``: application id → has priority items (missing means no). ``tie_breaks``: the admin's
    decision for a tie, application id → position (smaller first); it settles a group only when it
    gives every member of the group a distinct position, otherwise the whole group keeps a shared
    ``tie_group`` number and is ordered by application id. Ranks run 1..n in order; a tie group still
    gets distinct ranks. Ineligible applications carry their scores for information, rank None, and
    are ordered by application id (they are not ranked). Raises ValueError for two sheets of the same
    reviewer on one application, a department with sheets and no weight, or an application whose
    departments with sheets all weigh 0.
    """
    ordered_sheets = _checked(sheets)
    if settings.normalise:
        totals = _normalised_totals(ordered_sheets)
    else:
        totals = {(s.application_id, s.reviewer_id): Fraction(s.total) for s in ordered_sheets}
    by_application: dict[int, list[Sheet]] = defaultdict(list)
    for sheet in ordered_sheets:
        by_application[sheet.application_id].append(sheet)
    assessed = [
        _assess(app_sheets, totals, settings, has_priority=bool(priority.get(application_id, False)))
        for application_id, app_sheets in by_application.items()
    ]
    eligible = [a for a in assessed if not a.ineligible_reasons]
    ineligible = sorted((a for a in assessed if a.ineligible_reasons), key=lambda a: a.application_id)
    return _ordered(eligible, tie_breaks), ineligible


def _checked(sheets: Iterable[Sheet]) -> list[Sheet]:
    """The sheets in a fixed order (so the result never depends on input order), duplicates refused."""
    ordered = sorted(sheets, key=lambda s: (s.application_id, s.reviewer_id))
    for before, after in zip(ordered, ordered[1:], strict=False):
        if (before.application_id, before.reviewer_id) == (after.application_id, after.reviewer_id):
            raise ValueError(f"reviewer {after.reviewer_id} has two sheets for application {after.application_id}")
    return ordered


def _normalised_totals(sheets: list[Sheet]) -> dict[tuple[int, int], Fraction]:
    """Each reviewer's totals as z-scores within the stage, put back on the points scale.

    z = (total − the reviewer's mean) / the reviewer's spread, over every application that reviewer
    scored in this stage (eligible or not); the value used is stage mean + z × stage spread, both of
    the raw totals of all sheets, so the numbers stay comparable to points (they may leave 0..max).
    Spread is the population standard deviation. A reviewer with a single sheet, or whose totals are
    all equal (zero spread), keeps raw totals: there is nothing to standardise against. Floats are used
    here only; results come back as Decimals quantized to 4 places (half up). fmean and pstdev sum
    exactly, so the result does not depend on the order of the sheets.
    """
    raw = [float(s.total) for s in sheets]
    stage_mean, stage_spread = statistics.fmean(raw), statistics.pstdev(raw)
    by_reviewer: dict[int, list[Sheet]] = defaultdict(list)
    for sheet in sheets:
        by_reviewer[sheet.reviewer_id].append(sheet)
    result = {}
    for reviewer_sheets in by_reviewer.values():
        values = [float(s.total) for s in reviewer_sheets]
        spread = statistics.pstdev(values) if len(values) > 1 else 0.0
        mean = statistics.fmean(values)
        for sheet, value in zip(reviewer_sheets, values, strict=True):
            key = (sheet.application_id, sheet.reviewer_id)
            if spread == 0:
                result[key] = Fraction(sheet.total)
                continue
            rescaled = stage_mean + (value - mean) / spread * stage_spread
            with localcontext() as ctx:
                ctx.prec = _PRECISION
                result[key] = Fraction(Decimal(str(rescaled)).quantize(_FOUR_PLACES, rounding=ROUND_HALF_UP))
    return result


def _assess(
    app_sheets: list[Sheet], totals: Mapping[tuple[int, int], Fraction], settings: Settings, *, has_priority: bool
) -> RankedApplication:
    """One application's department means, weighted overall and failed gates (rank not yet given)."""
    application_id = app_sheets[0].application_id
    by_department: dict[int, list[tuple[int, Fraction]]] = defaultdict(list)
    for sheet in app_sheets:
        by_department[sheet.department_id].append((sheet.reviewer_id, totals[application_id, sheet.reviewer_id]))
    departments = []
    weighted_sum = weight_sum = Fraction(0)
    for department_id in sorted(by_department):
        if department_id not in settings.department_weights:
            raise ValueError(f"department {department_id} has sheets but no weight in the settings")
        weight = Fraction(settings.department_weights[department_id])
        scored = by_department[department_id]
        mean, dropped = _department_mean(scored, settings.drop_extremes_from)
        departments.append(DepartmentResult(department_id, _to_decimal(mean), len(scored), dropped))
        weighted_sum += weight * mean
        weight_sum += weight
    if weight_sum == 0:
        raise ValueError(f"application {application_id}: every department with sheets has weight 0")
    return RankedApplication(
        application_id=application_id,
        overall=_to_decimal(weighted_sum / weight_sum),
        departments=tuple(departments),
        has_priority=has_priority,
        rank=None,
        tie_group=None,
        ineligible_reasons=_failed_gates(app_sheets, settings.gate_rule),
    )


def _department_mean(scored: list[tuple[int, Fraction]], drop_from: int) -> tuple[Fraction, tuple[int, ...]]:
    """Mean of (reviewer, total) pairs, after dropping one lowest and one highest from ``drop_from`` sheets on.

    Of equal extreme totals, the lower reviewer id is dropped at the bottom and the higher at the top:
    the mean is the same either way, and the choice stays stable.
    """
    ordered = sorted(scored, key=lambda pair: (pair[1], pair[0]))
    dropped: tuple[int, ...] = ()
    if len(ordered) >= drop_from:
        dropped = (ordered[0][0], ordered[-1][0])
        ordered = ordered[1:-1]
    return sum((total for _, total in ordered), Fraction(0)) / len(ordered), dropped


def _failed_gates(app_sheets: list[Sheet], gate_rule: str) -> tuple[str, ...]:
    """Gate codes failed under ``gate_rule``, counted over all submitted sheets of the application."""
    marks = Counter(code for sheet in app_sheets for code in sheet.failed_gates)
    if gate_rule == "majority":
        return tuple(sorted(code for code, count in marks.items() if 2 * count > len(app_sheets)))
    return tuple(sorted(marks))


def _ordered(eligible: list[RankedApplication], tie_breaks: Mapping[int, int]) -> list[RankedApplication]:
    """Eligible applications in rank order, with ranks and tie groups filled in."""

    def key(a: RankedApplication) -> tuple[Decimal, bool]:
        return a.overall, a.has_priority

    placed: list[tuple[RankedApplication, int | None]] = []
    tie_group = 0
    for _, group in groupby(sorted(eligible, key=key, reverse=True), key=key):
        members = sorted(group, key=lambda a: a.application_id)
        positions = [tie_breaks.get(a.application_id) for a in members]
        if len(members) == 1:
            placed.append((members[0], None))
        elif None not in positions and len(set(positions)) == len(members):
            placed.extend((a, None) for a in sorted(members, key=lambda a: tie_breaks[a.application_id]))
        else:
            tie_group += 1
            placed.extend((a, tie_group) for a in members)
    return [replace(a, rank=i, tie_group=group) for i, (a, group) in enumerate(placed, start=1)]


# --- outliers ---------------------------------------------------------------------------------


def needs_justification(own_total: Decimal, other_totals: Iterable[Decimal], *, threshold: Decimal) -> bool:
    """Whether a reviewer must write a justification before submitting ``own_total`` (issue 5 §6).

    True when |own − mean of the other reviewers' totals for the same application| > threshold
    (strictly; the threshold is a programme setting). With fewer than two others it is False:
    with two reviewers in all, "the others" is one person, so each would be as far from the other
    and the rule could not tell which score is the odd one.
    """
    _require_decimal(own_total, "own_total")
    _require_decimal(threshold, "threshold")
    if threshold < 0:
        raise ValueError(f"threshold must not be negative, got {threshold}")
    others = list(other_totals)
    for total in others:
        _require_decimal(total, "other total")
    if len(others) < 2:
        return False
    mean_of_others = sum((Fraction(t) for t in others), Fraction(0)) / len(others)
    return abs(Fraction(own_total) - mean_of_others) > Fraction(threshold)
