"""The programme admin's review pages (review.views.admin): plan, assignment and recusal, closing, ranking, shortlist.

Anonymous visitors and other programmes' admins are refused on every one of these URLs in test_review_access_sweep.py.
"""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from portal.models import Notification
from review.enums import AssignmentStatus, SheetStatus
from review.models import ReviewAssignment, ReviewPlan, ScoreSheet, Shortlist, ShortlistSkip, TieBreak
from review.services import assignments as assignment_services
from review.services import plans
from tests.factories import DepartmentFactory, ReviewerFactory
from tests.portal.helpers import at, messages_of, text, visible_text
from tests.review.builders import (
    CIVIL,
    DRC,
    HR,
    activate,
    build_review,
    confirmed,
    county_rubric,
    submit,
    submitted_sheet,
)
from tests.worlds import module_world

pytestmark = pytest.mark.django_db

POST_ONLY = [
    "assignments_propose", "assignments_confirm", "assignment_add", "close_scoring", "tie_break", "shortlist",
]


def url(name, review, *args):
    return reverse(f"review:{name}", args=args or [review.round.pk])


def build_unplanned():
    """One application 甲, one reviewer in each department, no review plan yet."""
    return build_review(labels=("甲",), reviewers_each=1, plan=False)


_unplanned, unplanned = module_world("unplanned", build_unplanned, built_at=at(2026, 6, 1, 9))


@pytest.fixture
def review(unplanned):
    """The same round with the plan `build_review` gives it, made by each test: the plan tests need a round without
    one, and the module's round is in the database of every test of it."""
    unplanned.plan = ReviewPlan.objects.create(
        round=unplanned.round,
        rubric=county_rubric(unplanned.programme),
        methods=["written"],
        reviewers_per_department=1,
        scoring_opens_at=timezone.now() - timedelta(days=1),
        scoring_closes_at=timezone.now() + timedelta(days=14),
    )
    return unplanned


@pytest.mark.parametrize("name", POST_ONLY)
def test_post_only_pages_refuse_get(review, name, login):
    response = login(review.admin).get(url(name, review))

    assert response.status_code == 405


# --- plan ------------------------------------------------------------------------------------------------------------


def test_plan_page_shows_the_default_rubric_and_saves_the_plan(unplanned, login):
    review = unplanned
    client = login(review.admin)

    page = client.get(url("plan", review))
    response = client.post(url("plan", review), {
        "methods": ["written", "field"], "reviewers_per_department": "2",
        "scoring_opens_at": "2026-12-01T09:00", "scoring_closes_at": "2026-12-15T17:00",
    })

    shown = visible_text(page)
    assert "评分标准：县级标杆机构评定条件" in shown
    assert "(一)2 必备条件（符合/不符合） 机构健全 符合/不符合" in shown  # rows: code, role, title, points
    assert "(二)2 必备条件，按程度评分 就业服务能力水平" in shown
    assert "仅约束公共就业服务机构；其他机构不作要求（不适用）" in shown  # county condition 1
    assert "(二)5 加分项 优先评定" in shown
    assert response.status_code == 302
    assert response["Location"] == url("assignments", review)
    plan = ReviewPlan.objects.get(round=review.round)
    assert (plan.methods, plan.reviewers_per_department, plan.rubric.items.count()) == (["written", "field"], 2, 11)
    assert plan.rubric.standard == "gq_county_benchmark" and plan.rubric.is_frozen  # in use: frozen


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"methods": ["defense"], "scoring_opens_at": "2026-12-01T09:00", "scoring_closes_at": "2026-12-15T17:00"}, "书面评审为必选方式。"),
        ({"methods": ["written"], "scoring_opens_at": "2026-12-15T09:00", "scoring_closes_at": "2026-12-01T17:00"}, "评分截止时间必须晚于开始时间。"),
    ],
)
def test_plan_page_refuses_a_bad_plan(unplanned, login, data, error):
    review = unplanned

    response = login(review.admin).post(url("plan", review), data | {"reviewers_per_department": "1"})

    assert response.status_code == 200
    assert error in visible_text(response)
    assert not ReviewPlan.objects.exists()


