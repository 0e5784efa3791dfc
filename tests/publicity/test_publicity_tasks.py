"""The time-keeping of publicity (publicity.services / publicity.tasks, called directly: no worker).

The sweep only tells people, once, and purges identities after retention; the open/ended state of a notice never
depends on it having run.
"""

from datetime import date, timedelta

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse

from portal import services as portal_services
from portal.enums import AuditEvent
from portal.models import AuditRecord, Notification
from publicity import services
from publicity.enums import ObjectionStatus, ObjectorType
from publicity.models import Objection
from publicity.tasks import publicity_sweep
from tests.factories import UserFactory
from tests.portal.helpers import visible_text
from tests.publicity.publicity_builders import CONTACT_PERSON, at, file, listed_round, pdf, png, publish
from tests.worlds import module_world

pytestmark = pytest.mark.django_db


def build_listed():
    """A notice of 28 Sep 2026 (closes 10 Oct 00:00) with one objection; the clock stands on 29 Sep."""
    listed = listed_round(names=("甲", "乙"))
    publish(listed, at(2026, 9, 28, 10))
    listed.extra["objection"], _token = file(listed, at(2026, 9, 29, 15))
    return listed


_listed, listed = module_world("listed", build_listed, built_at=at(2026, 9, 29, 15))


def admin_notes(listed) -> list[str]:
    """What the admin was told about the notice (not the objection filed on it: that one links to the objection)."""
    notes = Notification.objects.filter(user=listed.admin, link=listed.notice.get_absolute_url())
    return list(notes.order_by("pk").values_list("text", flat=True))


# --- the end of the period --------------------------------------------------------------------------------


def test_close_ended_tells_the_admins_once_and_mentions_open_objections(listed):
    second_admin = UserFactory()
    portal_services.programme_admin_grant(programme=listed.programme, user=second_admin)

    assert services.notices_close_ended(now=at(2026, 10, 9, 23, 59)) == 0
    assert services.notices_close_ended(now=at(2026, 10, 10)) == 1
    assert services.notices_close_ended(now=at(2026, 10, 10, 0, 5)) == 0

    text = f"《{listed.notice.title}》公示期已满，尚有1件异议未办结，办结后方可公布结果。"
    assert admin_notes(listed) == [text]
    assert Notification.objects.filter(user=second_admin, text=text, link=listed.notice.get_absolute_url()).count() == 1
    listed.notice.refresh_from_db()
    assert listed.notice.end_processed_at == at(2026, 10, 10)
    record = AuditRecord.objects.get(object_type="publicity.publicitynotice", username="celery")
    assert record.detail == "period ended (1 open objections)"


def test_close_ended_without_open_objections_says_the_result_may_be_announced(listed):
    Objection.objects.update(status=ObjectionStatus.NOT_UPHELD)

    assert services.notices_close_ended(now=at(2026, 10, 12)) == 1

    assert admin_notes(listed) == [f"《{listed.notice.title}》公示期已满，无未办结异议，可以公布评定结果。"]


def test_state_is_derived_from_the_dates_without_any_task(listed, client, time_machine):
    time_machine.move_to(at(2026, 10, 10, 0, 0, 1), tick=False)

    listed.notice.refresh_from_db()
    page = visible_text(client.get(listed.notice.get_absolute_url()))

    assert listed.notice.end_processed_at is None  # the sweep never ran
    assert listed.notice.is_open() is False and listed.notice.state() == "ended"
    assert listed.notice.is_open(at(2026, 10, 9, 23, 59, 59)) is True
    assert "公示结束" in page and "公示已于2026年10月9日24时结束，不再受理异议。" in page


# --- reminders --------------------------------------------------------------------------------------------


def test_handler_is_reminded_once_when_the_deadline_is_near(listed):
    services.objection_assign(
        objection=listed.extra["objection"], handler=listed.lead, deadline=date(2026, 10, 9), actor=listed.admin
    )

    assert services.objections_remind_due(now=at(2026, 9, 30, 9)) == 0  # the deadline is far
    assert services.objections_remind_due(now=at(2026, 10, 8, 9)) == 1  # Thursday: the deadline is the next working day
    assert services.objections_remind_due(now=at(2026, 10, 9, 9)) == 0

    receipt = listed.extra["objection"].receipt_number
    notes = Notification.objects.filter(user=listed.lead, text__contains="请按期办结")  # not the assignment itself
    assert list(notes.values_list("text", flat=True)) == [
        f"异议 {receipt}（被异议机构：申报机构甲）办理期限为2026年10月9日，请按期办结。"
    ]
    assert Objection.objects.get().reminder_sent_at == at(2026, 10, 8, 9)


