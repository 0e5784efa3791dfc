"""The publicity-period calculator (portal.views.workday_calculator)."""

import pytest

from tests.factories import ApplicantFactory, ReviewerFactory, SystemAdminFactory, UserFactory, ViewerFactory
from tests.portal.helpers import text

URL = "/tools/workdays/"


@pytest.mark.django_db
def test_workday_calculator_spans_national_day(login):
    admin = UserFactory()

    response = login(admin).get(URL, {"start": "2026-09-28", "days": "5"})

    content = text(response)
    assert response.status_code == 200
    assert "<h1>公示期计算</h1>" in content
    assert '<p class="result__line">公示时间：9月28日至10月9日（5个工作日）</p>' in content
    assert "<p>异议受理截止：2026年10月9日 24:00（北京时间）</p>" in content


@pytest.mark.django_db
def test_workday_calculator_start_on_holiday_counts_from_next_workday(login):
    superuser = SystemAdminFactory()

    content = text(login(superuser).get(URL, {"start": "2026-10-01", "days": "3"}))

    assert "公示时间：10月8日至10月10日（3个工作日）" in content  # 10月10日 is a make-up Saturday


@pytest.mark.django_db
def test_workday_calculator_unbound_shows_form_without_result(login):
    admin = UserFactory()

    response = login(admin).get(URL)

    content = text(response)
    assert response.status_code == 200
    assert response.context["result"] is None
    assert 'name="days" value="5"' in content
    assert "公示时间：" not in content
    assert 'class="error-summary"' not in content


@pytest.mark.django_db
def test_workday_calculator_unknown_year_shows_error_and_keeps_input(login):
    admin = UserFactory()

    response = login(admin).get(URL, {"start": "2027-03-01", "days": "7"})

    content = text(response)
    assert response.status_code == 200
    assert response.context["result"] is None
    assert (
        "<li>尚未录入2027年的节假日安排（国务院办公厅通知），无法计算工作日。请系统管理员在“节假日安排”中录入。</li>"
        in content
    )
    assert 'value="2027-03-01"' in content
    assert 'name="days" value="7"' in content
    assert "公示时间：" not in content


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("days", "message"),
    [("0", "确保该值大于或等于1。"), ("31", "确保该值小于或等于30。"), ("abc", "输入整数。"), ("", "这个字段是必填项。")],
    ids=["zero", "too-many", "not-a-number", "empty"],
)
def test_workday_calculator_bad_days_shows_chinese_field_error(login, days, message):
    admin = UserFactory()

    response = login(admin).get(URL, {"start": "2026-09-28", "days": days})

    content = text(response)
    assert response.context["form"].errors == {"days": [message]}
    assert f'<p class="field__error" id="id_days_error">{message}</p>' in content
    assert f'<li><a href="#id_days">工作日数：{message}</a></li>' in content
    assert 'value="2026-09-28"' in content
    assert "公示时间：" not in content


@pytest.mark.django_db
def test_workday_calculator_bad_date_shows_chinese_field_error(login):
    admin = UserFactory()

    response = login(admin).get(URL, {"start": "2026-02-30", "days": "5"})

    assert response.context["form"].errors == {"start": ["输入一个有效的日期。"]}
    assert 'value="2026-02-30"' in text(response)


@pytest.mark.django_db
@pytest.mark.parametrize("factory", [ApplicantFactory, ReviewerFactory, ViewerFactory], ids=["applicant", "reviewer", "viewer"])
def test_workday_calculator_other_roles_get_403(login, factory):
    user = factory()

    response = login(user).get(URL, {"start": "2026-09-28", "days": "5"})

    assert response.status_code == 403
    assert "公示时间：" not in text(response)


@pytest.mark.django_db
def test_workday_calculator_anonymous_redirects_to_login(client):

    response = client.get(URL)

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/tools/workdays/"
