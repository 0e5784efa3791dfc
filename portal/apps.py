from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = _("基础数据")

    def ready(self):
        from axes.signals import user_locked_out
        from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
        from django.core import checks
        from django.db.models.signals import post_migrate

        from portal import selectors, signals  # noqa: F401 (selectors registers the remits of the core's models)
        from portal.checks import (
            audit_key_check,
            audit_key_deploy_check,
            audit_settings_check,
            demo_second_factor_check,
            encryption_keys_check,
        )

        checks.register(audit_settings_check, checks.Tags.security)
        checks.register(audit_key_check, checks.Tags.security)
        checks.register(audit_key_deploy_check, checks.Tags.security, deploy=True)
        checks.register(encryption_keys_check, checks.Tags.security)
        checks.register(demo_second_factor_check, checks.Tags.security)
        # Audit of sign-ins (docs/security.md 8); dispatch_uid keeps a second ready() from connecting twice.
        user_logged_in.connect(signals.logged_in, dispatch_uid="portal.audit.login")
        user_logged_out.connect(signals.logged_out, dispatch_uid="portal.audit.logout")
        user_login_failed.connect(signals.login_failed, dispatch_uid="portal.audit.login_failed")
        user_locked_out.connect(signals.locked_out, dispatch_uid="portal.audit.lockout")
        post_migrate.connect(signals.admin_groups_after_migrate, dispatch_uid="portal.admin_groups")
        self._connect_read_caches(signals)

    @staticmethod
    def _connect_read_caches(signals) -> None:
        """Every write that changes a user's grants or unread notifications bumps their cached copy's version."""
        from django.contrib.auth.models import Group, Permission
        from django.db.models.signals import m2m_changed, post_delete, post_save
        from guardian.models import GroupObjectPermission, UserObjectPermission

        from portal.models import Notification, User

        grants = signals.grants_changed
        for model in (UserObjectPermission, GroupObjectPermission):
            post_save.connect(grants, sender=model, dispatch_uid=f"portal.grants.save.{model.__name__}")
        for model in (UserObjectPermission, GroupObjectPermission, Group, Permission):
            post_delete.connect(grants, sender=model, dispatch_uid=f"portal.grants.delete.{model.__name__}")
        for through in (User.groups.through, User.user_permissions.through, Group.permissions.through):
            m2m_changed.connect(grants, sender=through, dispatch_uid=f"portal.grants.m2m.{through.__name__}")
        for signal, name in ((post_save, "save"), (post_delete, "delete")):
            signal.connect(signals.notification_changed, sender=Notification, dispatch_uid=f"portal.notifications.{name}")
