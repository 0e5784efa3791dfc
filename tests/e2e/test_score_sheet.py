"""The reviewer's score sheet in Chromium (issue 13): a live total as points are typed, computed as the server computes
it (the bonus capped, required items without points, county condition 1 not asked of a company) and marked unsaved until saved; the bonus disabled for an application
without a priority item; comments that grow; the application's material beside the sheet at 1280 px and after it on
a phone."""

from decimal import Decimal

import pytest
from django.urls import reverse

from applications.models import Application
from rubrics.models import Rubric
from tests.e2e import pages
from tests.e2e.pages import PHONE, open_page
from tests.review.builders import HR, activate, build_review, claims_priority

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def sheets():
    """One HR reviewer actively assigned to 甲 (which claims a priority item) and 乙 (which claims none); the rubric's
    bonus cap lowered to 3, below (二)5's maximum of 10, so the cap shows."""
    review = build_review(labels=("甲", "乙"), reviewers_each=1)
    Rubric.objects.filter(pk=review.plan.rubric_id).update(bonus_cap=Decimal("3"))
    reviewer = review.reviewers[HR][0]
    claims_priority(review.application("甲"))
    Application.objects.filter(pk=review.application("甲").pk).update(work_record="近三年累计服务求职者9100人次，帮助2275人实现就业。")
    assignments = {label: activate(review, review.application(label), reviewer) for label in ("甲", "乙")}
    return reviewer, assignments


def url(assignment) -> str:
    return reverse("review:assignment", args=[assignment.pk])


def live(page) -> str:
    return page.locator("#live-total-value").inner_text()


def points(page, code):
    return page.locator(f"input[type=number][data-code='{code}']")


def test_live_total_as_points_are_typed(browser, live_server, sheets, screenshot_dir):
    reviewer, assignments = sheets
    page = pages.sign_in(open_page(browser, live_server), reviewer.username)
    page.goto(url(assignments["甲"]))

    assert page.locator("#live-total").is_visible()
    assert live(page) == "0.00"
    assert page.locator("#live-total-note").inner_text() == "尚有9项未评：(一)1、(一)2、(一)3、(一)4、(一)5、(一)6、(二)2、(二)3、(二)4"
    assert not page.locator("#live-total-unsaved").is_visible()  # nothing typed yet: the page is what was saved

    for gate in page.locator("input[data-score-kind=gate][value='1']").all():
        gate.check()
    points(page, "(二)2").fill("30")
    assert live(page) == "30.00"
    assert page.locator("#live-total-unsaved").is_visible()
    points(page, "(二)3").fill("31.5")
    points(page, "(二)4").fill("25.25")
    assert live(page) == "86.75"
    assert page.locator("#live-total-note").inner_text() == "全部指标已评"
    points(page, "(二)5").fill("5")
    assert live(page) == "89.75"  # the bonus counts up to the rubric's cap (3), not its maximum (10)
    points(page, "(二)2").fill("36")
    assert live(page) == "—"
    assert page.locator("#live-total-note").inner_text() == "(二)2 的得分超出满分或格式不对，请检查"
    points(page, "(二)2").fill("30")

    comment = page.locator("textarea[name$='_comment']").first
    one_line = comment.evaluate("area => area.offsetHeight")
    comment.fill("服务台账完整。\n窗口设置合理。\n群众满意度高。")
    assert comment.evaluate("area => area.offsetHeight") > one_line * 1.8  # it grows with the text
    page.screenshot(path=str(screenshot_dir / "score_sheet_typed_1280.png"), full_page=True)

    page.get_by_role("button", name="保存草稿").click()
    page.wait_for_load_state()
    assert "当前总分：89.75" in page.locator(".result__line").inner_text()  # the server's total, the same
    assert live(page) == "89.75"
    assert not page.locator("#live-total-unsaved").is_visible()
    assert page.js_errors == []


def test_two_columns_at_1280_and_the_material_after_the_sheet_on_a_phone(browser, live_server, sheets, screenshot_dir):
    reviewer, assignments = sheets
    page = pages.sign_in(open_page(browser, live_server), reviewer.username)
    page.goto(url(assignments["甲"]))

    sheet, materials = page.locator("#score-sheet").bounding_box(), page.locator("#materials").bounding_box()
    assert materials["x"] >= sheet["x"] + sheet["width"]  # beside it
    assert abs(materials["y"] - sheet["y"]) < 2
    assert page.get_by_text("近三年累计服务求职者9100人次").is_visible()
    assert page.locator("#materials").get_by_text("县级优质服务窗口").is_visible()
    assert not page.get_by_role("link", name="查看申报材料（在评分表下方）").is_visible()
    page.screenshot(path=str(screenshot_dir / "score_sheet_1280.png"), full_page=True)

    phone = pages.sign_in(open_page(browser, live_server, **PHONE), reviewer.username)
    phone.goto(url(assignments["甲"]))
    sheet, materials = phone.locator("#score-sheet").bounding_box(), phone.locator("#materials").bounding_box()
    assert materials["y"] >= sheet["y"] + sheet["height"]  # after it
    assert phone.get_by_role("link", name="查看申报材料（在评分表下方）").is_visible()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390  # no sideways scrolling
    phone.screenshot(path=str(screenshot_dir / "score_sheet_390.png"), full_page=True)
    assert page.js_errors == [] and phone.js_errors == []


def test_bonus_disabled_without_a_priority_item(browser, live_server, sheets, screenshot_dir):
    reviewer, assignments = sheets
    page = pages.sign_in(open_page(browser, live_server), reviewer.username)
    page.goto(url(assignments["乙"]))

    bonus = points(page, "(二)5")
    assert bonus.is_disabled()
    assert bonus.input_value() == "0"
    assert page.locator(".score-locked").inner_text() == "该申报未填报优先评定事项，不能加分。"
    for gate in page.locator("input[data-score-kind=gate][value='1']").all():
        gate.check()
    for code, value in (("(二)2", "30"), ("(二)3", "30"), ("(二)4", "20")):
        points(page, code).fill(value)
    assert live(page) == "80.00"

    page.get_by_role("button", name="保存草稿").click()
    page.wait_for_load_state()
    assert "评分草稿已保存。" in page.locator(".messages").inner_text()
    assert "当前总分：80.00" in page.locator(".result__line").inner_text()
    page.screenshot(path=str(screenshot_dir / "score_sheet_no_priority_1280.png"), full_page=True)
    assert page.js_errors == []
