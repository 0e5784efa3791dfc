"""The review plan of a round: its methods, reviewers per department and scoring window, on a rubric of its programme."""

from datetime import datetime, time, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.models import Round, User
from portal.transitions import Refused
from portal.workdays import CalendarYearUnknown, add_working_days
from review import rubrics
from review.models import ReviewPlan, Score

# Office hours of a scoring window's default: it opens at 09:00 and closes at 17:30 (Beijing time).
OPENS_AT, CLOSES_AT = time(9, 0), time(17, 30)
SCORING_WORKING_DAYS = 10


def plan_defaults(round: Round, *, now=None) -> dict:
    """A new plan's window: from 09:00 of the first working day after the call has closed (or after today, when it
    already has) to 17:30 of its tenth working day; written review only (the admin adds defense or inspection)."""
    now = timezone.localtime(now)
    after = max(timezone.localdate(round.closes_at), now.date()) + timedelta(days=1)
    first = _working_day(after, 1)
    last = _working_day(first, SCORING_WORKING_DAYS)
    zone = timezone.get_current_timezone()
    return {
        "scoring_opens_at": datetime.combine(first, OPENS_AT, tzinfo=zone),
        "scoring_closes_at": datetime.combine(last, CLOSES_AT, tzinfo=zone),
    }


def _working_day(start, n: int):
    """Working day `n` from `start` (day 1 is `start` when it is one) on the State Council calendar; in a year it has
    not published yet, Monday to Friday stand in (the admin corrects the window once the holidays are known)."""
    try:
        return add_working_days(start, n)
    except CalendarYearUnknown:
        day, count = start, 0
        while True:
            if day.weekday() < 5:
                count += 1
                if count == n:
                    return day
            day += timedelta(days=1)


@transaction.atomic
def plan_save(*, round: Round, actor: User, rubric=None, **fields) -> ReviewPlan:
    """Create the round's plan on a rubric of the programme (the newest, installing the county standard where it has
    none), or change it; the rubric is put in use (frozen). Another rubric once scores exist on the plan's is refused:
    the sheets were scored on it.

    The round is locked first and the plan read again under the lock: two first saves at once make one plan, the
    later one changing it as it would a moment after. Side effects: the plan row (history); the rubric installed and
    frozen.
    """
    Round.objects.select_for_update(no_key=True).get(pk=round.pk)
    plan = ReviewPlan.objects.filter(round=round).first()
    rubric = rubric or (plan.rubric if plan else rubrics.programme_rubric(round.programme))
    if plan is not None and rubric.pk != plan.rubric_id:
        if Score.objects.filter(sheet__assignment__application__round=round).exists():
            raise Refused(_("本批次已有评分，不能更换评分标准。"))
    if rubric.programme_id != round.programme_id:
        raise Refused(_("只能选用本评定项目的评分标准。"))
    rubrics.rubric_put_in_use(rubric, actor=actor)
    plan = plan or ReviewPlan(round=round)
    plan.rubric = rubric
    for name, value in fields.items():
        setattr(plan, name, value)
    plan._change_reason = _("保存评审方案")
    plan._history_user = actor
    plan.save()
    return plan