def test_plan_saved_twice_as_if_first_keeps_one_plan_and_one_rubric(unplanned):
    """Two first saves at once both found no plan: the later one changes the plan the first made."""
    review = unplanned
    window = {"scoring_opens_at": timezone.now(), "scoring_closes_at": timezone.now() + timedelta(days=14)}

    first = plans.plan_save(round=review.round, actor=review.admin, methods=["written"], reviewers_per_department=1, **window)
    second = plans.plan_save(round=review.round, actor=review.admin, methods=["written", "field"], reviewers_per_department=2, **window)

    assert second.pk == first.pk
    assert (ReviewPlan.objects.filter(round=review.round).count(), review.programme.scoring_rubrics.count()) == (1, 1)
    assert (second.methods, second.reviewers_per_department) == (["written", "field"], 2)


def test_assignments_page_without_a_plan_sends_to_the_plan(unplanned, login):
    review = unplanned

    response = login(review.admin).get(url("assignments", review))

    assert response.status_code == 302
    assert response["Location"] == url("plan", review)
    assert messages_of(response) == ["请先制定评审方案。"]


# --- assignment ----------------------------------------------------------------------------------------------------------


def test_propose_and_confirm_through_the_page(review, login):
    institution = review.application("甲").institution
    institution.supervisor = review.departments[CIVIL]
    institution.save()
    client = login(review.admin)

    proposed = messages_of(client.post(url("assignments_propose", review)))
    page = client.get(url("assignments", review))
    confirmed_response = client.post(url("assignments_confirm", review))

    assert proposed == [
        f"申报机构甲：{review.departments[CIVIL].name} 还缺 1 名无利益冲突的评审专家。",
        "已生成分配建议，请核对后确认。",
    ]
    assert "确认全部2项分配" in visible_text(page)
    assert messages_of(confirmed_response) == ["已确认2项分配，并已通知评审专家。"]
    assert set(ReviewAssignment.objects.values_list("status", flat=True)) == {AssignmentStatus.AWAITING_DECLARATION}
    assert Notification.objects.filter(user__in=[review.reviewers[HR][0], review.reviewers[DRC][0]]).count() == 2


def test_assignments_page_shows_flags_of_proposed_assignments(review, login):
    reviewer = review.reviewers[DRC][0]
    reviewer.institution = review.application("甲").institution
    reviewer.save()
    assignment_services.assignment_create(application=review.application("甲"), reviewer=reviewer, actor=review.admin, override=True)

    page = login(review.admin).get(url("assignments", review))

    assert "⚠ 该专家在申报机构工作。" in visible_text(page)


def test_add_a_flagged_reviewer_needs_the_override(review, login):
    reviewer = review.reviewers[HR][0]
    reviewer.institution = review.application("甲").institution
    reviewer.save()
    client = login(review.admin)
    data = {"application": review.application("甲").pk, "reviewer": reviewer.pk}

    refused = messages_of(client.post(url("assignment_add", review), data))
    added = messages_of(client.post(url("assignment_add", review), data | {"override": "on"}))

    assert refused == ["可能存在利益冲突：该专家在申报机构工作。如确认仍要分配，请勾选“已核实，仍然分配”。"]
    assert added == ["已添加分配（待确认）。"]
    assert list(ReviewAssignment.objects.values_list("reviewer", "status")) == [(reviewer.pk, AssignmentStatus.PROPOSED)]


def test_confirm_again_says_nothing_is_left_to_confirm(review, login):
    assignment_services.assignments_propose(round=review.round, actor=review.admin)
    client = login(review.admin)
    messages_of(client.post(url("assignments_confirm", review)))

    again = messages_of(client.post(url("assignments_confirm", review)))

    assert again == ["没有待确认的分配。"]
    assert Notification.objects.filter(text__startswith="您有").count() == 3  # one per reviewer, from the first


