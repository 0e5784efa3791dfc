"""Reminders of an unsubmitted report (seed 000: 「于 12 月 15 日前…报县人社局」): the region's admins are told 3 days
before the deadline, on the day, and on each day after it until the report is submitted. A `ReportReminder` row records
each one sent, one a day at most (its constraint is the guard, so two sweeps at once send one). A report returned by
the higher bureau is not reminded of: its admins were told of the return with the reason.
"""

from datetime import date, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.display import cn_date
from portal.services import notify
from reporting.enums import ReminderKind, ReportStatus
from reporting.models import ReportReminder, UpwardReport
from reporting.selectors import admins_of

DAYS_BEFORE = 3


def reminder_kind(deadline: date, today: date) -> ReminderKind | None:
    if deadline == today + timedelta(days=DAYS_BEFORE):
        return ReminderKind.BEFORE
    if deadline == today:
        return ReminderKind.DUE
    return ReminderKind.OVERDUE if deadline < today else None


def reports_remind(today: date | None = None) -> int:
    """Tell the admins of each draft report due in 3 days, due today or overdue, once a day; returns how many reports
    were reminded of. Idempotent within a day."""
    today = today or timezone.localdate()
    due = (
        UpwardReport.objects.filter(status=ReportStatus.DRAFT)
        .filter(Q(call__deadline=today + timedelta(days=DAYS_BEFORE)) | Q(call__deadline__lte=today))
        .exclude(reminders__sent_on=today)
        .select_related("call__region", "region")
    )
    reports = list(due)
    admins = admins_of(report.region_id for report in reports)
    told = 0
    for report in reports:
        users = admins[report.region_id]
        if users and _remind(report, users, today):
            told += 1
    return told


def _remind(report: UpwardReport, users, today: date) -> bool:
    kind = reminder_kind(report.call.deadline, today)
    try:
        with transaction.atomic():
            ReportReminder.objects.create(report=report, sent_on=today, kind=kind, recipients=len(users))
            notify(users=users, text=_reminder_text(report, kind)[:300], link=report.get_absolute_url())
    except IntegrityError:  # another sweep reminded of it today
        return False
    return True


def _reminder_text(report: UpwardReport, kind: ReminderKind) -> str:
    words = {"subject": report.call.subject, "deadline": cn_date(report.call.deadline), "region": report.region.name}
    if kind == ReminderKind.OVERDUE:
        return _("%(region)s的%(subject)s已逾期（截止日期%(deadline)s），请尽快报送。") % words
    if kind == ReminderKind.DUE:
        return _("%(region)s的%(subject)s今天（%(deadline)s）截止，请按时报送。") % words
    return _("%(region)s的%(subject)s将于%(deadline)s截止，请按时报送。") % words
