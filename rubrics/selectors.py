"""Who sees which assessment (docs/security.md 6): its creator, and the administrators who may edit its rubric
(rubrics.permissions.may_edit: the system administrator any, a programme admin those of the programmes it manages),
and whoever an app above grants it (`ACCESS`: the communities app's evaluations, seen by the levels of their chain).
Everyone else gets a 404 (portal.permissions.get_object_for_user_or_404). Editing also needs the assessment not to be
locked (submitted)."""

from collections.abc import Callable

from django.db.models import Q, QuerySet

from portal import read_caches
from portal.enums import Role
from portal.permissions import remit, sees_everything
from rubrics.models import Assessment

# What the apps above add, read at each call (communities registers its chain of evaluations):
# - VIEW_GRANTS: functions of the user returning a Q over Assessment: more assessments the user may see;
# - CLAIMS: functions returning a Q of the assessments an app keeps to itself: only its EDIT_GRANTS change those;
# - EDIT_GRANTS: functions of the user returning a Q of the claimed assessments the user may change.
VIEW_GRANTS: list[Callable] = []
CLAIMS: list[Callable] = []
EDIT_GRANTS: list[Callable] = []


def _any(functions, *args) -> Q | None:
    found = None
    for function in functions:
        found = function(*args) if found is None else found | function(*args)
    return found


@remit(Assessment, "view")
def assessments_for(user) -> QuerySet[Assessment]:
    """The assessments the user may see."""
    assessments = Assessment.objects.select_related("rubric__programme", "region", "created_by")
    if sees_everything(user):
        return assessments
    mine = Q(created_by=user)
    granted = _any(VIEW_GRANTS, user)
    mine = mine if granted is None else mine | granted
    if user.role != Role.PROGRAMME_ADMIN:
        return assessments.filter(mine)
    managed = read_caches.managed_programme_ids(user)
    programmes = Q(rubric__programme__isnull=False) if managed is None else Q(rubric__programme__in=managed)
    return assessments.filter(mine | programmes)


@remit(Assessment, "edit")
def assessments_editable_by(user) -> QuerySet[Assessment]:
    """The assessments the user may change: those it sees that are not locked (submitted); of those an app claims,
    only the ones it grants the user."""
    editable = assessments_for(user).filter(locked_at__isnull=True)
    claimed = _any(CLAIMS)
    if claimed is None:
        return editable
    granted = _any(EDIT_GRANTS, user)
    return editable.filter(~claimed if granted is None else ~claimed | granted)
