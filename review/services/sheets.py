"""Score sheets: drafts, submission (locked), the admin's reopening, and closing the scoring stage."""

from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from applications.enums import ApplicationStatus
from portal.audit import AuditEvent, audit
from portal.display import cn_date, cn_datetime
from portal.models import User
from portal.transitions import Refused, TransitionError, transition
from review import rubrics, scoring
from review.enums import AssignmentStatus, ReviewMethod, SheetStatus
from review.models import DefenseSession, DefenseSlot, ReviewAssignment, ReviewPlan, Score, ScoreSheet
from rubrics import engine


def sheet_lines(sheet: ScoreSheet) -> list[rubrics.Line]:
    """The lines of the sheet: the plan's rubric read for the application's institution (review.rubrics)."""
    application = sheet.assignment.application
    return rubrics.sheet_lines(application.round.review_plan.rubric, application)


@transaction.atomic
def sheet_save(*, sheet: ScoreSheet, actor: User, values: dict, justification: str = "") -> ScoreSheet:
    """Save a draft. `values`: item id -> {"points": Decimal|None, "passed": bool|None, "comment": str}; an item that
    does not apply to the institution (不适用) is not stored, whatever is sent for it."""
    locked = ScoreSheet.objects.select_for_update().select_related("assignment").get(pk=sheet.pk)
    _check_editable(locked, actor)
    lines = [line for line in sheet_lines(locked) if line.applicable]
    _check_points(lines, values)
    _check_priority(locked.assignment.application, lines, values)
    for line in lines:
        value = values.get(line.item.pk, {})
        Score.objects.update_or_create(
            sheet=locked,
            item=line.item,
            defaults={
                "points": value.get("points") if line.judged else None,
                "passed": value.get("passed") if line.required else None,
                "comment": value.get("comment", ""),
            },
        )
    locked.justification = justification
    locked._change_reason = _("保存评分草稿")
    locked.save(update_fields=["justification", "updated_at"])
    return locked


def _check_points(lines, values: dict) -> None:
    """Points within 0..max of each judged item: the form checks this too, but the service is what the data relies on."""
    for line in lines:
        points = values.get(line.item.pk, {}).get("points")
        if line.judged and points is not None and not 0 <= points <= line.item.max_points:
            raise Refused(
                _("%(code)s 的得分应在0到%(max)s分之间，请检查。")
                % {"code": line.item.code, "max": f"{line.item.max_points.normalize():f}"}
            )


def _check_stage_order(application) -> None:
    """The plan's stages in their order (seed 000 五.2): a sheet is submitted once the application's defense, when one
    is scheduled, has taken place; a draft may be saved before."""
    today = timezone.localdate()
    slot = (
        DefenseSlot.objects.filter(application=application, session__starts_on__gt=today)
        .select_related("session").order_by("session__starts_on").first()
    )
    if slot is not None:
        raise Refused(
            _("该申报的现场答辩定于%(date)s，答辩后才能提交评分；评分可先保存为草稿。") % {"date": cn_date(slot.session.starts_on)}
        )


def _check_priority(application, lines, values: dict) -> None:
    """Priority points (优先评定, the bonus items) only for an application that claims a priority item (annex 2 四)."""
    if application.priority_items.exists():
        return
    for line in lines:
        if line.is_bonus and values.get(line.item.pk, {}).get("points"):
            raise Refused(_("该申报未填报优先评定事项，%(code)s 不能加分。") % {"code": line.item.code})


def _check_editable(sheet: ScoreSheet, actor: User) -> None:
    if sheet.assignment.reviewer_id != actor.pk:
        raise Refused(_("只能填写本人的评分表。"))
    if sheet.assignment.status != AssignmentStatus.ACTIVE:
        raise TransitionError(_("您已回避该申报的评审，不能评分。"))
    if not sheet.is_editable:
        raise TransitionError(_("评分表已提交并锁定；如需修改，请联系管理员退回。"))
    plan = sheet.assignment.application.round.review_plan
    if plan.is_closed:
        raise Refused(_("评分阶段已关闭。"))


def sheet_result(sheet: ScoreSheet, *, lines: list | None = None) -> tuple[engine.Result | None, list[str]]:
    """The engine's result of the saved scores (per item, score, capped bonus, required items not met, items that do
    not apply) and what is still missing; no result while something is. `lines`: sheet_lines(sheet), when the caller
    has them already."""
    application = sheet.assignment.application
    rubric = application.round.review_plan.rubric
    lines = lines if lines is not None else rubrics.sheet_lines(rubric, application)
    facts, missing = rubrics.sheet_facts(lines, {s.item_id: s for s in sheet.scores.all()})
    if missing:
        return None, missing
    return rubrics.score_facts(rubric, facts, application), []


