"""The append-only, hash-chained audit log (written by portal.audit)."""

from django.core.exceptions import PermissionDenied
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.enums import AuditEvent

APPEND_ONLY = _("审计记录只能追加，不能修改或删除。")


class AuditRecordQuerySet(models.QuerySet):
    """Bulk writes other than INSERT are refused here too; the database trigger is the real guard."""

    def update(self, **kwargs):
        raise PermissionDenied(APPEND_ONLY)

    def delete(self):
        raise PermissionDenied(APPEND_ONLY)


class AuditRecord(models.Model):
    """One audited event (docs/security.md 8), hash-chained to the record before it (docs/security.md 9).

    Write through `portal.audit.audit()`, which takes the chain lock. The user is kept as a plain id and name, not a
    foreign key, so that deleting an account never needs to touch these rows (a trigger refuses UPDATE and DELETE).
    """

    created_at = models.DateTimeField(_("时间"), default=timezone.now, db_index=True)
    user_id = models.BigIntegerField(_("用户ID"), null=True, blank=True)
    username = models.CharField(_("用户名"), max_length=150, blank=True)
    source_ip = models.GenericIPAddressField(_("来源IP"), null=True, blank=True)
    event = models.CharField(_("事件"), max_length=30, choices=AuditEvent.choices)
    object_type = models.CharField(_("对象类型"), max_length=100, blank=True, help_text=_("例如：applications.application"))
    object_id = models.CharField(_("对象ID"), max_length=64, blank=True)
    success = models.BooleanField(_("是否成功"), default=True)
    detail = models.TextField(_("详情"), blank=True)
    prev_hash = models.CharField(_("前一条摘要"), max_length=64)
    hash = models.CharField(_("摘要"), max_length=64, unique=True)
    # NULL, not "": the records written before the audit key existed, whose hash is the plain one (portal/audit.py).
    key_id = models.CharField(
        _("密钥标识"), max_length=16, null=True, blank=True, help_text=_("为空：启用审计密钥之前的记录，按普通摘要校验。")
    )

    objects = AuditRecordQuerySet.as_manager()

    class Meta:
        verbose_name = _("审计记录")
        verbose_name_plural = _("审计记录")
        ordering = ["-id"]
        # No add/change/delete permissions exist to be granted (docs/security.md 7: nobody edits audit records).
        default_permissions = ("view",)
        permissions = [("export_auditrecord", _("导出审计记录")), ("verify_auditrecord", _("校验审计链"))]

    def __str__(self):
        return f"{timezone.localtime(self.created_at):%Y-%m-%d %H:%M:%S} {self.get_event_display()} {self.username}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise PermissionDenied(APPEND_ONLY)
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionDenied(APPEND_ONLY)
