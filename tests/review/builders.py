"""Builders of the review tests (imported by the test modules; not collected itself).

`build_review()` makes a round reviewed by three departments (人社 leads, 发改, 民政), with reviewers and a lead in
each, accepted applications and a review plan on the default rubric. The helpers take one assignment through the
real services (`activate`, `submit`), or write a submitted sheet directly (`submitted_sheet`) for the fixed data of
the ranking tests, where the order of submission must not matter.
"""

import itertools
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.utils import timezone

from applications.enums import ApplicationStatus, PriorityKind
from applications.models import Application, PriorityItem
from portal import services as portal_services
from portal.enums import DepartmentKind
from portal.models import Department, ProgrammeDepartment, Round, User
from review import rubrics
from review.enums import AssignmentStatus, ConflictKind, SheetStatus
from review.models import ReviewAssignment, ReviewPlan, Score, ScoreSheet
from review.services import assignments, sheets
from tests.applications.factories import ApplicationFactory
from tests.factories import (
    DepartmentFactory,
    DepartmentLeadFactory,
    InstitutionFactory,
    ProgrammeFactory,
    ReviewerFactory,
    RoundFactory,
    UserFactory,
)

HR, DRC, CIVIL = DepartmentKind.HR, DepartmentKind.DRC, DepartmentKind.CIVIL_AFFAIRS
KINDS = (HR, DRC, CIVIL)
SHORT = {HR: "人社", DRC: "发改", CIVIL: "民政"}
_serial = itertools.count(1)


@dataclass
class Review:
    round: Round
    plan: ReviewPlan | None
    admin: User
    departments: dict[str, Department]  # by DepartmentKind
    reviewers: dict[str, list[User]]
    leads: dict[str, User]
    applications: list[Application]

    @property
    def programme(self):
        return self.round.programme

    def lines(self, application=None) -> list[rubrics.Line]:
        """The plan's rubric read for `application` (default: the first), as the score sheet reads it."""
        return rubrics.sheet_lines(self.plan.rubric, application or self.applications[0])

    def item(self, code: str):
        return self.plan.rubric.items.get(code=code)

    def application(self, label: str) -> Application:
        return next(a for a in self.applications if a.institution_name == f"申报机构{label}")


def build_review(
    *,
    labels=("甲", "乙"),
    reviewers_each: int = 2,
    per_department: int = 1,
    quota: int = 2,
    weights=(1, 1, 1),
    plan: bool = True,
    **programme_fields,
) -> Review:
    """A county round of `labels` accepted applications (「申报机构甲」…), reviewed by three departments.

    Each department has `reviewers_each` reviewers (「人社专家1」…) and one lead; `weights` are the departments'
    weights in the order 人社, 发改, 民政. The programme's admin manages it; `programme_fields` go to the programme.
    """
    n = next(_serial)
    programme = ProgrammeFactory(**programme_fields)
    departments = {HR: programme.lead_department}
    ProgrammeDepartment.objects.filter(programme=programme, department=departments[HR]).update(weight=Decimal(weights[0]))
    for order, kind in enumerate((DRC, CIVIL), start=1):
        departments[kind] = DepartmentFactory(kind=kind, name=f"测试县{SHORT[kind]}局{n}", short_name=f"县{SHORT[kind]}局")
        ProgrammeDepartment.objects.create(
            programme=programme, department=departments[kind], order=order, weight=Decimal(weights[order])
        )
    round = RoundFactory(programme=programme, quota=quota)
    admin = UserFactory(full_name=f"管理员{n}")
    portal_services.programme_admin_grant(programme=programme, user=admin)
    reviewers = {
        kind: [ReviewerFactory(department=departments[kind], full_name=f"{SHORT[kind]}专家{i}") for i in range(1, reviewers_each + 1)]
        for kind in KINDS
    }
    leads = {kind: DepartmentLeadFactory(department=departments[kind], full_name=f"{SHORT[kind]}负责人") for kind in KINDS}
    applications = [accepted(round, f"申报机构{label}") for label in labels]
    review_plan = None
    if plan:
        review_plan = ReviewPlan.objects.create(
            round=round,
            rubric=county_rubric(programme),
            methods=["written"],
            reviewers_per_department=per_department,
            scoring_opens_at=timezone.now() - timedelta(days=1),
            scoring_closes_at=timezone.now() + timedelta(days=14),
        )
    return Review(round, review_plan, admin, departments, reviewers, leads, applications)


def county_rubric(programme):
    """The programme's rubric (the county standard of seed 000 四), in use."""
    rubric = rubrics.programme_rubric(programme)
    rubrics.rubric_put_in_use(rubric)
    return rubric


def accepted(round, name: str, **institution_fields) -> Application:
    institution = InstitutionFactory(name=name, **institution_fields)
    return ApplicationFactory(
        round=round, institution=institution, status=ApplicationStatus.ACCEPTED, submitted_at=timezone.now()
    )


