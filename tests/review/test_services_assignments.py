"""Who reviews what (review.services.assignments): proposals, manual assignment, confirmation, declarations, recusal."""

from collections import Counter

import pytest

from applications.selectors import application_list_for_user
from portal import services as portal_services
from portal.enums import RegionLevel
from portal.models import Notification, User
from portal.transitions import Refused, TransitionError
from review.enums import AssignmentStatus, ConflictKind, SheetStatus
from review.models import ConflictDeclaration, ReviewAssignment, ScoreSheet
from review.services import assignments as services
from tests.factories import ProgrammeFactory, RegionFactory, ReviewerFactory, RoundFactory, UserFactory
from tests.portal.helpers import at
from tests.review.builders import CIVIL, DRC, HR, accepted, activate, build_review, confirmed, submit
from tests.worlds import module_world

pytestmark = pytest.mark.django_db

REVIEW_PERM = "applications.review_application"


def build_one():
    """One application 甲, two reviewers in each department."""
    return build_review(labels=("甲",))


_review, review = module_world("review", build_one, built_at=at(2026, 6, 1, 9))


def cells(round) -> Counter:
    """(institution, department short name) → number of live assignments."""
    rows = ReviewAssignment.objects.filter(application__round=round).exclude(status=AssignmentStatus.RECUSED)
    return Counter(rows.values_list("application__institution_name", "department__short_name"))


def load(round) -> Counter:
    rows = ReviewAssignment.objects.filter(application__round=round).exclude(status=AssignmentStatus.RECUSED)
    return Counter(rows.values_list("reviewer__full_name", flat=True))


def can_review(reviewer, application) -> bool:
    fresh = User.objects.get(pk=reviewer.pk)  # guardian caches permissions on the user object
    return fresh.has_perm(REVIEW_PERM, application) and application_list_for_user(fresh).filter(pk=application.pk).exists()


def texts(user) -> list[str]:
    return list(Notification.objects.filter(user=user).values_list("text", flat=True))


# --- proposals ---------------------------------------------------------------------------------------------


def test_propose_fills_each_department_and_spreads_the_work():
    review = build_review(labels=("甲", "乙"), reviewers_each=2, per_department=1)

    gaps = services.assignments_propose(round=review.round, actor=review.admin)

    assert gaps == []
    expected = {(f"申报机构{label}", short): 1 for label in "甲乙" for short in ("县人社局", "县发改局", "县民政局")}
    assert dict(cells(review.round)) == expected
    assert sorted(load(review.round).values()) == [1] * 6  # 2 reviewers × 3 departments, one application each
    assert set(ReviewAssignment.objects.values_list("status", "created_by")) == {(AssignmentStatus.PROPOSED, review.admin.pk)}


def test_propose_again_adds_nothing_once_the_gaps_are_filled():
    """What a second proposal sent at the same moment finds once the first has committed (it waits on the round)."""
    review = build_review(labels=("甲", "乙"), reviewers_each=2, per_department=1)
    services.assignments_propose(round=review.round, actor=review.admin)

    gaps = services.assignments_propose(round=review.round, actor=review.admin)

    assert gaps == []
    assert ReviewAssignment.objects.filter(application__round=review.round).count() == 6


def test_propose_takes_reviewers_per_department_from_each_department():
    review = build_review(labels=("甲",), reviewers_each=3, per_department=2)

    services.assignments_propose(round=review.round, actor=review.admin)

    assert dict(cells(review.round)) == {("申报机构甲", "县人社局"): 2, ("申报机构甲", "县发改局"): 2, ("申报机构甲", "县民政局"): 2}
    assert set(load(review.round)) == {"人社专家1", "人社专家2", "发改专家1", "发改专家2", "民政专家1", "民政专家2"}


def test_propose_gives_the_next_application_to_the_reviewer_with_fewest_assignments():
    review = build_review(labels=("甲", "乙", "丙"), reviewers_each=2, per_department=1)
    first, second = review.reviewers[HR]
    services.assignment_create(application=review.application("甲"), reviewer=first, actor=review.admin)
    services.assignment_create(application=review.application("乙"), reviewer=first, actor=review.admin)

    services.assignments_propose(round=review.round, actor=review.admin)

    hr = ReviewAssignment.objects.filter(department=review.departments[HR])
    assert dict(Counter(hr.values_list("reviewer__full_name", flat=True))) == {"人社专家1": 2, "人社专家2": 1}
    assert hr.get(application=review.application("丙")).reviewer == second


