"""Demo review records for `manage.py seed_demo`, built through the services:

- the 2022 round, reviewed and closed: three departments scored, the leads signed, the shortlist saved;
- the 2026 first batch, reviewed and shortlisted (two of three), for the publicity demo;
- the 2025 round, under review: a declared conflict and its replacement, a supervisor conflict the portal flagged
  (the gig market is run by the HR bureau, so no HR reviewer is proposed), sheets submitted and still missing,
  one lead's opinions signed.
Idempotent: a round that already has a review plan is left as it is.
"""

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from applications.enums import ApplicationStatus
from applications.models import Application
from portal.enums import Role
from portal.models import Round, User
from review import rubrics
from review.enums import AssignmentStatus, ConflictKind, OpinionVerdict, ReviewMethod
from review.models import ReviewAssignment, ReviewPlan
from review.services import assignments, results, sheets, stages

# Points per judged item (county conditions (二)2, (二)3, (二)4) and the priority bonus (二)5, by institution name; each reviewer varies them a little.
POINTS = {
    "高青县公共就业和人才服务中心": ("32", "31", "27", "8"),
    "淄博鑫诚人力资源服务有限公司": ("29", "30", "24", "5"),
    "高青县田镇街道便民服务中心": ("30", "27", "26", "0"),
    "高青县华育职业培训学校": ("26", "25", "22", "0"),
    "高青县零工市场": ("31", "28", "25", "6"),
    "高青县芦湖街道社区就业服务站": ("31", "29", "26", "4"),
    "淄博众联人力资源服务有限公司": ("29", "28", "25", "2"),
    "高青县花沟镇某村股份经济合作社": ("27", "26", "23", "0"),
}


def _rubric(programme):
    rubric = rubrics.programme_rubric(programme)
    rubrics.rubric_put_in_use(rubric)
    return rubric


def _plan(round: Round, methods) -> ReviewPlan:
    start = timezone.localtime(round.closes_at) + timedelta(days=3)
    return ReviewPlan.objects.create(
        round=round,
        rubric=_rubric(round.programme),
        methods=methods,
        reviewers_per_department=1,
        scoring_opens_at=start,
        scoring_closes_at=start + timedelta(days=14),
    )


def _score(assignment: ReviewAssignment, offset: int) -> None:
    sheet = assignment.sheet
    values = {}
    points = POINTS.get(assignment.application.institution_name, ("25", "25", "25", "0"))
    scored = iter(points)
    for line in sheets.sheet_lines(sheet):
        values[line.item.pk] = {"passed": True if line.required else None, "points": None, "comment": ""}
        if line.judged:
            value = max(Decimal(next(scored)) + Decimal(offset), Decimal(0))
            values[line.item.pk] |= {"points": min(value, line.item.max_points), "comment": "材料翔实，成效明显。"}
    sheets.sheet_save(sheet=sheet, actor=assignment.reviewer, values=values, justification="")
    sheets.sheet_submit(sheet=sheet, actor=assignment.reviewer)


def _declare_all(round: Round, *, skip=()) -> None:
    for assignment in ReviewAssignment.objects.filter(application__round=round, status=AssignmentStatus.AWAITING_DECLARATION):
        if (assignment.reviewer.username, assignment.application.institution_name) in skip:
            continue
        assignments.conflict_declare(assignment=assignment, actor=assignment.reviewer, kind=ConflictKind.NONE)


def _inspect_all(round: Round, plan: ReviewPlan, *, admin: User) -> None:
    """实地考察 of every accepted application in the scoring window's first days, by its active reviewers."""
    accepted = Application.objects.filter(round=round, status=ApplicationStatus.ACCEPTED).order_by("pk")
    for day, application in enumerate(accepted):
        inspectors = User.objects.filter(
            review_assignments__application=application, review_assignments__status=AssignmentStatus.ACTIVE
        )
        stages.field_inspection_record(
            application=application, actor=admin,
            inspected_on=timezone.localdate(plan.scoring_opens_at) + timedelta(days=day % 5),
            inspectors=inspectors, findings="实地查看服务场所和服务台账，现场情况与申报材料一致。",
        )


