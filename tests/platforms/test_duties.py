from datetime import date

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from platforms.duties import duties_remind, duty_record, quarters_to_remind
from platforms.models import Duty, DutyKind
from platforms.selectors import duty_table
from portal.models import Notification
from portal.transitions import Refused

pytestmark = pytest.mark.django_db
TODAY = date(2026, 12, 7)


def test_quarters_to_remind_from_ten_days_before_the_end():
    assert quarters_to_remind(date(2026, 12, 20)) == [(2026, 3)]
    assert quarters_to_remind(date(2026, 12, 21)) == [(2026, 3), (2026, 4)]
    assert quarters_to_remind(date(2027, 1, 5)) == [(2026, 4)]


@time_machine.travel("2026-12-07 10:00 +0800", tick=False)
def test_record_via_the_page(client, login, keeper, platform):
    login(keeper)

    response = client.post(reverse("platforms:duty_record", args=[platform.pk, 2026, 4, "survey"]), {
        "done_on": "2026-12-01", "summary": "发放问卷 60 份"})

    assert response["Location"] == reverse("platforms:duties", args=[platform.pk]) + "?year=2026"
    assert Duty.objects.get().done_on == date(2026, 12, 1)


@time_machine.travel("2026-12-07 10:00 +0800", tick=False)
def test_record_with_a_file_inspected(client, login, keeper, platform, monkeypatch):
    from portal import uploads

    class Found:
        size, content_type, sha256 = 4, "application/pdf", "0" * 64

    monkeypatch.setattr(uploads, "_INSPECTION", [lambda uploaded, **kwargs: Found()])
    login(keeper)

    client.post(reverse("platforms:duty_record", args=[platform.pk, 2026, 4, "self_check"]), {
        "done_on": "2026-12-02", "summary": "自查", "file": SimpleUploadedFile("自查报告.pdf", b"%PDF")})

    duty = Duty.objects.get()
    assert (duty.original_name, duty.size, duty.file.read()) == ("自查报告.pdf", 4, b"%PDF")
    assert client.get(reverse("platforms:duty_file", args=[duty.pk])).status_code == 200


@time_machine.travel("2026-12-07 10:00 +0800", tick=False)
def test_record_refuses_a_quarter_not_begun(platform, keeper):
    with pytest.raises(Refused):
        duty_record(institution=platform, year=2027, quarter=1, kind="survey", done_on=date(2026, 12, 1), summary="",
                    uploaded=None, actor=keeper)


def test_duty_table_flags_overdue(platform):
    Duty.objects.create(institution=platform, year=2026, quarter=1, kind=DutyKind.SURVEY, done_on=date(2026, 3, 20))

    cells = duty_table([platform], 2026, today=TODAY)[platform.pk]

    assert [(c.quarter, c.kind, c.done, c.overdue) for c in cells[:3]] == [
        (1, "survey", True, False), (1, "self_check", False, True), (2, "survey", False, True)]
    assert [c.overdue for c in cells[6:]] == [False, False]


def test_remind_once_a_week_at_most(keeper, platform):
    Duty.objects.create(institution=platform, year=2026, quarter=3, kind=DutyKind.SURVEY, done_on=date(2026, 9, 1))

    first = duties_remind(today=date(2026, 10, 2))  # Q3 overdue: 业务自查 only
    again = duties_remind(today=date(2026, 10, 8))
    week_later = duties_remind(today=date(2026, 10, 9))

    assert (first, again, week_later) == (1, 0, 1)
    texts = list(Notification.objects.filter(user=keeper).values_list("text", flat=True))
    assert texts[0] == "2026年第3季度的业务自查已逾期（2026-09-30前完成），请完成后在平台登记。"
    assert Duty.objects.get(kind=DutyKind.SELF_CHECK, quarter=3).reminded_on == date(2026, 10, 9)


def test_remind_before_the_end_names_both(keeper, platform):
    for kind in DutyKind.values:
        Duty.objects.create(institution=platform, year=2026, quarter=3, kind=kind, done_on=date(2026, 9, 1))

    told = duties_remind(today=date(2026, 12, 22))

    assert told == 1
    assert Notification.objects.get(user=keeper).text.startswith("2026年第4季度的问卷调查、业务自查即将到期")


def test_remind_nothing_when_done(outsider, platform, other_platform):
    for institution in (platform, other_platform):
        for kind in DutyKind.values:
            Duty.objects.create(institution=institution, year=2026, quarter=3, kind=kind, done_on=date(2026, 9, 1))

    assert duties_remind(today=date(2026, 10, 2)) == 0
