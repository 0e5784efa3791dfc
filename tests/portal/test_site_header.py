"""The header of every page is rendered once per distinct content and reused (portal/templatetags/chrome.py): each
user still sees their own, current header, with their own request's CSRF token."""

import re

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from portal.enums import Role
from portal.services import notify
from portal.templatetags import chrome
from tests.factories import ApplicantFactory, UserFactory

pytestmark = pytest.mark.django_db


def header(response) -> str:
    return re.search(r'<header class="site-header">.*?</header>', response.content.decode(), flags=re.S)[0]


def csrf_tokens(response) -> list[str]:
    return re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', header(response))


def test_two_users_on_the_same_page_each_see_their_own_name_role_and_navigation(client):
    first, second = UserFactory(full_name="赵敏"), ApplicantFactory(full_name="钱进")
    other = Client()
    client.force_login(first)
    other.force_login(second)

    mine, theirs = header(client.get("/home/")), header(other.get("/home/"))

    assert "赵敏" in mine and "评定工作管理员" in mine and "工作台" in mine and "钱进" not in mine
    assert "钱进" in theirs and "申报机构经办人" in theirs and "我的申报" in theirs and "赵敏" not in theirs


def test_a_changed_name_role_or_unread_count_shows_at_once(login):
    user = UserFactory(full_name="赵敏")
    client = login(user)
    assert "赵敏" in header(client.get("/home/"))

    user.full_name, user.role = "赵敏华", Role.VIEWER
    user.save()
    notify(users=[user], text="请查看进度。")

    shown = header(client.get("/home/"))
    assert "赵敏华" in shown and "上级查看" in shown and "进度总览" in shown and "工作台" not in shown
    assert '<span class="badge"' in shown


def test_the_header_links_to_the_language_switch_for_this_page(client):
    assert "next=/accounts/login/%3Fnext%3D/home/" in header(client.get("/accounts/login/?next=/home/"))
    assert "next=/" in header(client.get("/"))


def test_each_request_gets_its_own_csrf_token_and_the_logout_accepts_it():
    user = UserFactory()
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    first.force_login(user)
    second.force_login(user)

    token = csrf_tokens(first.get("/home/"))
    other = csrf_tokens(second.get("/home/"))

    assert len(token) == 2 and token[0] != other[0]
    assert chrome._CSRF_PLACEHOLDER not in token + other
    assert first.post(reverse("logout"), {"csrfmiddlewaretoken": token[0]}).status_code == 302
    assert second.post(reverse("logout"), {"csrfmiddlewaretoken": "x" * 64}).status_code == 403


def test_a_visitor_gets_neither_a_csrf_token_nor_cookie(client):
    response = client.get("/")

    assert csrf_tokens(response) == [] and settings.CSRF_COOKIE_NAME not in response.cookies
    assert chrome._CSRF_PLACEHOLDER not in response.content.decode()


def test_the_header_follows_the_language(login):
    client = login(UserFactory())
    assert "修改密码" in header(client.get("/home/"))

    english = header(client.get("/home/", HTTP_ACCEPT_LANGUAGE="en"))

    assert "修改密码" not in english and "Change password" in english
    assert "修改密码" in header(client.get("/home/"))  # and back (which also leaves Chinese active for the next test)
