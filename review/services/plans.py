"""The review plan of a round: its methods, reviewers per department and scoring window, on the programme's rubric."""

from django.db import transaction
from django.utils.translation import gettext as _

from portal.models import Round, User
from review.models import ReviewPlan
from review.rubrics import rubric_install_default


@transaction.atomic
def plan_save(*, round: Round, actor: User, **fields) -> ReviewPlan:
    """Create the round's plan on the programme's rubric (installing the default one first), or change it.

    The round is locked first and the plan read again under the lock: two first saves at once make one plan, the
    later one changing it as it would a moment after. Side effects: the plan row (history); the rubric on first save.
    """
    Round.objects.select_for_update(no_key=True).get(pk=round.pk)
    plan = ReviewPlan.objects.filter(round=round).first()
    if plan is None:
        plan = ReviewPlan(round=round, rubric=rubric_install_default(round.programme))
    for name, value in fields.items():
        setattr(plan, name, value)
    plan._change_reason = _("保存评审方案")
    plan._history_user = actor
    plan.save()
    return plan
