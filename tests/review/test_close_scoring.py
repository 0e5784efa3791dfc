"""Closing the scoring of a round (issue 13): refused while anything is still open unless the admin gives a reason,
which is kept; nothing enters the review after it closed; priority points only for a claimed priority item."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from applications import services as application_services
from applications.enums import ApplicationStatus
from portal.enums import AuditEvent
from portal.models import AuditRecord
from review.enums import ReviewMethod
from review.models import DefenseSession, ReviewPlan
from review.services import assignments, sheets
from tests.applications.factories import ApplicationFactory
from tests.portal.helpers import at, queued_messages, refusal, visible_text
from tests.review.builders import HR, activate, build_review, claims_priority, score_values, submit
from tests.worlds import module_world

pytestmark = pytest.mark.django_db

NOW = at(2026, 6, 1, 9)
REASON = "评审工作组会议决定：其余申报下一批次再评。"


def build_finished():
    """A round whose call ended, two applications each scored by one reviewer of every department, the scoring
    window over: nothing is open."""
    review = build_review(labels=("甲", "乙"))
    type(review.round).objects.filter(pk=review.round.pk).update(
        opens_at=NOW - timedelta(days=40), closes_at=NOW - timedelta(days=20)
    )
    ReviewPlan.objects.filter(pk=review.plan.pk).update(
        scoring_opens_at=NOW - timedelta(days=15), scoring_closes_at=NOW - timedelta(days=1)
    )
    review.round.refresh_from_db()
    review.plan.refresh_from_db()
    for application in review.applications:
        for reviewers in review.reviewers.values():
            submit(activate(review, application, reviewers[0]), 80)
    return review


_finished, finished = module_world("finished", build_finished, built_at=NOW)


def test_a_finished_round_closes_without_a_word(finished):
    assert sheets.scoring_close_blockers(finished.plan) == []

    plan = sheets.plan_close_scoring(plan=finished.plan, actor=finished.admin)

    assert plan.is_closed and plan.close_reason == ""


def test_closing_names_everything_still_open_and_refuses_without_a_reason(finished):
    round = finished.round
    type(round).objects.filter(pk=round.pk).update(closes_at=NOW + timedelta(days=17, hours=8, minutes=30))
    ReviewPlan.objects.filter(pk=finished.plan.pk).update(
        scoring_closes_at=NOW + timedelta(days=3), methods=[ReviewMethod.WRITTEN, ReviewMethod.FIELD]
    )
    ApplicationFactory(round=round, status=ApplicationStatus.SUBMITTED, submitted_at=NOW)
    ApplicationFactory(round=round, status=ApplicationStatus.RESUBMITTED, submitted_at=NOW)
    unscored = ApplicationFactory(round=round, status=ApplicationStatus.ACCEPTED, submitted_at=NOW)
    assignments.assignment_create(application=unscored, reviewer=finished.reviewers[HR][1], actor=finished.admin, override=True)
    DefenseSession.objects.create(round=round, starts_on=NOW.date() + timedelta(days=5), place="县人社局三楼会议室")
    plan = ReviewPlan.objects.get(pk=finished.plan.pk)

    message = refusal(lambda: sheets.plan_close_scoring(plan=plan, actor=finished.admin))

    assert message == (
        "尚不能关闭评分阶段：申报期尚未结束（2026年6月18日17:30截止）；2份申报尚未作出受理决定；"
        f"1份已受理的申报评分未完成：{unscored.institution_name}；评分截止时间（2026年6月4日09:00）未到，仍有评审专家未提交评分；"
        "现场答辩尚未举行（2026年6月6日）；3份已受理的申报尚无实地考察记录。如确需提前关闭，请填写理由。"
    )
    assert not ReviewPlan.objects.get(pk=plan.pk).is_closed


def test_once_every_sheet_is_in_the_scoring_closes_before_its_deadline_without_a_word(finished):
    ReviewPlan.objects.filter(pk=finished.plan.pk).update(scoring_closes_at=NOW + timedelta(days=3))
    plan = ReviewPlan.objects.get(pk=finished.plan.pk)

    assert sheets.scoring_close_blockers(plan) == []
    assert sheets.plan_close_scoring(plan=plan, actor=finished.admin).is_closed


@pytest.mark.history
def test_an_early_close_keeps_its_reason_in_the_plan_its_history_and_the_audit_log(finished):
    ApplicationFactory(round=finished.round, status=ApplicationStatus.SUBMITTED, submitted_at=NOW)

    plan = sheets.plan_close_scoring(plan=finished.plan, actor=finished.admin, reason=f"  {REASON} ")

    assert plan.is_closed and plan.close_reason == REASON
    assert plan.history.first().history_change_reason == f"关闭评分阶段（提前关闭：{REASON}）"
    record = AuditRecord.objects.get(event=AuditEvent.TRANSITION, object_type="review.reviewplan", object_id=str(plan.pk))
    assert record.detail == f"scoring closed early: {REASON} | open: 1份申报尚未作出受理决定"


def test_the_ranking_page_lists_what_is_open_and_closes_early_only_with_a_reason(finished, login):
    ApplicationFactory(round=finished.round, status=ApplicationStatus.SUBMITTED, submitted_at=NOW)
    client = login(finished.admin)
    ranking = reverse("review:ranking", args=[finished.round.pk])
    close = reverse("review:close_scoring", args=[finished.round.pk])

    page = visible_text(client.get(ranking))
    refused = queued_messages(client.post(close, {"reason": " "}))
    closed = queued_messages(client.post(close, {"reason": REASON}))

    assert "评分阶段尚不能关闭 1份申报尚未作出受理决定 确需提前关闭的理由" in page
    assert refused == ["尚不能关闭评分阶段：1份申报尚未作出受理决定。如确需提前关闭，请填写理由。"]
    assert closed == ["评分阶段已关闭。"]
    assert f"提前关闭理由：{REASON}" in visible_text(client.get(ranking))


def test_the_ranking_page_shows_an_accepted_application_nobody_scored(finished, login):
    forgotten = ApplicationFactory(round=finished.round, status=ApplicationStatus.ACCEPTED, submitted_at=NOW)

    page = visible_text(login(finished.admin).get(reverse("review:ranking", args=[finished.round.pk])))

    assert f"评分未完成的申报 这些已受理的申报尚无已提交的评分，或有评审专家的评分表尚未提交，不参与排名。 {forgotten.institution_name}" in page


def test_nothing_is_accepted_or_assigned_after_the_scoring_closed(finished):
    waiting = ApplicationFactory(round=finished.round, status=ApplicationStatus.SUBMITTED, submitted_at=NOW)
    sheets.plan_close_scoring(plan=finished.plan, actor=finished.admin, reason=REASON)
    late = ApplicationFactory(round=finished.round, status=ApplicationStatus.ACCEPTED, submitted_at=NOW)

    accepted = refusal(lambda: application_services.application_accept(application=waiting, actor=finished.admin))
    assigned = refusal(
        lambda: assignments.assignment_create(
            application=late, reviewer=finished.reviewers[HR][1], actor=finished.admin, override=True
        )
    )

    assert accepted == "本批次评分阶段已关闭，不能再受理申报进入评审。"
    assert assigned == "评分阶段已关闭，不能再分配评审专家。"
    waiting.refresh_from_db()
    assert waiting.status == ApplicationStatus.SUBMITTED


def test_priority_points_only_for_an_application_that_claims_a_priority_item(finished):
    review = build_review(labels=("丙",))
    assignment = activate(review, review.applications[0], review.reviewers[HR][0])
    lines = sheets.sheet_lines(assignment.sheet)

    refused = refusal(
        lambda: sheets.sheet_save(sheet=assignment.sheet, actor=assignment.reviewer, values=score_values(lines, 80, bonus=3))
    )
    claims_priority(assignment.application)
    saved = sheets.sheet_save(sheet=assignment.sheet, actor=assignment.reviewer, values=score_values(lines, 80, bonus=3))

    assert refused == "该申报未填报优先评定事项，(二)5 不能加分。"
    assert saved.scores.get(item__code="(二)5").points == 3
    assert timezone.now() == NOW  # the module's clock


# --- the plan's defaults and the order of its stages -------------------------------------------------------------


def test_a_new_plan_opens_at_nine_on_the_first_working_day_after_the_call_and_closes_at_half_past_five(finished):
    from review.services import plans

    type(finished.round).objects.filter(pk=finished.round.pk).update(closes_at=at(2026, 6, 18, 17, 30))
    finished.round.refresh_from_db()

    window = plans.plan_defaults(finished.round, now=NOW)

    # 6月19日 is 端午节 and 20–21 a weekend: the first working day is Monday 22; its tenth working day is 7月3日.
    assert (window["scoring_opens_at"], window["scoring_closes_at"]) == (at(2026, 6, 22, 9), at(2026, 7, 3, 17, 30))


def test_the_plan_page_offers_the_default_window(finished, login):
    review = build_review(labels=("甲",), plan=False)
    type(review.round).objects.filter(pk=review.round.pk).update(
        opens_at=at(2026, 5, 18, 9), closes_at=at(2026, 6, 18, 17, 30)
    )

    form = login(review.admin).get(reverse("review:plan", args=[review.round.pk])).context["form"]

    assert (form.initial["scoring_opens_at"], form.initial["scoring_closes_at"]) == (at(2026, 6, 22, 9), at(2026, 7, 3, 17, 30))


def test_a_sheet_is_submitted_only_after_the_applications_scheduled_defense(finished, time_machine):
    from review.services import stages

    review = build_review(labels=("丁",))
    application = review.applications[0]
    assignment = activate(review, application, review.reviewers[HR][0])
    stages.defense_session_create(
        round=review.round, actor=review.admin, starts_on=NOW.date() + timedelta(days=2),
        first_slot_at=at(2026, 6, 3, 9).time(), minutes_each=20, place="县人社局三楼会议室",
    )
    lines = sheets.sheet_lines(assignment.sheet)
    sheets.sheet_save(sheet=assignment.sheet, actor=assignment.reviewer, values=score_values(lines, 80))

    before = refusal(lambda: sheets.sheet_submit(sheet=assignment.sheet, actor=assignment.reviewer))
    time_machine.move_to(NOW + timedelta(days=2), tick=False)
    after = sheets.sheet_submit(sheet=assignment.sheet, actor=assignment.reviewer)

    assert before == "该申报的现场答辩定于2026年6月3日，答辩后才能提交评分；评分可先保存为草稿。"
    assert after.total == 80


# --- the reviewer's home -------------------------------------------------------------------------------------------


def test_the_reviewers_home_lists_what_is_still_to_do_first_and_finished_work_apart_not_in_red(finished, login):
    reviewer = finished.reviewers[HR][0]  # scored 甲 and 乙 in the finished round
    late = ApplicationFactory(
        round=finished.round, institution_name="申报机构戊", status=ApplicationStatus.ACCEPTED, submitted_at=NOW
    )
    other_reviewer_task = assignments.assignment_create(application=late, reviewer=reviewer, actor=finished.admin, override=True)
    assignments.assignments_confirm(round=finished.round, actor=finished.admin)

    response = login(reviewer).get("/home/")
    content = response.content.decode()

    assert [t.pk for t in response.context["tasks"]] == [other_reviewer_task.pk]
    assert sorted(t.application.institution_name for t in response.context["done"]) == sorted(["申报机构甲", "申报机构乙"])
    to_do = content[content.index("<h2>待办</h2>"):content.index("<h2>已完成</h2>")]
    done = content[content.index("<h2>已完成</h2>"):]
    assert "申报机构戊" in to_do and "声明回避情况" in to_do and 'class="deadline"' in to_do
    assert "申报机构甲" not in to_do and "已评分" in done and 'class="deadline"' not in done


def test_a_window_into_a_year_the_calendar_does_not_know_counts_monday_to_friday(finished, monkeypatch):
    from review.services import plans

    def unknown_year(start, n):
        raise plans.CalendarYearUnknown(str(start.year))

    monkeypatch.setattr(plans, "add_working_days", unknown_year)
    type(finished.round).objects.filter(pk=finished.round.pk).update(closes_at=at(2026, 6, 18, 17, 30))
    finished.round.refresh_from_db()

    window = plans.plan_defaults(finished.round, now=NOW)

    # From Friday 19 June (the holiday unknown): 19, 22–26, 29, 30, 1, 2 July → the tenth is Thursday 2 July.
    assert (window["scoring_opens_at"], window["scoring_closes_at"]) == (at(2026, 6, 19, 9), at(2026, 7, 2, 17, 30))