def test_propose_skips_the_applicants_own_staff_and_reports_the_gap():
    review = build_review(labels=("甲",), reviewers_each=1)
    drc = review.reviewers[DRC][0]
    drc.institution = review.application("甲").institution
    drc.save()

    gaps = services.assignments_propose(round=review.round, actor=review.admin)

    assert gaps == [f"申报机构甲：{review.departments[DRC].name} 还缺 1 名无利益冲突的评审专家。"]
    assert not ReviewAssignment.objects.filter(reviewer=drc).exists()
    assert cells(review.round)[("申报机构甲", "县人社局")] == 1


def test_propose_skips_reviewers_of_the_supervising_department():
    review = build_review(labels=("甲", "乙"), reviewers_each=2, per_department=2)
    institution = review.application("乙").institution
    institution.supervisor = review.departments[CIVIL]
    institution.save()

    gaps = services.assignments_propose(round=review.round, actor=review.admin)

    assert gaps == [f"申报机构乙：{review.departments[CIVIL].name} 还缺 2 名无利益冲突的评审专家。"]
    assert cells(review.round)[("申报机构乙", "县民政局")] == 0
    assert cells(review.round)[("申报机构甲", "县民政局")] == 2


def test_propose_skips_a_reviewer_who_declared_a_conflict_with_the_institution_before(review):
    earlier_round = RoundFactory(programme=review.programme, name="2025年度")
    earlier = accepted(earlier_round, "申报机构甲（上一批次）")
    earlier.institution = review.application("甲").institution
    earlier.save()
    conflicted = review.reviewers[HR][0]
    services.conflict_declare(assignment=confirmed(review, earlier, conflicted), actor=conflicted, kind=ConflictKind.FINANCIAL, detail="持股。")

    services.assignments_propose(round=review.round, actor=review.admin)

    hr = ReviewAssignment.objects.get(application=review.application("甲"), department=review.departments[HR])
    assert hr.reviewer == review.reviewers[HR][1]


def test_propose_replaces_a_recused_reviewer_with_another_and_never_proposes_the_recused_one_again(review):
    services.assignments_propose(round=review.round, actor=review.admin)
    services.assignments_confirm(round=review.round, actor=review.admin)
    first = ReviewAssignment.objects.get(department=review.departments[HR])
    services.conflict_declare(assignment=first, actor=first.reviewer, kind=ConflictKind.RELATIVE, detail="负责人是我表哥。")

    services.assignments_propose(round=review.round, actor=review.admin)
    again = services.assignments_propose(round=review.round, actor=review.admin)

    other = next(r for r in review.reviewers[HR] if r != first.reviewer)
    hr = ReviewAssignment.objects.filter(department=review.departments[HR])
    assert set(hr.values_list("reviewer", "status")) == {
        (first.reviewer.pk, AssignmentStatus.RECUSED),
        (other.pk, AssignmentStatus.PROPOSED),
    }
    assert again == []
    assert ReviewAssignment.objects.count() == 4


def test_propose_leaves_out_applications_not_accepted(review):
    draft = review.applications[0]
    draft.status = "submitted"
    draft.save()

    gaps = services.assignments_propose(round=review.round, actor=review.admin)

    assert gaps == []
    assert ReviewAssignment.objects.count() == 0


# --- manual assignment and removal ---------------------------------------------------------------------------


def test_assignment_create_refuses_a_flagged_conflict_without_override(review):
    institution = review.application("甲").institution
    institution.supervisor = review.departments[HR]
    institution.save()
    reviewer = review.reviewers[HR][0]

    with pytest.raises(Refused) as refused:
        services.assignment_create(application=review.application("甲"), reviewer=reviewer, actor=review.admin)

    assert str(refused.value) == (
        f"可能存在利益冲突：申报机构由该专家所在部门（{review.departments[HR].name}）直接主管。"
        "如确认仍要分配，请勾选“已核实，仍然分配”。"
    )
    assert ReviewAssignment.objects.count() == 0


@pytest.mark.history
def test_assignment_create_with_override_records_the_flag_in_history(review):
    reviewer = review.reviewers[DRC][0]
    reviewer.institution = review.application("甲").institution
    reviewer.save()

    assignment = services.assignment_create(application=review.application("甲"), reviewer=reviewer, actor=review.admin, override=True)

    assert (assignment.status, assignment.department, assignment.created_by) == (AssignmentStatus.PROPOSED, review.departments[DRC], review.admin)
    assert assignment.history.get().history_change_reason == "管理员分配；该专家在申报机构工作。"


