"""The second factor of staff logins (issue 11 item 2, docs/security.md 5): who needs it, enrolment by QR code, recovery
codes shown once, a reused code refused, throttling, the security administrator's reset, the demo tokens."""

import re
import time

import pytest
from django.core.checks import run_checks
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from portal import second_factor
from portal.enums import AuditEvent, Role
from portal.models import AuditRecord, DemoTokenDevice
from tests.factories import (
    ApplicantFactory,
    AuditAdminFactory,
    DepartmentLeadFactory,
    ProgrammeFactory,
    ReviewerFactory,
    SecurityAdminFactory,
    SystemAdminFactory,
    UserFactory,
    ViewerFactory,
)
from tests.portal.helpers import messages_of, text, visible_text

pytestmark = pytest.mark.django_db
PASSWORD = "Test-pass-2026"


@pytest.fixture(autouse=True)
def _second_factor_on(settings):
    settings.SECOND_FACTOR_REQUIRED = True


def _code(device: TOTPDevice, offset: int = 0) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + offset * device.step
    return f"{totp.token():06d}"


def _sign_in(client, user, next_url="/home/"):
    return client.post("/accounts/login/", {"username": user.username, "password": PASSWORD, "next": next_url})


def _enrolled(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="totp", confirmed=True)


# --- who needs it ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("factory", "needed"),
    [
        (lambda: UserFactory(role=Role.PROGRAMME_ADMIN), True),
        (DepartmentLeadFactory, True),
        (SystemAdminFactory, True),
        (SecurityAdminFactory, True),
        (AuditAdminFactory, True),
        (lambda: UserFactory(role="", is_superuser=True), True),
        (ReviewerFactory, False),
        (ApplicantFactory, False),
        (ViewerFactory, False),
    ],
)
def test_who_needs_a_second_factor(factory, needed):

    assert second_factor.required_for(factory()) is needed


def test_reviewers_need_it_where_their_programme_says_so():
    reviewer = ReviewerFactory()
    programme = ProgrammeFactory(lead_department=reviewer.department, reviewers_second_factor=False)
    assert second_factor.required_for(reviewer) is False

    programme.reviewers_second_factor = True
    programme.save()

    assert second_factor.required_for(reviewer) is True


# --- enrolment ---------------------------------------------------------------------------------------


def test_first_login_leads_to_enrolment_with_a_qr_code(client):
    admin = UserFactory(username="zhao")

    signed_in = _sign_in(client, admin, next_url="/programmes/")
    home = client.get("/programmes/")
    setup = client.get(home["Location"])

    assert signed_in["Location"] == "/programmes/"
    assert home.status_code == 302
    assert home["Location"] == "/accounts/second-factor/setup/?next=%2Fprogrammes%2F"
    page = text(setup)
    assert 'src="data:image/svg+xml' in page  # drawn by the portal (segno), no external service
    device = TOTPDevice.objects.get(user=admin, confirmed=False)
    key = re.search(r'<code class="otp-key">([A-Z2-7 ]+)</code>', page).group(1).replace(" ", "")
    assert key.encode() == __import__("base64").b32encode(device.bin_key)


def test_enrolment_shows_ten_recovery_codes_once_and_verifies_the_session(client):
    admin = UserFactory(username="zhao")
    _sign_in(client, admin)
    client.get("/accounts/second-factor/setup/")
    device = TOTPDevice.objects.get(user=admin)

    confirmed = client.post("/accounts/second-factor/setup/", {"code": _code(device), "next": "/programmes/"})
    codes = re.findall(r"<li><code>([a-z2-7]+)</code></li>", text(confirmed))
    again = client.get("/accounts/second-factor/setup/")

    device.refresh_from_db()
    assert device.confirmed is True
    assert len(codes) == 10 and len(set(codes)) == 10
    assert sorted(StaticDevice.objects.get(user=admin).token_set.values_list("token", flat=True)) == sorted(codes)
    assert "no-store" in confirmed["Cache-Control"]
    assert client.get("/programmes/").status_code == 200
    assert again.status_code == 302 and again["Location"].startswith("/accounts/second-factor/verify/")
    record = AuditRecord.objects.get(event=AuditEvent.SECOND_FACTOR, success=True)
    assert record.detail == "enrol: totp confirmed, recovery codes issued"


