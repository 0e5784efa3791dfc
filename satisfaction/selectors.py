"""Reads of the satisfaction app: who sees which institutions and cases (remits), and the tallies behind the rates.

Rates are percentages as the documents print them (Decimal with two places, 85.00), None when nothing was counted
(an empty quarter has no 满意率, not 0 %):
- 满意率 = (非常满意 + 满意 + 基本满意) / all ratings; the same per indicator;
- 差评整改率 = cases rectified / cases not found unfounded (a case not yet verified counts as not rectified);
- 回访率 = cases called back / cases whose rater left a phone;
- 回复率 = cases replied / cases.
A case belongs to the quarter of its rating.
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Q, QuerySet

from portal.enums import Role
from portal.jurisdictions import jurisdiction_of
from portal.models import Institution, Region
from portal.permissions import remit, sees_everything
from portal.selectors import institutions_managed_by
from satisfaction.enums import FAVOURABLE, INDICATORS, CaseStatus, Grade
from satisfaction.models import Case, Rating
from satisfaction.quarters import day_bounds

HUNDRED = Decimal(100)


def percent(part: int, whole: int) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) * HUNDRED / Decimal(whole)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


@dataclass
class Tally:
    """The counts of one institution (or of a region) over a period."""

    total: int = 0
    levels: dict[int, int] = field(default_factory=lambda: {grade.value: 0 for grade in Grade})
    indicators: dict[str, int] = field(default_factory=lambda: dict.fromkeys(INDICATORS, 0))
    cases: int = 0
    not_founded: int = 0
    rectified: int = 0
    with_phone: int = 0
    called_back: int = 0
    replied: int = 0

    @property
    def favourable(self) -> int:
        return sum(self.levels[grade.value] for grade in FAVOURABLE)

    @property
    def satisfaction_rate(self) -> Decimal | None:
        return percent(self.favourable, self.total)

    def indicator_rate(self, name: str) -> Decimal | None:
        return percent(self.indicators[name], self.total)

    @property
    def to_rectify(self) -> int:
        return self.cases - self.not_founded

    @property
    def rectification_rate(self) -> Decimal | None:
        return percent(self.rectified, self.to_rectify)

    @property
    def callback_rate(self) -> Decimal | None:
        return percent(self.called_back, self.with_phone)

    @property
    def reply_rate(self) -> Decimal | None:
        return percent(self.replied, self.cases)

    def add(self, other: "Tally") -> None:
        for name in ("total", "cases", "not_founded", "rectified", "with_phone", "called_back", "replied"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        for key, value in other.levels.items():
            self.levels[key] += value
        for key, value in other.indicators.items():
            self.indicators[key] += value


def tallies(institutions, start: date, end: date) -> dict[int, Tally]:
    """Tally per institution id of the ratings given from `start` to `end` (both days included); two queries."""
    since, until = day_bounds(start, end)
    ids = [i.pk if isinstance(i, Institution) else i for i in institutions]
    found = {pk: Tally() for pk in ids}
    rating_counts = {f"level_{grade.value}": Count("pk", filter=Q(overall=grade.value)) for grade in Grade}
    rating_counts |= {f"ind_{name}": Count("pk", filter=Q(**{f"{name}__in": FAVOURABLE})) for name in INDICATORS}
    ratings = Rating.objects.filter(institution_id__in=ids, rated_at__gte=since, rated_at__lt=until)
    for row in ratings.values("institution_id").annotate(total=Count("pk"), **rating_counts).order_by():
        tally = found[row["institution_id"]]
        tally.total = row["total"]
        tally.levels = {grade.value: row[f"level_{grade.value}"] for grade in Grade}
        tally.indicators = {name: row[f"ind_{name}"] for name in INDICATORS}
    cases = Case.objects.filter(institution_id__in=ids, rating__rated_at__gte=since, rating__rated_at__lt=until)
    for row in cases.values("institution_id").annotate(
        cases=Count("pk"),
        not_founded=Count("pk", filter=Q(founded=False)),
        rectified=Count("pk", filter=Q(rectified_at__isnull=False)),
        with_phone=Count("pk", filter=~Q(rating__phone="")),
        called_back=Count("pk", filter=Q(callback_on__isnull=False) & ~Q(rating__phone="")),
        replied=Count("pk", filter=Q(replied_at__isnull=False)),
    ).order_by():
        tally = found[row.pop("institution_id")]
        for name, value in row.items():
            setattr(tally, name, value)
    return found


def satisfaction_counts(institution, start: date, end: date) -> Tally:
    """The tally of one institution from `start` to `end` (both included): the rubric feed's counts."""
    return tallies([institution], start, end)[institution.pk]


