"""Who follows which 「十百千」 targets, and the figures of a region's progress (seed 001 二).

Scope. A viewer follows its region and everything below (a viewer without a region, every region, as its programme
list does); a programme admin the region it works for (`jurisdiction`: its own region, else its department's) and
below, and allocates that region's targets; the system administrator every region (portal.permissions.sees_everything).

Counting. A title counts toward a region's target of a level when it was awarded by a benchmark programme of that
level in the region or below, and that programme's period lies within the target's: a title counts in the period of
the quota it used, not in the year it was given (a 十五五 award never counts toward the 2025 target). Valid titles
count; revoked ones are shown beside them. Every figure comes from one GROUP BY over the ledger (portal.models.Title)
on the leading digits of the programme's region code, so a page costs the same few queries however many titles there
are.
"""

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import ExtractYear, Substr
from django.utils.translation import gettext as _

from levels import tiers
from levels.models import Target
from portal.enums import Level, ProgrammeKind, Role
from portal.jurisdictions import jurisdiction_of
from portal.models import Region, Title
from portal.periods import Period, period_of, period_starting
from portal.permissions import remit, sees_everything


@remit(Region, "track_targets")
def regions_tracked_by(user) -> QuerySet[Region]:
    """The regions whose progress a user may open: its jurisdiction and below (provinces, cities, counties only)."""
    regions = Region.objects.filter(level__in=tiers.TRACKED)
    if sees_everything(user):
        return regions
    if user.role == Role.VIEWER:
        return regions.filter(code__startswith=user.region.code_prefix) if user.region_id else regions
    if user.role == Role.PROGRAMME_ADMIN:
        root = jurisdiction_of(user)
        return regions.filter(code__startswith=root.code_prefix) if root is not None else regions.none()
    return regions.none()


@remit(Region, "allocate_targets")
def regions_allocated_by(user) -> QuerySet[Region]:
    """The regions whose targets a user sets and hands down: a programme admin's own jurisdiction; every region for
    the system administrator."""
    regions = Region.objects.filter(level__in=tiers.TRACKED)
    if sees_everything(user):
        return regions
    root = jurisdiction_of(user) if user.role == Role.PROGRAMME_ADMIN else None
    return regions.filter(pk=root.pk) if root is not None else regions.none()


def home_scope(user) -> tuple[bool, Region | None]:
    """(whether the user has a scope, its top region): None for every region (the system administrator, a viewer
    without a region); no scope for an admin without a region or department."""
    if sees_everything(user):
        return True, None
    if user.role == Role.VIEWER:
        return True, user.region if user.region_id else None
    root = jurisdiction_of(user) if user.role == Role.PROGRAMME_ADMIN else None
    return (root is not None and root.level in tiers.TRACKED), root


def default_period(scope: Region | None, today: date) -> Period:
    """The period of the scope's latest target (the 2025 targets, in 2026 still), else today's."""
    targets = Target.objects.filter(region=scope) if scope is not None else Target.objects.all()
    start = targets.order_by("-period_start").values_list("period_start", flat=True).first()
    return (period_starting(start) if start else None) or period_of(today)


# --- figures ----------------------------------------------------------------------------------------------------------


@dataclass
class Cell:
    """One level of one region: its target (None when none is set) and the titles counted toward it."""

    level: Level
    target: Target | None
    today: date
    valid: int = 0
    revoked: int = 0

    @property
    def count(self) -> int | None:
        return self.target.count if self.target is not None else None

    @property
    def percent(self) -> int:
        return min(100, round(100 * self.valid / self.count)) if self.count else 0

    @property
    def rate(self) -> str:
        """完成率 as the documents print it (37.50%); empty without a target."""
        return f"{100 * self.valid / self.count:.2f}%" if self.count else ""

    @property
    def met(self) -> bool:
        return self.count is not None and self.valid >= self.count

    @property
    def short(self) -> int:
        return max((self.count or 0) - self.valid, 0)

    @property
    def days_left(self) -> int | None:
        return (self.target.deadline - self.today).days if self.target is not None else None

    @property
    def overdue(self) -> bool:
        return self.target is not None and not self.met and self.today > self.target.deadline

    @property
    def state(self) -> str:
        """完成情况 in words: 已完成, 已逾期N天, 剩余N天, 未下达."""
        if self.target is None:
            return _("未下达")
        if self.met:
            return _("已完成")
        if self.overdue:
            return _("已逾期%(days)d天") % {"days": -self.days_left}
        return _("剩余%(days)d天") % {"days": self.days_left}

    @property
    def state_class(self) -> str:
        """The label's look (portal.css): done, overdue (red: a deadline), running, none."""
        if self.target is None:
            return ""
        return "status--success" if self.met else "status--error" if self.overdue else "status--info"


