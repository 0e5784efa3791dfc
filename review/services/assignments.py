"""Who reviews what: proposals, manual assignment, confirmation, conflict declarations and recusal (回避).

Seed 000 六(二): 「严禁优亲厚友、弄虚作假」. A reviewer sees no material of an application before declaring; a declared
conflict recuses at once (access removed, files included) and asks the admin to reassign.
"""

from collections import Counter

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from guardian.shortcuts import assign_perm, remove_perm

from applications.enums import ApplicationStatus
from applications.models import Application
from portal.enums import Role
from portal.models import Round, User
from portal.selectors import programme_admins
from portal.services import notify
from portal.transitions import Refused, TransitionError, transition
from review.enums import AssignmentStatus, ConflictKind, SheetStatus
from review.models import ConflictDeclaration, ReviewAssignment, ScoreSheet
from review.services.sheets import scoring_closed

REVIEW_PERM = "applications.review_application"
LIVE = (AssignmentStatus.PROPOSED, AssignmentStatus.AWAITING_DECLARATION, AssignmentStatus.ACTIVE)


def accepted_applications(round: Round):
    return Application.objects.filter(round=round, status=ApplicationStatus.ACCEPTED).select_related("institution")


def conflict_flags(*, reviewer: User, application: Application) -> list[str]:
    """Conflicts the portal can see by itself (issue 5 §3), as sentences for the admin to read before assigning."""
    flags = []
    institution = application.institution
    if reviewer.institution_id and reviewer.institution_id == institution.pk:
        flags.append(_("该专家在申报机构工作。"))
    if institution.supervisor_id and institution.supervisor_id == reviewer.department_id:
        flags.append(
            _("申报机构由该专家所在部门（%(department)s）直接主管。") % {"department": reviewer.department}
        )
    declared = ConflictDeclaration.objects.filter(
        assignment__reviewer=reviewer, assignment__application__institution=institution
    ).exclude(kind=ConflictKind.NONE)
    if declared.exists():
        flags.append(_("该专家曾声明与该机构存在利益冲突。"))
    return flags


def _reviewers_of(department) -> list[User]:
    return list(User.objects.filter(role=Role.REVIEWER, department=department, is_active=True).order_by("pk"))


@transaction.atomic
def assignments_propose(*, round: Round, actor: User) -> list[str]:
    """Propose reviewers so every accepted application has the plan's number from each department.

    Picks, for each gap, the reviewer of that department with the fewest assignments in the round (workload
    balance), skipping anyone with a conflict flag or already assigned. Side effects: PROPOSED assignments (the
    admin adjusts, then confirms). Returns the gaps it could not fill, as sentences.

    The round is locked first: a second proposal at the same moment waits, then finds the gaps filled.
    """
    Round.objects.select_for_update(no_key=True).get(pk=round.pk)
    plan = round.review_plan
    programme_departments = [pd.department for pd in round.programme.programme_departments.select_related("department")]
    load = Counter(
        ReviewAssignment.objects.filter(application__round=round, status__in=LIVE).values_list("reviewer_id", flat=True)
    )
    gaps = []
    for application in accepted_applications(round):
        existing = ReviewAssignment.objects.filter(application=application)
        taken = set(existing.values_list("reviewer_id", flat=True))
        for department in programme_departments:
            have = existing.filter(department=department, status__in=LIVE).count()
            candidates = [
                r for r in _reviewers_of(department)
                if r.pk not in taken and not conflict_flags(reviewer=r, application=application)
            ]
            candidates.sort(key=lambda r: (load[r.pk], r.pk))
            for reviewer in candidates[: max(plan.reviewers_per_department - have, 0)]:
                ReviewAssignment.objects.create(
                    application=application, reviewer=reviewer, department=department, created_by=actor
                )
                load[reviewer.pk] += 1
                have += 1
            if have < plan.reviewers_per_department:
                gaps.append(
                    _("%(institution)s：%(department)s 还缺 %(count)d 名无利益冲突的评审专家。")
                    % {"institution": application.institution_name, "department": department, "count": plan.reviewers_per_department - have}
                )
    return gaps


