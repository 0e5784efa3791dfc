"""Health check, public landing page and the security headers of every page (docs/security.md 15)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.factories import RoundFactory, UserFactory
from tests.portal.helpers import at, text, visible_text


def _csp_directives(response) -> dict[str, list[str]]:
    directives = {}
    for part in response["Content-Security-Policy"].split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


# --- healthz -----------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_healthz_returns_ok(client):

    response = client.get("/healthz/")

    assert response.status_code == 200
    assert response.content == b"ok"
    assert response["Content-Type"] == "text/plain"


@pytest.mark.django_db
def test_healthz_refuses_post(client):

    response = client.post("/healthz/")

    assert response.status_code == 405


# --- landing -----------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_landing_lists_open_rounds_only(client):
    RoundFactory(programme__name="高青县县级标杆机构评定", name="2026年度", quota=2, closes_at=at(2099, 12, 18, 17, 30))
    RoundFactory(programme__name="已截止的项目", name="2022年度", opens_at=at(2022, 11, 1), closes_at=at(2022, 11, 30))
    RoundFactory(programme__name="尚未开始的项目", name="2099年度", opens_at=at(2099, 1, 1), closes_at=at(2099, 2, 1))

    response = client.get("/")

    content = visible_text(response)
    assert response.status_code == 200
    assert [r.name for r in response.context["open_rounds"]] == ["2026年度"]
    assert "名额 1 高青县县级标杆机构评定 2026年度 2099-12-18 17:30 2" in content
    assert "已截止的项目" not in content
    assert "尚未开始的项目" not in content


@pytest.mark.django_db
def test_landing_round_closing_now_is_not_listed(client):
    now = timezone.now()
    RoundFactory(programme__name="刚截止的项目", opens_at=now - timedelta(days=10), closes_at=now)

    response = client.get("/")

    assert list(response.context["open_rounds"]) == []
    assert "刚截止的项目" not in text(response)


@pytest.mark.django_db
def test_landing_without_open_rounds_shows_empty_state(client):
    RoundFactory(programme__name="已截止的项目", opens_at=at(2022, 11, 1), closes_at=at(2022, 11, 30))

    content = text(client.get("/"))

    assert '<p class="empty-state__title">目前没有正在申报的批次</p>' in content
    assert '<p class="empty-state__hint">申报开始后，申报通知将在此公布。</p>' in content
    assert "已截止的项目" not in content


@pytest.mark.django_db
def test_landing_anonymous_sees_login_button(client):

    content = text(client.get("/"))

    assert "<h1>就业服务质量标杆机构评定</h1>" in content
    assert '<a class="button button--primary" href="/accounts/login/">登录办理</a>' in content


@pytest.mark.django_db
def test_landing_offers_registration_to_a_new_institution_without_an_open_round(client):
    """Issue 13: 机构登记 was reachable only through a round's call."""
    page = client.get("/")

    assert '<a class="button" href="/register/">机构登记</a>' in text(page)
    assert "首次申报的机构请先登记" in visible_text(page)
    assert client.get("/register/").status_code == 200


@pytest.mark.django_db
def test_landing_signed_in_user_sees_no_login_button(login):
    client = login(UserFactory(full_name="赵敏"))

    content = text(client.get("/"))

    assert "登录办理" not in content
    assert '<span class="user-badge__name">赵敏</span>' in content


@pytest.mark.django_db
def test_landing_refuses_post(client):

    response = client.post("/")

    assert response.status_code == 405


# --- security headers --------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/", "/accounts/login/"])
def test_security_headers_on_public_pages(client, path):

    response = client.get(path)

    directives = _csp_directives(response)
    assert directives["script-src"] == ["'self'"]
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]
    assert "'unsafe-eval'" not in response["Content-Security-Policy"]
    assert directives["object-src"] == ["'none'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


@pytest.mark.django_db
def test_security_headers_on_signed_in_page(login):
    client = login(UserFactory())

    response = client.get("/home/")

    assert _csp_directives(response)["script-src"] == ["'self'"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.django_db
def test_pages_have_no_inline_script_or_style(client):

    content = text(client.get("/"))

    assert "<script>" not in content
    assert "<style" not in content
    assert " style=" not in content
    assert " onclick=" not in content