@pytest.mark.parametrize("case", ["not_a_reviewer", "not_accepted", "twice"])
def test_assignment_create_refuses(review, case):
    application, reviewer = review.application("甲"), review.reviewers[HR][0]
    expected = {"not_a_reviewer": "只能分配评审专家。", "not_accepted": "只有已受理的申报才能分配评审。", "twice": "该专家已分配过这份申报（包括已回避的）。"}
    if case == "not_a_reviewer":
        reviewer = review.leads[HR]
    elif case == "not_accepted":
        application.status = "returned"
        application.save()
    else:
        services.assignment_create(application=application, reviewer=reviewer, actor=review.admin)

    with pytest.raises(Refused) as refused:
        services.assignment_create(application=application, reviewer=reviewer, actor=review.admin)

    assert str(refused.value) == expected[case]
    assert ReviewAssignment.objects.count() == (1 if case == "twice" else 0)


def test_assignment_remove_only_before_confirmation(review):
    proposed = services.assignment_create(application=review.application("甲"), reviewer=review.reviewers[HR][0], actor=review.admin)
    kept = confirmed(review, review.application("甲"), review.reviewers[DRC][0])

    services.assignment_remove(assignment=proposed, actor=review.admin)
    with pytest.raises(Refused) as refused:
        services.assignment_remove(assignment=kept, actor=review.admin)

    assert str(refused.value) == "已确认的分配不能删除；如需更换，请对该专家执行回避。"
    assert list(ReviewAssignment.objects.values_list("pk", flat=True)) == [kept.pk]


# --- confirmation ---------------------------------------------------------------------------------------------


def test_confirm_asks_each_reviewer_to_declare_and_tells_them_once():
    review = build_review(labels=("甲", "乙"), reviewers_each=1)
    services.assignments_propose(round=review.round, actor=review.admin)

    count = services.assignments_confirm(round=review.round, actor=review.admin)

    assert count == 6
    assert set(ReviewAssignment.objects.values_list("status", flat=True)) == {AssignmentStatus.AWAITING_DECLARATION}
    assert ReviewAssignment.objects.filter(confirmed_at__isnull=True).count() == 0
    for reviewers in review.reviewers.values():
        assert texts(reviewers[0]) == [f"您有2份新的评审任务（{review.round}）。查看材料前请先声明是否存在利益冲突。"]
    assert not can_review(review.reviewers[HR][0], review.application("甲"))
    assert ScoreSheet.objects.count() == 0


def test_confirm_leaves_other_rounds_alone(review):
    other = build_review(labels=("乙",))
    services.assignments_propose(round=other.round, actor=other.admin)

    count = services.assignments_confirm(round=review.round, actor=review.admin)

    assert count == 0
    assert set(ReviewAssignment.objects.values_list("status", flat=True)) == {AssignmentStatus.PROPOSED}
    assert Notification.objects.count() == 0


# --- declarations -----------------------------------------------------------------------------------------------


def test_declaring_no_conflict_opens_the_application_and_creates_the_sheet(review):
    reviewer = review.reviewers[HR][0]
    assignment = confirmed(review, review.application("甲"), reviewer)

    services.conflict_declare(assignment=assignment, actor=reviewer, kind=ConflictKind.NONE)

    assignment.refresh_from_db()
    assert assignment.status == AssignmentStatus.ACTIVE
    assert can_review(reviewer, review.application("甲"))
    assert assignment.sheet.status == SheetStatus.DRAFT
    assert list(assignment.declarations.values_list("kind", flat=True)) == [ConflictKind.NONE]


