"""Writes of the complaints app: filing (意见箱, 投诉电话), the first answer, the outcome, telling, publishing.

Every status change goes through portal.transitions.transition (history, audit). Nothing here puts the
complainant's name or phone into a notification, an audit detail or a change reason.
"""

import secrets
from dataclasses import dataclass
from datetime import date, datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from complaints.deadlines import first_answer_due
from complaints.enums import Channel
from complaints.enums import ComplaintStatus as S
from complaints.models import TRANSITIONS, Complaint
from complaints.selectors import institution_users
from portal.audit import AuditEvent, audit
from portal.receipts import receipt_number
from portal.services import notify
from portal.transitions import Refused, transition


@dataclass(frozen=True)
class Filing:
    """What a complaint says, as the public form or the phone log collected it."""

    name: str
    phone: str
    facts: str
    staff_named: str = ""
    staff_member: object = None
    publish_consent: bool = False


def _receipt_number(now: datetime) -> str:
    return receipt_number("TS", Complaint, now)


@transaction.atomic
def complaint_file(
    *, institution, channel: str, filing: Filing, received_at: datetime, actor=None, request=None
) -> tuple[Complaint, str]:
    """Record a complaint; returns it and the token of its status page.

    Side effects: one Complaint with its history; one audit record; the institution's users are notified (no name,
    no phone). `actor` is the institution's user logging a phone complaint (None for the online 意见箱).
    """
    if received_at > timezone.now():
        raise Refused(_("收到时间不能晚于现在。"))
    if filing.staff_member is not None and filing.staff_member.institution_id != institution.pk:
        raise Refused(_("所选工作人员不属于本机构。"))
    token = secrets.token_urlsafe(24)
    complaint = Complaint(
        institution=institution,
        channel=channel,
        receipt_number=_receipt_number(received_at),
        token=token,
        received_at=received_at,
        first_answer_due_at=first_answer_due(received_at),
        logged_by=actor,
        complainant_name=filing.name.strip(),
        complainant_phone=filing.phone.strip(),
        facts=filing.facts.strip(),
        staff_named=filing.staff_named.strip(),
        staff_member=filing.staff_member,
        publish_consent=filing.publish_consent,
    )
    complaint._history_user = actor
    complaint._change_reason = Channel(channel).label
    complaint.save()
    audit(AuditEvent.TRANSITION, user=actor, request=request, obj=complaint, detail=f"file {complaint.receipt_number} {channel}")
    due = timezone.localtime(complaint.first_answer_due_at)
    notify(
        users=institution_users(institution),
        text=_("收到群众投诉 %(receipt)s（%(channel)s），请在 %(due)s 前回音（北京时间）。")
        % {"receipt": complaint.receipt_number, "channel": Channel(channel).label, "due": due.strftime("%Y-%m-%d %H:%M")},
        link=complaint.get_absolute_url(),
    )
    return complaint, token


def complaint_open(*, receipt_number: str, token: str) -> Complaint | None:
    """The complaint of a status link, or None: the receipt number names it, only its token opens it."""
    complaint = Complaint.objects.select_related("institution").filter(receipt_number=receipt_number[:30]).first()
    given = token.encode("utf-8", "replace")
    if complaint is None:
        secrets.compare_digest(given, b"x" * 32)  # same work either way
        return None
    return complaint if secrets.compare_digest(given, complaint.token.encode()) else None


def complaint_answer(*, complaint: Complaint, actor, text: str, handling_deadline: date, now=None, request=None) -> Complaint:
    """The first answer (回音) and the handling deadline (处理时限). Side effects: transition received → answered."""
    now = now or timezone.now()
    text = text.strip()
    if not text:
        raise Refused(_("请填写回音内容。"))
    if handling_deadline < timezone.localdate(now):
        raise Refused(_("处理时限不能早于今天。"))
    return transition(
        complaint, S.ANSWERED, table=TRANSITIONS, actor=actor, now=now, request=request,
        fields={"first_answer": text, "first_answered_at": now, "first_answered_by": actor,
                "handling_deadline": handling_deadline},
    )


def complaint_conclude(
    *, complaint: Complaint, actor, substantiated: bool, findings: str, staff_member=None,
    correction_deadline: date | None = None, now=None, request=None,
) -> Complaint:
    """The outcome: substantiated (查实) or not, the findings, and for a substantiated complaint against a staff member
    「责令限时改正」 with the correction deadline. Side effects: transition answered → concluded."""
    now = now or timezone.now()
    if not findings.strip():
        raise Refused(_("请填写调查处理情况。"))
    if staff_member is not None and staff_member.institution_id != complaint.institution_id:
        raise Refused(_("所选工作人员不属于本机构。"))
    if substantiated and staff_member is not None and correction_deadline is None:
        raise Refused(_("查实的对工作人员的个人投诉，须责令限时改正并填写改正时限。"))
    if correction_deadline is not None and correction_deadline < timezone.localdate(now):
        raise Refused(_("改正时限不能早于今天。"))
    return transition(
        complaint, S.CONCLUDED, table=TRANSITIONS, actor=actor, now=now, request=request,
        fields={"substantiated": substantiated, "findings": findings.strip(), "staff_member": staff_member,
                "correction_deadline": correction_deadline if substantiated else None,
                "concluded_at": now, "concluded_by": actor},
    )


def complaint_tell(*, complaint: Complaint, actor, how: str, told_at: datetime, request=None) -> Complaint:
    """The outcome told to the complainant (how, when); the status page shows it. Transition concluded → told."""
    if told_at > timezone.now():
        raise Refused(_("告知时间不能晚于现在。"))
    if complaint.concluded_at and told_at < complaint.concluded_at:
        raise Refused(_("告知时间不能早于办结时间。"))
    return transition(
        complaint, S.TOLD, table=TRANSITIONS, actor=actor, request=request, fields={"told_how": how, "told_at": told_at}
    )


@transaction.atomic
def complaint_publish(*, complaint: Complaint, actor, summary: str, outcome: str, now=None, request=None) -> Complaint:
    """Put a concluded complaint on the institution's public list of handled complaints, with the handler's summary
    of the facts and of the outcome (never the name or the phone). Only when the complainant agreed."""
    locked = Complaint.objects.select_for_update().get(pk=complaint.pk)
    if not locked.publish_consent:
        raise Refused(_("投诉人未同意公布处理结果，不能公布。"))
    if locked.status not in (S.CONCLUDED, S.TOLD):
        raise Refused(_("办结后才能公布处理结果。"))
    if locked.published_at is not None:
        raise Refused(_("处理结果已经公布。"))
    if not summary.strip() or not outcome.strip():
        raise Refused(_("请填写公布的事项摘要和处理结果。"))
    locked.published_summary, locked.published_outcome = summary.strip(), outcome.strip()
    locked.published_at = now or timezone.now()
    locked._history_user = actor
    locked._change_reason = _("公布处理结果")
    locked.save(update_fields=["published_summary", "published_outcome", "published_at", "updated_at"])
    audit(AuditEvent.TRANSITION, user=actor, request=request, obj=locked, detail=f"publish {locked.receipt_number}")
    return locked


def complaint_identity_view(*, complaint: Complaint, actor, request=None) -> dict[str, str]:
    """The complainant's name and phone in clear, for the institution's handler who calls back. Audited."""
    audit(AuditEvent.PERSONAL_DATA_VIEW, user=actor, request=request, obj=complaint, detail=f"complainant of {complaint.receipt_number}")
    return {"name": complaint.complainant_name, "phone": complaint.complainant_phone}
