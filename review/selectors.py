"""Who may open which review records (the remits of portal.permissions): the round's admins, and each reviewer its
own live assignments and what they reach."""

from django.db.models import Exists, OuterRef, Q, QuerySet

from portal.models import Round
from portal.permissions import remit, visible
from review.enums import AssignmentStatus
from review.models import DefenseSession, InspectionPhoto, ReviewAssignment, ScoreSheet

LIVE = (AssignmentStatus.AWAITING_DECLARATION, AssignmentStatus.ACTIVE)


def _managed_rounds(user) -> QuerySet[Round]:
    return visible(user, Round, "manage").values("pk")


@remit(ReviewAssignment, "review")
def assignments_of_reviewer(user) -> QuerySet[ReviewAssignment]:
    """The reviewer's own live assignments: a recused or someone else's is out of reach."""
    return ReviewAssignment.objects.select_related("application__round__programme", "department").filter(
        reviewer=user, status__in=LIVE
    )


@remit(ReviewAssignment, "manage")
def assignments_managed_by(user) -> QuerySet[ReviewAssignment]:
    return ReviewAssignment.objects.select_related("application__round").filter(
        application__round__in=_managed_rounds(user)
    )


@remit(ScoreSheet, "manage")
def sheets_managed_by(user) -> QuerySet[ScoreSheet]:
    return ScoreSheet.objects.select_related("assignment__application").filter(
        assignment__application__round__in=_managed_rounds(user)
    )


@remit(DefenseSession, "manage")
def defense_sessions_managed_by(user) -> QuerySet[DefenseSession]:
    return DefenseSession.objects.select_related("round__programme").filter(round__in=_managed_rounds(user))


@remit(DefenseSession, "view")
def defense_sessions_for(user) -> QuerySet[DefenseSession]:
    """The round's admins, and reviewers actively assigned to an institution of the session and recused from none of
    them (the minutes cover every institution of the session)."""
    # OuterRef names the session from inside ReviewAssignment's own subquery (a nested DefenseSlot subquery's
    # OuterRef would name the assignment instead).
    in_session = Q(application__defense_slots__session=OuterRef("pk"))
    active = ReviewAssignment.objects.filter(in_session, reviewer=user, status=AssignmentStatus.ACTIVE)
    recused = ReviewAssignment.objects.filter(in_session, reviewer=user, status=AssignmentStatus.RECUSED)
    return DefenseSession.objects.select_related("round__programme").filter(
        Q(round__in=_managed_rounds(user)) | (Exists(active) & ~Exists(recused))
    )


@remit(InspectionPhoto, "view")
def inspection_photos_for(user) -> QuerySet[InspectionPhoto]:
    """The round's admins, and the reviewers actively assigned to the inspected application."""
    active = ReviewAssignment.objects.filter(
        reviewer=user, status=AssignmentStatus.ACTIVE, application=OuterRef("inspection__application")
    )
    return InspectionPhoto.objects.select_related("inspection__application__round__programme").filter(
        Q(inspection__application__round__in=_managed_rounds(user)) | Exists(active)
    )
