"""Who sees and keeps which platform, and what the registers say: the staffing ratios of seed 003 三(四)2 and the
quarterly duties of 三(五)2 and 四(一)5.

Who does what (docs: the platforms section of domain.md):
- an institution's own users (Role.APPLICANT with `institution`) keep its staff register, its windows, its complaint
  phone and its quarterly duties (`@remit(Institution, "platform_edit")`);
- the supervising staff, the programme admins whose jurisdiction (`portal.jurisdictions.jurisdiction_of`) contains
  the institution's region, read, check and export them (`"platform_view"`), with an overview of every grassroots
  platform of their jurisdiction; they change nothing;
- the system administrator (`sees_everything`) reads every platform.
Anyone else gets a 404 on a platform's pages.
"""

from dataclasses import dataclass
from datetime import date

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from platforms.models import Duty, DutyKind, Qualification, ServicePoint, StaffMember
from portal.enums import InstitutionKind, Role
from portal.jurisdictions import jurisdiction_of
from portal.models import Institution
from portal.permissions import remit, sees_everything

# The institutions the overviews and the quarterly duties are about: seed 003 is the grassroots platforms' standard.
PLATFORM_KINDS = (InstitutionKind.GRASSROOTS_PLATFORM,)
# Seed 003 三(四)2: 「各类劳动保障协理员人数不少于工作人员的 50%，职业指导师人数不少于工作人员的 20%」.
RATIOS = ((Qualification.LABOUR_ASSISTANT, 50), (Qualification.CAREER_GUIDANCE, 20))
SHORT_NAMES = {
    Qualification.LABOUR_ASSISTANT: gettext_lazy("劳动保障协理员"), Qualification.CAREER_GUIDANCE: gettext_lazy("职业指导师")
}


@remit(Institution, "platform_edit")
def platforms_kept_by(user) -> QuerySet[Institution]:
    """The institution whose registers the user keeps: an applicant's own."""
    if user.role == Role.APPLICANT and user.institution_id and user.is_active:
        return Institution.objects.filter(pk=user.institution_id).select_related("region")
    return Institution.objects.none()


def supervised_by(user) -> QuerySet[Institution]:
    """The institutions a programme admin supervises: those whose region lies in its jurisdiction; all for
    sees_everything; none for anyone else."""
    if sees_everything(user):
        return Institution.objects.select_related("region")
    region = jurisdiction_of(user) if user.role == Role.PROGRAMME_ADMIN else None
    if region is None:
        return Institution.objects.none()
    return Institution.objects.filter(region__code__startswith=region.code_prefix).select_related("region")


@remit(Institution, "platform_view")
def platforms_visible_to(user) -> QuerySet[Institution]:
    """The institutions whose registers the user may read: its own, or those it supervises."""
    if user.role == Role.APPLICANT:
        return platforms_kept_by(user)
    return supervised_by(user)


@remit(StaffMember, "edit")
def staff_kept_by(user) -> QuerySet[StaffMember]:
    return StaffMember.objects.filter(institution__in=platforms_kept_by(user)).select_related("institution")


@remit(ServicePoint, "edit")
def windows_kept_by(user) -> QuerySet[ServicePoint]:
    return ServicePoint.objects.filter(institution__in=platforms_kept_by(user)).select_related("institution")


@remit(ServicePoint, "view")
def windows_visible_to(user) -> QuerySet[ServicePoint]:
    return ServicePoint.objects.filter(institution__in=platforms_visible_to(user)).select_related("institution")


def current_staff(institutions, today: date | None = None) -> QuerySet[StaffMember]:
    """Staff not yet left (no 离岗日期, or one still to come)."""
    today = today or timezone.localdate()
    return StaffMember.objects.filter(Q(left_on__isnull=True) | Q(left_on__gt=today), institution__in=institutions)


