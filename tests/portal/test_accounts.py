"""Accounts: login and lockout (django-axes), logout, idle timeout, forced and expired password change,
password reset and the language switch (docs/security.md 2–4)."""

import re
from datetime import timedelta
from importlib import import_module

import pytest
import time_machine
from axes.models import AccessAttempt
from axes.utils import reset as axes_reset
from django.conf import settings as django_settings
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.factories import ApplicantFactory, ReviewerFactory, UserFactory
from tests.portal.helpers import text

PASSWORD = "Test-pass-2026"
NEW_PASSWORD = "Qingdao-Harbor-77"
WRONG_LOGIN = "请输入一个正确的用户名和密码。注意，两者都区分大小写。"
LOCKED = "<h1>登录已被暂时锁定</h1>"
TOO_SIMPLE = "密码过于简单：需至少包含以下四类字符中的3类：小写字母、大写字母、数字、其他符号。"


def _login_post(client, username, password, remote_addr="127.0.0.1", **extra):
    return client.post("/accounts/login/", {"username": username, "password": password, **extra}, REMOTE_ADDR=remote_addr)


def _session_exists(key) -> bool:
    return import_module(django_settings.SESSION_ENGINE).SessionStore().exists(key)


# --- login -------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_login_page_renders_in_chinese(client):

    response = client.get("/accounts/login/?next=/home/")

    content = text(response)
    assert response.status_code == 200
    assert "<h1>登录</h1>" in content
    assert "登录已超时或尚未登录。登录后将回到您刚才的页面。" in content
    assert '<input type="hidden" name="next" value="/home/">' in content


@pytest.mark.django_db
def test_login_valid_credentials_lands_on_home(client):
    user = ReviewerFactory(username="zhou", department__name="高青县发展和改革局")

    response = _login_post(client, "zhou", PASSWORD)

    assert response.status_code == 302
    assert response["Location"] == "/home/"
    assert client.session["_auth_user_id"] == str(user.pk)
    assert "<h1>评审任务</h1>" in text(client.get("/home/"))


@pytest.mark.django_db
def test_login_follows_local_next_but_not_external(client):
    UserFactory(username="zhao")

    local = _login_post(client, "zhao", PASSWORD, next="/programmes/")
    client.post("/accounts/logout/")
    external = _login_post(client, "zhao", PASSWORD, next="https://evil.example/")

    assert local["Location"] == "/programmes/"
    assert external["Location"] == "/home/"


@pytest.mark.django_db
def test_login_page_redirects_signed_in_user_home(login):
    client = login(UserFactory())

    response = client.get("/accounts/login/")

    assert response.status_code == 302
    assert response["Location"] == "/home/"


@pytest.mark.django_db
def test_login_wrong_password_shows_chinese_error_and_keeps_username(client):
    UserFactory(username="zhao")

    response = _login_post(client, "zhao", "Wrong-pass-2026")

    content = text(response)
    assert response.status_code == 200
    assert f"<li>{WRONG_LOGIN}</li>" in content
    assert 'name="username" value="zhao"' in content
    assert 'name="password" value' not in content
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_login_inactive_account_refused(client):
    UserFactory(username="gone", is_active=False)

    response = _login_post(client, "gone", PASSWORD)

    assert response.status_code == 200
    assert f"<li>{WRONG_LOGIN}</li>" in text(response)
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_login_five_failures_lock_account_even_with_right_password(client):
    UserFactory(username="zhao")
    for _ in range(4):
        assert _login_post(client, "zhao", "Wrong-pass-2026").status_code == 200

    fifth = _login_post(client, "zhao", "Wrong-pass-2026")
    sixth = _login_post(client, "zhao", PASSWORD)

    assert fifth.status_code == 429
    assert sixth.status_code == 429
    assert LOCKED in text(sixth)
    assert "_auth_user_id" not in client.session
    assert AccessAttempt.objects.get(username="zhao").failures_since_start == 6  # the refused 6th is audited too


