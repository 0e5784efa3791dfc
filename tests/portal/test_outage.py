"""Nothing lost when Redis is down: the portal answers from the database, the work Celery would have done is found
again from the database when the broker is back (e-mails, replies to objectors, plaque batches).

The outages here are stand-ins (monkeypatches, an address nothing listens on); tests/faults causes the real ones
against throwaway servers, and these stay as the fast unit tests of each piece."""

from datetime import timedelta

import pytest
from django.core import mail
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from kombu.exceptions import OperationalError

from applications import services as application_services
from applications.enums import ApplicationStatus
from applications.models import Application
from awards import batches
from awards.enums import BatchStatus
from awards.models import PlaqueBatch
from portal import services
from portal.models import Notification
from portal.queue import enqueue
from portal.tasks import send_notification_email
from publicity import services as publicity
from publicity.models import Objection
from tests.applications.factories import ApplicationFactory, AwardFactory, make_complete
from tests.factories import ProgrammeFactory, UserFactory
from tests.portal.helpers import visible_text
from tests.publicity.publicity_builders import at, file, form_data, listed_round, publish

pytestmark = pytest.mark.django_db

REDIS_DOWN = {
    "default": {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens there
        "OPTIONS": {"IGNORE_EXCEPTIONS": True, "SOCKET_CONNECT_TIMEOUT": 0.2, "SOCKET_TIMEOUT": 0.2},
    }
}


@pytest.fixture
def broker_down(monkeypatch):
    """Every task queued fails as kombu fails when Redis refuses the connection."""

    def refuse(self, *args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr("celery.app.task.Task.apply_async", refuse)


def test_enqueue_with_the_broker_down_logs_and_returns_false(broker_down, caplog):
    assert enqueue(send_notification_email, 123) is False
    assert "broker unavailable: portal.tasks.send_notification_email(123,) left to the catch-up" in caplog.text


def test_a_notification_queued_while_the_broker_is_down_is_mailed_by_the_catch_up(
    broker_down, django_capture_on_commit_callbacks
):
    user = UserFactory(email="wang@example.gov.cn")

    with django_capture_on_commit_callbacks(execute=True):
        (note,) = services.notify(users=[user], text="您的申报已受理。", link="/home/")

    assert mail.outbox == [] and Notification.objects.get(pk=note.pk).emailed_at is None
    assert services.notifications_email_pending(now=timezone.now() + timedelta(seconds=30)) == 0  # too fresh
    assert services.notifications_email_pending(now=timezone.now() + timedelta(minutes=3)) == 1
    assert [message.to for message in mail.outbox] == [["wang@example.gov.cn"]]
    assert services.notifications_email_pending(now=timezone.now() + timedelta(minutes=8)) == 0  # once only
    assert len(mail.outbox) == 1


def test_the_catch_up_leaves_week_old_notifications_and_users_without_an_address():
    old = Notification.objects.create(user=UserFactory(email="a@example.gov.cn"), text="旧通知")
    Notification.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=8))
    Notification.objects.create(user=UserFactory(email=""), text="无邮箱")

    assert services.notifications_email_pending(now=timezone.now() + timedelta(minutes=3)) == 0
    assert mail.outbox == []


def test_a_notification_email_is_sent_once_and_a_failed_send_is_tried_again(monkeypatch):
    note = Notification.objects.create(user=UserFactory(email="li@example.gov.cn"), text="通知")

    def broken(*args, **kwargs):
        raise ConnectionRefusedError("mail server down")

    monkeypatch.setattr("portal.services.send_mail", broken)
    with pytest.raises(ConnectionRefusedError):
        services.notification_email_send(notification=note)
    assert Notification.objects.get(pk=note.pk).emailed_at is None
    monkeypatch.undo()

    assert services.notification_email_send(notification=note) is True
    assert services.notification_email_send(notification=note) is False
    assert len(mail.outbox) == 1


def test_a_reply_decided_while_the_broker_is_down_reaches_the_objector_later(
    broker_down, time_machine, django_capture_on_commit_callbacks
):
    time_machine.move_to(at(2026, 9, 29, 15), tick=False)
    listed = listed_round(names=("甲",))
    publish(listed, at(2026, 9, 28, 10))
    objection, _token = file(listed, at(2026, 9, 29, 15))
    publicity.objection_assign(objection=objection, handler=listed.lead, deadline=at(2026, 10, 9).date(), actor=listed.admin)

    with django_capture_on_commit_callbacks(execute=True):
        publicity.objection_decide(objection=objection, upheld=False, findings="经核查", reply="异议不成立", actor=listed.lead)

    assert Objection.objects.get(pk=objection.pk).reply_sent_at is None
    assert [m for m in mail.outbox if objection.receipt_number in m.body] == []
    sent = publicity.objection_replies_send_pending(now=at(2026, 9, 29, 15, 5))
    assert sent == 1 and Objection.objects.get(pk=objection.pk).reply_sent_at is not None
    assert [m.to for m in mail.outbox if objection.receipt_number in m.body] == [["ouyang.ceshi@example.org"]]
    assert publicity.objection_replies_send_pending(now=at(2026, 9, 29, 15, 10)) == 0


