"""The admin's Excel downloads of a round's review (issue 5 §9). Scores of every reviewer: admins only."""

from django.http import Http404
from django.views.decorators.http import require_safe

from portal.audit import AuditEvent, audit
from portal.enums import Role
from portal.models import Round
from portal.permissions import get_object_for_user_or_404, role_required
from review.exports import department_results_xlsx, ranking_xlsx, score_sheets_xlsx

EXPORTS = {
    "sheets": score_sheets_xlsx,
    "departments": department_results_xlsx,
    "ranking": ranking_xlsx,
}


@require_safe
@role_required(Role.PROGRAMME_ADMIN, Role.SYSTEM_ADMIN)
def export(request, round_pk: int, kind: str):
    round = get_object_for_user_or_404(request.user, Round, "manage", pk=round_pk)
    build = EXPORTS.get(kind)
    if build is None:
        raise Http404
    audit(AuditEvent.EXPORT, request=request, obj=round, detail=f"review {kind} xlsx")
    return build(round)
