"""Rounds inside their programme's period (issue 16 point 1): a window past the period's end only with a recorded
decision, and a round's quota within what the period has left."""

from datetime import date

import pytest
from django.urls import reverse

from portal import services, titles
from portal.enums import AuditEvent
from portal.models import AuditRecord, Round
from tests.factories import InstitutionFactory, ProgrammeFactory, RoundFactory, SystemAdminFactory, UserFactory
from tests.portal.helpers import at, visible_text
from tests.portal.test_round_pages import FORM

pytestmark = pytest.mark.django_db
DECISION = "经局党组会议研究，同意本批次申报延至2026年1月15日截止（高人社字〔2025〕30号）"
BEYOND = "申报截止时间晚于项目周期（“十四五”时期）的结束日2025-12-31"


def _fourteenth(**fields):
    return ProgrammeFactory(period_name="“十四五”时期", period_start=date(2021, 1, 1), period_end=date(2025, 12, 31), **fields)


def _admin_of(programme):
    admin = UserFactory(full_name="赵管理")
    services.programme_admin_grant(programme=programme, user=admin)
    return admin


def _grant(programme, count):
    for _ in range(count):
        titles.title_grant(
            programme=programme, institution=InstitutionFactory(), holder_name="机构", number="", awarded_on=date(2025, 6, 1),
            actor=None,
        )


def test_window_past_the_period_without_a_decision_is_refused_with_why(login):
    programme = _fourteenth()
    client = login(_admin_of(programme))
    window = {"opens_at": "2025-12-01T09:00", "closes_at": "2026-01-15T17:30"}

    response = client.post(reverse("round_new", args=[programme.pk]), FORM | window)

    assert response.status_code == 200 and not Round.objects.exists()
    assert BEYOND in visible_text(response) and "须登记同意跨周期申报的决定及其文号" in visible_text(response)


def test_window_past_the_period_with_a_decision_is_recorded_audited_and_shown(login):
    programme = _fourteenth()
    admin = _admin_of(programme)
    client = login(admin)
    window = {"opens_at": "2025-12-01T09:00", "closes_at": "2026-01-15T17:30", "beyond_period_decision": DECISION}

    response = client.post(reverse("round_new", args=[programme.pk]), FORM | window)
    page = client.get(programme.get_absolute_url())

    round = Round.objects.get()
    assert response.status_code == 302
    assert (round.beyond_period_decision, round.beyond_period_decided_by) == (DECISION, admin)
    assert round.beyond_period_decided_at is not None
    record = AuditRecord.objects.get(event=AuditEvent.ADMIN_CHANGE, object_type="portal.round")
    assert record.detail == f"round «2027年度» beyond period 2025-12-31: {DECISION}"
    assert f"跨周期申报决定：{DECISION}（赵管理登记于" in visible_text(page)


def test_window_closing_on_the_periods_last_evening_needs_no_decision(login):
    programme = _fourteenth()
    client = login(_admin_of(programme))
    window = {"opens_at": "2025-11-01T09:00", "closes_at": "2025-12-31T23:59"}

    response = client.post(reverse("round_new", args=[programme.pk]), FORM | window)

    assert response.status_code == 302 and Round.objects.get().beyond_period_decided_by is None
    assert not AuditRecord.objects.filter(event=AuditEvent.ADMIN_CHANGE).exists()


def test_new_round_over_what_the_period_has_left_is_refused_with_the_numbers(login):
    programme = ProgrammeFactory(period_quota=5)
    _grant(programme, 4)
    client = login(_admin_of(programme))

    response = client.post(reverse("round_new", args=[programme.pk]), FORM | {"quota": "2"})

    assert "本批次名额（2）超过本周期剩余名额（1）：周期名额5个，已评出并计入4个。" in visible_text(response)
    assert not Round.objects.exists()


def test_a_round_that_keeps_its_quota_saves_after_its_titles_took_the_places(login):
    programme = ProgrammeFactory(period_quota=5)
    round = RoundFactory(programme=programme, quota=3)
    _grant(programme, 3)
    client = login(_admin_of(programme))
    url = reverse("round_edit", args=[programme.pk, round.pk])

    kept = client.post(url, FORM | {"name": "改名", "quota": "3"})
    raised = client.post(url, FORM | {"quota": "4"})

    round.refresh_from_db()
    assert kept.status_code == 302 and raised.status_code == 200
    assert (round.name, round.quota) == ("改名", 3)
    assert "本批次名额（4）超过本周期剩余名额（2）" in visible_text(raised)


def test_the_admin_site_records_the_decision_with_its_author_too(login):
    round = RoundFactory(programme=_fourteenth(), opens_at=at(2025, 12, 1, 9), closes_at=at(2025, 12, 20, 17))
    sysadmin = SystemAdminFactory()
    data = {
        "programme": round.programme_id, "name": round.name, "quota": "2", "opens_at_0": "2025-12-01",
        "opens_at_1": "09:00:00", "closes_at_0": "2026-01-15", "closes_at_1": "17:30:00", "max_file_mb": "20",
        "max_total_mb": "100", "max_files": "30", "beyond_period_decision": DECISION,
    }

    saved = login(sysadmin).post(reverse("admin:portal_round_change", args=[round.pk]), data)

    round.refresh_from_db()
    assert saved.status_code == 302 and (round.beyond_period_decided_by, round.beyond_period_decision) == (sysadmin, DECISION)
    assert round.closes_at == at(2026, 1, 15, 17, 30)