@pytest.mark.django_db
def test_login_four_failures_do_not_lock(client):
    UserFactory(username="zhao")
    for _ in range(4):
        _login_post(client, "zhao", "Wrong-pass-2026")

    response = _login_post(client, "zhao", PASSWORD)

    assert response.status_code == 302
    assert response["Location"] == "/home/"


@pytest.mark.django_db
def test_login_lockout_by_username_applies_from_another_address(client):
    UserFactory(username="zhao")
    for _ in range(5):
        _login_post(client, "zhao", "Wrong-pass-2026", remote_addr="10.0.0.1")

    response = _login_post(client, "zhao", PASSWORD, remote_addr="10.0.0.2")

    assert response.status_code == 429
    assert LOCKED in text(response)


@pytest.mark.django_db
def test_login_lockout_by_address_applies_to_other_usernames(client):
    UserFactory(username="qian")
    for number in range(5):
        _login_post(client, f"guess{number}", "Wrong-pass-2026", remote_addr="10.0.0.9")

    response = _login_post(client, "qian", PASSWORD, remote_addr="10.0.0.9")

    assert response.status_code == 429


@pytest.mark.django_db
def test_login_lockout_expires_after_cooloff(client):
    UserFactory(username="zhao")
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        for _ in range(5):
            _login_post(client, "zhao", "Wrong-pass-2026")
        traveller.shift(timedelta(minutes=31))

        response = _login_post(client, "zhao", PASSWORD)

    assert response.status_code == 302
    assert response["Location"] == "/home/"


@pytest.mark.django_db
def test_login_admin_unlock_allows_login_again(client):
    UserFactory(username="zhao")
    for _ in range(5):
        _login_post(client, "zhao", "Wrong-pass-2026")

    axes_reset(username="zhao")
    response = _login_post(client, "zhao", PASSWORD)

    assert response.status_code == 302
    assert response["Location"] == "/home/"


# --- logout and idle timeout -------------------------------------------------------------------------


@pytest.mark.django_db
def test_logout_get_not_allowed(login):
    client = login(UserFactory())

    response = client.get("/accounts/logout/")

    assert response.status_code == 405
    assert "_auth_user_id" in client.session


@pytest.mark.django_db
def test_logout_post_deletes_server_side_session(login):
    client = login(UserFactory())
    old_key = client.session.session_key
    assert _session_exists(old_key)

    response = client.post("/accounts/logout/")

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/"
    assert not _session_exists(old_key)
    assert client.get("/home/")["Location"] == "/accounts/login/?next=/home/"


@pytest.mark.django_db
def test_session_expires_after_30_idle_minutes(login):
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        client = login(UserFactory())
        client.get("/home/")
        traveller.shift(timedelta(minutes=31))

        response = client.get("/home/")

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/home/"


@pytest.mark.django_db
def test_session_renewed_by_each_request(login):
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        client = login(UserFactory())
        client.get("/home/")
        traveller.shift(timedelta(minutes=20))
        client.get("/home/")
        traveller.shift(timedelta(minutes=20))

        response = client.get("/home/")

    assert response.status_code == 200


def _session_writes(client, path="/home/") -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return sum("django_session" in query["sql"] and not query["sql"].startswith("SELECT") for query in queries)


@pytest.mark.django_db
def test_session_written_at_most_once_a_minute(login):
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        client = login(UserFactory())
        assert _session_writes(client) == 1  # the first request marks when the session was saved
        traveller.shift(timedelta(seconds=30))
        assert _session_writes(client) == 0
        traveller.shift(timedelta(seconds=31))
        assert _session_writes(client) == 1


@pytest.mark.django_db
def test_session_kept_alive_by_requests_closer_than_the_refresh_interval(login):
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        client = login(UserFactory())
        for _ in range(50):  # 40 minutes of a request every 50 seconds (to a light page: any signed-in page will do)
            assert client.get("/notifications/").status_code == 200
            traveller.shift(timedelta(seconds=50))

        response = client.get("/notifications/")

    assert response.status_code == 200


@pytest.mark.django_db
def test_session_expires_after_30_idle_minutes_even_after_an_unsaved_request(login):
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        client = login(UserFactory())
        client.get("/home/")
        traveller.shift(timedelta(seconds=30))
        assert _session_writes(client) == 0  # within the refresh interval: not saved
        traveller.shift(timedelta(minutes=30))

        response = client.get("/home/")

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/home/"


