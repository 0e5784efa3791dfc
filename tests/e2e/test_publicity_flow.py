"""Issue 6 end to end in Chromium: the admin publishes; a visitor on a phone reads the notice and objects with
evidence; a handler verifies and upholds; the visitor reads the reply; the candidate is disqualified and the
adjusted list is published."""

import re

import pytest
from captcha.models import CaptchaStore

from portal.enums import DepartmentKind
from publicity.models import Objection
from review.services.results import shortlist_save
from tests.e2e.pages import PHONE, open_page, sign_in
from tests.review.builders import build_review, submitted_sheet

pytestmark = pytest.mark.django_db(transaction=True)

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def shortlisted_round():
    review = build_review(labels=("甲", "乙", "丙"), quota=2)
    for application, total in zip(review.applications, (92, 86, 80), strict=True):
        for kind in review.departments:
            submitted_sheet(application, review.reviewers[kind][0], total)
    shortlist_save(
        round=review.round, application_ids=[review.applications[0].pk, review.applications[1].pk], skip_reasons={},
        actor=review.admin,
    )
    review.admin.username = "pub_admin"
    review.admin.save(update_fields=["username"])
    lead = review.leads[DepartmentKind.HR]
    lead.username = "pub_lead"
    lead.save(update_fields=["username"])
    return review


def staff_page(browser, live_server, username):
    return sign_in(open_page(browser, live_server), username)


def test_publish_object_uphold_and_adjust(browser, live_server, screenshot_dir, tmp_path):
    review = shortlisted_round()
    shot = lambda page, name: page.screenshot(path=str(screenshot_dir / f"publicity-{name}.png"), full_page=True)  # noqa: E731

    # The admin publishes the frozen shortlist.
    admin = staff_page(browser, live_server, "pub_admin")
    admin.goto(f"/staff/rounds/{review.round.pk}/publicity/")
    assert admin.get_by_text("今天发布则公示时间为").is_visible()
    shot(admin, "1-admin-publish")
    admin.get_by_role("button", name="发布公示").click()
    admin.wait_for_load_state()
    assert len(admin.confirms) == 1 and re.fullmatch(r"名单中的2家机构将在门户公示至\d+月\d+日并收到通知；发布后名单冻结，公示内容不能修改。确定发布？", admin.confirms[0])
    assert admin.get_by_text("公示已发布").is_visible()

    # A visitor on a phone reads the notice and files an objection with evidence.
    visitor = open_page(browser, live_server, **PHONE)
    visitor.goto("/notices/")
    visitor.get_by_role("link", name=re.compile("拟评定县级就业服务质量标杆机构名单的公示")).first.click()
    visitor.wait_for_load_state()
    assert visitor.locator(".notice__state").get_by_text("公示时间：").is_visible()
    assert visitor.locator(".meta-block").get_by_text("索引号").is_visible()
    assert visitor.evaluate("document.documentElement.scrollWidth") <= 390  # no sideways scrolling on a phone
    shot(visitor, "2-phone-notice")
    visitor.get_by_role("link", name="提出异议").first.click()
    visitor.wait_for_load_state()
    visitor.get_by_label("被异议机构").select_option(label="申报机构甲")
    visitor.get_by_label("真实姓名（单位名称）").fill("欧阳测试")
    visitor.get_by_label("联系电话").fill("13912345678")
    visitor.get_by_label("异议事实和理由").fill("该机构申报的服务台账人数与实际不符，存在重复登记，请核查。")
    evidence = tmp_path / "台账截图说明.pdf"
    evidence.write_bytes(PDF)
    visitor.get_by_label("证据材料").set_input_files(str(evidence))
    visitor.get_by_label(re.compile("我已阅读上述说明")).check()
    key = visitor.locator("input[name=captcha_0]").input_value()
    visitor.get_by_label("验证码").fill(CaptchaStore.objects.get(hashkey=key).response)
    shot(visitor, "3-phone-objection-form")
    visitor.get_by_role("button", name="提交异议").click()
    visitor.wait_for_load_state()
    assert visitor.get_by_role("heading", name="异议已受理").is_visible()
    shot(visitor, "4-phone-receipt")
    private_link = visitor.url.split("?")[0]
    objection = Objection.objects.get()
    assert objection.receipt_number in visitor.content()
    assert objection.evidence.count() == 1

    # The admin gives it to the HR lead to verify, who upholds it.
    admin.goto("/staff/objections/")
    assert "欧阳测试" not in admin.content() and "13912345678" not in admin.content()
    admin.get_by_role("link", name=objection.receipt_number).click()
    admin.locator("#id_handler").select_option(value=str(review.leads[DepartmentKind.HR].pk))
    admin.get_by_role("button", name="交办").click()
    admin.wait_for_load_state()
    assert admin.get_by_text("已交办核查").is_visible()

    handler = staff_page(browser, live_server, "pub_lead")
    handler.goto(f"/staff/objections/{objection.pk}/")
    assert "13912345678" not in handler.content()  # no identity permission was granted
    handler.get_by_label("异议成立（取消拟评定资格）").check()
    handler.get_by_label("核查情况").fill("调取台账并电话回访，11人重复登记，属实。")
    handler.get_by_label("答复意见").fill("经核查，您反映的问题属实，异议成立，已取消该机构拟评定资格。")
    shot(handler, "5-handler-decide")
    handler.get_by_role("button", name="办结并答复").click()
    handler.wait_for_load_state()
    assert handler.confirms == ["办结后不能修改，答复将告知异议人。异议成立的，取消该机构拟评定资格。确定办结？"]
    assert handler.get_by_text("异议已办结").is_visible()

    # The visitor reads the reply through the private link; the notice shows the candidate disqualified.
    visitor.goto(private_link)
    assert visitor.get_by_text("异议成立").first.is_visible()
    assert visitor.get_by_text("已取消该机构拟评定资格").is_visible()
    shot(visitor, "6-phone-reply")
    visitor.goto(objection.notice.get_absolute_url())
    assert visitor.get_by_text("经核查异议成立，取消拟评定资格").is_visible()

    # The admin publishes the adjusted list: the next candidate by rank, with its own period.
    admin.goto(f"/staff/rounds/{review.round.pk}/publicity/")
    assert admin.get_by_text("按排名递补", exact=True).is_visible()
    shot(admin, "7-admin-adjust")
    admin.get_by_role("button", name="发布公示").click()
    admin.wait_for_load_state()
    assert admin.get_by_text("公示已发布").is_visible()
    visitor.goto("/notices/?state=open")
    visitor.get_by_role("link", name=re.compile("调整后名单")).click()
    visitor.wait_for_load_state()
    assert visitor.get_by_text("申报机构丙").is_visible() and visitor.get_by_text("递补").first.is_visible()
    assert "申报机构甲" not in visitor.content()
    shot(visitor, "8-phone-adjusted")
    assert admin.js_errors == [] and handler.js_errors == [] and visitor.js_errors == []
    visitor.context.close()