def test_enrolment_with_a_wrong_code_is_refused_and_keeps_the_same_key(client):
    admin = UserFactory()
    _sign_in(client, admin)
    first = text(client.get("/accounts/second-factor/setup/"))

    response = client.post("/accounts/second-factor/setup/", {"code": "000000"})

    assert response.status_code == 400
    assert "验证码不正确，请核对手机时间后输入验证器上新的6位验证码。" in visible_text(response)
    assert re.search(r'class="otp-key">([^<]+)<', first).group(1) in text(response)
    assert TOTPDevice.objects.filter(user=admin).count() == 1
    assert client.get("/home/").status_code == 302


# --- each login --------------------------------------------------------------------------------------


def test_enrolled_user_gives_a_code_at_login(client):
    admin = UserFactory()
    device = _enrolled(admin)
    _sign_in(client, admin)

    asked = client.get("/home/")
    verified = client.post("/accounts/second-factor/verify/", {"code": _code(device), "next": "/home/"})

    assert asked["Location"] == "/accounts/second-factor/verify/?next=%2Fhome%2F"
    assert verified.status_code == 302 and verified["Location"] == "/home/"
    assert client.get("/home/").status_code == 200


def test_a_code_used_once_is_refused_the_second_time(client):
    admin = UserFactory()
    device = _enrolled(admin)
    code = _code(device)
    _sign_in(client, admin)
    client.post("/accounts/second-factor/verify/", {"code": code})
    client.post("/accounts/logout/")
    _sign_in(client, admin)

    reused = client.post("/accounts/second-factor/verify/", {"code": code})

    assert reused.status_code == 400
    assert "验证码不正确或已使用过，请输入验证器上新的6位验证码。" in visible_text(reused)
    assert client.get("/home/").status_code == 302
    refused = AuditRecord.objects.filter(event=AuditEvent.SECOND_FACTOR, success=False)
    assert list(refused.values_list("detail", flat=True)) == ["verify: refused"]


def test_a_recovery_code_works_once(client):
    admin = UserFactory()
    _enrolled(admin)
    recovery = StaticDevice.objects.create(user=admin, name="recovery", confirmed=True)
    recovery.token_set.create(token="abcd2345")
    _sign_in(client, admin)

    used = client.post("/accounts/second-factor/verify/", {"code": "abcd 2345"})
    client.post("/accounts/logout/")
    _sign_in(client, admin)
    again = client.post("/accounts/second-factor/verify/", {"code": "abcd2345"})

    assert used.status_code == 302
    assert again.status_code == 400
    assert AuditRecord.objects.filter(detail="verify: recovery code used, 0 left").count() == 1


def test_wrong_codes_are_throttled(client):
    admin = UserFactory()
    device = _enrolled(admin)
    _sign_in(client, admin)
    for _ in range(3):
        client.post("/accounts/second-factor/verify/", {"code": "111111"})

    right_but_throttled = client.post("/accounts/second-factor/verify/", {"code": _code(device)})

    assert right_but_throttled.status_code == 400
    assert "验证码错误次数过多，请稍后再试。" in visible_text(right_but_throttled)


def test_user_without_the_need_is_not_asked(client):
    applicant = ApplicantFactory()

    _sign_in(client, applicant)

    assert client.get("/home/").status_code == 200


def test_second_factor_pages_need_a_signed_in_user(client):

    assert client.get("/accounts/second-factor/verify/")["Location"].startswith("/accounts/login/")
    assert client.post("/accounts/second-factor/setup/", {"code": "1"})["Location"].startswith("/accounts/login/")


def test_next_must_stay_on_this_site(client):
    admin = UserFactory()
    device = _enrolled(admin)
    _sign_in(client, admin)

    response = client.post("/accounts/second-factor/verify/", {"code": _code(device), "next": "https://evil.example/"})

    assert response["Location"] == "/home/"


