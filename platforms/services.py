"""What a platform writes into its registers: staff (离岗, never deleted), windows (停用, never deleted, so that the
ratings already given keep their window), the complaint phone. The quarterly duties are platforms/duties.py."""

from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from platforms.models import PlatformProfile, ServicePoint, StaffMember
from portal.audit import AuditEvent, audit
from portal.transitions import Refused


def _saved(obj, *, actor, reason: str, fields: list[str] | None = None):
    obj._history_user = actor
    obj._change_reason = reason
    obj.save(update_fields=fields)
    return obj


def staff_save(*, member: StaffMember, institution, actor) -> StaffMember:
    """Add a person to the register or save an edit (the form's instance). Side effects: the row and its history."""
    member.institution = institution
    return _saved(member, actor=actor, reason=_("登记工作人员") if member.pk is None else _("修改工作人员信息"))


@transaction.atomic
def staff_leave(*, member: StaffMember, actor, on: date | None = None, request=None) -> StaffMember:
    """Record that a person left (离岗): kept in the register, no longer counted in the ratios. Refused when already
    recorded, or dated before the person joined. Side effects: the row's history, an audit record."""
    member = StaffMember.objects.select_for_update().get(pk=member.pk)
    on = on or timezone.localdate()
    if member.left_on is not None:
        raise Refused(_("%(name)s 已于 %(date)s 离岗。") % {"name": member.name, "date": member.left_on.isoformat()})
    if member.joined_on and on < member.joined_on:
        raise Refused(_("离岗日期不能早于到岗日期（%(date)s）。") % {"date": member.joined_on.isoformat()})
    member.left_on = on
    _saved(member, actor=actor, reason=_("离岗"), fields=["left_on"])
    audit(AuditEvent.TRANSITION, user=actor, request=request, obj=member, detail=f"staff left on {on.isoformat()}")
    return member


def window_save(*, window: ServicePoint, institution, actor) -> ServicePoint:
    """Add a window or save an edit (the form's instance). Side effects: the row and its history."""
    window.institution = institution
    return _saved(window, actor=actor, reason=_("新增服务窗口") if window.pk is None else _("修改服务窗口"))


def window_set_active(*, window: ServicePoint, actor, active: bool, request=None) -> ServicePoint:
    """Stop (or restart) a window: a stopped window's QR code no longer takes ratings. Side effects: history, audit."""
    window.is_active = active
    _saved(window, actor=actor, reason=_("启用窗口") if active else _("停用窗口"), fields=["is_active"])
    audit(AuditEvent.TRANSITION, user=actor, request=request, obj=window, detail="window " + ("on" if active else "off"))
    return window


def profile_for(institution) -> PlatformProfile:
    """The platform's profile, an unsaved empty one if it has none yet."""
    return PlatformProfile.objects.filter(institution=institution).first() or PlatformProfile(institution=institution)


def profile_save(*, profile: PlatformProfile, actor) -> PlatformProfile:
    return _saved(profile, actor=actor, reason=_("修改平台信息"))
