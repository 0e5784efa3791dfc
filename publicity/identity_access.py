"""Who may see an objector's identity: asked by a programme admin, decided by a security administrator.

PIPL and 三权分立 (docs/security.md 7, 18): the programme admin who runs the evaluation must not be able to open the
identities of the people who object to its results on its own say. It asks, with a reason, for itself or for the
handler it assigned; a security administrator, who is neither the one asking nor the one to be granted, approves
(the object permission `publicity.view_objector_identity` is granted then) or refuses; an approved access can be
withdrawn. Every step is audited as a permission change and kept in the field history.
"""

from django.contrib.auth.models import Permission
from django.db import IntegrityError, transaction
from django.db.models import Case, Q, Value, When
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from guardian.shortcuts import assign_perm, remove_perm

from portal.audit import AuditEvent, audit
from portal.models import User
from portal.services import notify
from portal.transitions import Refused, transition
from publicity.enums import IdentityAccessStatus as S
from publicity.models import IdentityAccessRequest, Objection
from publicity.selectors import handler_choices, objection_locked

APPROVE_PERMISSION = "publicity.approve_identity_access"


def security_admins():
    """Active accounts that may decide requests: the security administrators' group (through its permission)."""
    permission = Permission.objects.get(content_type__app_label="publicity", codename="approve_identity_access")
    return User.objects.filter(
        Q(groups__permissions=permission) | Q(user_permissions=permission), is_active=True
    ).distinct()


def may_decide(user: User) -> bool:
    return user.is_authenticated and user.has_perm(APPROVE_PERMISSION)


@transaction.atomic
def identity_access_request(
    *, objection: Objection, grantee: User, actor: User, reason: str, request=None, now=None
) -> IdentityAccessRequest:
    """Ask that `grantee` may see this objection's identity. Returns the pending request (an identical pending one
    is returned as it is: a double click or two admins asking at once make one request).

    Side effects: one IdentityAccessRequest; an audit record; the security administrators are notified. `now` dates
    the request (the demo's past records).
    """
    reason = reason.strip()
    if not reason:
        raise Refused(_("申请查看异议人身份须说明理由。"))
    # Locked as objection_assign locks it (its round, then the objection; the request and the audit chain after):
    # simultaneous requests and assignments then queue instead of deadlocking.
    objection = objection_locked(objection)
    if objection.identity_purged_at:
        raise Refused(_("异议人身份信息已按保存期限清除，无需再申请。"))
    if not handler_choices(objection.notice.programme).filter(pk=grantee.pk).exists():
        raise Refused(_("只能为本项目的管理员或评定部门负责人申请。"))
    existing = IdentityAccessRequest.objects.filter(objection=objection, grantee=grantee, status=S.PENDING).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            access = IdentityAccessRequest(
                objection=objection, grantee=grantee, reason=reason, requested_by=actor, requested_at=now or timezone.now()
            )
            access._history_user = actor
            access._history_date = access.requested_at
            access._change_reason = reason
            access.save()
    except IntegrityError:  # a simultaneous identical request won the race: answer with it
        return IdentityAccessRequest.objects.get(objection=objection, grantee=grantee, status=S.PENDING)
    audit(
        AuditEvent.PERMISSION_CHANGE,
        user=actor,
        request=request,
        obj=objection,
        detail=f"request publicity.view_objector_identity for {grantee.username}: {reason}"[:500],
    )
    text = _("%(who)s申请查看异议 %(receipt)s 的异议人身份，待您审批。") % {
        "who": actor.full_name or actor.username,
        "receipt": objection.receipt_number,
    }
    notify(users=list(security_admins().exclude(pk=actor.pk)), text=text, link=reverse("publicity:identity_requests"))
    return access


def _move(access: IdentityAccessRequest, to: S, *, actor: User, note: str, now=None) -> IdentityAccessRequest:
    decided_at = now or timezone.now()
    return transition(
        access, to, table=IdentityAccessRequest.TRANSITIONS, actor=actor, note=note, now=decided_at,
        fields={"decided_by": actor, "decided_at": decided_at, "decision_note": note},
        audit_detail=f"identity access request {access.pk}: {access.status}→{to}",
        refusal=_("该申请当前为“%(current)s”，不能改为“%(target)s”。"),
    )


