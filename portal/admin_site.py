"""The admin site: the system administrator's tool, and nobody else's (issue 11, docs/security.md 7–8).

Programme admins, department leads and reviewers do all their work in the portal's own pages, which narrow every
object to the user's remit; the admin site does not, so it admits only an active system administrator (and a
superuser, kept for emergencies). Every addition, change and deletion made here writes an audit record besides
Django's own admin log, whatever ModelAdmin registered the model: the site wraps each one on registration.
"""

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.utils.translation import gettext_lazy as _


class AuditedModelAdminMixin:
    """Writes one audit record per object added, changed or deleted through the admin site."""

    def _audit(self, request, obj, action: str, message) -> None:
        from portal.audit import AuditEvent, audit

        detail = f"admin {action} {obj._meta.label_lower} «{obj}»"
        if message:
            detail += f": {message}"
        audit(AuditEvent.ADMIN_CHANGE, request=request, obj=obj, detail=detail[:1000])

    def log_addition(self, request, obj, message):
        entry = super().log_addition(request, obj, message)
        self._audit(request, obj, "add", entry.get_change_message())
        return entry

    def log_change(self, request, obj, message):
        entry = super().log_change(request, obj, message)
        self._audit(request, obj, "change", entry.get_change_message())
        return entry

    def log_deletions(self, request, queryset):
        objects = list(queryset)  # called before the deletion, so the rows can still be named
        entries = super().log_deletions(request, objects)
        for obj in objects:
            self._audit(request, obj, "delete", "")
        return entries


class PortalAdminSite(admin.AdminSite):
    site_header = _("就业服务质量标杆机构评定 · 管理后台")
    site_title = _("标杆评定管理后台")
    index_title = _("系统管理")

    def has_permission(self, request):
        from portal.enums import Role

        user = request.user
        return user.is_active and user.is_staff and (user.is_superuser or user.role == Role.SYSTEM_ADMIN)

    def register(self, model_or_iterable, admin_class=None, **options):
        admin_class = admin_class or admin.ModelAdmin
        if not issubclass(admin_class, AuditedModelAdminMixin):
            admin_class = type(admin_class.__name__, (AuditedModelAdminMixin, admin_class), {"__module__": admin_class.__module__})
        return super().register(model_or_iterable, admin_class, **options)


class PortalAdminConfig(AdminConfig):
    default_site = "portal.admin_site.PortalAdminSite"