@dataclass
class ChildRow:
    region: Region | None  # None: the region's own programmes (本级)
    cells: list[Cell]
    label: str = ""


@dataclass
class YearRow:
    year: int
    cells: dict[str, Cell]

    @property
    def in_order(self) -> list[Cell]:
        return list(self.cells.values())


@dataclass
class Dashboard:
    scope: Region | None
    period: Period
    today: date
    levels: list[Level]
    totals: list[Cell]
    handed_down: list[Level] = field(default_factory=list)
    children: list[ChildRow] = field(default_factory=list)
    years: list[YearRow] = field(default_factory=list)

    @property
    def child_level(self) -> str | None:
        return tiers.child_level(self.scope.level if self.scope else None)


def _titles(scope: Region | None, period: Period) -> QuerySet[Title]:
    """The ledger's benchmark titles of the scope's programmes whose period lies within `period`."""
    titles = Title.objects.filter(
        programme__kind=ProgrammeKind.BENCHMARK,
        programme__period_start__gte=period.start,
        programme__period_end__lte=period.end,
    )
    return titles.filter(programme__region__code__startswith=scope.code_prefix) if scope is not None else titles


def _counted(titles: QuerySet[Title], *group: str) -> list[dict]:
    """Valid and revoked titles per `group` (one GROUP BY)."""
    return list(
        titles.values("programme__level", *group).annotate(
            valid=Count("id", filter=Q(revoked_at__isnull=True)), revoked=Count("id", filter=Q(revoked_at__isnull=False))
        )
    )


def _add(cell: Cell, row: dict) -> None:
    cell.valid += row["valid"]
    cell.revoked += row["revoked"]


def summary(*, scope: Region | None, period: Period, today: date) -> list[Cell]:
    """Per level the scope can hold: its target and the titles counted toward it (2 queries)."""
    levels = tiers.levels_held(scope.level if scope else None)
    targets = {} if scope is None else {
        target.level: target
        for target in Target.objects.filter(region=scope, period_start=period.start).select_related("parent__region")
    }
    cells = {level: Cell(level, targets.get(level), today) for level in levels}
    for row in _counted(_titles(scope, period)):
        if row["programme__level"] in cells:
            _add(cells[row["programme__level"]], row)
    return list(cells.values())


def children_of(scope: Region | None) -> list[Region]:
    below = tiers.child_level(scope.level if scope else None)
    if below is None or below not in tiers.TRACKED:
        return []
    return list(Region.objects.filter(parent=scope, level=below).order_by("code"))


def dashboard(*, scope: Region | None, period: Period, today: date) -> Dashboard:
    """The dashboard of a region (None: every province) for a period: per level its target and the titles counted
    toward it, per child region the same with the child's allocated targets, and per year of award (4 queries)."""
    levels = tiers.levels_held(scope.level if scope else None)
    children = children_of(scope)
    targets = Target.objects.filter(period_start=period.start).select_related("region", "parent__region", "set_by")
    targets = targets.filter(Q(region=scope) | Q(region__parent=scope)) if scope else targets.filter(region__parent=None)
    by_region = {(target.region_id, target.level): target for target in targets}
    own = scope.pk if scope else None
    totals = {level: Cell(level, by_region.get((own, level)), today) for level in levels}
    handed_down = tiers.levels_handed_down(scope.level if scope else None) if children else []
    rows = {child.code_prefix: ChildRow(child, [Cell(lv, by_region.get((child.pk, lv)), today) for lv in handed_down])
            for child in children}
    own_row = ChildRow(None, [Cell(level, None, today) for level in handed_down], label=scope.name if scope else "")
    titles = _titles(scope, period)
    width = tiers.CHILD_PREFIX.get(scope.level if scope else None, 6)
    for row in _counted(titles.annotate(part=Substr("programme__region__code", 1, width)), "part"):
        level = row["programme__level"]
        if level in totals:
            _add(totals[level], row)
        child = rows.get(row["part"], own_row)
        for cell in child.cells:
            if cell.level == level:
                _add(cell, row)
    listed = list(rows.values()) + ([own_row] if any(cell.valid or cell.revoked for cell in own_row.cells) else [])
    return Dashboard(scope=scope, period=period, today=today, levels=levels, totals=list(totals.values()),
                     handed_down=handed_down, children=listed, years=_years(titles, period, levels, today))


