"""What is evaluated and when: programmes with their departments and quotas, rounds, the evaluation group."""

from datetime import datetime, time, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from portal.enums import GroupPosition, Level, ProgrammeKind
from portal.models.organisation import Department, Region
from portal.validators import validate_phone


class Programme(models.Model):
    """评定项目: one level of evaluation in one jurisdiction for one five-year period."""

    name = models.CharField(_("项目名称"), max_length=200)
    kind = models.CharField(
        _("评定类别"), max_length=20, choices=ProgrammeKind.choices, default=ProgrammeKind.BENCHMARK,
        help_text=_("标杆机构评定按申报、评审、公示、公布办理；社区（村）称号按年度创建、自评、镇评估、区核定公示、市公布办理。"),
    )
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
    plaque_name = models.CharField(
        _("奖牌名称"), max_length=100, blank=True,
        help_text=_("奖牌和公布文件上的称号；留空为“县级（市级、省级）就业服务质量标杆机构”。"),
    )
    doc_prefix = models.CharField(
        _("发文机关代字"), max_length=30, blank=True,
        help_text=_("公布文件的文号代字，例如：鲁人社字。留空使用牵头部门的发文机关代字。"),
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
        """The title the plaque and the announcement print: the programme's own, else 「<level>就业服务质量标杆机构」."""
        return self.plaque_name or _("%(level)s就业服务质量标杆机构") % {"level": self.get_level_display()}

    @property
    def document_prefix(self) -> str:
        """The 发文机关代字 of the programme's documents: its own, else the lead department's (blank when neither)."""
        return self.doc_prefix or self.lead_department.doc_prefix

    @property
    def period_ends_at(self) -> datetime:
        """The first moment after the period (Beijing time): a window closing later runs past the period."""
        return timezone.make_aware(datetime.combine(self.period_end + timedelta(days=1), time.min))


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
    # A window past the programme's period takes its titles into a period the programme's quota was not set for: only
    # on a recorded decision (issue 16 point 1), whose author and time the service fills (portal.services.round_save).
    beyond_period_decision = models.TextField(
        _("跨周期申报决定"), blank=True,
        help_text=_("申报截止时间晚于项目周期结束日时必填：写明决定内容及文号，例如：经局党组会议研究同意延至2026年1月15日截止（高人社字〔2025〕30号）。"),
    )
    beyond_period_decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("决定登记人"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+", editable=False,
    )
    beyond_period_decided_at = models.DateTimeField(_("决定登记时间"), null=True, blank=True, editable=False)

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
        if self.runs_past_period and not self.beyond_period_decision.strip():
            errors["beyond_period_decision"] = _(
                "申报截止时间晚于项目周期（%(period)s）的结束日%(end)s：本批次评出的称号将计入该周期名额，"
                "须登记同意跨周期申报的决定及其文号后才能保存；否则请把截止时间改在周期之内。"
            ) % {"period": self.programme.period_name, "end": self.programme.period_end.strftime("%Y-%m-%d")}
        if errors:
            raise ValidationError(errors)

    @property
    def runs_past_period(self) -> bool:
        """Whether the application window closes after the programme's period has ended."""
        return bool(self.closes_at and self.programme_id and self.closes_at > self.programme.period_ends_at)

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
