"""Time-keeping of publicity (Celery's sweep runs these; each is idempotent and derives what to do from the dates).
"""

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.audit import AuditEvent, audit
from portal.display import cn_date
from portal.services import notify
from portal.workdays import CalendarYearUnknown, get_calendar
from publicity.enums import OBJECTION_CLOSED, ObjectionStatus
from publicity.models import (
    IDENTITY_FIELDS,
    Objection,
    PublicityNotice,
)
from publicity.services.notices import SHANGHAI
from publicity.services.objections import objection_reply_send, programme_admins

logger = logging.getLogger(__name__)




# --- Time-keeping (Celery runs these; each is idempotent and derives what to do from the dates) -----------


def notices_close_ended(now: datetime | None = None) -> int:
    """Record that the period of each ended notice is over and tell the admins, once; returns how many."""
    now = now or timezone.now()
    count = 0
    for notice in PublicityNotice.objects.filter(closes_at__lte=now, end_processed_at__isnull=True).select_related(
        "programme"
    ):
        with transaction.atomic():  # the claim and the messages land together, or neither does
            if _notice_end_processed(notice, now):
                count += 1
    return count


def _notice_end_processed(notice: PublicityNotice, now: datetime) -> bool:
    if not PublicityNotice.objects.filter(pk=notice.pk, end_processed_at__isnull=True).update(end_processed_at=now):
        return False  # another worker got there first
    open_count = notice.objections.exclude(status__in=OBJECTION_CLOSED).count()
    if open_count:
        text = _("《%(title)s》公示期已满，尚有%(count)d件异议未办结，办结后方可公布结果。") % {
            "title": notice.title,
            "count": open_count,
        }
    else:
        text = _("《%(title)s》公示期已满，无未办结异议，可以公布评定结果。") % {"title": notice.title}
    notify(users=programme_admins(notice.programme), text=text[:300], link=notice.get_absolute_url())
    audit(AuditEvent.TRANSITION, username="celery", obj=notice, detail=f"period ended ({open_count} open objections)")
    return True


def objections_remind_due(now: datetime | None = None) -> int:
    """Remind each handler once when an objection's deadline is the next working day or has passed."""
    now = now or timezone.now()
    today = timezone.localtime(now, SHANGHAI).date()
    try:
        horizon = get_calendar().add_working_days(today + timedelta(days=1), 1)
    except CalendarYearUnknown:
        horizon = today + timedelta(days=1)
    count = 0
    due = Objection.objects.filter(
        status=ObjectionStatus.VERIFYING, reminder_sent_at__isnull=True, deadline__lte=horizon, handler__isnull=False
    ).select_related("handler", "entry")
    for objection in due:
        with transaction.atomic():
            count += _objection_remind(objection, now)
    return count


def _objection_remind(objection: Objection, now: datetime) -> int:
    if not Objection.objects.filter(pk=objection.pk, reminder_sent_at__isnull=True).update(reminder_sent_at=now):
        return 0
    text = _("异议 %(receipt)s（被异议机构：%(name)s）办理期限为%(date)s，请按期办结。") % {
        "receipt": objection.receipt_number,
        "name": objection.entry.institution_name,
        "date": cn_date(objection.deadline),
    }
    notify(users=[objection.handler], text=text, link=objection.get_absolute_url())
    return 1


def objection_replies_send_pending(now: datetime | None = None) -> int:
    """Tell the objectors of closed objections whose reply task never ran (the broker was down); returns how many."""
    from portal.services import CATCH_UP_AFTER

    now = now or timezone.now()
    pending = Objection.objects.filter(
        status__in=OBJECTION_CLOSED,
        reply_sent_at__isnull=True,
        decided_at__lte=now - CATCH_UP_AFTER,
        identity_purged_at__isnull=True,
    )
    sent = 0
    for objection in pending:
        try:
            sent += objection_reply_send(objection=objection)
        except OSError:  # the mail server or the SMS gateway: the next sweep tries again
            logger.warning("reply to objection %s not sent; the next sweep retries", objection.receipt_number)
    return sent


def objections_purge(now: datetime | None = None) -> int:
    """Erase the identity of objectors whose objection closed more than OBJECTION_RETENTION_DAYS ago (PIPL)."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.OBJECTION_RETENTION_DAYS)
    count = 0
    for objection in Objection.objects.filter(
        status__in=OBJECTION_CLOSED, decided_at__lt=cutoff, identity_purged_at__isnull=True
    ):
        with transaction.atomic():
            for field in IDENTITY_FIELDS:
                if field == "seal":
                    if objection.seal:
                        objection.seal.delete(save=False)
                    objection.seal = ""
                else:
                    setattr(objection, field, "")
            objection.identity_purged_at = now
            objection._change_reason = _("保存期满，清除异议人身份信息")
            objection.save()
            audit(AuditEvent.PURGE, username="celery", obj=objection, detail=f"objector identity of {objection.receipt_number}")
        count += 1
    return count
