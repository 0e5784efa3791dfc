"""Reads of publicity for staff pages; every object goes through a permission-filtered queryset."""


from django.db.models import Count, Q
from django.shortcuts import get_object_or_404
from django.utils import timezone

from applications.selectors import managed_programmes
from portal.enums import Role
from portal.permissions import objects_for_user
from publicity.enums import OBJECTION_CLOSED, ObjectionStatus
from publicity.models import Objection, PublicityNotice


def _is_system_admin(user) -> bool:
    return user.is_superuser or user.role == Role.SYSTEM_ADMIN


def objections_for_user(user):
    """Objections of the programmes the user administers, and those given to the user to verify."""
    base = Objection.objects.select_related("notice__round__programme", "entry", "handler")
    if not user.is_authenticated:
        return base.none()
    if _is_system_admin(user):
        return base
    handled = objects_for_user(user, Objection.objects.all(), "publicity.handle_objection").values("pk")
    mine = Q(pk__in=handled)
    if user.role == Role.PROGRAMME_ADMIN:
        mine |= Q(notice__round__programme__in=managed_programmes(user))
    return base.filter(mine)


def get_objection_for_user_or_404(user, pk: int) -> Objection:
    return get_object_or_404(objections_for_user(user), pk=pk)


def user_administers(user, objection: Objection) -> bool:
    """Assigning, granting and exporting are the programme admin's; the handler only verifies and decides."""
    if _is_system_admin(user):
        return True
    programme = objection.notice.round.programme
    return user.role == Role.PROGRAMME_ADMIN and user.has_perm("portal.manage_programme", programme)


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
