"""Objections (异议, seed 000 五.4): filing with the objector's identity encrypted, assigning a handler, deciding, and the
reply to the objector. The identity never goes into an audit detail, a notification to staff, an e-mail or a log line.
"""

import logging
import secrets
from dataclasses import dataclass
from datetime import date, datetime

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from guardian.shortcuts import assign_perm, get_user_perms, remove_perm

from applications.uploads import UploadLimits, inspect_uploads, store_inspected
from portal.audit import AuditEvent, audit
from portal.display import cn_date
from portal.enums import Role
from portal.models import User
from portal.public_cache import public_pages_changed
from portal.receipts import receipt_number
from portal.selectors import programme_admins
from portal.services import notify
from portal.transitions import Refused, TransitionError, transition
from publicity.enums import OBJECTION_CLOSED, ObjectionStatus, ObjectorType
from publicity.identity_access import identity_access_request, identity_access_withdraw_for
from publicity.models import (
    NoticeEntry,
    Objection,
    ObjectionEvidence,
    PublicityNotice,
    query_code_normalized,
    query_code_of,
)
from publicity.selectors import handler_choices, objection_locked

logger = logging.getLogger(__name__)

# Evidence an objector may attach: at most this many files of this size, checked like application uploads.
OBJECTION_UPLOAD_LIMITS = UploadLimits(max_file_bytes=10 * 1024 * 1024, max_total_bytes=30 * 1024 * 1024, max_files=5)



# --- Objections ------------------------------------------------------------------------------------


def _receipt_number(now: datetime) -> str:
    return receipt_number("YY", Objection, now)


@dataclass(frozen=True)
class Identity:
    """What the form collected about the objector (only what the rules require, docs/security.md 17)."""

    objector_type: str
    name: str
    phone: str
    id_number: str = ""
    contact_person: str = ""
    email: str = ""


def objection_file(
    *,
    notice: PublicityNotice,
    entry: NoticeEntry,
    identity: Identity,
    facts: str,
    evidence=(),
    seal=None,
    now: datetime | None = None,
    request=None,
) -> tuple[Objection, str]:
    """File an objection while the notice is open. Returns the objection and the secret of its private link.

    Refused after `closes_at` (the message names it), against an entry not on the notice or already disqualified,
    without a name and phone, and for an organisation without its seal.
    """
    now = now or timezone.now()
    _objection_refusal(notice=notice, entry=entry, identity=identity, seal=seal, now=now)
    inspected = inspect_uploads(evidence, limits=OBJECTION_UPLOAD_LIMITS)
    token = secrets.token_urlsafe(24)
    with transaction.atomic():
        objection = Objection(
            notice=notice, entry=entry, receipt_number=_receipt_number(now), token=token, submitted_at=now,
            objector_type=identity.objector_type, name=identity.name.strip(), phone=identity.phone.strip(),
            contact_person=identity.contact_person.strip(), id_number=identity.id_number.strip(),
            email=identity.email.strip(), facts=facts.strip(),
        )
        if seal:
            objection.seal = seal
        objection._change_reason = _("提出异议")
        objection._history_date = now
        objection.save()
        store_inspected(ObjectionEvidence, inspected, objection=objection)
        audit(
            AuditEvent.TRANSITION,
            user=None,
            username="anonymous",
            request=request,
            obj=objection,
            detail=f"object {objection.receipt_number} against entry {entry.pk} ({len(inspected)} files)",
        )
        _notify_admins_received(objection)  # in the transaction: an objection is never saved without its admins told
    return objection, token


def _objection_refusal(*, notice, entry, identity: Identity, seal, now: datetime) -> None:
    """Refused: a notice not open (after `closes_at` the message names it), an entry not on it or disqualified, no
    name or phone (anonymous objections are not taken), an organisation without its contact and seal."""
    if not notice.is_open(now):
        raise Refused(
            _("公示已于%(closes)s结束，不再受理异议。") % {"closes": notice.closes_label}
            if now >= notice.closes_at
            else _("公示尚未开始。")
        )
    if entry.notice_id != notice.pk:
        raise Refused(_("所选机构不在本公示名单中。"))
    if entry.disqualified_at:
        raise Refused(_("该机构已被取消拟评定资格。"))
    if not (identity.name.strip() and identity.phone.strip()):
        raise Refused(_("请填写真实姓名（单位名称）和联系电话，匿名异议不予受理。"))
    if identity.objector_type == ObjectorType.ORGANISATION and not (seal and identity.contact_person.strip()):
        raise Refused(_("单位提出异议须填写联系人并上传加盖公章的证明。"))


def _notify_admins_received(objection: Objection) -> None:
    text = _("收到异议 %(receipt)s，被异议机构：%(name)s。请及时交办核查。") % {
        "receipt": objection.receipt_number,
        "name": objection.entry.institution_name,
    }
    notify(users=programme_admins(objection.notice.programme), text=text, link=objection.get_absolute_url())


