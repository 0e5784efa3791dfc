"""The alarm when 「当日先有回音」 is missed: once per complaint, to the institution's users and its supervising admins."""

import logging

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from complaints.enums import ComplaintStatus as S
from complaints.models import Complaint
from complaints.selectors import institution_users, supervising_admins
from portal.audit import AuditEvent, audit
from portal.services import notify

logger = logging.getLogger(__name__)


def first_answers_alarm(*, now=None) -> int:
    """Alarm every complaint still without a first answer past its due time and not alarmed yet; returns how many.

    Side effects per complaint: first_answer_alarmed_at set (history), one audit record, one notification to each of
    the institution's users and supervising admins (no name, no phone).
    """
    now = now or timezone.now()
    ids = Complaint.objects.filter(
        status=S.RECEIVED, first_answered_at__isnull=True, first_answer_due_at__lte=now, first_answer_alarmed_at__isnull=True
    ).values_list("pk", flat=True)
    count = 0
    for pk in list(ids):
        count += _alarm_one(pk, now)
    return count


@transaction.atomic
def _alarm_one(pk: int, now) -> int:
    complaint = Complaint.objects.select_for_update(of=("self",)).select_related("institution__region").get(pk=pk)
    if complaint.first_answer_alarmed_at is not None or complaint.first_answered_at is not None:
        return 0  # another run, or the answer, came first
    complaint.first_answer_alarmed_at = now
    complaint._change_reason = _("当日回音逾期告警")
    complaint._history_date = now
    complaint.save(update_fields=["first_answer_alarmed_at", "updated_at"])
    audit(AuditEvent.TRANSITION, username="celery", obj=complaint, detail=f"first answer missed {complaint.receipt_number}")
    institution = complaint.institution
    due = timezone.localtime(complaint.first_answer_due_at).strftime("%Y-%m-%d %H:%M")
    notify(
        users=institution_users(institution) + supervising_admins(institution),
        text=_("逾期未回音：%(institution)s 的群众投诉 %(receipt)s 应于 %(due)s（北京时间）前回音，至今未回音。")
        % {"institution": institution.name, "receipt": complaint.receipt_number, "due": due},
        link=complaint.get_absolute_url(),
    )
    logger.info("first answer alarm for complaint %s", complaint.pk)
    return 1
