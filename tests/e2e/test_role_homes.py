"""Each role logs in through the real login form in Chromium and lands on its own home page."""

import pytest
from django.utils import timezone

from portal import services
from tests.factories import (
    ApplicantFactory,
    AuditAdminFactory,
    DepartmentLeadFactory,
    ProgrammeFactory,
    ReviewerFactory,
    RoundFactory,
    SecurityAdminFactory,
    SystemAdminFactory,
    UserFactory,
    ViewerFactory,
)

pytestmark = pytest.mark.django_db(transaction=True)

ROLE_HOMES = [
    (ApplicantFactory, "applicant", "我的申报", "申报机构经办人"),
    (ReviewerFactory, "reviewer", "评审任务", "评审专家"),
    (DepartmentLeadFactory, "dept_lead", "部门意见", "部门负责人"),
    (UserFactory, "programme_admin", "工作台", "评定工作管理员"),
    (ViewerFactory, "viewer", "「十百千」进度总览", "上级查看"),
    (SystemAdminFactory, "system_admin", "工作台", "系统管理员"),
    (SecurityAdminFactory, "security_admin", "安全管理", "安全管理员"),
    (AuditAdminFactory, "audit_admin", "审计管理", "审计管理员"),
]


@pytest.mark.parametrize(("factory", "slug", "heading", "role_label"), ROLE_HOMES)
def test_role_logs_in_and_sees_home(page, sign_in, screenshot, factory, slug, heading, role_label):
    programme = ProgrammeFactory(name="测试县级标杆机构评定（演示）")
    RoundFactory(programme=programme, closes_at=timezone.now() + timezone.timedelta(days=10))
    user = factory(username=f"e2e_{slug}")
    if slug == "programme_admin":
        services.programme_admin_grant(programme=programme, user=user)

    sign_in(user.username)

    assert page.url.endswith("/home/")
    assert page.get_by_role("heading", level=1).inner_text() == heading
    assert page.locator(".user-badge__role").inner_text() == role_label
    assert page.js_errors == []
    screenshot(f"home_{slug}")


def test_wrong_password_keeps_username_and_says_why(page, sign_in):
    UserFactory(username="e2e_wrong")

    sign_in("e2e_wrong", "not-the-password")

    assert "/accounts/login/" in page.url
    assert page.get_by_label("用户名").input_value() == "e2e_wrong"
    assert "请输入一个正确的" in page.locator(".error-summary").inner_text()


def test_staff_enrols_a_second_factor_with_the_qr_page(page, sign_in, screenshot, settings):
    import base64
    import time

    from django_otp.oath import TOTP

    settings.SECOND_FACTOR_REQUIRED = True
    UserFactory(username="e2e_otp", full_name="赵管理")

    sign_in("e2e_otp")

    assert "/accounts/second-factor/setup/" in page.url
    assert page.locator(".qr img").evaluate("img => img.naturalWidth > 100")  # the SVG QR code rendered
    screenshot("second_factor_setup")
    key = base64.b32decode(page.locator(".otp-key").inner_text().replace(" ", ""))
    totp = TOTP(key)
    totp.time = time.time()
    page.get_by_label("验证码").fill(f"{totp.token():06d}")
    page.get_by_role("button", name="完成绑定").click()
    assert page.locator(".recovery-codes li").count() == 10
    screenshot("second_factor_codes")
    page.get_by_role("link", name="我已保存，继续").click()
    assert page.url.endswith("/home/")
    assert page.get_by_role("heading", level=1).inner_text() == "工作台"
    assert page.js_errors == []