def _years(titles: QuerySet[Title], period: Period, levels: list[Level], today: date) -> list[YearRow]:
    """Per year of award (awarded_on), the titles of each level: every year of the period, and any other year a
    title of its programmes was given in."""
    rows: dict[int, YearRow] = {}

    def row_of(year: int) -> YearRow:
        if year not in rows:
            rows[year] = YearRow(year, {level: Cell(level, None, today) for level in levels})
        return rows[year]

    for year in range(period.start.year, period.end.year + 1):
        row_of(year)
    for row in _counted(titles.annotate(year=ExtractYear("awarded_on")), "year"):
        cells = row_of(row["year"]).cells
        if row["programme__level"] in cells:
            _add(cells[row["programme__level"]], row)
    return [rows[year] for year in sorted(rows)]


# --- the viewer's home ------------------------------------------------------------------------------------------------


@dataclass
class HomeProgress:
    has_scope: bool
    scope: Region | None
    period: Period | None
    cells: list[Cell]


def home_progress(user, *, today: date) -> HomeProgress:
    """The compact per-level progress of the user's scope that its home page shows (3 queries)."""
    has_scope, scope = home_scope(user)
    if not has_scope:
        return HomeProgress(False, None, None, [])
    period = default_period(scope, today)
    return HomeProgress(True, scope, period, summary(scope=scope, period=period, today=today))


# --- the allocation page ----------------------------------------------------------------------------------------------


def own_editable(region: Region, period: Period) -> dict[str, bool]:
    """Per level the region holds: whether it sets that target itself (nothing was or can be handed down to it)."""
    handed = set()
    if region.parent_id is not None:
        handed = set(Target.objects.filter(region=region.parent_id, period_start=period.start).values_list("level", flat=True))
    allocated = set(
        Target.objects.filter(region=region, period_start=period.start, parent__isnull=False).values_list("level", flat=True)
    )
    return {level: level not in handed and level not in allocated for level in tiers.levels_held(region.level)}


@dataclass
class Allocation:
    """What a region's allocation page shows: its own targets of the period (and which it sets itself), its children
    with their shares, and per share what its region handed further down."""

    region: Region
    period: Period
    mine: dict[str, Target]
    editable: dict[str, bool]
    children: list[Region]
    theirs: dict[tuple[int, str], Target]
    further: dict[int, int]
    handed_down: list[Level]

    def allocated(self, level: str) -> int:
        return sum(target.count for (_child, lv), target in self.theirs.items() if lv == level)

    def left(self, level: str) -> int | None:
        own = self.mine.get(level)
        return own.count - self.allocated(level) if own is not None else None


def allocation(region: Region, period: Period) -> Allocation:
    """The allocation page's figures (6 queries)."""
    mine = {
        target.level: target
        for target in Target.objects.filter(region=region, period_start=period.start).select_related("parent__region", "set_by")
    }
    children = children_of(region)
    theirs = {
        (target.region_id, target.level): target
        for target in Target.objects.filter(region__in=children, period_start=period.start).select_related("set_by")
    }
    further = dict(
        Target.objects.filter(parent__in=list(theirs.values())).values("parent").annotate(total=Sum("count"))
        .values_list("parent", "total")
    )
    return Allocation(region, period, mine, own_editable(region, period), children, theirs, further,
                      tiers.levels_handed_down(region.level) if children else [])


def path_to(scope: Region, root: Region | None) -> list[Region]:
    """The regions above `scope` up to the user's own (`root`; None: up to the province), for the breadcrumbs: read
    from the code, whose leading digits name the province and the city (1 query)."""
    codes = {scope.code[:2] + "0000", scope.code[:4] + "00"} - {scope.code}
    above = Region.objects.filter(code__in=codes, level__in=tiers.TRACKED).order_by("code")
    return [region for region in above if root is None or root.contains(region)]