@pytest.mark.django_db
def test_visitor_without_session_gets_no_session(client):
    response = client.get("/accounts/login/")

    assert django_settings.SESSION_COOKIE_NAME not in response.cookies


# --- forced and expired password change -------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/", "/home/", "/programmes/", "/tools/workdays/", "/admin/"])
def test_must_change_password_redirects_every_page(login, path):
    client = login(UserFactory(must_change_password=True, is_staff=True))

    response = client.get(path)

    assert response.status_code == 302
    assert response["Location"] == "/accounts/password/change/"


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/healthz/", "/accounts/password/change/"])
def test_must_change_password_still_reaches_allowed_pages(login, path):
    client = login(UserFactory(must_change_password=True))

    response = client.get(path)

    assert response.status_code == 200


@pytest.mark.django_db
def test_must_change_password_page_explains_why(login):
    client = login(UserFactory(must_change_password=True))

    response = client.get("/home/", follow=True)

    content = text(response)
    assert response.redirect_chain == [("/accounts/password/change/", 302)]
    assert "<h1>修改密码</h1>" in content
    assert "首次登录或密码已被重置，请先修改密码。" in content


@pytest.mark.django_db
def test_password_change_clears_flag_and_records_time(login):
    user = UserFactory(must_change_password=True)
    client = login(user)
    before = timezone.now()

    response = client.post(
        "/accounts/password/change/",
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )

    user.refresh_from_db()
    assert response.status_code == 302
    assert response["Location"] == "/accounts/password/change/done/"
    assert user.must_change_password is False
    assert before <= user.password_changed_at <= timezone.now()
    assert user.check_password(NEW_PASSWORD)
    assert "<h1>工作台</h1>" in text(client.get("/home/"))  # still signed in, no more redirect


@pytest.mark.django_db
def test_password_change_refuses_too_simple_password(login):
    user = UserFactory(must_change_password=True)
    client = login(user)

    response = client.post(
        "/accounts/password/change/",
        {"old_password": PASSWORD, "new_password1": "abcdefgh", "new_password2": "abcdefgh"},
    )

    user.refresh_from_db()
    assert response.status_code == 200
    assert TOO_SIMPLE in response.context["form"].errors["new_password2"]
    assert TOO_SIMPLE in text(response)
    assert user.must_change_password is True
    assert user.password_changed_at is None
    assert user.check_password(PASSWORD)


@pytest.mark.django_db
def test_password_change_refuses_current_password_as_new(login):
    user = UserFactory(must_change_password=True)
    client = login(user)

    response = client.post(
        "/accounts/password/change/",
        {"old_password": PASSWORD, "new_password1": PASSWORD, "new_password2": PASSWORD},
    )

    user.refresh_from_db()
    assert response.status_code == 200
    assert response.context["form"].errors == {"new_password1": ["新密码不能与当前密码相同。"]}
    assert user.must_change_password is True
    assert user.password_changed_at is None