def objection_open(*, receipt_number: str, token: str) -> Objection | None:
    """The objection a private link names, or None; the comparison takes the same time whatever matched."""
    objection = Objection.objects.select_related("notice", "entry").filter(receipt_number=receipt_number[:30]).first()
    given = token.encode("utf-8", "replace")  # bytes: compare_digest refuses non-ASCII str (a 500 the fuzz test found)
    if objection is None or not objection.token:
        secrets.compare_digest(given, b"x" * 32)
        return None
    return objection if secrets.compare_digest(given, objection.token.encode()) else None


def objection_find(*, receipt_number: str, code: str) -> Objection | None:
    """The objection a receipt number and its query code name (the lookup form), or None.

    `code` is the receipt's short query code (ABCD-EFGH; case, spaces and dashes do not matter) or, as older receipts
    said, the private link's last segment. Either is compared in constant time, and an unknown receipt number costs
    the same work as a wrong code, so the answer tells nothing about which one was wrong.
    """
    short = query_code_normalized(code)
    if short is None:
        return objection_open(receipt_number=receipt_number, token=code.strip())
    objection = Objection.objects.select_related("notice", "entry").filter(receipt_number=receipt_number[:30]).first()
    token = objection.token if objection is not None else ""
    expected = query_code_of(token or "x" * 32)
    matched = secrets.compare_digest(short.encode(), expected.encode())
    return objection if matched and token else None


def _handler_withdraw(objection: Objection, *, actor: User, request=None) -> None:
    """The former handler of a reassigned objection loses access with the file: its permissions and any identity
    access it was granted; audited."""
    previous = objection.handler
    for perm in ("publicity.handle_objection", "publicity.view_objector_identity"):
        remove_perm(perm, previous, objection)
    identity_access_withdraw_for(objection=objection, user=previous, actor=actor, note=_("异议已改派他人核查"))
    audit(
        AuditEvent.PERMISSION_CHANGE,
        user=actor,
        request=request,
        obj=objection,
        detail=f"revoke handle/identity permissions from {previous.username} (reassigned)",
    )


@transaction.atomic
def objection_assign(
    *,
    objection: Objection,
    handler: User,
    deadline: date,
    actor: User,
    grant_identity: bool = False,
    now: datetime | None = None,
    request=None,
) -> Objection:
    """Put the objection under verification by `handler` until `deadline` (交办核查).

    Side effects: grants the handler `handle_objection` on it and, when asked, files a request that it may see the
    objector's identity (decided by a security administrator); audits both; notifies the handler. `now` dates the step (its history too), for the demo's past records.
    """
    now = now or timezone.now()
    locked = objection_locked(objection)
    if locked.is_closed:
        raise TransitionError(_("异议已办结，不能再交办。"))
    if not handler_choices(locked.notice.programme).filter(pk=handler.pk).exists():
        raise Refused(_("经办人须为本项目的管理员或评定部门负责人。"))
    if deadline < timezone.localdate(now):
        raise Refused(_("办理期限不能早于今天。"))
    if locked.handler is not None and locked.handler.pk != handler.pk:
        _handler_withdraw(locked, actor=actor, request=request)
    locked = transition(
        locked, ObjectionStatus.VERIFYING, table=Objection.TRANSITIONS, actor=actor, now=now, request=request,
        note=_("交办核查：%(name)s，期限%(date)s") % {"name": handler.full_name, "date": cn_date(deadline)},
        fields={"handler": handler, "deadline": deadline, "assigned_at": now, "reminder_sent_at": None},
        audit_detail=f"assign to {handler.username} until {deadline}",
    )
    assign_perm("publicity.handle_objection", handler, locked)
    if grant_identity:  # a request: a security administrator decides it (publicity.identity_access)
        identity_access_request(
            objection=locked, grantee=handler, actor=actor, reason=_("交办核查，需联系异议人"), request=request, now=now
        )
    text = _("异议 %(receipt)s（被异议机构：%(name)s）已交您核查，办理期限%(date)s。") % {
        "receipt": locked.receipt_number,
        "name": locked.entry.institution_name,
        "date": cn_date(deadline),
    }
    notify(users=[handler], text=text, link=locked.get_absolute_url())
    return locked


def may_see_identity(user: User, objection: Objection) -> bool:
    """Only an explicit permission on this objection counts: not a role, not being a superuser."""
    return user.is_authenticated and "view_objector_identity" in get_user_perms(user, objection)


def identity_reveal(*, objection: Objection, user: User, request=None) -> dict[str, str]:
    """The objector's identity in clear, for a holder of the permission; each view is audited (docs/security.md 18)."""
    if not may_see_identity(user, objection):
        audit(AuditEvent.PERSONAL_DATA_VIEW, user=user, request=request, obj=objection, success=False, detail="denied")
        raise PermissionError
    audit(AuditEvent.PERSONAL_DATA_VIEW, user=user, request=request, obj=objection, detail="objector identity")
    return {
        "name": objection.name,
        "contact_person": objection.contact_person,
        "phone": objection.phone,
        "id_number": objection.id_number,
        "email": objection.email,
    }


