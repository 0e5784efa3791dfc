"""The second factor of staff logins (docs/security.md 5): TOTP through django-otp, recovery codes, resets.

Who needs it: programme admins, department leads, the three administrators and superusers always; reviewers when a
programme their department takes part in says so (`Programme.reviewers_second_factor`). A user who needs it and has
no confirmed device enrols at the first login (a QR code of the TOTP secret, then one code to confirm it, then ten
recovery codes shown once); one who has a device gives a code. A code already used is refused (django-otp keeps the
last time step used), failures are throttled, and each enrolment, failure, use of a recovery code and reset writes
an audit record. Only the security administrator resets someone's second factor.
"""

from base64 import b32encode

import segno
from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _
from django_otp import devices_for_user, user_has_device
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from portal.audit import AuditEvent, audit
from portal.enums import Role
from portal.models import DemoTokenDevice, Programme, User

ALWAYS = {Role.PROGRAMME_ADMIN, Role.DEPARTMENT_LEAD, Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN}
RECOVERY_CODES = 10
SETUP_NAME = "totp"
RECOVERY_NAME = "recovery"


def required_for(user: User) -> bool:
    """Whether this account must give a second factor (a query only for reviewers)."""
    if not settings.SECOND_FACTOR_REQUIRED or not user.is_authenticated:
        return False
    if user.is_superuser or user.role in ALWAYS:
        return True
    if user.role == Role.REVIEWER and user.department_id:
        return Programme.objects.filter(
            reviewers_second_factor=True, programme_departments__department_id=user.department_id
        ).exists()
    return False


def has_device(user: User) -> bool:
    return user_has_device(user, confirmed=True)


def pending_totp(user: User) -> TOTPDevice:
    """The unconfirmed TOTP device of an enrolment in progress (made on the first visit, kept until confirmed, so a
    reload shows the same QR code)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False, name=SETUP_NAME).first()
    return device or TOTPDevice.objects.create(user=user, confirmed=False, name=SETUP_NAME)


def provisioning(device: TOTPDevice) -> dict:
    """What the enrolment page shows: the QR code (an SVG data URI, no external service) and the key typed by hand."""
    key = b32encode(device.bin_key).decode()
    return {
        "qr": segno.make(device.config_url, error="m").svg_data_uri(scale=5, border=2),
        "key": " ".join(key[i : i + 4] for i in range(0, len(key), 4)),
    }


@transaction.atomic
def enrol(*, request, user: User, code: str) -> list[str] | None:
    """Confirm the pending TOTP device with a first code. Returns the recovery codes (shown once), or None when the
    code is wrong. Side effects: the device confirmed, older TOTP devices and recovery codes replaced, the session
    verified, an audit record."""
    device = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=False, name=SETUP_NAME).first()
    if device is None or not device.verify_token(_digits(code)):
        audit(AuditEvent.SECOND_FACTOR, user=user, request=request, success=False, detail="enrol: wrong code")
        return None
    TOTPDevice.objects.filter(user=user, confirmed=True).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    codes = _recovery_codes_replace(user)
    otp_login(request, device)
    audit(AuditEvent.SECOND_FACTOR, user=user, request=request, detail="enrol: totp confirmed, recovery codes issued")
    return codes


@transaction.atomic
def recovery_codes_renew(*, request, user: User) -> list[str]:
    """Ten new recovery codes; the old ones stop working. Side effects: an audit record."""
    codes = _recovery_codes_replace(user)
    audit(AuditEvent.SECOND_FACTOR, user=user, request=request, detail="recovery codes renewed")
    return codes


def _recovery_codes_replace(user: User) -> list[str]:
    StaticDevice.objects.filter(user=user, name=RECOVERY_NAME).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY_NAME, confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    return codes


def _digits(code: str) -> str:
    return "".join(code.split()).replace("-", "")


def verify(*, request, user: User, code: str) -> tuple[bool, str]:
    """Check a code against the user's devices: TOTP, the demo token, then the recovery codes (each used once).

    Returns (verified, message for a refusal). Side effects: the session verified; throttling counters of the
    devices; an audit record for a failure and for a recovery code used.
    """
    token = _digits(code)
    with transaction.atomic():
        devices = list(devices_for_user(user, for_verify=True))
        throttled = [d for d in devices if hasattr(d, "verify_is_allowed") and not d.verify_is_allowed()[0]]
        matched = next((d for d in devices if d not in throttled and token and d.verify_token(token)), None)
    if matched is None:
        audit(AuditEvent.SECOND_FACTOR, user=user, request=request, success=False, detail="verify: refused")
        if devices and len(throttled) == len(devices):
            return False, _("验证码错误次数过多，请稍后再试。")
        return False, _("验证码不正确或已使用过，请输入验证器上新的6位验证码。")
    otp_login(request, matched)
    if isinstance(matched, StaticDevice):
        left = matched.token_set.count()
        audit(AuditEvent.SECOND_FACTOR, user=user, request=request, detail=f"verify: recovery code used, {left} left")
    return True, ""


@transaction.atomic
def reset(*, user: User, actor: User, reason: str, request=None) -> int:
    """Remove every second-factor device of `user` (lost phone): at the next login it enrols again. Only a security
    administrator may; never its own. Returns the devices removed. Side effects: devices deleted, an audit record."""
    if not actor.has_perm("portal.reset_second_factor"):
        raise PermissionError(_("只有安全管理员可以重置二次验证。"))
    if actor.pk == user.pk:
        raise PermissionError(_("不能重置自己的二次验证，须由另一名安全管理员办理。"))
    removed = 0
    for model in (TOTPDevice, StaticDevice, DemoTokenDevice):
        count, _rows = model.objects.filter(user=user).delete()
        removed += count
    audit(
        AuditEvent.SECOND_FACTOR, user=actor, request=request, obj=user,
        detail=f"reset second factor of {user.username}: {reason.strip()}"[:500],
    )
    return removed


def status_rows(users) -> list[dict]:
    """For the security administrator's list: each account's devices (3 queries for a page)."""
    ids = [u.pk for u in users]
    totp = {d.user_id: d for d in TOTPDevice.objects.filter(user_id__in=ids, confirmed=True)}
    demo = set(DemoTokenDevice.objects.filter(user_id__in=ids).values_list("user_id", flat=True))
    codes = {
        d.user_id: d.token_set.count()
        for d in StaticDevice.objects.filter(user_id__in=ids, name=RECOVERY_NAME).prefetch_related("token_set")
    }
    return [
        {"user": u, "totp": totp.get(u.pk), "demo": u.pk in demo, "recovery_left": codes.get(u.pk)}
        for u in users
    ]
