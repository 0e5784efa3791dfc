"""Who sees which complaints, the lists, and the counts other apps read (rubric items, the staff assessment)."""

from collections.abc import Iterable
from datetime import date

from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone

from complaints.models import Complaint
from portal.enums import Role
from portal.jurisdictions import jurisdiction_of
from portal.models import Institution, User
from portal.permissions import remit, sees_everything
from portal.selectors import institutions_managed_by


def _supervised_institutions(user) -> QuerySet[Institution]:
    """The institutions a programme admin supervises: those of its programmes' jurisdictions and of its own."""
    condition = Q(pk__in=institutions_managed_by(user).values("pk"))
    region = jurisdiction_of(user)
    if region is not None:
        condition |= Q(region__code__startswith=region.code_prefix)
    return Institution.objects.filter(condition)


@remit(Complaint, "view")
def complaints_visible_to(user) -> QuerySet[Complaint]:
    """The institution's own users see its complaints; the supervising programme admins those of their
    jurisdiction; the system administrator all; nobody else any."""
    base = Complaint.objects.select_related("institution", "staff_member")
    if sees_everything(user):
        return base
    if user.role == Role.APPLICANT and user.institution_id:
        return base.filter(institution_id=user.institution_id)
    if user.role == Role.PROGRAMME_ADMIN:
        return base.filter(institution__in=_supervised_institutions(user))
    return base.none()


@remit(Complaint, "handle")
def complaints_handled_by(user) -> QuerySet[Complaint]:
    """Answering, concluding, telling and publishing: the institution's own users (and the system administrator)."""
    base = Complaint.objects.select_related("institution", "staff_member")
    if sees_everything(user):
        return base
    if user.role == Role.APPLICANT and user.institution_id:
        return base.filter(institution_id=user.institution_id)
    return base.none()


def institution_users(institution) -> list[User]:
    return list(User.objects.filter(institution=institution, role=Role.APPLICANT, is_active=True))


def supervising_admins(institution) -> list[User]:
    """Active programme admins whose jurisdiction contains the institution's region."""
    admins = User.objects.filter(role=Role.PROGRAMME_ADMIN, is_active=True).select_related("region", "department__region")
    result = []
    for admin in admins:
        region = jurisdiction_of(admin)
        if region is not None and region.contains(institution.region):
            result.append(admin)
    return result


def _missed(now) -> Q:
    return Q(first_answered_at__gt=F("first_answer_due_at")) | Q(
        first_answered_at__isnull=True, first_answer_due_at__lte=now
    )


def complaint_list(user, *, status: str = "", query: str = "", missed: bool = False) -> QuerySet[Complaint]:
    complaints = complaints_visible_to(user) if user.is_authenticated else Complaint.objects.none()
    if status:
        complaints = complaints.filter(status=status)
    if query:
        complaints = complaints.filter(
            Q(receipt_number__icontains=query) | Q(facts__icontains=query) | Q(institution__name__icontains=query)
        )
    if missed:
        complaints = complaints.filter(_missed(timezone.now()))
    return complaints


def published_for(institution) -> QuerySet[Complaint]:
    """The institution's public list of handled complaints: published ones only (no name, no phone)."""
    return Complaint.objects.filter(institution=institution, published_at__isnull=False).order_by("-published_at")


def _in_period(institution, start: date, end: date) -> QuerySet[Complaint]:
    return Complaint.objects.filter(institution=institution, received_at__date__gte=start, received_at__date__lte=end)


def substantiated_count(institution, start: date, end: date) -> int:
    """Complaints received in [start, end] (Beijing dates, inclusive) and found substantiated (查实): 「无群众有效投诉」."""
    return _in_period(institution, start, end).filter(substantiated=True).count()


def missed_first_answers(institution, start: date, end: date, *, now=None) -> int:
    """Complaints received in [start, end] whose first answer came late or is overdue now."""
    return _in_period(institution, start, end).filter(_missed(now or timezone.now())).count()


def substantiated_by_staff(institution_or_staff_ids: Institution | Iterable[int], year: int) -> dict[int, int]:
    """{staff member id: substantiated complaints naming them received in `year`}, for 「每年被投诉并查实3次以上…当年考核
    应评为不称职」; staff members without any are left out."""
    complaints = Complaint.objects.filter(substantiated=True, staff_member__isnull=False, received_at__year=year)
    if isinstance(institution_or_staff_ids, Institution):
        complaints = complaints.filter(staff_member__institution=institution_or_staff_ids)
    else:
        complaints = complaints.filter(staff_member_id__in=list(institution_or_staff_ids))
    rows = complaints.values("staff_member_id").annotate(n=Count("pk"))
    return {row["staff_member_id"]: row["n"] for row in rows}