def claims_priority(application) -> None:
    """The application claims a priority item (annex 2 四), so reviewers may give it priority points."""
    PriorityItem.objects.create(
        application=application, kind=PriorityKind.HONOUR, title="县级优质服务窗口", issuer="县人社局",
        issued_on=date(2025, 5, 1),
    )


# --- through the services ---------------------------------------------------------------------------------


def confirmed(review: Review, application, reviewer) -> ReviewAssignment:
    """An assignment confirmed by the admin, awaiting the reviewer's declaration."""
    assignment = assignments.assignment_create(application=application, reviewer=reviewer, actor=review.admin, override=True)
    assignments.assignments_confirm(round=application.round, actor=review.admin)
    assignment.refresh_from_db()
    return assignment


def activate(review: Review, application, reviewer) -> ReviewAssignment:
    """An assignment whose reviewer has declared no conflict: access granted, sheet created."""
    assignment = assignments.conflict_declare(
        assignment=confirmed(review, application, reviewer), actor=reviewer, kind=ConflictKind.NONE
    )
    assignment.refresh_from_db()
    return assignment


JUDGED = ("(二)2", "(二)3", "(二)4")  # county conditions 2–4: required, and judged 35 + 35 + 30
BONUS = "(二)5"  # priority (优先评定), ≤ 10


def split(total, *, maxima=(Decimal(35), Decimal(35), Decimal(30))) -> list[Decimal]:
    """`total` (0–100) as points of (二)2, (二)3, (二)4, filled in that order."""
    left, parts = Decimal(total), []
    for most in maxima:
        parts.append(min(left, most))
        left -= parts[-1]
    assert left == 0, f"{total} does not fit the rubric"
    return parts


def score_values(lines, total, *, failed=(), bonus=0) -> dict:
    """What `sheet_save` takes for a sheet worth `total` plus `bonus`, with the required items in `failed` marked
    不符合; items that do not apply to the institution are left out, as the form leaves them."""
    scored = iter(split(total))
    values = {}
    for line in lines:
        if not line.applicable:
            continue
        code = line.item.code
        value = {"passed": code not in failed if line.required else None, "points": None, "comment": ""}
        if line.judged:
            value["points"] = Decimal(bonus) if line.is_bonus else next(scored)
            value["comment"] = "" if line.is_bonus else f"{code}评语"
        values[line.item.pk] = value
    return values


def form_data(lines, total, *, failed=(), bonus=0, action="save", justification="", overrides=None, met=None) -> dict:
    """The score page's POST for the same sheet. `overrides` (by item code: `{"(二)2": "36"}`) replace an item's
    points, or its 符合/不符合 ("1"/"0"/"") where it has no points; `met` (by code) the 符合/不符合 of a judged item."""
    by_code, met_by_code = overrides or {}, met or {}
    data = {"action": action, "justification": justification}
    for pk, value in score_values(lines, total, failed=failed, bonus=bonus).items():
        if value["passed"] is not None:
            data[f"i{pk}_met"] = "1" if value["passed"] else "0"
        if value["points"] is not None:
            data[f"i{pk}"] = str(value["points"])
        data[f"i{pk}_comment"] = value["comment"]
    for line in lines:
        code, pk = line.item.code, line.item.pk
        if code in by_code:
            data[f"i{pk}" if line.judged else f"i{pk}_met"] = by_code[code]
        if code in met_by_code:
            data[f"i{pk}_met"] = met_by_code[code]
    return data


def submit(assignment, total, *, failed=(), bonus=0, justification="") -> ScoreSheet:
    """Save the reviewer's sheet worth `total` and submit it."""
    sheet = assignment.sheet
    sheets.sheet_save(
        sheet=sheet, actor=assignment.reviewer,
        values=score_values(sheets.sheet_lines(sheet), total, failed=failed, bonus=bonus), justification=justification,
    )
    return sheets.sheet_submit(sheet=sheet, actor=assignment.reviewer)


# --- fixed data, written directly ----------------------------------------------------------------------------


def submitted_sheet(
    application, reviewer, total, *, failed=(), status=SheetStatus.SUBMITTED, assignment_status=AssignmentStatus.ACTIVE
) -> ScoreSheet:
    """A sheet of `reviewer` on `application` whose lines add up to `total`, as the services would leave it."""
    assignment = ReviewAssignment.objects.create(
        application=application, reviewer=reviewer, department=reviewer.department, status=assignment_status,
        created_by=reviewer,
    )
    submitted = status == SheetStatus.SUBMITTED
    sheet = ScoreSheet.objects.create(
        assignment=assignment,
        status=status,
        total=Decimal(total) if submitted else None,
        submitted_at=timezone.now() if submitted else None,
    )
    lines = rubrics.sheet_lines(application.round.review_plan.rubric, application)
    Score.objects.bulk_create(
        Score(sheet=sheet, item_id=pk, points=value["points"], passed=value["passed"], comment=value["comment"])
        for pk, value in score_values(lines, total, failed=failed).items()
    )
    return sheet
