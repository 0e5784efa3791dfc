"""The programme admin's publicity settings: working days, ID number required, the notice and announcement templates."""

import pytest
from django.urls import reverse

from awards.services import announcement_defaults
from portal import documents
from portal.models import Programme, Round
from publicity import services
from tests.factories import ApplicantFactory, UserFactory
from tests.portal.helpers import messages_of, visible_text
from tests.publicity.publicity_builders import listed_round

pytestmark = pytest.mark.django_db


@pytest.fixture
def listed():
    return listed_round()


def url(programme) -> str:
    return reverse("publicity:programme_settings", args=[programme.pk])


def data(**overrides) -> dict:
    values = {
        "publicity_days": "7",
        "objection_requires_id_number": "on",
        "publicity_template": "经评审，拟将以下{名单数}家机构评定为标杆机构。{公示时间}。联系方式：{联系方式}",
        "announcement_template": "现将{批次}{层级}标杆机构名单予以公布，授予“{牌匾}”牌匾。",
    }
    values.update(overrides)
    return {key: value for key, value in values.items() if value is not None}


@pytest.mark.history
def test_admin_saves_the_settings_and_the_next_drafts_use_them(login, listed):
    client = login(listed.admin)

    response = client.post(url(listed.programme), data())

    programme = Programme.objects.get(pk=listed.programme.pk)
    assert response.status_code == 302 and response["Location"] == url(programme)
    assert (programme.publicity_days, programme.objection_requires_id_number) == (7, True)
    round = Round.objects.get(pk=listed.round.pk)
    assert services.notice_draft(round)["body"].startswith("经评审，拟将以下2家机构评定为标杆机构。")
    assert announcement_defaults(round)["body"].startswith(f"现将{round.name}县级标杆机构名单予以公布")
    record = programme.history.order_by("-history_date").first()
    assert (record.history_user, record.history_change_reason) == (listed.admin, "修改公示与公布设置")
    assert messages_of(client.get(response["Location"])) == ["已保存公示与公布设置。"]


def test_an_unknown_placeholder_is_refused_and_nothing_is_saved(login, listed):
    client = login(listed.admin)

    response = client.post(url(listed.programme), data(publicity_template="拟评定{名单数}家，{截止日期}前反映。"))

    assert response.status_code == 200
    assert "模板中有无法填写的占位符：{截止日期}。" in visible_text(response)
    assert "拟评定{名单数}家，{截止日期}前反映。" in response.content.decode()  # what was typed stays
    programme = Programme.objects.get(pk=listed.programme.pk)
    assert (programme.publicity_days, programme.publicity_template) == (5, "")


def test_working_days_out_of_range_are_refused(login, listed):
    response = login(listed.admin).post(url(listed.programme), data(publicity_days="0"))

    assert response.status_code == 200 and "确保该值大于或等于1" in visible_text(response)
    assert Programme.objects.get(pk=listed.programme.pk).publicity_days == 5


def test_the_page_shows_the_current_settings(login, listed):
    response = login(listed.admin).get(url(listed.programme))

    assert response.status_code == 200
    assert 'name="publicity_days" value="5"' in response.content.decode()
    assert "{公示时间}" in visible_text(response)  # the placeholders are listed in the help text


def test_another_programmes_admin_gets_404_and_other_roles_403(login, listed):
    other = UserFactory()

    assert login(other).get(url(listed.programme)).status_code == 404
    assert login(other).post(url(listed.programme), data()).status_code == 404
    assert login(ApplicantFactory()).get(url(listed.programme)).status_code == 403
    assert Programme.objects.get(pk=listed.programme.pk).publicity_days == 5


def test_anonymous_is_sent_to_login(client, listed):
    response = client.get(url(listed.programme))

    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_template_unknown_placeholders():
    known = documents.NOTICE_PLACEHOLDERS

    assert documents.template_unknown_placeholders("{项目}{公示时间}", known) == []
    assert documents.template_unknown_placeholders("{项目}{牌匾}{ 批次}{}", known) == ["", " 批次", "牌匾"]


def test_an_empty_template_shows_the_default_and_saved_unchanged_stays_the_default(login, listed):
    client = login(listed.admin)
    page = client.get(url(listed.programme))
    form = page.context["form"]
    shown = {name: form[name].value() for name in ("publicity_template", "announcement_template")}

    client.post(url(listed.programme), data(**shown))

    assert shown["publicity_template"].startswith("根据{项目}评定工作安排")
    assert shown["announcement_template"].startswith("根据{项目}评定工作安排，经机构申报、部门联合评审、社会公示")
    programme = Programme.objects.get(pk=listed.programme.pk)
    assert (programme.publicity_template, programme.announcement_template, programme.publicity_days) == ("", "", 7)