def sheet_total(sheet: ScoreSheet) -> tuple[Decimal, list[str]]:
    """The sheet's total (items plus the capped bonus) and what is still missing, from the saved scores. Raises
    engine.FactsError for points over an item's maximum."""
    result, missing = sheet_result(sheet)
    return (Decimal(0), missing) if result is None else (result.total, [])


def _other_totals(sheet: ScoreSheet) -> list[Decimal]:
    others = ScoreSheet.objects.filter(
        assignment__application=sheet.assignment.application_id,
        assignment__status=AssignmentStatus.ACTIVE,
        status=SheetStatus.SUBMITTED,
    ).exclude(pk=sheet.pk)
    return [s.total for s in others if s.total is not None]


@transaction.atomic
def sheet_submit(*, sheet: ScoreSheet, actor: User) -> ScoreSheet:
    """Submit and lock the sheet. A total far from the other reviewers' needs a written justification first."""
    locked = ScoreSheet.objects.select_for_update().select_related("assignment").get(pk=sheet.pk)
    _check_editable(locked, actor)
    _check_stage_order(locked.assignment.application)
    try:
        total, missing = sheet_total(locked)
    except engine.FactsError as error:
        raise Refused(_("评分超出该指标满分，请检查。")) from error
    if missing:
        raise Refused(_("以下指标尚未评分：%(codes)s。") % {"codes": "、".join(missing)})
    programme = locked.assignment.application.round.programme
    threshold = programme.review_outlier_threshold
    if scoring.needs_justification(total, _other_totals(locked), threshold=threshold) and not locked.justification.strip():
        raise Refused(
            _("您的总分（%(total)s）与其他评审专家的平均分相差超过%(threshold)s分，请在“偏离说明”中写明理由后再提交。")
            % {"total": scoring.fmt2(total), "threshold": scoring.fmt2(threshold)}
        )
    return transition(
        locked, SheetStatus.SUBMITTED, table=ScoreSheet.TRANSITIONS, actor=actor, note=_("提交评分"),
        fields={"total": total, "submitted_at": timezone.now()},
    )


@transaction.atomic
def sheet_reopen(*, sheet: ScoreSheet, actor: User, reason: str) -> ScoreSheet:
    """Only the admin reopens a submitted sheet, with a reason (history keeps both versions)."""
    locked = ScoreSheet.objects.select_for_update().get(pk=sheet.pk)
    if locked.status != SheetStatus.SUBMITTED:
        raise TransitionError(_("只有已提交的评分表可以退回修改。"))
    if not reason.strip():
        raise Refused(_("请填写退回修改的原因。"))
    # The old total lives on in the history; it no longer counts.
    return transition(
        locked, SheetStatus.REOPENED, table=ScoreSheet.TRANSITIONS, actor=actor,
        note=_("退回修改：%(reason)s") % {"reason": reason}, fields={"reopen_reason": reason, "total": None},
    )


def scoring_close_blockers(plan: ReviewPlan, *, now=None, unscored=None) -> list[str]:
    """What is still open in the round whose scoring would close (issue 13): the call, undecided applications,
    accepted applications whose sheets are not all in, the scoring deadline, defense sessions still to come and
    inspections the plan asks for but nobody recorded. Empty when the scoring can close without a word. `unscored`:
    `unscored_applications(plan)` when the caller has it already."""
    now = now or timezone.now()
    round = plan.round
    blockers = []
    if round.closes_at > now:
        blockers.append(_("申报期尚未结束（%(at)s截止）") % {"at": cn_datetime(round.closes_at)})
    undecided = round.applications.filter(
        status__in=(ApplicationStatus.SUBMITTED, ApplicationStatus.RETURNED, ApplicationStatus.RESUBMITTED)
    ).count()
    if undecided:
        blockers.append(_("%(n)d份申报尚未作出受理决定") % {"n": undecided})
    unscored = [a.institution_name for a in (unscored_applications(plan) if unscored is None else unscored)]
    if unscored:
        blockers.append(_("%(n)d份已受理的申报评分未完成：%(names)s") % {"n": len(unscored), "names": "、".join(unscored)})
    if plan.scoring_closes_at > now and _reviewers_still_at_work(round):
        blockers.append(
            _("评分截止时间（%(at)s）未到，仍有评审专家未提交评分") % {"at": cn_datetime(plan.scoring_closes_at)}
        )
    sessions = DefenseSession.objects.filter(round=round, starts_on__gt=timezone.localdate(now)).order_by("starts_on")
    if sessions:
        blockers.append(_("现场答辩尚未举行（%(dates)s）") % {"dates": "、".join(cn_date(s.starts_on) for s in sessions)})
    if ReviewMethod.FIELD in plan.methods:
        missing = round.applications.filter(status=ApplicationStatus.ACCEPTED, field_inspections__isnull=True).count()
        if missing:
            blockers.append(_("%(n)d份已受理的申报尚无实地考察记录") % {"n": missing})
    return blockers