def test_a_batch_queued_while_the_broker_is_down_is_queued_again_when_it_stalls(
    broker_down, monkeypatch, django_capture_on_commit_callbacks
):
    programme = ProgrammeFactory()
    for _ in range(3):
        AwardFactory(programme=programme)
    with django_capture_on_commit_callbacks(execute=True):
        batch = batches.batch_start(actor=UserFactory(), region=programme.region, year=2026)
    monkeypatch.undo()  # the broker is back
    queued = []
    monkeypatch.setattr("portal.queue.enqueue", lambda task, *args: queued.append(args) or True)

    early = batches.batches_resume(now=timezone.now() + timedelta(minutes=5))
    late = batches.batches_resume(now=timezone.now() + timedelta(minutes=11))
    again = batches.batches_resume(now=timezone.now() + timedelta(minutes=12))

    batch.refresh_from_db()
    assert (early, late, again) == (0, 1, 0)
    assert queued == [(batch.pk, 0, batch.chunks[0])]
    assert batch.status == BatchStatus.QUEUED


def test_a_finished_or_progressing_batch_is_left_alone(monkeypatch):
    programme = ProgrammeFactory()
    AwardFactory(programme=programme)
    queued = []
    monkeypatch.setattr("portal.queue.enqueue", lambda task, *args: queued.append(args) or True)
    done = PlaqueBatch.objects.create(status=BatchStatus.DONE, chunks=[[1]], chunks_total=1, created_by=UserFactory())
    running = PlaqueBatch.objects.create(
        status=BatchStatus.RUNNING, chunks=[[1]], chunks_total=1, created_by=UserFactory(), progressed_at=timezone.now()
    )

    assert batches.batches_resume(now=timezone.now() + timedelta(minutes=5)) == 0
    assert queued == [] and {done.pk, running.pk}


@override_settings(CACHES=REDIS_DOWN)
def test_with_redis_down_a_visitor_reads_the_notice_and_files_an_objection(
    client, time_machine, captcha_passes, broker_down, django_capture_on_commit_callbacks
):
    time_machine.move_to(at(2026, 9, 29, 15), tick=False)
    listed = listed_round(names=("甲", "乙"))
    publish(listed, at(2026, 9, 28, 10))

    notice = client.get(listed.notice.get_absolute_url())
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("publicity:objection_new", args=[listed.notice.pk]), form_data(listed))

    assert notice.status_code == 200 and "提出异议" in visible_text(notice)
    assert response.status_code == 302
    objection = Objection.objects.get()
    assert "异议已受理" in visible_text(client.get(response["Location"]))
    assert Notification.objects.filter(text__contains=objection.receipt_number).exists()  # the admins are told


@override_settings(CACHES=REDIS_DOWN)
def test_with_redis_down_staff_sign_in_and_work(client, broker_down):
    user = UserFactory(username="outage_admin")
    user.set_password("Test-pass-2026")
    user.save()

    response = client.post(reverse("login"), {"username": "outage_admin", "password": "Test-pass-2026"})
    home = client.get(reverse("home"))

    assert response.status_code == 302
    assert home.status_code == 200 and "工作台" in visible_text(home)


def test_with_the_database_away_a_request_gets_a_503_that_says_nothing_was_saved(client, monkeypatch):
    from django.db import OperationalError

    def away(*args, **kwargs):
        raise OperationalError("connection to server at 127.0.0.1, port 5432 failed: Connection refused")

    monkeypatch.setattr("config.views.selectors.round_list_open_now", away)
    client.raise_request_exception = False

    response = client.get("/")

    assert response.status_code == 503 and response["Retry-After"] == "60"
    assert "您刚才提交的内容没有保存" in visible_text(response)


def _database_lost(*args, **kwargs):
    from django.db import OperationalError

    raise OperationalError("consuming input failed: server closed the connection unexpectedly")


def test_a_submission_and_the_notifications_it_writes_are_one_transaction(
    monkeypatch, django_capture_on_commit_callbacks
):
    application = make_complete(ApplicationFactory())
    with django_capture_on_commit_callbacks(execute=False):
        application_services.application_submit(application=application, actor=application.created_by)
    assert Notification.objects.filter(link=application.get_absolute_url()).count() == 1  # before the commit
    draft = make_complete(ApplicationFactory())
    monkeypatch.setattr("applications.services.notify", _database_lost)

    with pytest.raises(Exception, match="server closed the connection"):
        application_services.application_submit(application=draft, actor=draft.created_by)

    assert Application.objects.get(pk=draft.pk).status == ApplicationStatus.DRAFT  # the 503 page tells the truth
    assert not Notification.objects.filter(link=draft.get_absolute_url()).exists()


def test_an_objection_is_not_saved_when_telling_the_admins_fails(monkeypatch, time_machine):
    time_machine.move_to(at(2026, 9, 29, 15), tick=False)
    listed = listed_round(names=("甲",))
    publish(listed, at(2026, 9, 28, 10))
    monkeypatch.setattr("publicity.services.objections.notify", _database_lost)

    with pytest.raises(Exception, match="server closed the connection"):
        file(listed, at(2026, 9, 29, 15))

    assert not Objection.objects.exists()


def test_other_errors_keep_the_500_page(client, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr("config.views.selectors.round_list_open_now", broken)
    client.raise_request_exception = False

    response = client.get("/")

    assert response.status_code == 500 and "系统暂时无法处理您的请求" in visible_text(response)


def test_healthz_is_503_while_the_database_is_away(client, monkeypatch):
    from django.db import OperationalError, connection

    assert client.get("/healthz/").status_code == 200

    def away(*args, **kwargs):
        raise OperationalError("Connection refused")

    monkeypatch.setattr(connection, "cursor", away)
    response = client.get("/healthz/")

    assert (response.status_code, response.content) == (503, b"database unavailable")