@transaction.atomic
def identity_access_decide(
    *, access_request: IdentityAccessRequest, approve: bool, actor: User, note: str = "", request=None, now=None
) -> IdentityAccessRequest:
    """Approve (grant the object permission) or refuse a pending request. Only a security administrator decides,
    and never on a request it made or one that would grant itself.

    Side effects: the request's status; on approval `view_objector_identity` on the objection for the grantee; an
    audit record either way; the requester and the grantee are notified.
    """
    if not may_decide(actor):
        raise Refused(_("只有安全管理员可以审批查看异议人身份的申请。"))
    if actor.pk in (access_request.requested_by_id, access_request.grantee_id):
        raise Refused(_("不能审批自己提出或授权给自己的申请，须由另一名安全管理员审批。"))
    note = note.strip()
    if not approve and not note:
        raise Refused(_("不予批准须说明理由。"))
    access = _move(access_request, S.APPROVED if approve else S.REFUSED, actor=actor, note=note, now=now)
    if approve:
        assign_perm("publicity.view_objector_identity", access.grantee, access.objection)
    verb = "grant" if approve else "refuse"
    audit(
        AuditEvent.PERMISSION_CHANGE,
        user=actor,
        request=request,
        obj=access.objection,
        detail=f"{verb} publicity.view_objector_identity to {access.grantee.username} "
        f"(asked by {access.requested_by.username}: {access.reason}){': ' + note if note else ''}"[:500],
    )
    text = (_("已批准%(name)s查看异议 %(receipt)s 的异议人身份。") if approve else _("未批准%(name)s查看异议 %(receipt)s 的异议人身份。")) % {
        "name": access.grantee.full_name or access.grantee.username,
        "receipt": access.objection.receipt_number,
    }
    users = {access.requested_by_id: access.requested_by, access.grantee_id: access.grantee}
    notify(users=list(users.values()), text=text, link=access.objection.get_absolute_url())
    return access


@transaction.atomic
def identity_access_revoke(
    *, access_request: IdentityAccessRequest, actor: User, note: str, request=None
) -> IdentityAccessRequest:
    """Withdraw an approved access (or a pending request). A security administrator does it, with a reason; the
    objection's own flow also withdraws it when the handler changes (`reason` then says so).

    Side effects: the request's status; the object permission removed; an audit record.
    """
    if not may_decide(actor) and actor.pk != access_request.requested_by_id:
        raise Refused(_("只有安全管理员或申请人可以收回该授权。"))
    note = note.strip()
    if not note:
        raise Refused(_("收回授权须说明理由。"))
    access = _move(access_request, S.REVOKED, actor=actor, note=note)
    remove_perm("publicity.view_objector_identity", access.grantee, access.objection)
    audit(
        AuditEvent.PERMISSION_CHANGE,
        user=actor,
        request=request,
        obj=access.objection,
        detail=f"revoke publicity.view_objector_identity from {access.grantee.username}: {note}"[:500],
    )
    return access


def identity_access_withdraw_for(*, objection: Objection, user: User, actor: User, note: str) -> int:
    """Close every pending or approved request of `user` on this objection (the file went to someone else)."""
    count = 0
    for access in IdentityAccessRequest.objects.filter(objection=objection, grantee=user, status__in=[S.PENDING, S.APPROVED]):
        _move(access, S.REVOKED, actor=actor, note=note)
        count += 1
    return count


def identity_requests_for_security(status: str = ""):
    rows = IdentityAccessRequest.objects.select_related(
        "objection__notice__programme", "objection__entry", "grantee", "requested_by", "decided_by"
    )
    if status in S.values:
        rows = rows.filter(status=status)
    pending_first = Case(When(status=S.PENDING, then=Value(0)), default=Value(1))
    return rows.order_by(pending_first, "-requested_at", "-pk")


def pending_count() -> int:
    return IdentityAccessRequest.objects.filter(status=S.PENDING).count()