@transaction.atomic
def objection_decide(
    *,
    objection: Objection,
    upheld: bool,
    findings: str,
    reply: str,
    actor: User,
    now: datetime | None = None,
    request=None,
) -> Objection:
    """Close the verification: upheld (异议成立) disqualifies the candidate on every notice of the round.

    Side effects: history and audit; the reply goes to the objector by e-mail and the SMS hook after the commit
    (the private link always shows it); the admins and, when upheld, the institution are told.
    """
    locked = objection_locked(objection)
    if locked.status != ObjectionStatus.VERIFYING:
        raise TransitionError(_("只有核查中的异议才能办结（当前：%(status)s）。") % {"status": locked.get_status_display()})
    if not (findings.strip() and reply.strip()):
        raise Refused(_("请填写核查情况和答复意见。"))
    now = now or timezone.now()
    to = ObjectionStatus.UPHELD if upheld else ObjectionStatus.NOT_UPHELD
    locked = transition(
        locked, to, table=Objection.TRANSITIONS, actor=actor, now=now, request=request,
        fields={"findings": findings.strip(), "reply": reply.strip(), "decided_at": now, "decided_by": actor},
        audit_detail=f"{to} {locked.receipt_number}",
    )
    if upheld:
        for entry in _same_listing(locked.entry).filter(disqualified_at__isnull=True):
            entry.disqualified_at = now
            entry._history_user = actor
            entry._history_date = now
            entry._change_reason = _("异议 %(receipt)s 成立，取消拟评定资格") % {"receipt": locked.receipt_number}
            entry.save(update_fields=["disqualified_at"])
        audit(AuditEvent.TRANSITION, user=actor, request=request, obj=locked.entry, detail="disqualified")
    _notify_decided(locked)
    transaction.on_commit(lambda: _queue_reply(locked))
    transaction.on_commit(public_pages_changed)
    return locked


def _same_listing(entry: NoticeEntry):
    """The entries that list the same one as `entry`: its application on the notices of its round, or its community
    or village on the notices of its programme."""
    if entry.application_id:
        return NoticeEntry.objects.filter(notice__round=entry.notice.round_id, application=entry.application_id)
    return NoticeEntry.objects.filter(notice__programme=entry.notice.programme_id, notice__round__isnull=True,
                                      region=entry.region_id)


def _queue_reply(objection: Objection) -> None:
    from portal.queue import enqueue
    from publicity.tasks import send_objection_reply

    enqueue(send_objection_reply, objection.pk)


def _notify_decided(objection: Objection) -> None:
    text = _("异议 %(receipt)s 已办结：%(status)s。") % {
        "receipt": objection.receipt_number,
        "status": objection.get_status_display(),
    }
    notify(users=programme_admins(objection.notice.programme), text=text, link=objection.get_absolute_url())
    if objection.status == ObjectionStatus.UPHELD:
        entry = objection.entry
        listed = Q(institution=entry.institution_id) if entry.institution_id else Q(role=Role.COMMUNITY_STAFF, region=entry.region_id)
        users = User.objects.filter(listed, is_active=True)
        notice_text = _("经核查，对贵机构的异议成立，取消《%(title)s》中的拟评定资格。") % {"title": objection.notice.title}
        notify(users=users, text=notice_text[:300], link=objection.notice.get_absolute_url())


def private_link(objection: Objection) -> str:
    from django.urls import reverse

    return settings.PORTAL_BASE_URL + reverse("publicity:objection_status", args=[objection.receipt_number, objection.token])


def objection_reply_send(*, objection: Objection) -> bool:
    """Tell the objector that the reply is ready, once (by e-mail and the SMS hook). Returns whether it sent now."""
    from django.core.mail import send_mail

    claimed = Objection.objects.filter(pk=objection.pk, reply_sent_at__isnull=True, status__in=OBJECTION_CLOSED).update(
        reply_sent_at=timezone.now()
    )
    if not claimed:
        return False
    text = _("您提交的异议（回执号 %(receipt)s）已办结，结果：%(status)s。答复意见请通过私密链接查看：%(link)s") % {
        "receipt": objection.receipt_number,
        "status": objection.get_status_display(),
        "link": private_link(objection),
    }
    try:
        if objection.email:
            send_mail(_("异议办理结果"), text, None, [objection.email])
        if objection.phone and settings.SMS_BACKEND:
            import_string(settings.SMS_BACKEND)(objection.phone, text)
    except Exception:
        Objection.objects.filter(pk=objection.pk).update(reply_sent_at=None)  # let the retry send it
        raise
    return True


