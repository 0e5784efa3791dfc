"""The quarterly duties of seed 003: 三(五)2 「定期征求意见，每季度发放一次问卷调查」 and 四(一)5 「各级基层就业平台每季度开展
业务自查」. Each grassroots platform records each of them once a quarter (the date, a short summary, a file if it has
one); a quarter's duties are due by its last day.

The reminder (platforms.tasks.duties_remind, daily): from 10 days before a quarter ends, and after it has ended
(overdue; only the quarter just past, not every old one), the platform's users are told of the duties still open, at
most once a week per platform and quarter; each reminder is recorded on the duty rows (`reminded_on`)."""

from datetime import date, timedelta

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from platforms.models import Duty, DutyKind
from platforms.selectors import PLATFORM_KINDS, previous_quarter, quarter_end, quarter_of
from portal import uploads
from portal.audit import AuditEvent, audit
from portal.enums import Role
from portal.models import Institution, User
from portal.services import notify
from portal.transitions import Refused

REMIND_DAYS_BEFORE = 10
EVERY_DAYS = 7
PDF, JPEG, PNG = "application/pdf", "image/jpeg", "image/png"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
FILE_TYPES = {".pdf": PDF, ".jpg": JPEG, ".jpeg": JPEG, ".png": PNG, ".docx": DOCX, ".xlsx": uploads.XLSX[".xlsx"]}
FILE_LIMITS = uploads.Limits(max_file_bytes=20 * uploads.MB, max_total_bytes=20 * uploads.MB, max_files=1)


@transaction.atomic
def duty_record(*, institution, year: int, quarter: int, kind: str, done_on: date, summary: str, uploaded, actor,
                request=None) -> Duty:
    """Record a duty as done (or correct the record). Refused for a quarter not yet begun or a date outside the
    quarter's start and today. The file passes the portal's upload inspection (ValidationError in Chinese) and replaces
    any earlier one. Side effects: the row and its history, the file, an audit record."""
    today = timezone.localdate()
    start = date(year, quarter * 3 - 2, 1)
    if start > today:
        raise Refused(_("%(year)d年第%(quarter)d季度尚未开始。") % {"year": year, "quarter": quarter})
    if not start <= done_on <= today:
        raise Refused(_("完成日期应在本季度开始（%(start)s）之后且不晚于今天。") % {"start": start.isoformat()})
    duty, _created = Duty.objects.select_for_update().get_or_create(
        institution=institution, year=year, quarter=quarter, kind=kind
    )
    if uploaded is not None:
        found = uploads.inspect(uploaded, limits=FILE_LIMITS, allowed=FILE_TYPES)
        if duty.file:
            duty.file.delete(save=False)
        duty.file = uploaded
        duty.original_name, duty.size = uploaded.name[:200], found.size
        duty.content_type, duty.sha256 = found.content_type, found.sha256
    duty.done_on, duty.summary, duty.recorded_by = done_on, summary.strip(), actor
    duty._history_user, duty._change_reason = actor, _("记录完成")
    duty.save()
    audit(AuditEvent.TRANSITION, user=actor, request=request, obj=duty, detail=f"duty done on {done_on.isoformat()}")
    return duty


def quarters_to_remind(today: date) -> list[tuple[int, int]]:
    """The quarters whose open duties are told of today: the current one from 10 days before its end, and the one just
    past (overdue)."""
    year, quarter = quarter_of(today)
    quarters = [previous_quarter(year, quarter)]
    if quarter_end(year, quarter) - timedelta(days=REMIND_DAYS_BEFORE) <= today:
        quarters.append((year, quarter))
    return quarters


def duties_remind(today: date | None = None) -> int:
    """Tell each grassroots platform's active users of its duties still open for the quarters of
    `quarters_to_remind`, at most once every EVERY_DAYS per platform and quarter. Returns the number of reminders
    sent. Side effects: notifications (mail follows), `reminded_on` on the duty rows (created if need be)."""
    today = today or timezone.localdate()
    told = 0
    for year, quarter in quarters_to_remind(today):
        for institution in Institution.objects.filter(kind__in=PLATFORM_KINDS).order_by("pk"):
            told += _remind_one(institution, year, quarter, today)
    return told


@transaction.atomic
def _remind_one(institution, year: int, quarter: int, today: date) -> int:
    rows = {d.kind: d for d in Duty.objects.select_for_update().filter(institution=institution, year=year, quarter=quarter)}
    open_kinds = [kind for kind in DutyKind.values if kind not in rows or rows[kind].done_on is None]
    last = max((rows[k].reminded_on for k in open_kinds if k in rows and rows[k].reminded_on), default=None)
    if not open_kinds or (last is not None and last > today - timedelta(days=EVERY_DAYS)):
        return 0
    users = list(User.objects.filter(is_active=True, role=Role.APPLICANT, institution=institution))
    if users:
        due = quarter_end(year, quarter)
        text = _("%(year)d年第%(quarter)d季度的%(duties)s%(when)s（%(due)s前完成），请完成后在平台登记。") % {
            "year": year, "quarter": quarter, "duties": "、".join(str(DutyKind(k).label) for k in open_kinds),
            "when": _("已逾期") if due < today else _("即将到期"), "due": due.isoformat()}
        notify(users=users, text=text, link=reverse("platforms:duties", args=[institution.pk]) + f"?year={year}")
    for kind in open_kinds:
        Duty.objects.update_or_create(
            institution=institution, year=year, quarter=quarter, kind=kind, defaults={"reminded_on": today}
        )
    return 1 if users else 0
