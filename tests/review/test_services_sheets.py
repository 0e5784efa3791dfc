"""Score sheets (review.services.sheets): drafts, submission and its checks, the lock, reopening, closing the stage."""

from decimal import Decimal

import pytest

from review.enums import ConflictKind, SheetStatus
from review.models import Score, ScoreSheet
from review.services import assignments, sheets
from tests.portal.helpers import at, refusal
from tests.review.builders import CIVIL, DRC, HR, activate, build_review, claims_priority, score_values, submit
from tests.worlds import module_world

pytestmark = pytest.mark.django_db


def build_panel():
    """One application, one active reviewer from each department (so each has two others); outlier threshold 10."""
    review = build_review(labels=("甲",), reviewers_each=1, review_outlier_threshold=Decimal("10"))
    review.active = {kind: activate(review, review.application("甲"), review.reviewers[kind][0]) for kind in (HR, DRC, CIVIL)}
    return review


_panel, panel = module_world("panel", build_panel, built_at=at(2026, 6, 1, 9))


@pytest.fixture
def panel_with_history():
    """The same panel built by the test itself, under its `history` marker: the sheets' history starts at their
    creation, which the module's panel, built with history off, has no record of."""
    return build_panel()


def save(assignment, total, **kwargs):
    values = score_values(sheets.sheet_lines(assignment.sheet), total, **{k: v for k, v in kwargs.items() if k in ("failed", "bonus")})
    return sheets.sheet_save(sheet=assignment.sheet, actor=assignment.reviewer, values=values, justification=kwargs.get("justification", ""))


def status_of(assignment) -> str:
    return ScoreSheet.objects.get(assignment=assignment).status


# --- drafts and submission ---------------------------------------------------------------------------------------


def test_save_keeps_a_draft_with_every_line(panel):
    assignment = panel.active[HR]
    claims_priority(assignment.application)

    save(assignment, 80, failed={"(一)2"}, bonus=3, justification="草稿说明")

    sheet = ScoreSheet.objects.get(assignment=assignment)
    lines = {s.item.code: (s.points, s.passed) for s in sheet.scores.select_related("item")}
    assert (sheet.status, sheet.total, sheet.justification) == (SheetStatus.DRAFT, None, "草稿说明")
    assert lines["(二)2"] == (Decimal("35.00"), True)  # required and judged
    assert lines["(二)4"] == (Decimal("10.00"), True)
    assert lines["(二)5"] == (Decimal("3.00"), None)
    assert (lines["(一)1"], lines["(一)2"]) == ((None, True), (None, False))
    assert len(lines) == 10 and "(二)1" not in lines  # a company: county condition 1 does not apply (不适用)


def test_submit_adds_the_bonus_and_locks(panel):
    assignment = panel.active[HR]
    claims_priority(assignment.application)

    sheet = submit(assignment, 80, bonus=5)

    sheet.refresh_from_db()
    assert (sheet.status, sheet.total) == (SheetStatus.SUBMITTED, Decimal("85.00"))
    assert sheet.submitted_at is not None
    assert not sheet.is_editable


def test_submit_and_reopen_are_audited_transitions(panel):
    from portal.enums import AuditEvent
    from portal.models import AuditRecord

    assignment = panel.active[HR]
    sheet = submit(assignment, 80)

    sheets.sheet_reopen(sheet=sheet, actor=panel.admin, reason="分值录错")

    moves = AuditRecord.objects.filter(event=AuditEvent.TRANSITION, object_type="review.scoresheet", object_id=str(sheet.pk))
    assert list(moves.order_by("id").values_list("username", "detail")) == [
        (assignment.reviewer.username, "draft→submitted 提交评分"),
        (panel.admin.username, "submitted→reopened 退回修改：分值录错"),
    ]


def test_submit_refuses_missing_items(panel):
    assignment = panel.active[HR]
    values = score_values(sheets.sheet_lines(assignment.sheet), 80)
    values[panel.item("(一)1").pk]["passed"] = None
    values[panel.item("(二)3").pk]["points"] = None
    sheets.sheet_save(sheet=assignment.sheet, actor=assignment.reviewer, values=values)

    message = refusal(lambda: sheets.sheet_submit(sheet=assignment.sheet, actor=assignment.reviewer))

    assert message == "以下指标尚未评分：(一)1、(二)3。"
    assert status_of(assignment) == SheetStatus.DRAFT


def test_save_refuses_points_over_the_items_maximum(panel):
    assignment = panel.active[HR]
    values = score_values(sheets.sheet_lines(assignment.sheet), 80)
    values[panel.item("(二)2").pk]["points"] = Decimal("36")

    message = refusal(lambda: sheets.sheet_save(sheet=assignment.sheet, actor=assignment.reviewer, values=values))

    assert message == "(二)2 的得分应在0到35分之间，请检查。"
    assert Score.objects.count() == 0


