"""Reads of publicity for staff pages; every object goes through a permission-filtered queryset."""


from django.db.models import Count, Q
from django.utils import timezone

from portal.enums import Role
from portal.models import Programme, Round, User
from portal.permissions import manages_programme, objects_for_user, remit, sees_everything, visible
from portal.selectors import programme_admins
from publicity.enums import OBJECTION_CLOSED, ObjectionStatus
from publicity.models import IdentityAccessRequest, Objection, PublicityNotice


def handler_choices(programme):
    """Who may be given an objection to verify: the programme's admins and its departments' leads."""
    admin_ids = [user.pk for user in programme_admins(programme)]
    departments = programme.departments.all()
    return (
        User.objects.filter(is_active=True)
        .filter(Q(pk__in=admin_ids) | Q(role=Role.DEPARTMENT_LEAD, department__in=departments))
        .order_by("full_name", "username")
    )


def objection_locked(objection: Objection) -> Objection:
    """The objection, locked after its round (the lock order at numbering_lock): handling waits for a notice being
    published on the round, and the other way round, so an adjusted list never misses a disqualification. Call it
    inside a transaction."""
    round_id = PublicityNotice.objects.filter(pk=objection.notice_id).values_list("round_id", flat=True).get()
    if round_id is not None:  # a campaign's notice (no round) has no adjusted list to wait for
        Round.objects.select_for_update(no_key=True).get(pk=round_id)
    objections = Objection.objects.select_for_update(of=("self",)).select_related("notice__programme", "entry")
    return objections.get(pk=objection.pk)


@remit(Objection, "view")
def objections_for_user(user):
    """Objections of the programmes the user administers, and those given to the user to verify."""
    base = Objection.objects.select_related("notice__programme", "entry", "handler")
    if not user.is_authenticated:
        return base.none()
    if sees_everything(user):
        return base
    handled = objects_for_user(user, Objection.objects.all(), "publicity.handle_objection").values("pk")
    mine = Q(pk__in=handled)
    if user.role == Role.PROGRAMME_ADMIN:
        mine |= Q(notice__programme__in=visible(user, Programme, "manage").values("pk"))
    return base.filter(mine)


def user_administers(user, objection: Objection) -> bool:
    """Assigning, granting and exporting are the programme admin's; the handler only verifies and decides."""
    return manages_programme(user, objection.notice.programme)


@remit(IdentityAccessRequest, "decide")
def identity_requests_for(user):
    """Every request, for the security administrators (whose group holds the permission); none for anyone else."""
    if not user.has_perm("publicity.approve_identity_access"):
        return IdentityAccessRequest.objects.none()
    return IdentityAccessRequest.objects.select_related("objection", "grantee", "requested_by")


def round_notices(round):
    """The round's notices, newest first, with their objection counts (one query)."""
    return (
        PublicityNotice.objects.filter(round=round)
        .annotate(
            objection_count=Count("objections", distinct=True),
            open_objection_count=Count("objections", filter=~Q(objections__status__in=OBJECTION_CLOSED), distinct=True),
        )
        .order_by("-published_at", "-pk")
    )


def objection_counts(objections) -> dict[str, int]:
    """How many of these objections wait to be assigned, are under verification, and are past their deadline."""
    today = timezone.localdate()
    return objections.aggregate(
        received=Count("pk", filter=Q(status=ObjectionStatus.RECEIVED)),
        verifying=Count("pk", filter=Q(status=ObjectionStatus.VERIFYING)),
        overdue=Count("pk", filter=Q(status=ObjectionStatus.VERIFYING, deadline__lt=today)),
    )


def objections_to_verify(user):
    """The objections given to this user to verify and not yet closed, the nearest deadline first."""
    return (
        objections_for_user(user)
        .filter(handler=user, status=ObjectionStatus.VERIFYING)
        .order_by("deadline", "submitted_at")
    )