def test_recovery_codes_can_be_renewed_by_a_verified_user(client):
    admin = UserFactory()
    device = _enrolled(admin)
    old = StaticDevice.objects.create(user=admin, name="recovery", confirmed=True)
    old.token_set.create(token="oldcode2")
    _sign_in(client, admin)
    client.post("/accounts/second-factor/verify/", {"code": _code(device)})

    response = client.post("/accounts/second-factor/recovery-codes/")

    codes = re.findall(r"<li><code>([a-z2-7]+)</code></li>", text(response))
    assert len(codes) == 10
    assert "oldcode2" not in StaticDevice.objects.get(user=admin).token_set.values_list("token", flat=True)


# --- reset by the security administrator --------------------------------------------------------------


def test_security_admin_resets_a_lost_phone_and_the_user_enrols_again(client, login, settings):
    lead = DepartmentLeadFactory(username="qian")
    _enrolled(lead)
    security = SecurityAdminFactory(username="sec")
    settings.SECOND_FACTOR_REQUIRED = False  # the security administrator's own session is not what is tested here
    staff = login(security)

    page = staff.get("/security/second-factor/")
    reset = staff.post(reverse("security_second_factor_reset", args=[lead.pk]), {"reason": "手机遗失，已电话核实本人"})

    assert "已绑定" in visible_text(page)
    assert messages_of(reset) == [f"已重置 {lead} 的二次验证，其下次登录时须重新绑定验证器。"]
    assert not TOTPDevice.objects.filter(user=lead).exists()
    record = AuditRecord.objects.get(event=AuditEvent.SECOND_FACTOR)
    assert (record.username, record.object_id) == ("sec", str(lead.pk))
    assert record.detail == "reset second factor of qian: 手机遗失，已电话核实本人"
    settings.SECOND_FACTOR_REQUIRED = True
    _sign_in(client, lead)
    assert client.get("/home/")["Location"].startswith("/accounts/second-factor/setup/")


def test_reset_needs_a_reason_and_the_security_administrator(login, settings):
    settings.SECOND_FACTOR_REQUIRED = False
    lead = DepartmentLeadFactory()
    _enrolled(lead)

    no_reason = login(SecurityAdminFactory()).post(reverse("security_second_factor_reset", args=[lead.pk]), {"reason": ""})
    by_sysadmin = login(SystemAdminFactory()).post(reverse("security_second_factor_reset", args=[lead.pk]), {"reason": "x"})

    assert messages_of(no_reason) == ["重置二次验证须说明理由。"]
    assert by_sysadmin.status_code == 403
    assert TOTPDevice.objects.filter(user=lead).exists()


def test_nobody_resets_their_own_second_factor():
    security = SecurityAdminFactory()
    _enrolled(security)

    with pytest.raises(PermissionError):
        second_factor.reset(user=security, actor=security, reason="自己重置")

    assert TOTPDevice.objects.filter(user=security).exists()


# --- the demo's fixed tokens -------------------------------------------------------------------------


def test_demo_token_works_only_in_the_demo(client, settings):
    admin = UserFactory()
    DemoTokenDevice.objects.create(user=admin, name="演示口令", token="246810", confirmed=True)
    settings.DEBUG = False
    settings.DEMO_MODE = False
    _sign_in(client, admin)

    outside = client.post("/accounts/second-factor/verify/", {"code": "246810"})
    settings.DEMO_MODE = True
    inside = client.post("/accounts/second-factor/verify/", {"code": "246810"})

    assert outside.status_code == 400
    assert inside.status_code == 302
    assert client.get("/home/").status_code == 200


def test_system_check_refuses_demo_tokens_outside_the_demo(settings):
    DemoTokenDevice.objects.create(user=UserFactory(), name="演示口令", token="246810", confirmed=True)
    settings.DEBUG = False
    settings.DEMO_MODE = False

    errors = [m for m in run_checks() if m.id == "portal.E010"]
    settings.DEMO_MODE = True
    in_demo = [m for m in run_checks() if m.id == "portal.E010"]

    assert len(errors) == 1 and errors[0].msg == "数据库中有 1 个演示用二次验证口令：生产环境不得使用演示账号。"
    assert in_demo == []
