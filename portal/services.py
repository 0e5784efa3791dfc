"""Writes of the shared core: accounts and programme roles."""

import logging
from importlib import import_module

from django.conf import settings
from django.contrib.auth.forms import PasswordResetForm
from django.contrib.auth.models import Group, Permission
from django.contrib.auth.tokens import default_token_generator
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _
from guardian.shortcuts import assign_perm, get_user_perms, get_users_with_perms, remove_perm

from portal import read_caches
from portal.audit import AuditEvent, audit
from portal.enums import InstitutionStatus, Role
from portal.models import USERNAME_TAKEN, Institution, Notification, Programme, User
from portal.transitions import transition

logger = logging.getLogger(__name__)

# What each of the three administrator groups may do (docs/security.md 7, 三权分立): disjoint sets, checked by a test.
# 系统管理员 keeps the system (accounts, organisations, calendars, conditions, rubrics, fonts) in the admin site;
# 安全管理员 unlocks accounts, resets second factors, grants programme administration and approves access to
# objectors' identities, in the portal's security pages; 审计管理员 reads, exports and verifies the audit log there.
# Nobody holds a permission to change or delete audit records: none exists.
ADMIN_GROUP_PERMISSIONS = {
    Role.SYSTEM_ADMIN: [
        "portal.add_user", "portal.change_user", "portal.view_user",
        "portal.add_region", "portal.change_region", "portal.view_region",
        "portal.add_department", "portal.change_department", "portal.view_department",
        "portal.add_programme", "portal.change_programme", "portal.view_programme",
        "portal.add_programmedepartment", "portal.change_programmedepartment", "portal.delete_programmedepartment",
        "portal.view_programmedepartment",
        "portal.add_evaluationgroupmember", "portal.change_evaluationgroupmember",
        "portal.delete_evaluationgroupmember", "portal.view_evaluationgroupmember",
        "portal.add_round", "portal.change_round", "portal.view_round",
        "portal.change_institution", "portal.view_institution",
        "portal.add_holidayscheduleyear", "portal.change_holidayscheduleyear", "portal.view_holidayscheduleyear",
        "portal.add_workdayoverride", "portal.change_workdayoverride", "portal.delete_workdayoverride",
        "portal.view_workdayoverride",
        "applications.add_condition", "applications.change_condition", "applications.delete_condition",
        "applications.view_condition", "applications.view_application",
        "review.view_reviewplan", "review.view_reviewassignment", "review.view_scoresheet",
        "review.view_departmentopinion", "review.view_shortlist",
        "awards.add_plaquefont", "awards.change_plaquefont", "awards.view_plaquefont",
        "publicity.view_publicitynotice", "awards.view_announcement", "awards.view_award",
        "awards.view_revocation",
    ],
    Role.SECURITY_ADMIN: [
        "portal.unlock_account",
        "portal.reset_second_factor",
        "portal.grant_programme_admin",
        "publicity.approve_identity_access",
    ],
    Role.AUDIT_ADMIN: [
        "portal.view_auditrecord",
        "portal.export_auditrecord",
        "portal.verify_auditrecord",
    ],
}
ADMIN_ROLES = tuple(ADMIN_GROUP_PERMISSIONS)


def role_group_name(role: Role) -> str:
    """Group names are fixed Chinese labels, whatever the language of the request that triggers the sync."""
    with translation.override("zh-hans"):
        return str(role.label)


def role_groups_ensure() -> None:
    """Create the three administrator groups, each holding exactly its permissions (run after every migrate)."""
    for role, perms in ADMIN_GROUP_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=role_group_name(role))
        query = Q(pk__in=[])
        for perm in perms:
            app_label, codename = perm.split(".")
            query |= Q(content_type__app_label=app_label, codename=codename)
        group.permissions.set(Permission.objects.filter(query))


