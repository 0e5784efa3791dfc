from datetime import date, datetime, timedelta

import pytest

from portal.models import Notification
from portal.transitions import Refused, TransitionError
from satisfaction import reminders, services
from satisfaction.enums import CaseStatus
from satisfaction.models import Case, Rating, ReminderRun
from tests.satisfaction.world import BAD, BEIJING, BUILT_AT, GOOD, PHONE, build, rate
from tests.worlds import module_world

_world, world = module_world("world", build, built_at=BUILT_AT)
pytestmark = pytest.mark.django_db


def test_rating_stores_the_five_levels_and_the_indicators(world):
    rating = rate(world["point"], GOOD)

    stored = Rating.objects.get(pk=rating.pk)
    assert (stored.overall, stored.efficiency, stored.competence, stored.attitude) == (5, 5, 4, 3)
    assert (stored.get_overall_display(), stored.get_attitude_display()) == ("非常满意", "基本满意")
    assert stored.institution_id == world["tianzhen"].pk
    assert not Case.objects.filter(rating=stored).exists()


def test_rating_phone_encrypted_at_rest_and_address_hashed(world):
    rating = rate(world["point"], BAD)

    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT phone, address_hash FROM satisfaction_rating WHERE id = %s", [rating.pk])
        raw_phone, raw_address = cursor.fetchone()
    assert PHONE not in raw_phone and "203.0.113.9" not in raw_address
    assert Rating.objects.get(pk=rating.pk).phone == "+86" + PHONE


def test_unfavourable_rating_opens_a_case_and_tells_the_institution(world):
    rating = rate(world["point"], BAD)

    case = Case.objects.get(rating=rating)
    assert case.status == CaseStatus.PENDING
    assert Notification.objects.filter(user=world["tianzhen_user"], link=case.get_absolute_url()).count() == 1


def test_device_limit_one_rating_per_window_per_hour(world, time_machine):
    rate(world["point"], GOOD, device="d1")

    with pytest.raises(Refused, match="同一设备一小时内"):
        rate(world["point"], GOOD, device="d1", address="198.51.100.1")
    rate(world["luhu_point"], GOOD, device="d1")  # another window is another rating
    time_machine.move_to(BUILT_AT + timedelta(minutes=61), tick=False)
    rate(world["point"], GOOD, device="d1")
    assert Rating.objects.filter(device="d1").count() == 3


def test_address_limit_per_window_per_day(world, settings):
    settings.SATISFACTION_ADDRESS_PER_DAY = 2
    rate(world["point"], GOOD, device="a")
    rate(world["point"], GOOD, device="b")

    with pytest.raises(Refused, match="当前网络今天"):
        rate(world["point"], GOOD, device="c")
    rate(world["point"], GOOD, device="c", address="198.51.100.7")
    assert Rating.objects.filter(service_point=world["point"]).count() == 3


def test_deadline_is_15_working_days_across_national_day():
    # Friday 2025-09-26; Sunday 09-28 and Saturday 10-11 are make-up workdays, 10-01…10-08 off.
    assert services.case_deadline(date(2025, 9, 26)) == date(2025, 10, 23)


@pytest.mark.history
def test_case_founded_rectified_called_back_replied(world):
    case = Case.objects.get(rating=rate(world["point"], BAD))
    user = world["tianzhen_user"]

    case = services.case_verify(case=case, actor=user, founded=True, findings="调看录像属实")
    case = services.case_rectify(case=case, actor=user, measures="离岗挂牌")
    case = services.case_callback(case=case, actor=user, on=date(2026, 11, 10), outcome="满意")
    case = services.case_reply(case=case, actor=user, text="已整改")

    case.refresh_from_db()
    assert (case.status, case.founded, case.rectification, case.reply) == (CaseStatus.CLOSED, True, "离岗挂牌", "已整改")
    assert case.callback_on == date(2026, 11, 10)
    assert case.history.count() == 5  # created, verified, rectified, called back, replied


def test_case_not_founded_cannot_be_rectified(world):
    case = Case.objects.get(rating=rate(world["point"], BAD))
    case = services.case_verify(case=case, actor=world["tianzhen_user"], founded=False, findings="系政策规定")

    with pytest.raises(Refused, match="无需整改"):
        services.case_rectify(case=case, actor=world["tianzhen_user"], measures="x")
    assert case.status == CaseStatus.ANSWERING


def test_case_closes_only_with_a_reply_after_verification(world):
    case = Case.objects.get(rating=rate(world["point"], BAD))

    with pytest.raises(TransitionError):
        services.case_reply(case=case, actor=world["tianzhen_user"], text="答复")
    case = services.case_verify(case=case, actor=world["tianzhen_user"], founded=False, findings="不属实")
    with pytest.raises(Refused, match="答复"):
        services.case_reply(case=case, actor=world["tianzhen_user"], text="  ")
    assert Case.objects.get(pk=case.pk).status == CaseStatus.ANSWERING


def test_callback_needs_a_phone(world):
    case = Case.objects.get(rating=rate(world["point"], {**BAD, "phone": "", "phone_consent": False}))
    case = services.case_verify(case=case, actor=world["tianzhen_user"], founded=True, findings="属实")

    with pytest.raises(Refused, match="未留电话"):
        services.case_callback(case=case, actor=world["tianzhen_user"], on=date(2026, 11, 10), outcome="x")


def test_reminder_runs_once_a_day_and_tells_institution_and_supervisor(world):
    rate(world["point"], BAD, now=datetime(2026, 10, 12, 9, tzinfo=BEIJING))  # deadline 2026-11-02: overdue
    rate(world["other_point"], BAD)  # deadline in December: not yet due

    run = reminders.cases_remind(date(2026, 11, 10))
    again = reminders.cases_remind(date(2026, 11, 10))

    assert (run.cases, again) == (1, None)
    assert ReminderRun.objects.get().day == date(2026, 11, 10)
    told = set(Notification.objects.filter(text__contains="已超期").values_list("user_id", flat=True))
    assert told == {world["tianzhen_user"].pk, world["admin"].pk}


def test_case_not_verified_cannot_be_rectified(world):
    case = Case.objects.get(rating=rate(world["point"], BAD))

    with pytest.raises(Refused, match="请先核实"):
        services.case_rectify(case=case, actor=world["tianzhen_user"], measures="x")
    assert Case.objects.get(pk=case.pk).status == CaseStatus.PENDING
