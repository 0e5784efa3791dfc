"""A programme admin opens and edits the rounds of its own programmes in the portal (issue 11 item 1: the admin
site is no longer theirs)."""

import pytest
from django.urls import reverse

from portal import services
from portal.models import Round
from tests.factories import ProgrammeFactory, ReviewerFactory, RoundFactory, UserFactory
from tests.portal.helpers import messages_of, visible_text

pytestmark = pytest.mark.django_db

FORM = {
    "name": "2027年度",
    "opens_at": "2027-03-01T09:00",
    "closes_at": "2027-04-15T17:30",
    "quota": "2",
    "call_text": "各有关单位：……",
    "contact_name": "韩老师",
    "contact_phone": "0533-6961234",
    "contact_email": "",
    "max_file_mb": "20",
    "max_total_mb": "100",
    "max_files": "30",
}


def _admin_of(programme):
    admin = UserFactory(full_name="赵管理")
    services.programme_admin_grant(programme=programme, user=admin)
    return admin


@pytest.mark.history
def test_admin_opens_a_round_of_its_programme(login):
    programme = ProgrammeFactory()
    client = login(_admin_of(programme))

    response = client.post(reverse("round_new", args=[programme.pk]), FORM)

    round = Round.objects.get(programme=programme)
    assert response.status_code == 302 and response["Location"] == programme.get_absolute_url()
    assert messages_of(response) == ["批次“2027年度”已保存。"]
    assert (round.quota, round.closes_at.isoformat()) == (2, "2027-04-15T09:30:00+00:00")
    assert round.history.get().history_change_reason == "新建批次"


@pytest.mark.history
def test_admin_edits_a_round_and_the_history_names_the_fields(login):
    programme = ProgrammeFactory()
    round = RoundFactory(programme=programme, quota=1)
    admin = _admin_of(programme)
    client = login(admin)

    client.post(reverse("round_edit", args=[programme.pk, round.pk]), FORM | {"name": round.name, "quota": "3"})
    page = client.get(reverse("round_edit", args=[programme.pk, round.pk]))

    round.refresh_from_db()
    assert round.quota == 3
    latest = round.history.order_by("-history_date").first()
    assert latest.history_user == admin and latest.history_change_reason.startswith("修改：")
    assert "本批次名额" in latest.history_change_reason
    assert "修改记录" in visible_text(page) and "赵管理" in visible_text(page)


def test_quota_over_the_programmes_period_quota_is_refused_with_the_numbers(login):
    programme = ProgrammeFactory(period_quota=5)
    client = login(_admin_of(programme))

    response = client.post(reverse("round_new", args=[programme.pk]), FORM | {"quota": "6"})

    assert response.status_code == 200
    assert "本批次名额（6）不能超过项目周期名额（5）。" in visible_text(response)
    assert not Round.objects.exists()


def test_window_must_end_after_it_opens(login):
    programme = ProgrammeFactory()
    client = login(_admin_of(programme))

    response = client.post(reverse("round_new", args=[programme.pk]), FORM | {"closes_at": "2027-02-01T09:00"})

    assert "申报截止时间必须晚于开始时间。" in visible_text(response)


def test_another_programmes_admin_gets_404(login):
    programme, other = ProgrammeFactory(), ProgrammeFactory()
    round = RoundFactory(programme=programme, quota=1)
    client = login(_admin_of(other))

    new = client.post(reverse("round_new", args=[programme.pk]), FORM)
    edit = client.post(reverse("round_edit", args=[programme.pk, round.pk]), FORM | {"quota": "5"})
    crossed = client.get(reverse("round_edit", args=[other.pk, round.pk]))

    assert (new.status_code, edit.status_code, crossed.status_code) == (404, 404, 404)
    round.refresh_from_db()
    assert round.quota == 1 and Round.objects.count() == 1


def test_other_roles_and_visitors_are_refused(client, login):
    programme = ProgrammeFactory()
    url = reverse("round_new", args=[programme.pk])

    anonymous = client.get(url)
    reviewer = login(ReviewerFactory()).get(url)

    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/accounts/login/")
    assert reviewer.status_code == 403
