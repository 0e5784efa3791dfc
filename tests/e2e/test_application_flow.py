"""Issue 4 end to end in Chromium: fill, upload, submit, be returned, amend, resubmit, be accepted."""

import io
from datetime import timedelta

import pytest
from django.utils import timezone
from PIL import Image

from applications.conditions import conditions_install_default
from applications.enums import ApplicationStatus
from applications.models import Application
from portal import services
from tests.e2e.pages import open_page, sign_in
from tests.factories import ApplicantFactory, RoundFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

WORK_RECORD = ("本中心坚持以就业为导向，建成“一刻钟就业服务圈”，2025年服务求职者12,345人次。" * 40)[:1000]
PDF_BYTES = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def seal_png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (120, 120), (200, 30, 30)).save(buffer, format="PNG")
    return buffer.getvalue()




def upload(page, purpose_label, name, mime, data):
    page.locator("#id_purpose").select_option(label=purpose_label)
    page.locator("#id_files").set_input_files(files=[{"name": name, "mimeType": mime, "buffer": data}])
    page.get_by_role("button", name="上传").click()
    page.wait_for_load_state()


@pytest.mark.history
def test_apply_return_resubmit_accept(browser, live_server, screenshot_dir):
    round = RoundFactory(closes_at=timezone.now() + timedelta(days=20))
    conditions_install_default(round.programme)
    applicant = ApplicantFactory(username="e2e_applicant")
    admin = UserFactory(username="e2e_admin")
    services.programme_admin_grant(programme=round.programme, user=admin)

    page = open_page(browser, live_server)
    sign_in(page, "e2e_applicant")
    page.get_by_role("button", name="开始申报").click()
    page.wait_for_load_state()
    assert "/edit/" in page.url

    page.get_by_label("负责人职务").fill("主任")
    page.get_by_label("工作情况").fill(WORK_RECORD + "超")
    page.get_by_role("button", name="保存草稿").click()
    page.wait_for_load_state()
    assert "工作情况不能超过1000字，当前为1001字" in page.locator(".error-summary").inner_text()
    assert page.get_by_label("工作情况").input_value() == WORK_RECORD + "超"
    page.screenshot(path=str(screenshot_dir / "apply_1001_refused.png"), full_page=True)

    page.get_by_label("工作情况").fill(WORK_RECORD)
    for block in page.locator(".condition").all():
        options = block.locator("input[type=radio]")
        met = block.locator("input[type=radio][value=met]")
        (met if met.count() else options).first.check()
    page.get_by_label("本机构已阅读并承诺").check()
    page.get_by_label("承诺日期").fill(timezone.localdate().isoformat())
    page.get_by_role("button", name="保存草稿").click()
    page.wait_for_load_state()
    assert "草稿已保存" in page.locator(".messages").inner_text()

    upload(page, "佐证材料", "服务台账.pdf", "application/pdf", PDF_BYTES)
    upload(page, "佐证材料", "setup.pdf", "application/pdf", b"MZ\x90\x00" + b"\x00" * 200)
    assert "内容与扩展名不符" in page.locator(".messages").inner_text()
    upload(page, "盖章/签字页", "承诺页.png", "image/png", seal_png())
    page.screenshot(path=str(screenshot_dir / "apply_uploaded.png"), full_page=True)
    assert page.get_by_label("工作情况").input_value() == WORK_RECORD

    page.get_by_role("button", name="提交申报").click()
    page.wait_for_load_state()
    assert page.confirms == ["提交后申报表将被锁定，不能再修改（除非管理员退回补正）。确定提交吗？"]
    assert "申报已提交" in page.locator(".messages").inner_text()
    application = Application.objects.get(institution=applicant.institution)
    assert application.status == ApplicationStatus.SUBMITTED
    page.screenshot(path=str(screenshot_dir / "apply_submitted.png"), full_page=True)

    staff = open_page(browser, live_server)
    sign_in(staff, "e2e_admin")
    staff.goto(f"/staff/rounds/{round.pk}/applications/")
    staff.screenshot(path=str(screenshot_dir / "admin_round_table.png"), full_page=True)
    staff.get_by_role("link", name=application.institution_name).click()
    staff.get_by_label("退回原因及需补正的内容").fill("请补充2025年服务台账的盖章扫描件。")
    staff.get_by_label("补正截止日期").fill((timezone.localdate() + timedelta(days=5)).isoformat())
    staff.get_by_role("button", name="退回补正").click()
    staff.wait_for_load_state()
    application.refresh_from_db()
    assert application.status == ApplicationStatus.RETURNED

    page.goto("/home/")
    assert "退回补正" in page.locator("main").inner_text()
    page.get_by_role("link", name="补正后重新提交").click()
    assert "请补充2025年服务台账的盖章扫描件。" in page.locator(".message--warning").inner_text()
    upload(page, "佐证材料", "盖章台账.pdf", "application/pdf", PDF_BYTES)
    page.screenshot(path=str(screenshot_dir / "apply_returned.png"), full_page=True)
    page.get_by_role("button", name="重新提交").click()
    page.wait_for_load_state()
    application.refresh_from_db()
    assert application.status == ApplicationStatus.RESUBMITTED

    staff.reload()
    staff.get_by_role("button", name="受理", exact=True).click()
    staff.wait_for_load_state()
    application.refresh_from_db()
    assert application.status == ApplicationStatus.ACCEPTED
    staff.screenshot(path=str(screenshot_dir / "admin_accepted.png"), full_page=True)
    statuses = list(application.history.order_by("history_date", "history_id").values_list("status", flat=True))
    assert [s for i, s in enumerate(statuses) if i == 0 or statuses[i - 1] != s] == [
        "draft", "submitted", "returned", "resubmitted", "accepted",
    ]
    assert application.history.filter(status="returned").earliest("history_date").history_user == admin


def test_session_expiry_keeps_typed_text(browser, live_server, screenshot_dir):
    round = RoundFactory(closes_at=timezone.now() + timedelta(days=20))
    conditions_install_default(round.programme)
    ApplicantFactory(username="e2e_expiry")
    page = open_page(browser, live_server)
    sign_in(page, "e2e_expiry")
    page.get_by_role("button", name="开始申报").click()
    page.wait_for_load_state()
    text = "会话过期前输入的工作情况，不能丢失。" * 10

    page.get_by_label("工作情况").fill(text)
    page.context.clear_cookies(name="sessionid")
    page.get_by_role("button", name="保存草稿").click()
    page.wait_for_load_state()
    assert "/accounts/login/" in page.url
    page.get_by_label("用户名").fill("e2e_expiry")
    page.get_by_label("密码").fill("Test-pass-2026")
    page.get_by_role("button", name="登录").click()
    page.wait_for_load_state()

    assert "/edit/" in page.url
    assert page.locator("#draft-restore").is_visible()
    assert page.get_by_label("工作情况").input_value() == text
    page.screenshot(path=str(screenshot_dir / "apply_restored_after_login.png"), full_page=False)