def user_role_group_sync(*, user: User) -> None:
    """Put the user in the group of its role and in no other role group; only a system admin enters the admin site."""
    role_groups = Group.objects.filter(name__in=[role_group_name(role) for role in ADMIN_ROLES])
    user.groups.remove(*role_groups)
    if user.role in ADMIN_GROUP_PERMISSIONS:
        user.groups.add(Group.objects.get(name=role_group_name(Role(user.role))))
    is_staff = user.is_superuser or user.role == Role.SYSTEM_ADMIN
    if user.is_staff != is_staff:
        user.is_staff = is_staff
        user.save(update_fields=["is_staff"])


def user_password_changed(*, user: User) -> None:
    """Record a password change: the user no longer has to change it, and its age restarts.

    Side effects: updates `must_change_password` and `password_changed_at` (history records both).
    """
    user.must_change_password = False
    user.password_changed_at = timezone.now()
    user.save(update_fields=["must_change_password", "password_changed_at"])


@transaction.atomic
def programme_admin_grant(*, programme: Programme, user: User, actor: User | None = None, request=None) -> None:
    """Make `user` an admin of `programme`: grants `portal.manage_programme` on that programme only.

    In the portal the security administrator does it (security pages); the demo and tests call it directly. Granting
    what is already held changes nothing and writes no audit record.
    """
    if "manage_programme" in get_user_perms(user, programme):
        return
    assign_perm("portal.manage_programme", user, programme)
    audit(
        AuditEvent.PERMISSION_CHANGE, user=actor, request=request, obj=programme,
        detail=f"grant portal.manage_programme to {user.username}",
    )


@transaction.atomic
def programme_admin_revoke(*, programme: Programme, user: User, actor: User | None = None, request=None) -> None:
    remove_perm("portal.manage_programme", user, programme)
    audit(
        AuditEvent.PERMISSION_CHANGE, user=actor, request=request, obj=programme,
        detail=f"revoke portal.manage_programme from {user.username}",
    )


@transaction.atomic
def round_save(*, round, actor: User, changed: list[str], request=None):
    """Save a round opened or edited by a programme admin; the history names who and which fields.

    A decision to let the window run past the programme's period (`beyond_period_decision`), new or changed, is
    recorded with its author and time and one audit record; cleared, so are they.
    """
    stored = type(round).objects.filter(pk=round.pk).values_list("beyond_period_decision", flat=True).first() or ""
    decision = round.beyond_period_decision.strip()
    decided = decision != stored.strip()
    if decided:
        round.beyond_period_decided_by = actor if decision else None
        round.beyond_period_decided_at = timezone.now() if decision else None
    round._history_user = actor
    round._change_reason = _("新建批次") if round.pk is None else _("修改：%(fields)s") % {"fields": "、".join(changed)}
    round.save()
    if decided and decision:
        audit(
            AuditEvent.ADMIN_CHANGE, user=actor, request=request, obj=round,
            detail=f"round «{round.name}» beyond period {round.programme.period_end:%Y-%m-%d}: {decision}",
        )
    return round


def account_unlock(*, actor: User, username: str = "", ip_address: str = "", request=None) -> int:
    """Lift a lockout (docs/security.md 3): the failures counted against a username, an address, or both together.

    Returns the failure records removed. Side effects: django-axes' records deleted; one audit record.
    """
    from axes.utils import reset as axes_reset

    if not (username or ip_address):
        raise ValueError("username or ip_address")
    count = axes_reset(ip=ip_address or None, username=username or None)
    audit(
        AuditEvent.UNLOCK, user=actor, request=request, username="",
        detail=f"unlock username={username or '-'} ip={ip_address or '-'}: {count} failure records removed",
    )
    return count


def users_flag_inactive(*, days: int, now=None) -> int:
    """Flag active accounts that have not logged in for `days` days (docs/security.md 1). Returns the count.

    Idempotent: an account already flagged keeps its first flag time.
    """
    now = now or timezone.now()
    cutoff = now - timezone.timedelta(days=days)
    stale = User.objects.filter(is_active=True, inactive_flagged_at__isnull=True).exclude(
        last_login__gte=cutoff
    ).exclude(last_login__isnull=True, date_joined__gte=cutoff)
    count = 0
    for user in stale:  # one save per account so that the history records the flag
        user.inactive_flagged_at = now
        user.save(update_fields=["inactive_flagged_at"])
        count += 1
    return count