def test_submit_refuses_a_line_over_a_maximum_lowered_after_saving(panel):
    assignment = panel.active[HR]
    save(assignment, 80)
    # A rubric in use is frozen (rubrics.services.item_update refuses); should its data change all the same, the
    # sheet is refused rather than scored over the maximum.
    panel.plan.rubric.items.filter(code="(二)2").update(max_points=Decimal("30"))

    message = refusal(lambda: sheets.sheet_submit(sheet=assignment.sheet, actor=assignment.reviewer))

    assert message == "评分超出该指标满分，请检查。"
    assert status_of(assignment) == SheetStatus.DRAFT


def test_submit_far_from_the_others_needs_a_justification(panel):
    submit(panel.active[DRC], 80)
    submit(panel.active[CIVIL], 82)
    outlier = panel.active[HR]
    save(outlier, 95)  # 14 above the others' mean of 81; the programme's threshold is 10

    message = refusal(lambda: sheets.sheet_submit(sheet=outlier.sheet, actor=outlier.reviewer))

    assert message == "您的总分（95.00）与其他评审专家的平均分相差超过10.00分，请在“偏离说明”中写明理由后再提交。"
    assert status_of(outlier) == SheetStatus.DRAFT


def test_submit_far_from_the_others_with_a_justification_is_accepted(panel):
    submit(panel.active[DRC], 80)
    submit(panel.active[CIVIL], 82)

    sheet = submit(panel.active[HR], 95, justification="该机构零工驿站成效突出，其他专家可能未注意到。")

    assert (sheet.status, sheet.total) == (SheetStatus.SUBMITTED, Decimal("95.00"))


def test_submit_at_exactly_the_threshold_needs_no_justification(panel):
    submit(panel.active[DRC], 80)
    submit(panel.active[CIVIL], 82)

    sheet = submit(panel.active[HR], 71)

    assert sheet.status == SheetStatus.SUBMITTED


def test_submit_with_one_other_reviewer_needs_no_justification(panel):
    submit(panel.active[DRC], 40)

    sheet = submit(panel.active[HR], 95)

    assert sheet.status == SheetStatus.SUBMITTED


def test_submit_ignores_a_recused_reviewers_sheet_when_comparing(panel):
    submit(panel.active[DRC], 40)
    submit(panel.active[CIVIL], 40)
    assignments.assignment_recuse(assignment=panel.active[CIVIL], actor=panel.admin, reason="举报。")

    sheet = submit(panel.active[HR], 95)

    assert sheet.status == SheetStatus.SUBMITTED


def test_threshold_comes_from_the_programme(panel):
    panel.programme.review_outlier_threshold = Decimal("20")
    panel.programme.save()
    submit(panel.active[DRC], 80)
    submit(panel.active[CIVIL], 82)

    sheet = submit(panel.active[HR], 95)

    assert sheet.status == SheetStatus.SUBMITTED


# --- who may write ----------------------------------------------------------------------------------------------


def test_save_of_someone_elses_sheet_is_refused(panel):
    values = score_values(sheets.sheet_lines(panel.active[HR].sheet), 80)

    message = refusal(lambda: sheets.sheet_save(sheet=panel.active[HR].sheet, actor=panel.active[DRC].reviewer, values=values))

    assert message == "只能填写本人的评分表。"
    assert Score.objects.count() == 0


def test_save_after_recusal_is_refused(panel):
    assignment = panel.active[HR]
    assignments.assignment_recuse(assignment=assignment, actor=panel.admin, reason="举报。")

    message = refusal(lambda: save(assignment, 80))

    assert message == "您已回避该申报的评审，不能评分。"


def test_declared_conflict_leaves_no_sheet_to_write():
    ScoreSheet.objects.all().delete()  # the module panel's, in the database of every test here: this test counts them all
    review = build_review(labels=("甲",), reviewers_each=1)
    assignment = assignments.assignment_create(application=review.application("甲"), reviewer=review.reviewers[HR][0], actor=review.admin)
    assignments.assignments_confirm(round=review.round, actor=review.admin)

    assignments.conflict_declare(assignment=assignment, actor=assignment.reviewer, kind=ConflictKind.RELATIVE, detail="近亲属。")

    assert ScoreSheet.objects.count() == 0


# --- the lock, reopening and closing -------------------------------------------------------------------------------


def test_submitted_sheet_is_locked(panel):
    assignment = panel.active[HR]
    submit(assignment, 80)

    save_message = refusal(lambda: save(assignment, 60))
    submit_message = refusal(lambda: sheets.sheet_submit(sheet=assignment.sheet, actor=assignment.reviewer))

    assert save_message == submit_message == "评分表已提交并锁定；如需修改，请联系管理员退回。"
    assert ScoreSheet.objects.get(assignment=assignment).total == Decimal("80.00")
    assert Score.objects.get(sheet__assignment=assignment, item__code="(二)4").points == Decimal("10.00")


