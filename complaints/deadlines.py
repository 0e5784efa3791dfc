"""When the first answer (回音) is due: seed 003 三(五)2 「当日先有回音」, read precisely.

- A complaint received on a working day before the cut-off (settings.COMPLAINT_SAME_DAY_CUTOFF, default 17:00,
  Beijing time) is due by 24:00 of that day.
- One received at or after the cut-off, or on a day that is not a working day (weekend, public holiday), is due by
  24:00 of the next working day (portal.workdays: the State Council schedule with its make-up workdays).
"24:00" is stored as 00:00 of the following day; an answer given before that instant is on time.
"""

from datetime import datetime, time, timedelta

from django.conf import settings
from django.utils import timezone

from portal.workdays import is_working_day


def cutoff() -> time:
    hours, minutes = settings.COMPLAINT_SAME_DAY_CUTOFF.split(":")
    return time(int(hours), int(minutes))


def first_answer_due(received_at: datetime) -> datetime:
    """The instant by which the first answer is due (aware, in the current time zone: Asia/Shanghai)."""
    local = timezone.localtime(received_at)
    day = local.date()
    if not (is_working_day(day) and local.time() < cutoff()):
        day += timedelta(days=1)
        while not is_working_day(day):
            day += timedelta(days=1)
    midnight = datetime.combine(day + timedelta(days=1), time(0, 0))
    return timezone.make_aware(midnight, timezone.get_current_timezone())