def assignment_create(*, application: Application, reviewer: User, actor: User, override: bool = False) -> ReviewAssignment:
    """Assign one reviewer by hand. A flagged conflict is refused unless the admin confirms (`override`)."""
    if reviewer.role != Role.REVIEWER or reviewer.department_id is None:
        raise Refused(_("只能分配评审专家。"))
    if application.status != ApplicationStatus.ACCEPTED:
        raise Refused(_("只有已受理的申报才能分配评审。"))
    if scoring_closed(application.round_id):
        raise Refused(_("评分阶段已关闭，不能再分配评审专家。"))
    if not application.round.programme.programme_departments.filter(department=reviewer.department_id).exists():
        raise Refused(_("该专家所在部门不是本评定项目的评定部门。"))
    flags = conflict_flags(reviewer=reviewer, application=application)
    if flags and not override:
        raise Refused(_("可能存在利益冲突：") + "".join(flags) + _("如确认仍要分配，请勾选“已核实，仍然分配”。"))
    assigned = TransitionError(_("该专家已分配过这份申报（包括已回避的）。"))
    if ReviewAssignment.objects.filter(application=application, reviewer=reviewer).exists():
        raise assigned
    assignment = ReviewAssignment(application=application, reviewer=reviewer, department=reviewer.department, created_by=actor)
    assignment._change_reason = _("管理员分配") + ("；" + "".join(flags) if flags else "")
    try:
        with transaction.atomic():
            assignment.save()
    except IntegrityError:  # the same assignment added twice at once: the unique constraint let the first in
        if not ReviewAssignment.objects.filter(application=application, reviewer=reviewer).exists():
            raise
        raise assigned from None
    return assignment


def assignment_remove(*, assignment: ReviewAssignment, actor: User) -> None:
    """Remove a proposed assignment (only before it is confirmed)."""
    if assignment.status != AssignmentStatus.PROPOSED:
        raise Refused(_("已确认的分配不能删除；如需更换，请对该专家执行回避。"))
    assignment.delete()


@transaction.atomic
def assignments_confirm(*, round: Round, actor: User) -> int:
    """Confirm all proposed assignments of the round and tell each reviewer. Returns how many were confirmed."""
    # The proposals only (not the applications the filter joins), in one order: a second confirmation at the same
    # moment waits on the first row, then finds none still proposed.
    proposed = list(
        ReviewAssignment.objects.select_for_update(of=("self",))
        .filter(application__round=round, status=AssignmentStatus.PROPOSED)
        .order_by("pk")
    )
    now = timezone.now()
    for assignment in proposed:
        transition(
            assignment, AssignmentStatus.AWAITING_DECLARATION, table=ReviewAssignment.TRANSITIONS, actor=actor,
            note=_("确认分配"), fields={"confirmed_at": now},
        )
    per_reviewer = Counter(a.reviewer_id for a in proposed)
    for reviewer in User.objects.filter(pk__in=per_reviewer):
        notify(
            users=[reviewer],
            text=_("您有%(count)d份新的评审任务（%(round)s）。查看材料前请先声明是否存在利益冲突。")
            % {"count": per_reviewer[reviewer.pk], "round": round},
            link="/home/",
        )
    return len(proposed)