def _sign(application: Application, lead: User) -> None:
    results.opinion_sign(application=application, actor=lead, verdict=OpinionVerdict.AGREE, text="经审核，该机构符合评定条件，同意推荐。")


def seed_review(*, rounds: dict[str, Round], admin: User) -> list[str]:
    done = []
    closed = rounds["2022"]
    if not ReviewPlan.objects.filter(round=closed).exists():
        methods = [ReviewMethod.WRITTEN, ReviewMethod.DEFENSE, ReviewMethod.FIELD]
        _review_decided(closed, methods, admin=admin, score_offset=lambda offset: offset - 1, shortlisted=1)
        done.append(str(closed))
    current = rounds["2025"]
    if not ReviewPlan.objects.filter(round=current).exists():
        _review_in_progress(current, admin=admin)
        done.append(str(current))
    first_batch = rounds.get("2026a")
    if first_batch is not None and not ReviewPlan.objects.filter(round=first_batch).exists():
        methods = [ReviewMethod.WRITTEN, ReviewMethod.FIELD]
        _review_decided(first_batch, methods, admin=admin, score_offset=lambda offset: 0, shortlisted=first_batch.quota)
        done.append(str(first_batch))
    return done


def _review_decided(round: Round, methods, *, admin: User, score_offset, shortlisted: int) -> None:
    """A round reviewed to the end: every sheet scored (`score_offset(n)` apart), every lead's opinion signed, scoring
    closed and the top `shortlisted` on the shortlist."""
    plan = _plan(round, methods)
    assignments.assignments_propose(round=round, actor=admin)
    assignments.assignments_confirm(round=round, actor=admin)
    _declare_all(round)
    active = ReviewAssignment.objects.filter(application__round=round, status=AssignmentStatus.ACTIVE)
    for offset, assignment in enumerate(active):
        _score(assignment, score_offset(offset))
    if ReviewMethod.FIELD in methods:
        _inspect_all(round, plan, admin=admin)
    for lead in User.objects.filter(role=Role.DEPARTMENT_LEAD, username__startswith="lead_"):
        for application in Application.objects.filter(round=round, status=ApplicationStatus.ACCEPTED):
            _sign(application, lead)
    sheets.plan_close_scoring(plan=plan, actor=admin)
    ranked, _ineligible, _apps = results.round_ranking(round)
    top = [row.application_id for row in ranked[:shortlisted]]
    results.shortlist_save(round=round, application_ids=top, skip_reasons={}, actor=admin)


def _review_in_progress(current: Round, *, admin: User) -> None:
    """The 2025 round mid-review: a declared conflict replaced, one declaration and one sheet still to do, the HR
    lead's opinions signed."""
    _plan(current, [ReviewMethod.WRITTEN, ReviewMethod.DEFENSE])
    assignments.assignments_propose(round=current, actor=admin)
    assignments.assignments_confirm(round=current, actor=admin)
    conflicted = ReviewAssignment.objects.get(
        application__round=current, reviewer__username="reviewer_hr", application__institution_name="高青县华育职业培训学校"
    )
    assignments.conflict_declare(
        assignment=conflicted, actor=conflicted.reviewer, kind=ConflictKind.EMPLOYMENT, detail="2024年曾在该校兼职授课。"
    )
    assignments.assignments_propose(round=current, actor=admin)  # the replacement: reviewer_hr2
    assignments.assignments_confirm(round=current, actor=admin)
    _declare_all(current, skip={("reviewer_civil", "高青县零工市场")})
    for offset, assignment in enumerate(
        ReviewAssignment.objects.filter(application__round=current, status=AssignmentStatus.ACTIVE).exclude(
            application__institution_name="高青县零工市场", department__kind="civil"
        )
    ):
        if assignment.application.institution_name == "高青县零工市场" and assignment.department.kind == "drc":
            continue  # left as a draft: still to be scored
        _score(assignment, offset % 3 - 1)
    lead = User.objects.get(username="lead_hr")
    for application in Application.objects.filter(round=current, status=ApplicationStatus.ACCEPTED).exclude(institution_name="高青县零工市场"):
        _sign(application, lead)