def notify(*, users, text: str, link: str = "") -> list[Notification]:
    """Tell each user something in the portal and, where the user has an e-mail address, by e-mail.

    Side effects: one Notification row per user; one e-mail task per user with an address, queued after commit.
    """
    from portal.queue import enqueue
    from portal.tasks import send_notification_email

    notes = Notification.objects.bulk_create([Notification(user=user, text=text, link=link) for user in users])
    for user_id in {note.user_id for note in notes}:  # bulk_create sends no post_save
        read_caches.notifications_changed(user_id)
    for note in notes:
        if note.user.email:
            transaction.on_commit(lambda pk=note.pk: enqueue(send_notification_email, pk))
    return notes


def notification_email_send(*, notification: Notification) -> bool:
    """Send the e-mail of a notification once, with an absolute link when PORTAL_BASE_URL is set.

    Claims the row first (emailed_at), so a task run twice or the catch-up racing it sends nothing twice; a failed
    send gives the claim back for the retry. Returns whether it sent now.
    """
    claimed = Notification.objects.filter(pk=notification.pk, emailed_at__isnull=True).update(emailed_at=timezone.now())
    if not claimed:
        return False
    link = f"{settings.PORTAL_BASE_URL}{notification.link}" if notification.link else ""
    body = f"{notification.user}：\n\n{notification.text}\n\n{link}\n\n" + _("（本邮件由系统自动发送，请勿回复。）")
    # A reason typed on several lines must not reach the subject: a header with a line break is refused (BadHeaderError).
    subject = " ".join(notification.text.split())[:40]
    try:
        send_mail(_("【标杆评定】") + subject, body, None, [notification.user.email])
    except Exception:
        Notification.objects.filter(pk=notification.pk).update(emailed_at=None)
        raise
    return True


# The catch-up leaves alone what the on-commit task is probably sending right now, and does not mail out week-old news.
CATCH_UP_AFTER = timezone.timedelta(minutes=2)
CATCH_UP_WITHIN = timezone.timedelta(days=7)


def notifications_email_pending(now=None) -> int:
    """Send the e-mails whose task never ran (the broker was down, the task failed for good); returns how many."""
    now = now or timezone.now()
    pending = Notification.objects.filter(
        emailed_at__isnull=True,
        created_at__lte=now - CATCH_UP_AFTER,
        created_at__gte=now - CATCH_UP_WITHIN,
    ).exclude(user__email="").select_related("user")
    sent = 0
    for notification in pending:
        try:
            sent += notification_email_send(notification=notification)
        except OSError:  # the mail server: the next sweep tries again
            logger.warning("e-mail of notification %s not sent; the next sweep retries", notification.pk)
    return sent


def institution_register(*, form) -> User:
    """Register an institution (pending verification) and its first staff account from the registration form.

    Side effects: one Institution (status pending), one applicant User; the programme admins of the region are
    told that an institution waits for verification. Raises ValidationError (by field) when the code or the user
    name was registered by a simultaneous request after the form checked them.
    """
    data = form.cleaned_data
    try:
        with transaction.atomic():
            institution = form.save(commit=False)
            institution.status = InstitutionStatus.PENDING
            institution._change_reason = _("机构自行登记")
            institution.save()
            user = User(
                username=data["username"],
                full_name=data["full_name"],
                email=data["email"],
                role=Role.APPLICANT,
                institution=institution,
                must_change_password=False,
                password_changed_at=timezone.now(),
            )
            user.set_password(data["password1"])
            user.save()
            notify(
                users=institution_admins(institution),
                text=_("新机构登记待核验：%(name)s") % {"name": institution.name},
                link=f"/staff/institutions/{institution.pk}/",
            )
    except IntegrityError:
        # The same registration sent twice at once (a double click, a retried request): the form saw neither code nor
        # name taken, the unique constraints let the first in. Say what is taken now, as the form would have.
        errors = _taken(username=data["username"], uscc=data["uscc"])
        if not errors:
            raise
        raise ValidationError(errors) from None
    return user