def test_declaring_a_conflict_recuses_at_once_and_tells_the_programmes_admins_only(review):
    city_admin = UserFactory()  # admin of a city programme whose jurisdiction contains the county: not this round's
    city = RegionFactory(code="370300", name="淄博市", level=RegionLevel.CITY)
    portal_services.programme_admin_grant(programme=ProgrammeFactory(region=city), user=city_admin)
    reviewer = review.reviewers[HR][0]
    assignment = confirmed(review, review.application("甲"), reviewer)

    services.conflict_declare(assignment=assignment, actor=reviewer, kind=ConflictKind.EMPLOYMENT, detail="2024年曾在该机构兼职。")

    assignment.refresh_from_db()
    assert assignment.status == AssignmentStatus.RECUSED
    assert assignment.recusal_reason == "本人声明：近三年内在该机构任职或工作。2024年曾在该机构兼职。"
    assert assignment.recused_at is not None
    assert not can_review(reviewer, review.application("甲"))
    assert not ScoreSheet.objects.filter(assignment=assignment).exists()
    note = Notification.objects.get(user=review.admin)
    assert (note.text, note.link) == (
        f"{reviewer.full_name} 已回避“申报机构甲”的评审，请重新分配。",
        f"/review/rounds/{review.round.pk}/assignments/",
    )
    assert texts(city_admin) == []


def test_declaring_a_conflict_needs_a_detail(review):
    reviewer = review.reviewers[HR][0]
    assignment = confirmed(review, review.application("甲"), reviewer)

    with pytest.raises(Refused) as refused:
        services.conflict_declare(assignment=assignment, actor=reviewer, kind=ConflictKind.OTHER, detail="  ")

    assert str(refused.value) == "声明存在利益冲突时，请简要说明情况。"
    assignment.refresh_from_db()
    assert assignment.status == AssignmentStatus.AWAITING_DECLARATION
    assert ConflictDeclaration.objects.count() == 0


@pytest.mark.parametrize("case", ["someone_else", "proposed", "already_declared"])
def test_declaring_is_refused(review, case):
    reviewer = review.reviewers[HR][0]
    expected = "该评审任务当前不需要声明。"
    if case == "someone_else":
        assignment, actor, expected = confirmed(review, review.application("甲"), reviewer), review.reviewers[HR][1], "只能由被分配的评审专家本人声明。"
    elif case == "proposed":
        assignment, actor = services.assignment_create(application=review.application("甲"), reviewer=reviewer, actor=review.admin), reviewer
    else:
        assignment, actor = activate(review, review.application("甲"), reviewer), reviewer

    with pytest.raises(Refused) as refused:
        services.conflict_declare(assignment=assignment, actor=actor, kind=ConflictKind.NONE)

    assert str(refused.value) == expected
    assert ConflictDeclaration.objects.count() == (1 if case == "already_declared" else 0)


# --- the admin's recusal -----------------------------------------------------------------------------------------


def test_admin_recusal_removes_access_keeps_the_sheet_and_tells_the_admins(review):
    reviewer = review.reviewers[DRC][0]
    assignment = activate(review, review.application("甲"), reviewer)
    submit(assignment, 80)

    services.assignment_recuse(assignment=assignment, actor=review.admin, reason="群众举报与该机构有业务往来。")

    assignment.refresh_from_db()
    assert (assignment.status, assignment.recusal_reason) == (AssignmentStatus.RECUSED, "管理员决定回避：群众举报与该机构有业务往来。")
    assert not can_review(reviewer, review.application("甲"))
    assert assignment.sheet.status == SheetStatus.SUBMITTED  # kept for the record, left out of the ranking
    assert texts(review.admin) == [f"{reviewer.full_name} 已回避“申报机构甲”的评审，请重新分配。"]


def test_admin_recusal_of_a_recused_reviewer_is_refused(review):
    reviewer = review.reviewers[DRC][0]
    assignment = confirmed(review, review.application("甲"), reviewer)
    services.assignment_recuse(assignment=assignment, actor=review.admin, reason="举报。")

    with pytest.raises(TransitionError) as refused:
        services.assignment_recuse(assignment=assignment, actor=review.admin, reason="再次。")

    assert str(refused.value) == "该专家已回避。"
    assert Notification.objects.filter(user=review.admin).count() == 1


def test_recusal_counts_and_reviewer_tasks():
    review = build_review(labels=("甲", "乙"))
    reviewer = review.reviewers[HR][0]
    recused = confirmed(review, review.application("甲"), reviewer)
    services.assignment_recuse(assignment=recused, actor=review.admin, reason="举报。")
    waiting = confirmed(review, review.application("乙"), reviewer)
    services.assignment_create(application=review.application("甲"), reviewer=ReviewerFactory(department=review.departments[HR]), actor=review.admin)

    counts = services.recusal_counts(review.round)
    tasks = list(services.reviewer_tasks(reviewer))

    assert dict(counts) == {review.application("甲").pk: 1}
    assert tasks == [waiting]
