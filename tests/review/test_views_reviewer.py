"""The reviewer's pages (review.views.reviewer): declaring, then scoring on one sheet; what a reviewer may see."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse
from guardian.shortcuts import remove_perm

from applications.conditions import conditions_install_default
from applications.models import Condition, ConditionAnswer
from review.enums import AssignmentStatus, SheetStatus
from review.models import ReviewAssignment, Score, ScoreSheet
from review.services import sheets
from review.services.assignments import REVIEW_PERM
from tests.applications.factories import AttachmentFactory
from tests.portal.helpers import at, messages_of, text, visible_text
from tests.review.builders import CIVIL, DRC, HR, activate, build_review, claims_priority, confirmed, form_data, submit
from tests.worlds import module_world

pytestmark = pytest.mark.django_db


def build_one():
    review = build_review(labels=("甲",), reviewers_each=1, review_outlier_threshold=Decimal("10"))
    review.attachment = AttachmentFactory(application=review.application("甲"), original_name="服务台账.png")
    return review


def build_panel():
    review = build_one()
    review.active = {kind: activate(review, review.application("甲"), review.reviewers[kind][0]) for kind in (HR, DRC, CIVIL)}
    return review


BUILT_AT = at(2026, 6, 1, 9)
_review, review = module_world("review", build_one, built_at=BUILT_AT)
_panel, panel = module_world("panel", build_panel, built_at=BUILT_AT)


def page_url(assignment) -> str:
    return reverse("review:assignment", args=[assignment.pk])


def material_urls(review) -> list[str]:
    pk = review.application("甲").pk
    return [
        reverse("applications:detail", args=[pk]),
        reverse("applications:attachment", args=[pk, review.attachment.pk]),
        reverse("applications:pdf", args=[pk]),
    ]


# --- declaring -----------------------------------------------------------------------------------------------------


def test_task_before_declaring_shows_only_the_declaration(review, login):
    assignment = confirmed(review, review.application("甲"), review.reviewers[HR][0])
    client = login(assignment.reviewer)

    response = client.get(page_url(assignment))

    assert response.status_code == 200
    assert "您被分配评审 申报机构甲" in visible_text(response)
    assert 'name="kind"' in text(response)
    for url in material_urls(review):
        assert url not in text(response)
        assert client.get(url).status_code == 404
    assert "服务台账" not in text(response)


def test_declaring_no_conflict_opens_the_sheet_and_the_material(review, login):
    assignment = confirmed(review, review.application("甲"), review.reviewers[HR][0])
    client = login(assignment.reviewer)

    response = client.post(reverse("review:declare", args=[assignment.pk]), {"kind": "none"})

    assert response.status_code == 302
    assert response["Location"] == page_url(assignment)
    assert messages_of(response) == ["已声明无利益冲突，现在可以查看材料并评分。"]
    page = client.get(page_url(assignment))
    assert "(一)1 坚持以习近平新时代中国特色社会主义思想为指导" in visible_text(page)
    assert material_urls(review)[0] in text(page)
    assert client.get(material_urls(review)[0]).status_code == 200
    assert client.get(material_urls(review)[1]).status_code == 200


def test_declaring_a_conflict_without_detail_shows_the_error(review, login):
    assignment = confirmed(review, review.application("甲"), review.reviewers[HR][0])
    client = login(assignment.reviewer)

    response = client.post(reverse("review:declare", args=[assignment.pk]), {"kind": "relative", "detail": ""})

    assert response.status_code == 200
    assert "声明存在利益冲突时，请简要说明情况。" in visible_text(response)
    assert ReviewAssignment.objects.get(pk=assignment.pk).status == AssignmentStatus.AWAITING_DECLARATION


def test_declaring_a_conflict_recuses_at_once(review, login):
    assignment = confirmed(review, review.application("甲"), review.reviewers[HR][0])
    client = login(assignment.reviewer)

    response = client.post(reverse("review:declare", args=[assignment.pk]), {"kind": "employment", "detail": "曾在该机构兼职。"})

    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert messages_of(response) == ["已记录您的利益冲突声明，您已回避该申报的评审。管理员将另行分配。"]
    assert client.get(page_url(assignment)).status_code == 404
    for url in material_urls(review):
        assert client.get(url).status_code == 404, url


def test_recusal_by_the_admin_closes_the_material_already_opened(review, login):
    assignment = activate(review, review.application("甲"), review.reviewers[HR][0])
    client = login(assignment.reviewer)
    assert client.get(material_urls(review)[1]).status_code == 200

    login(review.admin).post(reverse("review:assignment_recuse", args=[assignment.pk]), {"reason": "举报。"})
    client = login(assignment.reviewer)

    assert client.get(page_url(assignment)).status_code == 404
    for url in material_urls(review):
        assert client.get(url).status_code == 404, url


def test_declare_refuses_get(review, login):
    assignment = confirmed(review, review.application("甲"), review.reviewers[HR][0])

    response = login(assignment.reviewer).get(reverse("review:declare", args=[assignment.pk]))

    assert response.status_code == 405


def test_declaring_on_someone_elses_task_is_404(review, login):
    assignment = confirmed(review, review.application("甲"), review.reviewers[HR][0])

    response = login(review.reviewers[DRC][0]).post(reverse("review:declare", args=[assignment.pk]), {"kind": "none"})

    assert response.status_code == 404
    assert ReviewAssignment.objects.get(pk=assignment.pk).status == AssignmentStatus.AWAITING_DECLARATION


# --- scoring ---------------------------------------------------------------------------------------------------------


def post_sheet(client, assignment, total, **kwargs):
    return client.post(page_url(assignment), form_data(sheets.sheet_lines(assignment.sheet), total, **kwargs))


def sheet_of(assignment) -> ScoreSheet:
    return ScoreSheet.objects.get(assignment=assignment)


def test_save_draft_then_submit(panel, login):
    assignment = panel.active[HR]
    claims_priority(assignment.application)
    client = login(assignment.reviewer)

    draft = messages_of(post_sheet(client, assignment, 70, bonus=4))
    page = client.get(page_url(assignment))
    submitted = post_sheet(client, assignment, 70, bonus=4, action="submit")

    assert draft == ["评分草稿已保存。"]
    assert "当前总分：74.00" in visible_text(page)
    assert submitted.status_code == 302
    assert messages_of(submitted) == ["评分已提交并锁定。"]
    assert (sheet_of(assignment).status, sheet_of(assignment).total) == (SheetStatus.SUBMITTED, Decimal("74.00"))


def test_a_zero_on_a_criterion_is_a_score(panel, login):
    assignment = panel.active[HR]
    client = login(assignment.reviewer)

    post_sheet(client, assignment, 70)  # (二)2 35, (二)3 35, (二)4 0
    page = client.get(page_url(assignment))
    submitted = post_sheet(client, assignment, 70, action="submit")

    assert page.status_code == 200
    assert "当前总分：70.00" in visible_text(page)
    assert messages_of(submitted) == ["评分已提交并锁定。"]


def test_page_of_a_draft_over_a_maximum_lowered_since_still_opens(panel, login):
    assignment = panel.active[HR]
    client = login(assignment.reviewer)
    post_sheet(client, assignment, 80)  # (二)2 35
    panel.plan.rubric.items.filter(code="(二)2").update(max_points=Decimal("30"))  # the data changed under a frozen rubric

    page = client.get(page_url(assignment))
    refused = messages_of(post_sheet(client, assignment, 80, action="submit"))

    assert page.status_code == 200
    assert "全部指标评分并保存后显示总分。" in visible_text(page)
    assert refused == ["评分未保存：请按提示修改标出的内容。"]


def test_points_over_the_maximum_are_a_form_error(panel, login):
    assignment = panel.active[HR]
    client = login(assignment.reviewer)

    response = post_sheet(client, assignment, 70, action="submit", overrides={"(二)2": "36"})

    assert response.status_code == 200
    assert messages_of(response) == ["评分未保存：请按提示修改标出的内容。"]
    assert "(二)2：确保该值小于或等于35.00。" in visible_text(response)
    assert Score.objects.count() == 0
    assert sheet_of(assignment).status == SheetStatus.DRAFT


def test_submit_with_a_missing_criterion_is_refused(panel, login):
    assignment = panel.active[HR]
    client = login(assignment.reviewer)

    response = post_sheet(client, assignment, 70, action="submit", overrides={"(二)3": "", "(一)4": ""})

    assert response.status_code == 200
    assert messages_of(response) == ["以下指标尚未评分：(一)4、(二)3。"]
    assert sheet_of(assignment).status == SheetStatus.DRAFT
    assert Score.objects.get(sheet__assignment=assignment, item__code="(二)2").points == Decimal("35.00")  # kept as draft


def test_outlier_needs_a_justification_on_the_page(panel, login):
    submit(panel.active[DRC], 80)
    submit(panel.active[CIVIL], 82)
    assignment = panel.active[HR]
    client = login(assignment.reviewer)

    refused = messages_of(post_sheet(client, assignment, 60, action="submit"))
    accepted = post_sheet(client, assignment, 60, action="submit", justification="佐证材料与实地考察不符。")

    assert refused == ["您的总分（60.00）与其他评审专家的平均分相差超过10.00分，请在“偏离说明”中写明理由后再提交。"]
    assert messages_of(accepted) == ["评分已提交并锁定。"]
    assert (sheet_of(assignment).total, sheet_of(assignment).justification) == (Decimal("60.00"), "佐证材料与实地考察不符。")


def test_submitted_sheet_refuses_a_post_until_reopened(panel, login):
    assignment = panel.active[HR]
    submit(assignment, 80)
    client = login(assignment.reviewer)

    locked_page = client.get(page_url(assignment))
    refused = messages_of(post_sheet(client, assignment, 20, action="submit"))
    sheets.sheet_reopen(sheet=assignment.sheet, actor=panel.admin, reason="(二)3 请按细则重评。")
    reopened_page = client.get(page_url(assignment))
    resubmitted = post_sheet(client, assignment, 78, action="submit")

    assert f'name="i{panel.item("(一)1").pk}_met"' not in text(locked_page)
    assert "总分：80.00" in visible_text(locked_page)
    assert refused == ["评分表已提交并锁定；如需修改，请联系管理员退回。"]
    assert "管理员退回修改： (二)3 请按细则重评。" in visible_text(reopened_page)
    assert messages_of(resubmitted) == ["评分已提交并锁定。"]
    assert sheet_of(assignment).total == Decimal("78.00")


def test_closed_stage_refuses_a_draft(panel, login):
    assignment = panel.active[HR]
    sheets.plan_close_scoring(plan=panel.plan, actor=panel.admin, reason="评审工作组决定提前结束评分。")
    client = login(assignment.reviewer)

    response = post_sheet(client, assignment, 70)

    assert messages_of(response) == ["评分阶段已关闭。"]
    assert Score.objects.count() == 0


def test_other_reviewers_totals_are_hidden_until_the_stage_closes(panel, login):
    submit(panel.active[DRC], Decimal("86.5"))
    submit(panel.active[CIVIL], Decimal("83.5"))
    assignment = panel.active[HR]
    submit(assignment, 80)
    client = login(assignment.reviewer)

    before = client.get(page_url(assignment))
    sheets.plan_close_scoring(plan=panel.plan, actor=panel.admin, reason="评审工作组决定提前结束评分。")
    after = client.get(page_url(assignment))

    assert "86.50" not in text(before) and "83.50" not in text(before)
    assert "发改专家1" not in text(before)
    assert "评分阶段关闭前，您看不到其他评审专家的评分" in visible_text(before)
    assert "测试县发改局" in visible_text(after)
    assert "发改专家1 86.50" in visible_text(after)
    assert "民政专家1 83.50" in visible_text(after)


def test_score_page_of_someone_elses_task_is_404(panel, login):
    response = login(panel.active[DRC].reviewer).get(page_url(panel.active[HR]))

    assert response.status_code == 404


# --- the score sheet page (issue 13): compact, a live total, the material beside it, no bonus without a priority item --


def bonus_item(review):
    return review.item("(二)5")


def test_page_carries_what_the_live_total_needs(panel, login):
    assignment = panel.active[HR]
    claims_priority(assignment.application)
    response = login(assignment.reviewer).get(page_url(assignment))
    page = text(response)
    by_code = {line.item.code: line.item for line in panel.lines()}

    assert '<script src="/static/js/score.js" defer></script>' in page
    assert '<link rel="stylesheet" href="/static/css/score.css">' in page
    assert f'data-bonus-cap="{panel.plan.rubric.bonus_cap:.2f}"' in page
    assert f'name="i{by_code["(二)2"].pk}" step="0.5" inputmode="decimal" data-score-kind="scored" data-code="(二)2" data-max="35"' in page
    assert f'name="i{by_code["(二)2"].pk}_met" value="1" data-score-kind="gate" data-code="(二)2"' in page  # required too
    assert f'name="i{by_code["(二)5"].pk}" step="0.5" inputmode="decimal" data-score-kind="bonus" data-code="(二)5" data-max="10"' in page
    assert f'name="i{by_code["(一)1"].pk}_met" value="1" data-score-kind="gate" data-code="(一)1"' in page
    assert f'name="i{by_code["(二)1"].pk}' not in page  # county condition 1: not a company's (不适用)
    assert page.count('rows="1" data-autogrow') == len(by_code) - 1  # every comment one row high, growing as typed
    assert 'id="live-total" hidden' in page  # shown by the script; without it the page keeps the saved total only
    assert "实时合计" in visible_text(response) and "未保存" in visible_text(response)
    assert "以保存后系统计算的总分为准" in visible_text(response)


def test_bonus_is_disabled_with_a_hint_without_a_priority_item(panel, login):
    assignment = panel.active[HR]
    bonus = bonus_item(panel)

    response = login(assignment.reviewer).get(page_url(assignment))

    field = re.search(rf'<input type="number" name="i{bonus.pk}"[^>]*>', text(response)).group(0)
    assert " disabled" in field and 'value="0"' in field
    assert f'aria-describedby="id_i{bonus.pk}_locked id_i{bonus.pk}_helptext"' in field
    assert f'<p class="score-locked" id="id_i{bonus.pk}_locked">该申报未填报优先评定事项，不能加分。</p>' in text(response)


def test_bonus_is_open_with_a_priority_item(panel, login):
    assignment = panel.active[HR]
    claims_priority(assignment.application)
    bonus = bonus_item(panel)

    response = login(assignment.reviewer).get(page_url(assignment))

    field = re.search(rf'<input type="number" name="i{bonus.pk}"[^>]*>', text(response)).group(0)
    assert " disabled" not in field
    assert "该申报未填报优先评定事项" not in text(response)


def test_bonus_posted_without_a_priority_item_is_not_sent_on(panel, login):
    assignment = panel.active[HR]
    client = login(assignment.reviewer)

    saved = messages_of(post_sheet(client, assignment, 70, bonus=5))  # whatever is posted for the disabled field
    page = client.get(page_url(assignment))
    submitted = messages_of(post_sheet(client, assignment, 70, bonus=5, action="submit"))

    assert saved == ["评分草稿已保存。"]
    assert Score.objects.get(sheet__assignment=assignment, item__code="(二)5").points == Decimal("0")
    assert "当前总分：70.00" in visible_text(page)
    assert submitted == ["评分已提交并锁定。"]
    assert sheet_of(assignment).total == Decimal("70.00")


def test_submitted_sheet_shows_the_bonus_saved(panel, login):
    assignment = panel.active[HR]
    claims_priority(assignment.application)
    submit(assignment, 70, bonus=4)
    assignment.application.priority_items.all().delete()  # withdrawn since: the locked sheet still shows what counted

    response = login(assignment.reviewer).get(page_url(assignment))

    assert "(二)5 优先评定 ：4.00分（满分10）" in visible_text(response)
    assert "(二)1 县公共就业和人才服务机构人员编制 ： 不适用 （其他机构不作要求）" in visible_text(response)
    assert "总分：74.00" in visible_text(response)
    assert "该申报未填报优先评定事项" not in text(response)


def test_a_zero_is_shown_on_a_submitted_sheet(panel, login):
    assignment = panel.active[HR]
    submit(assignment, 70)  # (二)4 0

    response = login(assignment.reviewer).get(page_url(assignment))

    assert "(二)4 稳就业保就业作用 ：符合 · 0.00分（满分30）" in visible_text(response)  # was "—": 0 is a score


def test_material_of_the_application_beside_the_sheet(panel, login):
    assignment = panel.active[HR]
    application = assignment.application
    application.work_record = "近三年累计服务求职者9100人次。"
    application.save(update_fields=["work_record"])
    conditions_install_default(application.round.programme)
    condition = Condition.objects.filter(programme=application.round.programme).first()
    ConditionAnswer.objects.create(application=application, condition=condition, answer="met", statement="设有服务大厅。")
    claims_priority(application)

    response = login(assignment.reviewer).get(page_url(assignment))
    materials = text(response).split('id="materials"', 1)[1]

    assert "近三年累计服务求职者9100人次。" in materials
    assert f"{condition} 符合 设有服务大厅。" in visible_text(response)
    assert "县级优质服务窗口" in materials
    assert f'href="{material_urls(panel)[1]}">服务台账.png</a>' in materials
    assert material_urls(panel)[0] in materials and material_urls(panel)[2] in materials
    # The sheet comes first in the page: on a narrow screen the material follows it, with a link to jump there.
    assert text(response).index('id="score-sheet"') < text(response).index('id="materials"')
    assert '<a href="#materials">' in text(response)


def test_material_only_under_the_applications_remit(panel, login):
    assignment = panel.active[HR]
    remove_perm(REVIEW_PERM, assignment.reviewer, assignment.application)  # the grant missing: no material on the page

    response = login(assignment.reviewer).get(page_url(assignment))

    assert response.status_code == 200
    assert "(一)1 坚持以习近平新时代中国特色社会主义思想为指导" in visible_text(response)
    assert material_urls(panel)[1] not in text(response)
    assert "服务台账" not in text(response)


def test_a_refused_form_is_marked_unsaved_a_refused_submission_is_not(panel, login):
    assignment = panel.active[HR]
    client = login(assignment.reviewer)

    form_error = post_sheet(client, assignment, 70, overrides={"(二)2": "36"})
    refused_submission = post_sheet(client, assignment, 70, action="submit", overrides={"(二)3": ""})

    assert 'data-unsaved="1"' in text(form_error)
    assert messages_of(refused_submission) == ["以下指标尚未评分：(二)3。"]
    assert 'data-unsaved="0"' in text(refused_submission)  # the draft was saved; only the submission was refused
    assert 'data-unsaved="0"' in text(client.get(page_url(assignment)))
