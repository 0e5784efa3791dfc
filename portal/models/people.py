"""Who works in the portal: accounts and roles, their notifications, the demo's second-factor device."""

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_otp.models import Device
from simple_history.models import HistoricalRecords

from portal.enums import RegionLevel, Role
from portal.models.organisation import Department, Institution, Region

USERNAME_TAKEN = _("该用户名已被使用，请换一个。")
# The level of the region a community's or a town's staff belongs to (User.region).
LOCAL_STAFF_LEVELS = {Role.COMMUNITY_STAFF: RegionLevel.COMMUNITY, Role.TOWN_STAFF: RegionLevel.TOWN}


class User(AbstractUser):
    """An account. Every account is one person's (no shared accounts); the role decides the home page."""

    full_name = models.CharField(_("姓名"), max_length=50)
    role = models.CharField(_("角色"), max_length=20, choices=Role.choices)
    institution = models.ForeignKey(
        Institution, verbose_name=_("所属机构"), null=True, blank=True, on_delete=models.PROTECT, related_name="staff"
    )
    department = models.ForeignKey(
        Department, verbose_name=_("所属部门"), null=True, blank=True, on_delete=models.PROTECT, related_name="members"
    )
    region = models.ForeignKey(
        Region,
        verbose_name=_("管辖区划"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        help_text=_("上级查看人员可查看本区划及下级区划的进度。"),
    )
    must_change_password = models.BooleanField(_("须修改密码"), default=True)
    password_changed_at = models.DateTimeField(_("密码修改时间"), null=True, blank=True)
    inactive_flagged_at = models.DateTimeField(_("长期未登录标记时间"), null=True, blank=True)

    history = HistoricalRecords(excluded_fields=["password", "last_login"])
    # The moves of an account (portal.transitions, on `is_active`): disabled and enabled again.
    TRANSITIONS = {True: {False}, False: {True}}

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")
        ordering = ["username"]
        # The security administrators' (docs/security.md 7); held through their group, globally.
        permissions = [
            ("unlock_account", _("解锁被锁定的账号")),
            ("reset_second_factor", _("重置二次验证")),
            ("grant_programme_admin", _("授予或收回项目管理权限")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(role="applicant") | models.Q(institution__isnull=False),
                name="applicant_has_institution",
            ),
            models.CheckConstraint(
                condition=~models.Q(role__in=["reviewer", "dept_lead"]) | models.Q(department__isnull=False),
                name="reviewer_has_department",
            ),
            models.CheckConstraint(
                condition=~models.Q(role__in=["community_staff", "town_staff"]) | models.Q(region__isnull=False),
                name="local_staff_has_region",
            ),
        ]

    def __str__(self):
        return self.full_name or self.username

    def clean(self):
        super().clean()
        if self.role == Role.APPLICANT and not self.institution_id:
            raise ValidationError({"institution": _("申报机构经办人必须关联所属机构。")})
        if self.role in (Role.REVIEWER, Role.DEPARTMENT_LEAD) and not self.department_id:
            raise ValidationError({"department": _("评审专家和部门负责人必须关联所属部门。")})
        if self.role in (Role.COMMUNITY_STAFF, Role.TOWN_STAFF) and not self.region_id:
            raise ValidationError({"region": _("社区（村）和街道（镇）经办人必须关联所属区划。")})
        expected = LOCAL_STAFF_LEVELS.get(self.role)
        if expected and self.region.level != expected:
            raise ValidationError({"region": _("%(role)s的所属区划应为%(level)s一级，“%(region)s”是%(actual)s一级。") % {
                "role": Role(self.role).label, "level": RegionLevel(expected).label, "region": self.region.name,
                "actual": RegionLevel(self.region.level).label,
            }})

    def password_expired(self) -> bool:
        """Older than PASSWORD_MAX_AGE_DAYS, counted from the last change or, failing that, from account creation."""
        changed = self.password_changed_at or self.date_joined
        age = timezone.now() - changed
        return age.days >= settings.PASSWORD_MAX_AGE_DAYS


class Notification(models.Model):
    """A message to one user in the portal (the same text also goes by e-mail where the user has one)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    text = models.CharField(_("内容"), max_length=300)
    link = models.CharField(_("链接"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(_("阅读时间"), null=True, blank=True)
    # Set when its e-mail went out (claimed before sending): the catch-up sends the ones the broker never got.
    emailed_at = models.DateTimeField(_("邮件发送时间"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("站内通知")
        verbose_name_plural = _("站内通知")
        ordering = ["-created_at"]

    def __str__(self):
        return self.text


class DemoTokenDevice(Device):
    """The second factor of a demo account: a fixed six-digit token that `make demo` prints beside the password.

    Only the demo command creates these, and they verify only while settings.DEMO_MODE or DEBUG is on; a system check
    refuses any that exist elsewhere (portal.checks.demo_second_factor_check).
    """

    token = models.CharField(_("演示口令"), max_length=16)

    class Meta:
        verbose_name = _("演示用二次验证口令")
        verbose_name_plural = _("演示用二次验证口令")

    def verify_token(self, token) -> bool:
        from django.utils.crypto import constant_time_compare

        if not (settings.DEMO_MODE or settings.DEBUG):
            return False
        return constant_time_compare(str(token).strip(), self.token)