@pytest.mark.django_db
def test_password_change_refuses_wrong_old_password(login):
    user = UserFactory(must_change_password=True)
    client = login(user)

    response = client.post(
        "/accounts/password/change/",
        {"old_password": "Not-my-pass-1", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )

    user.refresh_from_db()
    assert response.context["form"].errors == {"old_password": ["你的旧密码不正确。请重新输入。"]}
    assert user.must_change_password is True


@pytest.mark.django_db
def test_password_change_anonymous_redirects_to_login(client):

    response = client.get("/accounts/password/change/")

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/accounts/password/change/"


@pytest.mark.django_db
def test_password_older_than_max_age_forces_change(login, settings):
    settings.PASSWORD_MAX_AGE_DAYS = 90
    client = login(UserFactory(password_changed_at=timezone.now() - timedelta(days=90)))

    response = client.get("/home/", follow=True)

    assert response.redirect_chain == [("/accounts/password/change/", 302)]
    assert "密码已超过有效期，请修改密码。" in text(response)


@pytest.mark.django_db
def test_password_younger_than_max_age_not_forced(login, settings):
    settings.PASSWORD_MAX_AGE_DAYS = 90
    client = login(UserFactory(password_changed_at=timezone.now() - timedelta(days=89, hours=23)))

    response = client.get("/home/")

    assert response.status_code == 200


@pytest.mark.django_db
def test_password_expires_while_time_passes(login):
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        user = UserFactory(password_changed_at=timezone.now())
        traveller.shift(timedelta(days=django_settings.PASSWORD_MAX_AGE_DAYS))
        client = login(user)

        response = client.get("/home/")

    assert response.status_code == 302
    assert response["Location"] == "/accounts/password/change/"


# --- password reset ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_password_reset_sends_one_mail_with_working_link(client):
    user = ApplicantFactory(email="wang@example.com", full_name="王晨", must_change_password=True)

    response = client.post("/accounts/password/reset/", {"email": "wang@example.com"})
    message = mail.outbox[0]
    link = re.search(r"http://testserver(/accounts/password/reset/[^/\s]+/[^/\s]+/)", message.body).group(1)
    form_page = client.get(link, follow=True)
    done = client.post(form_page.redirect_chain[-1][0], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})

    user.refresh_from_db()
    assert response["Location"] == "/accounts/password/reset/done/"
    assert len(mail.outbox) == 1
    assert message.to == ["wang@example.com"]
    assert message.subject == "【标杆评定】重设密码"
    assert message.body.startswith("王晨，您好：")
    assert "<h1>设置新密码</h1>" in text(form_page)
    assert done["Location"] == "/accounts/password/reset/complete/"
    assert user.check_password(NEW_PASSWORD)
    assert user.must_change_password is False
    assert user.password_changed_at is not None


@pytest.mark.django_db
def test_password_reset_link_works_only_once(client):
    ApplicantFactory(email="wang@example.com")
    client.post("/accounts/password/reset/", {"email": "wang@example.com"})
    link = re.search(r"http://testserver(/accounts/password/reset/\S+/)", mail.outbox[0].body).group(1)
    set_password_url = client.get(link)["Location"]
    client.post(set_password_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})

    response = client.get(link, follow=True)

    assert "该链接无效或已使用，请重新申请找回密码。" in text(response)


@pytest.mark.django_db
def test_password_reset_refuses_too_simple_password(client):
    user = ApplicantFactory(email="wang@example.com")
    client.post("/accounts/password/reset/", {"email": "wang@example.com"})
    link = re.search(r"http://testserver(/accounts/password/reset/\S+/)", mail.outbox[0].body).group(1)
    set_password_url = client.get(link)["Location"]

    response = client.post(set_password_url, {"new_password1": "abcdefgh", "new_password2": "abcdefgh"})

    user.refresh_from_db()
    assert response.status_code == 200
    assert TOO_SIMPLE in text(response)
    assert user.check_password(PASSWORD)


@pytest.mark.django_db
def test_password_reset_unknown_email_sends_nothing_and_reveals_nothing(client):
    ApplicantFactory(email="wang@example.com")

    response = client.post("/accounts/password/reset/", {"email": "nobody@example.com"}, follow=True)

    assert mail.outbox == []
    assert response.redirect_chain == [("/accounts/password/reset/done/", 302)]
    assert "<h1>请查收邮件</h1>" in text(response)


# --- language ----------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_language_default_is_simplified_chinese(client):

    response = client.get("/")

    assert response["Content-Language"] == "zh-hans"
    assert '<html lang="zh-CN">' in text(response)


@pytest.mark.django_db
def test_language_switch_to_english(client):

    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"}, follow=True)

    assert response.redirect_chain == [("/", 302)]
    assert response["Content-Language"] == "en"
    assert '<html lang="en">' in text(response)
    assert client.cookies[django_settings.LANGUAGE_COOKIE_NAME].value == "en"


@pytest.mark.django_db
def test_language_switch_ignores_external_next(client):

    response = client.post("/i18n/setlang/", {"language": "en", "next": "https://evil.example/"})

    assert response.status_code == 302
    assert response["Location"] == "/"
