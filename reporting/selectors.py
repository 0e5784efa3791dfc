"""Who sees and does what with the upward reports (docs/security.md 6), and the reads of the pages.

A user's jurisdiction is `User.region`, else its department's region. A programme admin acts for its jurisdiction: a
city's or a province's admin issues calls to the regions directly below and receives or returns their reports; the
admin of a region asked writes and submits that region's report. The higher bureau sees a report once it was
submitted (never the lower level's draft); a viewer (上级查看) reads the calls of its region and below and their
submitted reports; the system administrator sees everything (portal.permissions.sees_everything). Everyone else gets
a 404 on an object, and the role check of the views a 403.
"""

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from portal.enums import DepartmentKind, RegionLevel, Role
from portal.jurisdictions import PROGRAMME_LEVEL, jurisdiction_id_of
from portal.models import Department, Region, User
from portal.permissions import remit, sees_everything
from reporting.enums import ReportStatus, Timeliness
from reporting.models import ReportCall, UpwardReport

# The level of a region's own benchmark programmes, and so of the results it reports (seed 001: 县级, 市级, 省级).
OWN_LEVEL = PROGRAMME_LEVEL
# Who may ask whom: a city its districts and counties, a province its cities.
ISSUING_LEVELS = {RegionLevel.CITY: RegionLevel.COUNTY, RegionLevel.PROVINCE: RegionLevel.CITY}


def jurisdiction_id(user) -> int | None:
    """The region a user works for (portal.jurisdictions: its own, else its department's)."""
    return jurisdiction_id_of(user)


def acting_region_id(user) -> int | None:
    """The jurisdiction a programme admin acts for (None for every other role)."""
    if not (user.is_authenticated and user.is_active and user.role == Role.PROGRAMME_ADMIN):
        return None
    return jurisdiction_id(user)


def issuing_region(user) -> Region | None:
    """The city or province for which the user may issue calls, or None."""
    region_id = acting_region_id(user)
    region = Region.objects.filter(pk=region_id).first() if region_id else None
    return region if region is not None and region.level in ISSUING_LEVELS else None


def recipients_of(region: Region) -> QuerySet[Region]:
    """The regions directly below an issuing region that a call may go to."""
    return Region.objects.filter(parent=region, level=ISSUING_LEVELS.get(region.level, "-")).order_by("code")


def admins_of(region_ids) -> dict[int, list[User]]:
    """The active programme admins working for each region (one query)."""
    region_ids = set(region_ids)
    users = User.objects.filter(role=Role.PROGRAMME_ADMIN, is_active=True).filter(
        Q(region__in=region_ids) | Q(region__isnull=True, department__region__in=region_ids)
    ).select_related("department")
    found: dict[int, list[User]] = {pk: [] for pk in region_ids}
    for user in users:
        found[user.region_id or user.department.region_id].append(user)
    return found


def hr_department(region: Region) -> Department | None:
    """The region's HR bureau (人社局): the issuer of its reports and the addressee of the reports sent to it."""
    return Department.objects.filter(region=region, kind=DepartmentKind.HR).order_by("pk").first()


_SENT = Q(first_submitted_at__isnull=False)


@remit(ReportCall, "view")
def calls_for(user) -> QuerySet[ReportCall]:
    """The calls a user may open: those its jurisdiction issued, a viewer's of its region and below."""
    calls = ReportCall.objects.select_related("region")
    if sees_everything(user):
        return calls
    if user.role == Role.VIEWER and user.region_id:
        return calls.filter(region__code__startswith=user.region.code_prefix)
    region_id = acting_region_id(user)
    return calls.filter(region_id=region_id) if region_id else calls.none()


@remit(ReportCall, "manage")
def calls_issued_by(user) -> QuerySet[ReportCall]:
    calls = ReportCall.objects.select_related("region")
    if sees_everything(user):
        return calls
    region_id = acting_region_id(user)
    return calls.filter(region_id=region_id) if region_id else calls.none()


@remit(UpwardReport, "view")
def reports_for(user) -> QuerySet[UpwardReport]:
    """A region's own reports; the submitted reports sent to the user's jurisdiction (or, for a viewer, below it)."""
    reports = UpwardReport.objects.select_related("call__region", "region")
    if sees_everything(user):
        return reports
    if user.role == Role.VIEWER and user.region_id:
        return reports.filter(_SENT, call__region__code__startswith=user.region.code_prefix)
    region_id = acting_region_id(user)
    if region_id is None:
        return reports.none()
    return reports.filter(Q(region_id=region_id) | (Q(call__region_id=region_id) & _SENT))


@remit(UpwardReport, "manage")
def reports_written_by(user) -> QuerySet[UpwardReport]:
    """The reports a user writes and submits: its own region's."""
    reports = UpwardReport.objects.select_related("call__region", "region")
    if sees_everything(user):
        return reports
    region_id = acting_region_id(user)
    return reports.filter(region_id=region_id) if region_id else reports.none()


@remit(UpwardReport, "decide")
def reports_decided_by(user) -> QuerySet[UpwardReport]:
    """The submitted reports a user receives or returns: those sent to its jurisdiction."""
    reports = UpwardReport.objects.select_related("call__region", "region").filter(_SENT)
    if sees_everything(user):
        return reports
    region_id = acting_region_id(user)
    return reports.filter(call__region_id=region_id) if region_id else reports.none()


def timeliness(report: UpwardReport, today=None) -> Timeliness:
    """On time: first submitted by the end of the deadline day (Beijing time); a return and a later resubmission do
    not make an on-time report late. Not submitted: overdue once the deadline day is over."""
    deadline = report.call.deadline
    if report.first_submitted_at is not None:
        return Timeliness.ON_TIME if timezone.localdate(report.first_submitted_at) <= deadline else Timeliness.LATE
    today = today or timezone.localdate()
    return Timeliness.OVERDUE if today > deadline else Timeliness.OPEN


def call_rows(call: ReportCall, today=None) -> list[dict]:
    """The overview of a call: each region asked, its report and its timeliness (one query)."""
    reports = call.reports.select_related("region", "submitted_by", "decided_by").order_by("region__code")
    return [{"report": report, "timeliness": timeliness(report, today)} for report in reports]


def call_counts(calls: QuerySet[ReportCall]) -> QuerySet[ReportCall]:
    """Calls with the number of regions asked, of reports submitted (and waiting) and received."""
    return calls.annotate(
        asked=Count("reports"),
        submitted=Count("reports", filter=_reports_sent()),
        waiting=Count("reports", filter=Q(reports__status=ReportStatus.SUBMITTED)),
        received=Count("reports", filter=Q(reports__status=ReportStatus.RECEIVED)),
    )


def _reports_sent() -> Q:
    return Q(reports__first_submitted_at__isnull=False)


def home_context(user) -> dict:
    """A programme admin's home: its own reports still to (re)submit, nearest deadline first, and, for a city's or a
    province's admin (who issues calls), the reports sent to it that wait to be received (three queries)."""
    today = timezone.localdate()
    due = reports_written_by(user).filter(status__in=(ReportStatus.DRAFT, ReportStatus.RETURNED))
    rows = [{"report": report, "timeliness": timeliness(report, today)} for report in due.order_by("call__deadline")[:10]]
    issues_calls = sees_everything(user) or issuing_region(user) is not None
    return {
        "reports_due": rows,
        "issues_calls": issues_calls,
        "reports_to_receive": reports_decided_by(user).filter(status=ReportStatus.SUBMITTED).count() if issues_calls else 0,
    }