def test_add_a_reviewer_of_a_department_outside_the_programme_is_refused(review, login):
    outsider = ReviewerFactory(department=DepartmentFactory(name="测试县财政局"))

    response = login(review.admin).post(url("assignment_add", review), {"application": review.application("甲").pk, "reviewer": outsider.pk})

    assert messages_of(response) == ["请选择申报和评审专家。"]
    assert not ReviewAssignment.objects.exists()


def test_remove_a_proposal_but_not_a_confirmed_assignment(review, login):
    kept = confirmed(review, review.application("甲"), review.reviewers[DRC][0])
    proposal = assignment_services.assignment_create(application=review.application("甲"), reviewer=review.reviewers[HR][0], actor=review.admin)
    client = login(review.admin)

    refused = messages_of(client.post(url("assignment_remove", review, kept.pk)))
    removed = messages_of(client.post(url("assignment_remove", review, proposal.pk)))

    assert refused == ["已确认的分配不能删除；如需更换，请对该专家执行回避。"]
    assert removed == ["已删除该分配建议。"]
    assert list(ReviewAssignment.objects.values_list("pk", flat=True)) == [kept.pk]


def test_recuse_needs_a_reason(review, login):
    assignment = activate(review, review.application("甲"), review.reviewers[HR][0])
    client = login(review.admin)

    refused = messages_of(client.post(url("assignment_recuse", review, assignment.pk), {"reason": ""}))
    recused = client.post(url("assignment_recuse", review, assignment.pk), {"reason": "举报：曾在该机构兼职。"})

    assert refused == ["请填写回避原因。"]
    assert messages_of(recused) == ["人社专家1 已回避，请为该申报重新分配评审专家。"]
    assert recused["Location"] == url("assignments", review)
    assignment.refresh_from_db()
    assert (assignment.status, assignment.recusal_reason) == (AssignmentStatus.RECUSED, "管理员决定回避：举报：曾在该机构兼职。")


# --- sheets and the stage ---------------------------------------------------------------------------------------------------


def test_reopen_a_sheet_with_a_reason(review, login):
    assignment = activate(review, review.application("甲"), review.reviewers[HR][0])
    submit(assignment, 80)
    client = login(review.admin)

    refused = messages_of(client.post(url("sheet_reopen", review, assignment.sheet.pk), {"reason": " "}))
    reopened = client.post(url("sheet_reopen", review, assignment.sheet.pk), {"reason": "请核对 (二)3。"})

    assert refused == ["请填写退回修改的原因。"]
    assert messages_of(reopened) == ["评分表已退回该专家修改。"]
    assert reopened["Location"] == url("ranking", review)
    assert ScoreSheet.objects.get(pk=assignment.sheet.pk).status == SheetStatus.REOPENED


def test_close_the_stage_once(review, login):
    client = login(review.admin)

    early = {"reason": "评审工作组决定提前结束评分。"}  # the call and the scoring window are still open
    closed = messages_of(client.post(url("close_scoring", review), early))
    again = messages_of(client.post(url("close_scoring", review), early))

    assert closed == ["评分阶段已关闭。"]
    assert again == ["评分阶段已经关闭。"]
    assert ReviewPlan.objects.get().is_closed


# --- ranking and shortlist -----------------------------------------------------------------------------------------------


@pytest.fixture
def ranked():
    """甲 90, 乙 80 and 丙 80 (tied, no priority), 丁 failing (一)1 on every sheet; quota 2."""
    review = build_review(labels=("甲", "乙", "丙", "丁"), reviewers_each=1)
    for label, total in (("甲", 90), ("乙", 80), ("丙", 80), ("丁", 95)):
        for kind in (HR, DRC, CIVIL):
            submitted_sheet(review.application(label), review.reviewers[kind][0], total, failed={"(一)1"} if label == "丁" else ())
    review.ids = {label: review.application(label).pk for label in "甲乙丙丁"}
    return review


def test_ranking_page_shows_the_order_the_tie_and_the_ineligible(ranked, login):
    page = login(ranked.admin).get(url("ranking", ranked))

    shown = visible_text(page)
    assert page.status_code == 200
    assert shown.index("1 申报机构甲") < shown.index("2 并列 申报机构乙") < shown.index("3 并列 申报机构丙")
    assert "县人社局：90.00（1）" in shown
    assert "并列第 1 组：需管理员决定次序" in shown
    assert "1 申报机构丁 (一)1 95.00" in shown
    assert "本批次名额 2 家，本周期剩余名额 5 家，本次最多可列入 2 家。" in shown


