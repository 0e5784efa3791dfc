"""Celery keeps the publicity deadlines through a real worker (issue 6, 6), and the state never waits for it.

A notice is open or ended by its dates alone; with the worker stopped across the deadline the notice still reads
as ended, and when the worker comes back the queued sweeps (beat kept sending them) tell each person once.
"""

import time
from datetime import timedelta

import pytest
from django.utils import timezone

from portal.models import Notification
from portal.services import programme_admin_grant
from publicity.enums import ObjectionStatus
from publicity.models import NoticeEntry, Objection, PublicityNotice
from publicity.tasks import publicity_sweep
from tests.applications.factories import ApplicationFactory
from tests.factories import DepartmentLeadFactory, UserFactory
from tests.test_celery_worker import celery_worker, own_queue, running_worker, wait_for  # noqa: F401 (the fixture)

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]


def _notice(closes_in: timedelta) -> PublicityNotice:
    application = ApplicationFactory()
    programme = application.round.programme
    admin = UserFactory()
    programme_admin_grant(programme=programme, user=admin)
    now = timezone.now()
    notice = PublicityNotice.objects.create(
        round=application.round,
        programme=application.round.programme,
        index_number=f"T-{application.pk}",
        title="关于拟评定名单的公示",
        body="正文",
        contacts="联系电话 0533-6960000",
        issuers=["人社局"],
        written_on=now.date(),
        published_at=now - timedelta(days=7),
        starts_on=now.date() - timedelta(days=7),
        ends_on=now.date(),
        working_days=5,
        closes_at=now + closes_in,
        created_by=admin,
    )
    NoticeEntry.objects.create(
        notice=notice,
        application=application,
        institution=application.institution,
        institution_name=application.institution_name,
        institution_kind="公共就业服务机构",
        region_name="高青县",
        rank=1,
    )
    return notice


def _verifying_objection(notice: PublicityNotice, handler) -> Objection:
    return Objection.objects.create(
        notice=notice,
        entry=notice.entries.get(),
        receipt_number=f"YY-T{notice.pk}",
        token="t" * 32,
        objector_type="person",
        name="欧阳测试",
        phone="+8613912345678",
        facts="事实和理由",
        status=ObjectionStatus.VERIFYING,
        handler=handler,
        deadline=timezone.localdate(),
    )


def test_a_real_worker_closes_an_ended_notice(celery_worker):  # noqa: F811
    notice = _notice(closes_in=-timedelta(minutes=1))
    admin_ids = list(Notification.objects.values_list("user_id", flat=True))

    publicity_sweep.delay()

    assert wait_for(lambda: PublicityNotice.objects.get(pk=notice.pk).end_processed_at is not None)
    texts = list(Notification.objects.exclude(user_id__in=admin_ids).values_list("text", flat=True))
    assert any("公示期已满" in text and "可以公布" in text for text in texts)


def test_worker_stopped_over_the_deadline_catches_up_once(client):
    with own_queue() as queue:
        _stopped_then_started(client, queue)


def _stopped_then_started(client, queue):
    notice = _notice(closes_in=timedelta(seconds=1))
    handler = DepartmentLeadFactory()
    objection = _verifying_objection(notice, handler)
    assert notice.is_open()
    assert "提出异议" in client.get(notice.get_absolute_url()).content.decode()  # cached while open

    time.sleep(1.2)  # the deadline passes with no worker running

    notice.refresh_from_db()
    assert not notice.is_open() and notice.end_processed_at is None
    page = client.get(notice.get_absolute_url()).content.decode()
    assert "公示结束" in page and "提出异议" not in page

    for _ in range(3):  # beat went on queueing sweeps while the worker was down
        publicity_sweep.delay()
    with running_worker(queue):
        assert wait_for(lambda: Objection.objects.get(pk=objection.pk).reminder_sent_at is not None)
        assert wait_for(lambda: PublicityNotice.objects.get(pk=notice.pk).end_processed_at is not None)
        time.sleep(1.0)  # let the other queued sweeps run too

    reminders = Notification.objects.filter(user=handler, text__contains=objection.receipt_number)
    assert reminders.count() == 1
    ended = Notification.objects.filter(text__contains="公示期已满")
    assert ended.count() == 1 and "尚有1件异议未办结" in ended.get().text


@pytest.mark.pdf
def test_a_real_worker_renders_a_plaque_batch_into_a_zip(celery_worker):  # noqa: F811
    import zipfile

    from awards.batches import batch_start
    from awards.enums import BatchStatus
    from awards.models import Award, PlaqueBatch
    from tests.factories import InstitutionFactory

    application = ApplicationFactory()
    programme = application.round.programme
    admin = UserFactory()
    awards = [
        Award.objects.create(
            programme=programme, institution=InstitutionFactory(), institution_name=f"测试标杆机构{n}",
            plaque_number=f"T-2026-{n:03d}", awarded_on=timezone.localdate(),
        )
        for n in (1, 2, 3)
    ]

    batch = batch_start(actor=admin, region=programme.region, year=timezone.localdate().year)

    def finished():
        batch.refresh_from_db()
        return batch.status == BatchStatus.DONE

    assert wait_for(finished, timeout=60)
    assert (batch.total, batch.done, batch.failures, batch.percent) == (3, 3, [], 100)
    with zipfile.ZipFile(batch.archive.open("rb")) as archive:
        assert sorted(archive.namelist()) == sorted(f"{a.plaque_number}.pdf" for a in awards)
        assert archive.read(archive.namelist()[0]).startswith(b"%PDF")
    assert PlaqueBatch.objects.count() == 1