def satisfaction_rate(institution, start: date, end: date) -> Decimal | None:
    """满意率 of one institution from `start` to `end` in percent (e.g. Decimal("92.31")), None without ratings: what
    a rubric item asking 「群众满意度高」 reads."""
    return satisfaction_counts(institution, start, end).satisfaction_rate


def ranked(institutions, start: date, end: date) -> list[tuple[Institution, Tally]]:
    """Institutions with at least one rating, best 满意率 first, then more ratings, then by name."""
    institutions = list(institutions)
    counted = tallies(institutions, start, end)
    rows = [(i, counted[i.pk]) for i in institutions if counted[i.pk].total]
    rows.sort(key=lambda row: (-(row[1].satisfaction_rate or 0), -row[1].total, row[0].name))
    return rows


def region_total(rows) -> Tally:
    total = Tally()
    for _institution, tally in rows:
        total.add(tally)
    return total


# --- who sees what ---------------------------------------------------------------------------------------------


def _in_region(queryset, region: Region | None, code_field: str):
    if region is None:
        return queryset.none()
    return queryset.filter(**{f"{code_field}__startswith": region.code_prefix})


@remit(Institution, "satisfaction")
def institutions_rated_for(user) -> QuerySet[Institution]:
    """Whose results a user reads: an institution's own users theirs; a programme admin the institutions of its
    jurisdiction (and of the programmes it administers); a viewer its region and below; the system admin all."""
    base = Institution.objects.select_related("region")
    if sees_everything(user):
        return base
    if user.role == Role.APPLICANT:
        return base.filter(pk=user.institution_id) if user.institution_id else base.none()
    if user.role == Role.PROGRAMME_ADMIN:
        own = _in_region(base, jurisdiction_of(user), "region__code").values("pk")
        return base.filter(Q(pk__in=own) | Q(pk__in=institutions_managed_by(user).values("pk")))
    if user.role == Role.VIEWER:
        return _in_region(base, jurisdiction_of(user), "region__code")
    return base.none()


@remit(Case, "view")
def cases_visible_to(user) -> QuerySet[Case]:
    base = Case.objects.select_related("rating__service_point", "institution")
    return base.filter(institution__in=institutions_rated_for(user).values("pk"))


@remit(Case, "handle")
def cases_handled_by(user) -> QuerySet[Case]:
    """Only the institution's own users handle its cases (the system admin too, for a correction)."""
    base = Case.objects.select_related("rating__service_point", "institution")
    if sees_everything(user):
        return base
    if user.role == Role.APPLICANT and user.institution_id:
        return base.filter(institution_id=user.institution_id)
    return base.none()


def regions_publishable_by(user) -> QuerySet[Region]:
    """The regions whose ranking a user may publish: the admin's jurisdiction and the regions below it."""
    base = Region.objects.order_by("code")
    if sees_everything(user):
        return base
    if user.role != Role.PROGRAMME_ADMIN:
        return base.none()
    return _in_region(base, jurisdiction_of(user), "code")


def open_cases(institutions) -> QuerySet[Case]:
    return (
        Case.objects.filter(institution__in=institutions)
        .exclude(status=CaseStatus.CLOSED)
        .select_related("rating__service_point", "institution")
    )