def test_tie_break_through_the_page(ranked, login):
    client = login(ranked.admin)

    said = messages_of(client.post(url("tie_break", ranked), {f"pos_{ranked.ids['乙']}": "2", f"pos_{ranked.ids['丙']}": "1", "reason": "丙有县级表彰。"}))
    page = client.get(url("ranking", ranked))

    assert said == ["并列排序已记录。"]
    assert sorted(TieBreak.objects.values_list("application", "position")) == sorted([(ranked.ids["丙"], 1), (ranked.ids["乙"], 2)])
    shown = visible_text(page)
    assert shown.index("2 申报机构丙") < shown.index("3 申报机构乙")
    assert "并列第" not in shown


def test_tie_break_with_another_rounds_application_is_refused(ranked, login):
    other = build_review(labels=("外",))

    response = login(ranked.admin).post(url("tie_break", ranked), {f"pos_{ranked.ids['乙']}": "1", f"pos_{other.applications[0].pk}": "2", "reason": "理由。"})

    assert messages_of(response) == ["只能为本批次已受理的申报排定次序。"]
    assert not TieBreak.objects.exists()


def test_shortlist_through_the_page(ranked, login):
    client = login(ranked.admin)

    over = messages_of(client.post(url("shortlist", ranked), {"application": [ranked.ids[label] for label in "甲乙丙"]}))
    skipped = messages_of(client.post(url("shortlist", ranked), {"application": [ranked.ids["乙"]]}))
    saved = messages_of(client.post(url("shortlist", ranked), {"application": [ranked.ids["乙"], ranked.ids["乙"]], f"skip_{ranked.ids['甲']}": "实名举报核查中。"}))

    assert over == ["名单有3家，超过可用名额2家（本批次名额2家，本周期剩余5家）。"]
    assert skipped == ["未列入排名靠前的申报须说明理由：申报机构甲。"]
    assert saved == ["拟评定名单已保存（1家）。"]
    assert list(Shortlist.objects.get().entries.values_list("application", "rank")) == [(ranked.ids["乙"], 2)]
    assert list(ShortlistSkip.objects.values_list("application", "reason")) == [(ranked.ids["甲"], "实名举报核查中。")]
    page = client.get(url("ranking", ranked))
    assert "未列入：申报机构甲（排名第1）：实名举报核查中。" in visible_text(page)


def test_shortlist_refuses_an_ineligible_application_through_the_page(ranked, login):
    response = login(ranked.admin).post(url("shortlist", ranked), {"application": [ranked.ids["丁"]]})

    assert messages_of(response) == ["名单中有不符合必备条件或尚无评分的申报，不能列入。"]
    assert not Shortlist.objects.exists()


def test_overall_is_shown_to_two_places(ranked, login):
    ranked.programme.programme_departments.filter(department=ranked.departments[HR]).update(weight=Decimal(2))
    submitted_sheet(ranked.application("甲"), ReviewerFactory(department=ranked.departments[DRC]), 81)  # 发改: (90 + 81) / 2

    page = login(ranked.admin).get(url("ranking", ranked))

    assert "88.875" not in text(page)
    assert "88.88" in visible_text(page)  # (2×90 + 85.5 + 90) / 4 = 88.875, half up


def test_plan_saved_again_without_choosing_a_rubric_keeps_its_rubric(review, login):
    """The rubric is not a model field of the form: a POST without it (an old form, a script) keeps the plan's."""
    rubric = review.plan.rubric
    client = login(review.admin)

    response = client.post(url("plan", review), {
        "methods": ["written"], "reviewers_per_department": "1",
        "scoring_opens_at": "2026-12-01T09:00", "scoring_closes_at": "2026-12-15T17:00",
    })

    assert response.status_code == 302
    assert ReviewPlan.objects.get(round=review.round).rubric == rubric