@dataclass(frozen=True)
class Ratio:
    qualification: str
    label: str
    count: int
    minimum_percent: int
    needed: int  # how many more holders the rule asks for
    total: int = 0

    @property
    def percent(self) -> str:
        return "—" if self.total == 0 else f"{self.count * 100 / self.total:.2f}%"

    @property
    def shortfall(self) -> str:
        return _("还需 %(n)d 名%(who)s") % {"n": self.needed, "who": self.label} if self.needed else ""


@dataclass(frozen=True)
class Staffing:
    total: int
    ratios: tuple[Ratio, ...]

    @property
    def meets(self) -> bool:
        return self.total > 0 and not any(ratio.needed for ratio in self.ratios)

    @property
    def shortfalls(self) -> list[str]:
        if self.total == 0:
            return [_("尚未登记在岗工作人员")]
        return [ratio.shortfall for ratio in self.ratios if ratio.needed]


def staffing_of(qualification_lists: list[list[str]]) -> Staffing:
    """The figures for the current staff's qualification lists: a share of at least p % of n people is
    ceil(n × p / 100) holders (3 people: 2 协理员, 1 指导师)."""
    total = len(qualification_lists)
    ratios = []
    for qualification, percent in RATIOS:
        count = sum(1 for held in qualification_lists if qualification in (held or []))
        required = -(-total * percent // 100)
        ratios.append(Ratio(qualification, str(SHORT_NAMES[qualification]), count, percent, max(0, required - count), total))
    return Staffing(total=total, ratios=tuple(ratios))


def staffing(institution, today: date | None = None) -> Staffing:
    """The staffing ratios of one platform's current staff (seed 003 三(四)2)."""
    return staffing_of(list(current_staff([institution], today).values_list("qualifications", flat=True)))


def staffing_overview(user, today: date | None = None) -> list[tuple[Institution, Staffing]]:
    """Every grassroots platform the user supervises with its staffing, those falling short first (2 queries)."""
    platforms = list(supervised_by(user).filter(kind__in=PLATFORM_KINDS).order_by("region__code", "name"))
    held: dict[int, list] = {platform.pk: [] for platform in platforms}
    for institution_id, qualifications in current_staff(platforms, today).values_list("institution_id", "qualifications"):
        held[institution_id].append(qualifications)
    rows = [(platform, staffing_of(held[platform.pk])) for platform in platforms]
    return sorted(rows, key=lambda row: row[1].meets)


# --- quarters -------------------------------------------------------------------------------------------------------


def quarter_of(day: date) -> tuple[int, int]:
    return day.year, (day.month - 1) // 3 + 1


def quarter_end(year: int, quarter: int) -> date:
    return date(year, 12, 31) if quarter == 4 else date.fromordinal(date(year, quarter * 3 + 1, 1).toordinal() - 1)


def previous_quarter(year: int, quarter: int) -> tuple[int, int]:
    return (year - 1, 4) if quarter == 1 else (year, quarter - 1)


@dataclass(frozen=True)
class DutyCell:
    year: int
    quarter: int
    kind: str
    duty: Duty | None
    overdue: bool

    @property
    def done(self) -> bool:
        return self.duty is not None and self.duty.done_on is not None


def duty_table(institutions, year: int, today: date | None = None) -> dict[int, list[DutyCell]]:
    """For each institution, its eight duty cells of `year` (Q1 问卷调查, Q1 业务自查, …), overdue when the quarter
    has ended without the record (1 query)."""
    today = today or timezone.localdate()
    found = {(d.institution_id, d.quarter, d.kind): d for d in Duty.objects.filter(institution__in=institutions, year=year)}
    table = {}
    for institution in institutions:
        cells = []
        for quarter in (1, 2, 3, 4):
            for kind in DutyKind.values:
                duty = found.get((institution.pk, quarter, kind))
                done = duty is not None and duty.done_on is not None
                cells.append(DutyCell(year, quarter, kind, duty, not done and quarter_end(year, quarter) < today))
        table[institution.pk] = cells
    return table
