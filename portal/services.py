"""Writes of the shared core: accounts and programme roles."""

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.utils import timezone, translation
from guardian.shortcuts import assign_perm, remove_perm

from portal.enums import Role
from portal.models import Programme, User

# The model permissions of each staff role in the admin site (django.contrib.auth codenames).
ROLE_MODEL_PERMISSIONS = {
    Role.PROGRAMME_ADMIN: [
        "view_programme", "view_department", "view_region", "view_evaluationgroupmember",
        "add_round", "change_round", "view_round",
        "view_institution", "change_institution",
        "add_holidayscheduleyear", "change_holidayscheduleyear", "view_holidayscheduleyear",
        "add_workdayoverride", "change_workdayoverride", "delete_workdayoverride", "view_workdayoverride",
    ],
}


def _group_name(role: Role) -> str:
    """Group names are fixed Chinese labels, whatever the language of the request that triggers the sync."""
    with translation.override("zh-hans"):
        return str(role.label)


def role_groups_ensure() -> None:
    """Create one auth group per role that has admin-site permissions, holding exactly those permissions."""
    for role, codenames in ROLE_MODEL_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=_group_name(role))
        group.permissions.set(Permission.objects.filter(content_type__app_label="portal", codename__in=codenames))


def user_role_group_sync(*, user: User) -> None:
    """Put the user in the group of its role (and in no other role group)."""
    role_groups = Group.objects.filter(name__in=[_group_name(role) for role in ROLE_MODEL_PERMISSIONS])
    user.groups.remove(*role_groups)
    if user.role in ROLE_MODEL_PERMISSIONS:
        user.groups.add(Group.objects.get(name=_group_name(Role(user.role))))


def user_password_changed(*, user: User) -> None:
    """Record a password change: the user no longer has to change it, and its age restarts.

    Side effects: updates `must_change_password` and `password_changed_at` (history records both).
    """
    user.must_change_password = False
    user.password_changed_at = timezone.now()
    user.save(update_fields=["must_change_password", "password_changed_at"])


@transaction.atomic
def programme_admin_grant(*, programme: Programme, user: User) -> None:
    """Make `user` an admin of `programme`: grants `portal.manage_programme` on that programme only."""
    assign_perm("portal.manage_programme", user, programme)


@transaction.atomic
def programme_admin_revoke(*, programme: Programme, user: User) -> None:
    remove_perm("portal.manage_programme", user, programme)


def users_flag_inactive(*, days: int, now=None) -> int:
    """Flag active accounts that have not logged in for `days` days (SECURITY.md 1). Returns the count.

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
