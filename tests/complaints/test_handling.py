from datetime import date

import pytest

from complaints import selectors, services
from complaints.alarms import first_answers_alarm
from complaints.enums import ComplaintStatus as S
from complaints.enums import ToldHow
from complaints.models import Complaint
from complaints.tasks import first_answers_alarm as alarm_task
from platforms.models import StaffMember
from portal.models import Notification
from portal.transitions import Refused, TransitionError
from tests.complaints.conftest import NAME, PHONE, at, file


@pytest.fixture
def received(world, time_machine):
    time_machine.move_to(at(2026, 3, 2, 10, 0), tick=False)
    complaint, _token = file(world, received_at=at(2026, 3, 2, 9, 30), staff=world.staff)
    return complaint


@pytest.mark.history
def test_moves_through_every_step(world, received, time_machine):
    answered = services.complaint_answer(complaint=received, actor=world.user, text="已收到，正在核实。", handling_deadline=date(2026, 3, 9))
    concluded = services.complaint_conclude(
        complaint=answered, actor=world.user, substantiated=True, findings="属实，已批评教育。", staff_member=world.staff,
        correction_deadline=date(2026, 3, 6),
    )
    told = services.complaint_tell(complaint=concluded, actor=world.user, how=ToldHow.PHONE, told_at=at(2026, 3, 2, 10, 0))

    assert (answered.status, concluded.status, told.status) == (S.ANSWERED, S.CONCLUDED, S.TOLD)
    assert told.first_answer_missed() is False
    assert [h.status for h in told.history.order_by("history_id")] == [S.RECEIVED, S.ANSWERED, S.CONCLUDED, S.TOLD]


def test_refusals(world, received):
    with pytest.raises(TransitionError):
        services.complaint_conclude(complaint=received, actor=world.user, substantiated=False, findings="x")
    answered = services.complaint_answer(complaint=received, actor=world.user, text="收到", handling_deadline=date(2026, 3, 9))
    with pytest.raises(TransitionError):
        services.complaint_answer(complaint=answered, actor=world.user, text="again", handling_deadline=date(2026, 3, 9))
    with pytest.raises(Refused, match="责令限时改正"):
        services.complaint_conclude(complaint=answered, actor=world.user, substantiated=True, findings="属实", staff_member=world.staff)
    with pytest.raises(Refused, match="办结后"):
        services.complaint_publish(complaint=answered, actor=world.user, summary="s", outcome="o")


def test_answer_refuses_deadline_in_the_past(world, received):
    with pytest.raises(Refused, match="处理时限"):
        services.complaint_answer(complaint=received, actor=world.user, text="收到", handling_deadline=date(2026, 3, 1))


def test_publish_refused_without_consent(world, time_machine):
    time_machine.move_to(at(2026, 3, 2, 10, 0), tick=False)
    complaint, _ = file(world, received_at=at(2026, 3, 2, 9, 0), consent=False)
    complaint = services.complaint_answer(complaint=complaint, actor=world.user, text="收到", handling_deadline=date(2026, 3, 9))
    complaint = services.complaint_conclude(complaint=complaint, actor=world.user, substantiated=False, findings="未查实")

    with pytest.raises(Refused, match="未同意"):
        services.complaint_publish(complaint=complaint, actor=world.user, summary="s", outcome="o")


def test_alarm_once_to_institution_and_supervisors_without_identity(
    world, received, time_machine, mailoutbox, django_capture_on_commit_callbacks, eager_celery
):
    time_machine.move_to(at(2026, 3, 3, 0, 30), tick=False)
    Notification.objects.all().delete()

    with django_capture_on_commit_callbacks(execute=True):
        first = alarm_task.delay().get()
    second = first_answers_alarm()

    received.refresh_from_db()
    notified = set(Notification.objects.values_list("user_id", flat=True))
    assert (first, second) == (1, 0)
    assert received.first_answer_alarmed_at == at(2026, 3, 3, 0, 30)
    assert notified == {world.user.pk, world.admin.pk}
    assert len(mailoutbox) == 2
    for mail in mailoutbox:
        assert NAME not in mail.body + mail.subject and "13912345678" not in mail.body
        assert received.receipt_number in mail.body


def test_alarm_not_raised_before_due(world, received, time_machine):
    time_machine.move_to(at(2026, 3, 2, 23, 59), tick=False)

    assert first_answers_alarm() == 0


def test_counts(world, time_machine):
    time_machine.move_to(at(2026, 6, 1, 10, 0), tick=False)
    for month in (3, 4):
        c, _ = file(world, received_at=at(2026, month, 2, 9, 0), staff=world.staff)
        c = services.complaint_answer(complaint=c, actor=world.user, text="收到", handling_deadline=date(2026, 6, 9))
        services.complaint_conclude(complaint=c, actor=world.user, substantiated=True, findings="属实",
                                    staff_member=world.staff, correction_deadline=date(2026, 6, 9))
    file(world, received_at=at(2026, 5, 6, 9, 0))  # never answered: missed
    Complaint.objects.filter(received_at__month=3).update(first_answered_at=at(2026, 3, 4, 9, 0))  # answered late
    Complaint.objects.filter(received_at__month=4).update(first_answered_at=at(2026, 4, 2, 9, 30))  # on time

    assert selectors.substantiated_by_staff(world.institution, 2026) == {world.staff.pk: 2}
    assert selectors.substantiated_by_staff([world.staff.pk], 2025) == {}
    assert selectors.substantiated_count(world.institution, date(2026, 1, 1), date(2026, 12, 31)) == 2
    assert selectors.substantiated_count(world.institution, date(2026, 4, 1), date(2026, 12, 31)) == 1
    assert selectors.missed_first_answers(world.institution, date(2026, 1, 1), date(2026, 12, 31)) == 2


@pytest.mark.history
def test_identity_encrypted_and_not_in_history(world, received):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT complainant_phone FROM complaints_complaint WHERE id = %s", [received.pk])
        stored = cursor.fetchone()[0]

    assert PHONE not in stored
    assert not hasattr(received.history.first(), "complainant_phone")


def test_demo_seed_is_idempotent(world, time_machine):
    from complaints.demo import LUHU, seed_complaints
    from tests.factories import InstitutionFactory

    time_machine.move_to(at(2026, 12, 1, 10, 0), tick=False)
    InstitutionFactory(name=LUHU, region=world.county)

    first, second = seed_complaints(), seed_complaints()

    assert (first, second) == (4, 0)
    assert Complaint.objects.filter(first_answer_alarmed_at__isnull=False).count() == 1
    assert Complaint.objects.filter(published_at__isnull=False).count() == 1
    staff = StaffMember.objects.get(staff_number="GQ02")
    assert selectors.substantiated_by_staff(world.institution, 2026) == {staff.pk: 2}