@transaction.atomic
def conflict_declare(*, assignment: ReviewAssignment, actor: User, kind: str, detail: str = "") -> ReviewAssignment:
    """The reviewer's declaration. No conflict opens the material and the score sheet; a conflict recuses at once."""
    locked = ReviewAssignment.objects.select_for_update().get(pk=assignment.pk)
    if locked.reviewer_id != actor.pk:
        raise Refused(_("只能由被分配的评审专家本人声明。"))
    if locked.status != AssignmentStatus.AWAITING_DECLARATION:
        raise TransitionError(_("该评审任务当前不需要声明。"))
    if kind != ConflictKind.NONE and not detail.strip():
        raise Refused(_("声明存在利益冲突时，请简要说明情况。"))
    ConflictDeclaration.objects.create(assignment=locked, kind=kind, detail=detail)
    if kind == ConflictKind.NONE:
        locked = transition(
            locked, AssignmentStatus.ACTIVE, table=ReviewAssignment.TRANSITIONS, actor=actor, note=_("声明无利益冲突")
        )
        assign_perm(REVIEW_PERM, locked.reviewer, locked.application)
        ScoreSheet.objects.get_or_create(assignment=locked)
    else:
        locked = _recuse(
            locked, actor=actor, reason=_("本人声明：%(kind)s。%(detail)s") % {"kind": ConflictKind(kind).label, "detail": detail}
        )
    return locked


@transaction.atomic
def assignment_recuse(*, assignment: ReviewAssignment, actor: User, reason: str) -> ReviewAssignment:
    """The admin recuses a reviewer (e.g. a conflict reported by others)."""
    locked = ReviewAssignment.objects.select_for_update().get(pk=assignment.pk)
    if locked.status == AssignmentStatus.RECUSED:
        raise TransitionError(_("该专家已回避。"))
    return _recuse(locked, actor=actor, reason=_("管理员决定回避：%(reason)s") % {"reason": reason})


def _recuse(assignment: ReviewAssignment, *, actor: User, reason: str) -> ReviewAssignment:
    """Recusal: no access from now on (material and files), the sheet stays for the record, the admin reassigns."""
    assignment = transition(
        assignment, AssignmentStatus.RECUSED, table=ReviewAssignment.TRANSITIONS, actor=actor, note=reason,
        fields={"recused_at": timezone.now(), "recusal_reason": reason},
    )
    remove_perm(REVIEW_PERM, assignment.reviewer, assignment.application)
    notify(
        users=programme_admins(assignment.application.round.programme),
        text=_("%(reviewer)s 已回避“%(institution)s”的评审，请重新分配。")
        % {"reviewer": assignment.reviewer, "institution": assignment.application.institution_name},
        link=f"/review/rounds/{assignment.application.round_id}/assignments/",
    )
    return assignment


def recusal_counts(round: Round) -> dict[int, int]:
    """Recusals per application of the round."""
    rows = ReviewAssignment.objects.filter(application__round=round, status=AssignmentStatus.RECUSED)
    return Counter(rows.values_list("application_id", flat=True))


def reviewer_tasks(user: User):
    return (
        ReviewAssignment.objects.filter(reviewer=user)
        .filter(Q(status=AssignmentStatus.AWAITING_DECLARATION) | Q(status=AssignmentStatus.ACTIVE))
        .select_related("application__round__programme", "application__round__review_plan", "sheet")
        .order_by("status", "application__institution_name")
    )


def _still_to_do(task: ReviewAssignment) -> bool:
    plan = getattr(task.application.round, "review_plan", None)
    if plan is not None and plan.is_closed:
        return False
    sheet = getattr(task, "sheet", None)
    return task.status == AssignmentStatus.AWAITING_DECLARATION or sheet is None or sheet.status != SheetStatus.SUBMITTED


def reviewer_task_lists(user: User) -> tuple[list, list]:
    """The reviewer's home (issue 13): what is still to do (declare, score), the nearest scoring deadline first; and
    apart, what is done (submitted) or can no longer be done (the scoring closed), the latest first."""
    tasks = list(reviewer_tasks(user))

    def deadline(task):
        plan = getattr(task.application.round, "review_plan", None)
        return plan.scoring_closes_at if plan is not None else task.created_at

    to_do = sorted((t for t in tasks if _still_to_do(t)), key=lambda t: (deadline(t), t.application.institution_name))
    done = sorted((t for t in tasks if not _still_to_do(t)), key=lambda t: t.application.institution_name)
    done.sort(key=deadline, reverse=True)  # stable: by name within a deadline
    return to_do, done