@pytest.mark.history
def test_reopen_needs_a_reason_then_the_reviewer_can_resubmit(panel_with_history):
    panel = panel_with_history
    assignment = panel.active[HR]
    submit(assignment, 80)

    empty = refusal(lambda: sheets.sheet_reopen(sheet=assignment.sheet, actor=panel.admin, reason=" "))
    sheets.sheet_reopen(sheet=assignment.sheet, actor=panel.admin, reason="(二)4 评分依据有误，请核对。")
    reopened = ScoreSheet.objects.get(assignment=assignment)
    submit(assignment, 70)

    assert empty == "请填写退回修改的原因。"
    assert (reopened.status, reopened.reopen_reason) == (SheetStatus.REOPENED, "(二)4 评分依据有误，请核对。")
    sheet = ScoreSheet.objects.get(assignment=assignment)
    assert (sheet.status, sheet.total) == (SheetStatus.SUBMITTED, Decimal("70.00"))
    history = sheet.history.order_by("history_date", "history_id")
    assert [(h.history_change_reason, h.status, h.total) for h in history if h.history_change_reason != "保存评分草稿"] == [
        (None, SheetStatus.DRAFT, None),
        ("提交评分", SheetStatus.SUBMITTED, Decimal("80.00")),
        ("退回修改：(二)4 评分依据有误，请核对。", SheetStatus.REOPENED, None),  # the old total stays in the history only
        ("提交评分", SheetStatus.SUBMITTED, Decimal("70.00")),
    ]


def test_reopen_of_a_draft_is_refused(panel):
    message = refusal(lambda: sheets.sheet_reopen(sheet=panel.active[HR].sheet, actor=panel.admin, reason="退回。"))

    assert message == "只有已提交的评分表可以退回修改。"


def test_closing_the_stage_locks_every_sheet(panel):
    submit(panel.active[DRC], 80)
    sheets.sheet_reopen(sheet=panel.active[DRC].sheet, actor=panel.admin, reason="请核对。")
    save(panel.active[CIVIL], 70)

    sheets.plan_close_scoring(plan=panel.plan, actor=panel.admin, reason="评审工作组决定提前结束评分。")

    panel.plan.refresh_from_db()
    assert panel.plan.is_closed
    for kind in (HR, DRC, CIVIL):
        assert refusal(lambda kind=kind: save(panel.active[kind], 60)) == "评分阶段已关闭。"
        assert refusal(lambda kind=kind: sheets.sheet_submit(sheet=panel.active[kind].sheet, actor=panel.active[kind].reviewer)) == "评分阶段已关闭。"
    assert refusal(lambda: sheets.plan_close_scoring(plan=panel.plan, actor=panel.admin)) == "评分阶段已经关闭。"


def test_department_progress_counts_each_department(panel):
    submit(panel.active[HR], 80)
    assignments.assignment_recuse(assignment=panel.active[CIVIL], actor=panel.admin, reason="举报。")

    rows = sheets.department_progress(panel.plan)

    assert {r["department"].short_name: (r["assigned"], r["awaiting"], r["submitted"], r["recused"]) for r in rows} == {
        "县人社局": (1, 0, 1, 0),
        "县发改局": (1, 0, 0, 0),
        "县民政局": (0, 0, 0, 1),
    }


# --- the county rubric read for the institution (seed 000 四(二)) --------------------------------------------------------


def test_county_condition_1_is_asked_of_the_county_agency_and_of_nobody_else(panel):
    from portal.enums import InstitutionKind
    from review import rubrics

    application = panel.application("甲")
    kinds = {}
    for kind in (InstitutionKind.PUBLIC_AGENCY, InstitutionKind.GIG_MARKET, InstitutionKind.GRASSROOTS_PLATFORM):
        application.institution.kind = kind
        kinds[kind] = {line.item.code for line in rubrics.sheet_lines(panel.plan.rubric, application) if not line.applicable}

    assert kinds == {InstitutionKind.PUBLIC_AGENCY: set(), InstitutionKind.GIG_MARKET: {"(二)1"}, InstitutionKind.GRASSROOTS_PLATFORM: {"(二)1"}}


def test_the_county_agencys_sheet_is_not_complete_without_condition_1(panel):
    from portal.enums import InstitutionKind

    assignment = panel.active[HR]
    assignment.application.institution.__class__.objects.filter(pk=assignment.application.institution_id).update(
        kind=InstitutionKind.PUBLIC_AGENCY
    )
    save(assignment, 80)  # written while the institution was a company's kind: nothing for (二)1

    message = refusal(lambda: sheets.sheet_submit(sheet=assignment.sheet, actor=assignment.reviewer))

    assert message == "以下指标尚未评分：(二)1。"


def test_a_judged_condition_not_met_is_kept_with_its_points_and_named_on_the_result(panel):
    assignment = panel.active[HR]
    save(assignment, 80, failed={"(二)3"})

    result, missing = sheets.sheet_result(ScoreSheet.objects.get(assignment=assignment))
    submitted = submit(assignment, 80, failed={"(二)3"})

    assert missing == [] and result.excluded_by == ["(二)3"] and result.not_applicable == ["(二)1"]
    assert result.items["(二)3"] == Decimal("35.00")  # its points stand; the ranking leaves the application out
    assert submitted.total == Decimal("80.00")
    assert Score.objects.get(sheet=submitted, item__code="(二)3").passed is False
