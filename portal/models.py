"""The shared core: who runs an evaluation, for whom, and when.

Programmes, rounds, departments, institutions and the evaluation group are used by every later stage
(applications, review, publicity); the working-day calendar data lives here too.
"""

import uuid
from pathlib import PurePath

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _
from django_otp.models import Device
from simple_history.models import HistoricalRecords

from portal.enums import (
    AuditEvent,
    DepartmentKind,
    GroupPosition,
    InstitutionKind,
    InstitutionStatus,
    Level,
    RegionLevel,
    Role,
)
from portal.validators import normalize_uscc, validate_phone, validate_uscc


@deconstructible
class RandomName:
    """upload_to that stores a file under `<folder>/<random hex><ext>`: a name nobody can guess."""

    def __init__(self, folder: str):
        self.folder = folder

    def __call__(self, instance, filename: str) -> str:
        suffix = PurePath(filename).suffix.lower()[:10]
        return f"{self.folder}/{uuid.uuid4().hex}{suffix}"

    def __eq__(self, other):
        return isinstance(other, RandomName) and other.folder == self.folder


class Region(models.Model):
    """An administrative division, by its code (行政区划代码)."""

    code = models.CharField(_("行政区划代码"), max_length=12, unique=True)
    name = models.CharField(_("名称"), max_length=50)
    level = models.CharField(_("层级"), max_length=10, choices=RegionLevel.choices)
    parent = models.ForeignKey(
        "self", verbose_name=_("上级区划"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("行政区划")
        verbose_name_plural = _("行政区划")
        ordering = ["code"]

    def __str__(self):
        return self.name

    @property
    def code_prefix(self) -> str:
        """The part of the code that every subdivision shares (37 for a province, 3703 for a city …)."""
        return {RegionLevel.PROVINCE: self.code[:2], RegionLevel.CITY: self.code[:4]}.get(self.level, self.code)


class Department(models.Model):
    """A government department that takes part in an evaluation (人社局, 发改局, 民政局 …)."""

    name = models.CharField(_("部门名称"), max_length=100, unique=True)
    short_name = models.CharField(_("简称"), max_length=30, blank=True)
    doc_prefix = models.CharField(
        _("发文机关代字"), max_length=30, blank=True, help_text=_("本部门牵头发文的文号代字，例如：高人社字。")
    )
    kind = models.CharField(_("部门类别"), max_length=10, choices=DepartmentKind.choices)
    region = models.ForeignKey(Region, verbose_name=_("所属区划"), on_delete=models.PROTECT)
    seal_image = models.ImageField(
        _("印章图片"), upload_to=RandomName("seals"), blank=True, help_text=_("PNG 透明底图片，用于部门意见和发文。")
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("部门")
        verbose_name_plural = _("部门")
        ordering = ["region__code", "kind", "name"]

    def __str__(self):
        return self.name


class Programme(models.Model):
    """评定项目: one level of evaluation in one jurisdiction for one five-year period."""

    name = models.CharField(_("项目名称"), max_length=200)
    level = models.CharField(_("评定层级"), max_length=10, choices=Level.choices)
    region = models.ForeignKey(Region, verbose_name=_("辖区"), on_delete=models.PROTECT, related_name="programmes")
    period_name = models.CharField(_("周期"), max_length=30, help_text=_("例如：“十四五”时期"))
    period_start = models.DateField(_("周期开始"))
    period_end = models.DateField(_("周期结束"))
    period_quota = models.PositiveIntegerField(
        _("周期名额"), validators=[MinValueValidator(1)], help_text=_("本周期内可评定的标杆机构总数。")
    )
    lead_department = models.ForeignKey(
        Department, verbose_name=_("牵头部门"), on_delete=models.PROTECT, related_name="led_programmes"
    )
    departments = models.ManyToManyField(
        Department,
        verbose_name=_("评定部门"),
        through="ProgrammeDepartment",
        related_name="programmes",
    )
    publicity_days = models.PositiveSmallIntegerField(
        _("公示工作日数"), default=5, validators=[MinValueValidator(1), MaxValueValidator(30)]
    )
    objection_requires_id_number = models.BooleanField(
        _("异议须填身份证号"),
        default=False,
        help_text=_("按本地规定，个人提出异议时须同时提供居民身份证号码。"),
    )
    publicity_template = models.TextField(
        _("公示正文模板"),
        blank=True,
        help_text=_(
            "发布公示时预填的正文，可用占位符：{项目}、{批次}、{名单数}、{公示时间}、{截止时间}、{联系方式}。"
            "留空使用默认模板。"
        ),
    )
    announcement_template = models.TextField(
        _("公布文件正文模板"),
        blank=True,
        help_text=_(
            "起草公布文件时预填的正文，可用占位符：{项目}、{批次}、{层级}、{牌匾}、{公示结果}。留空使用默认模板。"
        ),
    )
    reviewers_second_factor = models.BooleanField(
        _("评审专家须二次验证"),
        default=False,
        help_text=_("勾选后，参与本项目评审部门的评审专家登录时须输入动态验证码。"),
    )
    review_drop_extremes_from = models.PositiveSmallIntegerField(
        _("去掉最高最低分的最少评审人数"),
        default=5,
        validators=[MinValueValidator(3)],
        help_text=_("一个部门的评审专家达到该人数时，先去掉一个最高分和一个最低分再取平均。"),
    )
    review_normalise = models.BooleanField(
        _("评分标准化"), default=False, help_text=_("按评审专家做标准分（z 分数）处理，抵消个别专家打分偏严或偏松。")
    )
    review_outlier_threshold = models.DecimalField(
        _("偏离分差"),
        max_digits=6,
        decimal_places=2,
        default=20,
        help_text=_("总分与其他专家平均分相差超过该分值时，须填写偏离说明后才能提交。"),
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("评定项目")
        verbose_name_plural = _("评定项目")
        ordering = ["-period_start", "name"]
        permissions = [("manage_programme", _("管理评定项目"))]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(period_end__gt=models.F("period_start")), name="programme_period_ordered"
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("programme_detail", args=[self.pk])

    def clean(self):
        if self.period_start and self.period_end and self.period_end <= self.period_start:
            raise ValidationError({"period_end": _("周期结束日期必须晚于开始日期。")})

    @property
    def plaque_title(self) -> str:
        return _("%(level)s就业服务质量标杆机构") % {"level": self.get_level_display()}


class ProgrammeDepartment(models.Model):
    """A department of a programme, in the order it signs (the lead first)."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="programme_departments")
    department = models.ForeignKey(Department, verbose_name=_("部门"), on_delete=models.PROTECT)
    order = models.PositiveSmallIntegerField(_("排序"), default=0)
    weight = models.DecimalField(
        _("评分权重"),
        max_digits=5,
        decimal_places=2,
        default=1,
        validators=[MinValueValidator(0)],
        help_text=_("各部门平均分加权时的权重；0 表示只出意见、不计入综合得分。"),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("项目部门")
        verbose_name_plural = _("项目部门")
        ordering = ["order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "department"], name="programme_department_unique"),
        ]

    def __str__(self):
        return f"{self.programme} · {self.department}"


class RoundQuerySet(models.QuerySet):
    def open_at(self, moment=None):
        moment = moment or timezone.now()
        return self.filter(opens_at__lte=moment, closes_at__gt=moment)


class Round(models.Model):
    """评定批次: an application window inside a programme, with its own quota."""

    programme = models.ForeignKey(Programme, verbose_name=_("评定项目"), on_delete=models.PROTECT, related_name="rounds")
    name = models.CharField(_("批次名称"), max_length=100, help_text=_("例如：2022年度"))
    opens_at = models.DateTimeField(_("申报开始时间"))
    closes_at = models.DateTimeField(_("申报截止时间"))
    quota = models.PositiveIntegerField(_("本批次名额"), validators=[MinValueValidator(1)])
    call_text = models.TextField(_("申报通知正文"), blank=True)
    contact_name = models.CharField(_("联系人"), max_length=50, blank=True)
    contact_phone = models.CharField(_("联系电话"), max_length=30, blank=True, validators=[validate_phone])
    contact_email = models.EmailField(_("联系邮箱"), blank=True)
    max_file_mb = models.PositiveSmallIntegerField(
        _("单个附件上限（MB）"), default=20, validators=[MinValueValidator(1), MaxValueValidator(200)]
    )
    max_total_mb = models.PositiveSmallIntegerField(
        _("每份申报附件总量上限（MB）"), default=100, validators=[MinValueValidator(1), MaxValueValidator(1000)]
    )
    max_files = models.PositiveSmallIntegerField(
        _("每份申报附件数量上限"), default=30, validators=[MinValueValidator(1), MaxValueValidator(200)]
    )

    history = HistoricalRecords()
    objects = RoundQuerySet.as_manager()

    class Meta:
        verbose_name = _("评定批次")
        verbose_name_plural = _("评定批次")
        ordering = ["-opens_at"]
        constraints = [
            models.CheckConstraint(condition=models.Q(closes_at__gt=models.F("opens_at")), name="round_window_ordered"),
        ]

    def __str__(self):
        return f"{self.programme} · {self.name}"

    def clean(self):
        errors = {}
        if self.opens_at and self.closes_at and self.closes_at <= self.opens_at:
            errors["closes_at"] = _("申报截止时间必须晚于开始时间。")
        if self.quota and self.programme_id and self.quota > self.programme.period_quota:
            errors["quota"] = _("本批次名额（%(quota)d）不能超过项目周期名额（%(period)d）。") % {
                "quota": self.quota,
                "period": self.programme.period_quota,
            }
        if errors:
            raise ValidationError(errors)

    def is_open(self, moment=None) -> bool:
        moment = moment or timezone.now()
        return self.opens_at <= moment < self.closes_at

    @property
    def window_label(self) -> str:
        moment = timezone.now()
        if moment < self.opens_at:
            return _("未开始")
        if moment < self.closes_at:
            return _("申报中")
        return _("已截止")


class Institution(models.Model):
    """申报机构: an institution that applies, registered by its own staff or by the admin."""

    # The moves of `status` (portal.transitions): the admin verifies or refuses a registration, and may correct
    # either decision later.
    TRANSITIONS = {
        InstitutionStatus.PENDING: {InstitutionStatus.VERIFIED, InstitutionStatus.REJECTED},
        InstitutionStatus.VERIFIED: {InstitutionStatus.REJECTED},
        InstitutionStatus.REJECTED: {InstitutionStatus.VERIFIED},
    }

    name = models.CharField(_("机构名称"), max_length=100)
    uscc = models.CharField(
        _("统一社会信用代码"),
        max_length=18,
        unique=True,
        validators=[validate_uscc],
        help_text=_("18位，见营业执照或事业单位法人证书。"),
        error_messages={"unique": _("该统一社会信用代码已登记。如需加入该机构，请联系管理员。")},
    )
    kind = models.CharField(_("机构类型"), max_length=20, choices=InstitutionKind.choices)
    region = models.ForeignKey(Region, verbose_name=_("所在区划"), on_delete=models.PROTECT, related_name="institutions")
    address = models.CharField(_("地址"), max_length=200)
    principal_name = models.CharField(_("主要负责人"), max_length=50)
    contact_name = models.CharField(_("联系人"), max_length=50)
    contact_phone = models.CharField(_("联系电话"), max_length=30, validators=[validate_phone])
    contact_email = models.EmailField(_("联系邮箱"), blank=True)
    supervisor = models.ForeignKey(
        Department,
        verbose_name=_("主管部门"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="supervised_institutions",
        help_text=_("直接主管本机构的部门，例如县公共就业和人才服务中心由县人社局主管。评审回避时使用。"),
    )
    status = models.CharField(
        _("核验状态"), max_length=10, choices=InstitutionStatus.choices, default=InstitutionStatus.PENDING
    )
    verified_at = models.DateTimeField(_("核验时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("申报机构")
        verbose_name_plural = _("申报机构")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def clean(self):
        if self.uscc:
            self.uscc = normalize_uscc(self.uscc)


# The user name is unique (the forms check it case-insensitively; the database has the last word when two ask at once).
USERNAME_TAKEN = _("该用户名已被使用，请换一个。")


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
        ]

    def __str__(self):
        return self.full_name or self.username

    def clean(self):
        super().clean()
        if self.role == Role.APPLICANT and not self.institution_id:
            raise ValidationError({"institution": _("申报机构经办人必须关联所属机构。")})
        if self.role in (Role.REVIEWER, Role.DEPARTMENT_LEAD) and not self.department_id:
            raise ValidationError({"department": _("评审专家和部门负责人必须关联所属部门。")})

    def password_expired(self) -> bool:
        """Older than PASSWORD_MAX_AGE_DAYS, counted from the last change or, failing that, from account creation."""
        changed = self.password_changed_at or self.date_joined
        age = timezone.now() - changed
        return age.days >= settings.PASSWORD_MAX_AGE_DAYS


class EvaluationGroupMember(models.Model):
    """A member of a programme's evaluation group (评定小组, seed 000 annex 1)."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="group_members")
    name = models.CharField(_("姓名"), max_length=50)
    position = models.CharField(_("组内职务"), max_length=10, choices=GroupPosition.choices)
    title = models.CharField(_("单位职务"), max_length=200)
    department = models.ForeignKey(Department, verbose_name=_("所属部门"), on_delete=models.PROTECT)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("对应账号"), null=True, blank=True, on_delete=models.SET_NULL
    )
    order = models.PositiveSmallIntegerField(_("排序"), default=0)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("评定小组成员")
        verbose_name_plural = _("评定小组成员")
        ordering = ["programme", "order", "pk"]

    def __str__(self):
        return f"{self.get_position_display()} {self.name}"


class HolidayScheduleYear(models.Model):
    """A year whose State Council holiday schedule an admin has entered (overrides hold the dates)."""

    year = models.PositiveSmallIntegerField(_("年份"), unique=True, validators=[MinValueValidator(2000)])
    is_complete = models.BooleanField(
        _("已完整录入"),
        default=False,
        help_text=_("勾选后，本年未录入的日期按周一至周五上班、周六周日休息计算。"),
    )
    source = models.CharField(_("依据"), max_length=200, help_text=_("例如：国务院办公厅关于2027年部分节假日安排的通知"))

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("节假日安排年度")
        verbose_name_plural = _("节假日安排年度")
        ordering = ["-year"]

    def __str__(self):
        return str(self.year)


class WorkdayOverride(models.Model):
    """One date of the holiday schedule: a day off on a weekday, or a make-up workday on a weekend."""

    date = models.DateField(_("日期"), unique=True)
    is_working_day = models.BooleanField(_("是否上班"), help_text=_("勾选表示调休上班，不勾选表示放假。"))
    note = models.CharField(_("说明"), max_length=100, blank=True, help_text=_("例如：国庆节、调休上班"))

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("节假日调整")
        verbose_name_plural = _("节假日调整")
        ordering = ["date"]

    def __str__(self):
        return f"{self.date:%Y-%m-%d} {self.note}"


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


class Title(models.Model):
    """称号台账: one title a programme awarded, whatever awarded it (today a benchmark institution's announcement and
    plaque; the evaluations of communities and villages will write here too).

    The shared core reads only this ledger for the rules that count titles: the quota still available in a period
    (portal.titles.period_remaining), whether an institution already holds a title of a programme (current_title),
    and the 「十百千」 progress. The stage app that awards writes it (portal.titles.title_grant, title_revoke) in the
    same transaction as its own record.
    """

    programme = models.ForeignKey(Programme, verbose_name=_("评定项目"), on_delete=models.PROTECT, related_name="titles")
    institution = models.ForeignKey(
        Institution, verbose_name=_("获评机构"), null=True, blank=True, on_delete=models.PROTECT, related_name="titles"
    )
    holder_name = models.CharField(_("获评名称"), max_length=200)
    number = models.CharField(_("证书或奖牌编号"), max_length=40, blank=True)
    awarded_on = models.DateField(_("授予日期"))
    revoked_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)
    # A revoked title keeps its place in the period's quota unless the revocation gave the place back (seed 000 五.5).
    quota_returned = models.BooleanField(_("名额已退回"), default=False)
    created_at = models.DateTimeField(_("登记时间"), default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("称号台账")
        verbose_name_plural = _("称号台账")
        ordering = ["-awarded_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "institution"], condition=models.Q(institution__isnull=False), name="one_title_per_programme"
            ),
        ]

    def __str__(self):
        return f"{self.holder_name} · {self.programme}"

    @property
    def is_valid(self) -> bool:
        return self.revoked_at is None


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