def _taken(*, username: str, uscc: str = "") -> dict[str, str]:
    """The form's messages for a user name or a USCC that exists already."""
    errors = {}
    if uscc and Institution.objects.filter(uscc=uscc).exists():
        errors["uscc"] = Institution._meta.get_field("uscc").error_messages["unique"]
    if User.objects.filter(username__iexact=username).exists():
        errors["username"] = USERNAME_TAKEN
    return errors


def institution_admins(institution) -> list[User]:
    """Programme admins whose programme's jurisdiction contains the institution's region."""
    admins: dict[int, User] = {}
    for programme in Programme.objects.select_related("region"):
        if institution.region.code.startswith(programme.region.code_prefix):
            for user in get_users_with_perms(programme, only_with_perms_in=["manage_programme"]):
                if user.is_active:
                    admins[user.pk] = user
    return list(admins.values())


def institution_decide(*, institution, actor: User, verified: bool, note: str = "") -> None:
    """Verify an institution (it may then apply) or refuse it, and tell its staff."""

    with transaction.atomic():
        institution = transition(
            institution, InstitutionStatus.VERIFIED if verified else InstitutionStatus.REJECTED,
            table=Institution.TRANSITIONS, actor=actor, note=note, fields={"verified_at": timezone.now() if verified else None},
        )
        text = _("机构“%(name)s”已通过核验，可以申报。") if verified else _("机构“%(name)s”未通过核验。")
        text = text % {"name": institution.name}
        if note:
            text = f"{text} {note}"
        notify(users=institution.staff.filter(is_active=True), text=text[:300], link="/home/")


def institution_staff_invite(*, institution, actor: User, username: str, full_name: str, email: str, request) -> User:
    """Create a staff account of an institution with no usable password and e-mail it a set-password link.

    Raises ValidationError (on the user name) when a simultaneous request took the name after the form checked it.
    """
    user = User(username=username, full_name=full_name, email=email, role=Role.APPLICANT, institution=institution)
    user.set_unusable_password()
    user._change_reason = _("管理员邀请")
    user._history_user = actor
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError:  # the same invitation sent twice at once: one account, one e-mail
        errors = _taken(username=username)
        if not errors:
            raise
        raise ValidationError(errors) from None
    # The password-reset machinery makes the one-time link; its form would skip a user with no usable password.
    PasswordResetForm().send_mail(
        "registration/invite_subject.txt",
        "registration/invite_email.txt",
        {
            "user": user,
            "institution": institution,
            "protocol": "https" if request.is_secure() else "http",
            "domain": request.get_host(),
            "uid": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
        None,
        email,
    )
    return user


def user_set_active(*, user: User, actor: User, active: bool) -> None:
    """Disable (or enable again) an account; a disabled account cannot log in and its sessions end. Asking for the
    state the account is in already (a second click, two admins at once) changes nothing."""
    if User.objects.filter(pk=user.pk, is_active=active).exists():
        return
    transition(
        user, active, table=User.TRANSITIONS, field="is_active", actor=actor,
        note=_("启用账号") if active else _("停用账号"), audit_detail=f"account {user.username} {'enabled' if active else 'disabled'}",
    )
    if not active:
        store = import_module(settings.SESSION_ENGINE).SessionStore  # the cache's copy goes too (cached_db)
        for session in Session.objects.all().iterator():
            if session.get_decoded().get("_auth_user_id") == str(user.pk):
                store(session_key=session.session_key).delete()


def notifications_mark_read(*, user: User, ids) -> int:
    """Mark the given notifications of the user as read (others' ids are ignored)."""
    unread = Notification.objects.filter(user=user, pk__in=list(ids), read_at__isnull=True)
    marked = unread.update(read_at=timezone.now())
    read_caches.notifications_changed(user.pk)  # update() sends no post_save
    return marked