def test_reminder_before_a_holiday_looks_to_the_next_working_day(listed):
    services.objection_assign(
        objection=listed.extra["objection"], handler=listed.lead, deadline=date(2026, 10, 8), actor=listed.admin
    )

    assert services.objections_remind_due(now=at(2026, 9, 30, 17)) == 1  # 1–7 October are off: 8 October is next


def test_closed_or_unassigned_objections_get_no_reminder(listed):
    assert services.objections_remind_due(now=at(2026, 12, 1)) == 0
    services.objection_assign(
        objection=listed.extra["objection"], handler=listed.lead, deadline=date(2026, 10, 9), actor=listed.admin
    )
    services.objection_decide(
        objection=listed.extra["objection"], upheld=False, findings="核实。", reply="不成立。", actor=listed.lead
    )

    assert services.objections_remind_due(now=at(2026, 10, 9, 9)) == 0


# --- purging identities -------------------------------------------------------------------------------------


@pytest.fixture
def decided(listed, settings):
    """An organisation's objection with its seal and evidence, decided (upheld) on 29 Sep 2026 at 15:00."""
    settings.OBJECTION_RETENTION_DAYS = 30
    Objection.objects.all().delete()
    objection, _token = file(
        listed,
        at(2026, 9, 29, 15),
        rank=2,
        objector_type=ObjectorType.ORGANISATION,
        name="某某商会",
        contact_person=CONTACT_PERSON,
        seal=png(),
        evidence=[pdf()],
    )
    services.objection_assign(objection=objection, handler=listed.lead, deadline=date(2026, 10, 9), actor=listed.admin)
    services.objection_decide(
        objection=objection, upheld=True, findings="属实。", reply="异议成立。", actor=listed.lead
    )
    listed.extra["objection"] = Objection.objects.get(pk=objection.pk)
    return listed


@pytest.mark.history
def test_purge_erases_the_identity_after_retention_and_keeps_the_outcome(decided):
    objection = decided.extra["objection"]
    seal = objection.seal.name
    assert default_storage.exists(seal)
    cutoff = at(2026, 9, 29, 15) + timedelta(days=30)

    assert services.objections_purge(now=cutoff) == 0  # not more than 30 days yet
    assert services.objections_purge(now=cutoff + timedelta(seconds=1)) == 1
    assert services.objections_purge(now=cutoff + timedelta(days=1)) == 0

    objection.refresh_from_db()
    for field in ("name", "contact_person", "phone", "id_number", "email"):
        assert getattr(objection, field) == "", field
    assert not objection.seal and not default_storage.exists(seal)
    assert objection.identity_purged_at == cutoff + timedelta(seconds=1)
    assert (objection.status, objection.reply, objection.findings) == (ObjectionStatus.UPHELD, "异议成立。", "属实。")
    assert decided.entry(2).disqualified_at is not None
    assert objection.token  # the objector's private link still shows the outcome
    record = AuditRecord.objects.get(event=AuditEvent.PURGE)
    assert (record.username, record.object_id, record.detail) == (
        "celery",
        str(objection.pk),
        f"objector identity of {objection.receipt_number}",
    )
    assert objection.history.first().history_change_reason == "保存期满，清除异议人身份信息"


def test_purged_objection_shows_that_the_identity_was_erased(decided, login):
    services.objections_purge(now=at(2026, 12, 1))

    page = visible_text(login(decided.admin).get(reverse("publicity:objection", args=[decided.extra["objection"].pk])))

    assert "保存期满，异议人身份信息已于2026-12-01清除。" in page


def test_open_objections_are_never_purged(listed, settings):
    settings.OBJECTION_RETENTION_DAYS = 1

    assert services.objections_purge(now=at(2027, 6, 1)) == 0
    assert Objection.objects.get().name == "欧阳测试"


def test_sweep_task_runs_each_step_once(decided, time_machine):
    time_machine.move_to(at(2026, 11, 2), tick=False)

    # The reply of the decision (its task was never queued here) goes out before the identity is erased.
    assert publicity_sweep() == {"notices_ended": 1, "reminders": 0, "replies": 1, "purged": 1}
    assert publicity_sweep() == {"notices_ended": 0, "reminders": 0, "replies": 0, "purged": 0}