def _reviewers_still_at_work(round) -> bool:
    """Whether a reviewer of the round has an assignment not yet declared or a sheet not yet submitted: before the
    deadline they were promised the time; once every sheet is in, nobody waits for it."""

    return (
        ReviewAssignment.objects.filter(application__round=round)
        .exclude(status=AssignmentStatus.RECUSED)
        .exclude(sheet__status=SheetStatus.SUBMITTED)
        .exists()
    )


def unscored_applications(plan: ReviewPlan):
    """Accepted applications of the round whose scoring is not done: no submitted sheet at all, or an active
    reviewer's sheet not submitted. (A department whose reviewers all recused is not open: the ranking averages the
    departments that scored, review.scoring.)"""

    accepted = list(plan.round.applications.filter(status=ApplicationStatus.ACCEPTED).order_by("institution_name"))
    active = ReviewAssignment.objects.filter(application__in=accepted, status=AssignmentStatus.ACTIVE).select_related("sheet")
    submitted, open_sheets = set(), set()
    for assignment in active:
        sheet = getattr(assignment, "sheet", None)
        if sheet is not None and sheet.status == SheetStatus.SUBMITTED:
            submitted.add(assignment.application_id)
        else:
            open_sheets.add(assignment.application_id)
    return [a for a in accepted if a.pk in open_sheets or a.pk not in submitted]


@transaction.atomic
def plan_close_scoring(*, plan: ReviewPlan, actor: User, reason: str = "", request=None) -> ReviewPlan:
    """Close the scoring stage: sheets lock, and reviewers may now see each other's scores.

    Refused while something is still open (`scoring_close_blockers`) unless the admin gives a reason, which is kept
    on the plan, in its history and in the audit log with what was open."""
    plan = ReviewPlan.objects.select_for_update().get(pk=plan.pk)
    if plan.is_closed:
        raise Refused(_("评分阶段已经关闭。"))
    blockers = scoring_close_blockers(plan)
    reason = reason.strip()
    if blockers and not reason:
        raise Refused(
            _("尚不能关闭评分阶段：%(open)s。如确需提前关闭，请填写理由。") % {"open": "；".join(blockers)}
        )
    plan.closed_at = timezone.now()
    plan.close_reason = reason if blockers else ""
    plan._change_reason = _("关闭评分阶段") + (_("（提前关闭：%(reason)s）") % {"reason": reason} if blockers else "")
    plan.save(update_fields=["closed_at", "close_reason"])
    if blockers:
        audit(
            AuditEvent.TRANSITION, user=actor, request=request, obj=plan,
            detail=f"scoring closed early: {reason} | open: {'; '.join(blockers)}",
        )
    return plan


def scoring_closed(round_id: int) -> bool:
    """Whether the round's scoring is closed (read afresh: a plan cached on a round object may be stale)."""
    return ReviewPlan.objects.filter(round=round_id, closed_at__isnull=False).exists()


def acceptance_refusal(application) -> str:
    """applications' guard (applications.services.ACCEPT_GUARDS): no application is accepted into a review whose
    scoring is closed, where nobody could score it."""
    return _("本批次评分阶段已关闭，不能再受理申报进入评审。") if scoring_closed(application.round_id) else ""


def department_progress(plan: ReviewPlan) -> list[dict]:
    """Per department: assignments active, sheets submitted, recusals — for the admin's progress table."""

    rows = {}
    assignments = ReviewAssignment.objects.filter(application__round=plan.round_id).select_related("department", "sheet")
    for assignment in assignments:
        row = rows.setdefault(
            assignment.department_id,
            {"department": assignment.department, "assigned": 0, "submitted": 0, "recused": 0, "awaiting": 0},
        )
        if assignment.status == AssignmentStatus.RECUSED:
            row["recused"] += 1
            continue
        row["assigned"] += 1
        if assignment.status == AssignmentStatus.AWAITING_DECLARATION:
            row["awaiting"] += 1
        sheet = getattr(assignment, "sheet", None)
        if sheet is not None and sheet.status == SheetStatus.SUBMITTED:
            row["submitted"] += 1
    return list(rows.values())
