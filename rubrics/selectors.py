"""Who sees which assessment (docs/security.md 6): its creator, and the administrators who may edit its rubric
(rubrics.permissions.may_edit: the system administrator any, a programme admin those of the programmes it manages).
Everyone else gets a 404 (portal.permissions.get_object_for_user_or_404)."""

from django.db.models import Q, QuerySet

from portal import read_caches
from portal.enums import Role
from portal.permissions import remit, sees_everything
from rubrics.models import Assessment


@remit(Assessment, "edit")
def assessments_for(user) -> QuerySet[Assessment]:
    """The assessments the user may see and edit."""
    assessments = Assessment.objects.select_related("rubric__programme", "region", "created_by")
    if sees_everything(user):
        return assessments
    mine = Q(created_by=user)
    if user.role != Role.PROGRAMME_ADMIN:
        return assessments.filter(mine)
    managed = read_caches.managed_programme_ids(user)
    programmes = Q(rubric__programme__isnull=False) if managed is None else Q(rubric__programme__in=managed)
    return assessments.filter(mine | programmes)
