"""Receivers of the core; PortalConfig.ready() connects them.

Audit of sign-ins (docs/security.md 3, 8): Django and django-axes announce these only by signal, so the receivers
live here, one line each. The password never reaches a record: Django hands receivers the credentials with the
password masked, and only the username is read.

The read caches (portal/read_caches.py): any write of a permission, a group membership or a notification, by
whichever code path saves or deletes the row, bumps the version of what it changes.
"""

from axes.utils import reset as axes_reset

from portal import read_caches
from portal.audit import AuditEvent, audit
from portal.clientip import client_ip


def logged_in(sender, request, user, **kwargs):
    audit(AuditEvent.LOGIN, user=user, request=request)
    if request is not None:
        # Only this username's failures from this address: failures against other usernames keep counting towards
        # the address's lockout (settings.AXES_RESET_ON_SUCCESS is off for that reason).
        axes_reset(ip=client_ip(request), username=user.get_username())


def logged_out(sender, request, user, **kwargs):
    if user is not None:  # None: the visitor was not signed in, nothing ended
        audit(AuditEvent.LOGOUT, user=user, request=request)


def login_failed(sender, credentials, request=None, **kwargs):
    audit(AuditEvent.LOGIN_FAILED, username=str(credentials.get("username", "")), request=request, success=False)


def locked_out(sender, request, username, ip_address, **kwargs):
    audit(AuditEvent.LOCKOUT, username=str(username or ""), request=request, success=False)


def admin_groups_after_migrate(sender, using="default", **kwargs):
    """The three administrator groups hold exactly their permissions after every migrate (and test flush); run once,
    after the last app, when every app's permissions exist."""
    from django.apps import apps

    from portal.services import role_groups_ensure

    with_models = [config for config in apps.get_app_configs() if config.models_module is not None]
    if sender.label == with_models[-1].label:  # post_migrate is sent only for apps with models
        role_groups_ensure()


def grants_changed(sender, **kwargs):
    """A guardian object permission saved or deleted, a group or permission deleted, or a user's groups, a user's
    or a group's permissions changed (m2m_changed: only its post_* actions change rows)."""
    if kwargs.get("action", "post_").startswith("post_"):
        read_caches.grants_changed()


def notification_changed(sender, instance, **kwargs):
    read_caches.notifications_changed(instance.user_id)
