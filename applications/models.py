"""申报: the application form of annex 2 (seed 000), its self-check, priority items and evidence files."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from applications.enums import (
    ApplicationStatus,
    AttachmentPurpose,
    ConditionSection,
    IssuerLevel,
    PriorityKind,
    SelfCheck,
)
from portal.enums import InstitutionKind
from portal.models import Institution, Programme, RandomName, Round
from portal.validators import validate_phone

# Seed 000 annex 2: 「字数在 1000 字以内」, counted as characters.
WORK_RECORD_MAX_CHARS = 1000
COMMITMENT_TEXT = _("本机构全部申报情况属实，如有不实，由本机构承担全部责任。")


class Condition(models.Model):
    """One evaluation condition of a programme (seed 000 四(一) basic, 四(二) the level's).

    The list belongs to the programme, so city and province programmes carry their own.
    """

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="conditions")
    section = models.CharField(_("类别"), max_length=10, choices=ConditionSection.choices)
    number = models.PositiveSmallIntegerField(_("序号"))
    text = models.TextField(_("条件内容"))
    applies_to_kinds = models.JSONField(
        _("适用机构类型"),
        default=list,
        blank=True,
        help_text=_("留空表示适用于所有机构；例如县级条件1仅约束县公共就业和人才服务机构，其他机构不作要求。"),
    )
    is_priority_clause = models.BooleanField(
        _("优先评定条款"), default=False, help_text=_("符合者优先评定，不作为必备条件。")
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("评定条件")
        verbose_name_plural = _("评定条件")
        ordering = ["programme", "section", "number"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "section", "number"], name="condition_number_unique"),
        ]

    def __str__(self):
        return f"{self.get_section_display()} {self.number}"

    def applies_to(self, kind: str) -> bool:
        return not self.applies_to_kinds or kind in self.applies_to_kinds

    @property
    def applies_to_labels(self) -> list[str]:
        return [InstitutionKind(kind).label for kind in self.applies_to_kinds]


class Application(models.Model):
    """One institution's application in one round (annex 2)."""

    round = models.ForeignKey(Round, verbose_name=_("评定批次"), on_delete=models.PROTECT, related_name="applications")
    institution = models.ForeignKey(
        Institution, verbose_name=_("申报机构"), on_delete=models.PROTECT, related_name="applications"
    )
    status = models.CharField(
        _("状态"), max_length=12, choices=ApplicationStatus.choices, default=ApplicationStatus.DRAFT, db_index=True
    )
    # An editable copy of the institution's registration, as it stands on the form.
    institution_name = models.CharField(_("申报机构"), max_length=100)
    institution_address = models.CharField(_("机构地址"), max_length=200, blank=True)
    principal_name = models.CharField(_("主要负责人"), max_length=50, blank=True)
    principal_title = models.CharField(_("负责人职务"), max_length=50, blank=True)
    principal_phone = models.CharField(_("负责人电话"), max_length=30, blank=True, validators=[validate_phone])
    contact_name = models.CharField(_("联系人"), max_length=50, blank=True)
    contact_phone = models.CharField(_("联系电话"), max_length=30, blank=True, validators=[validate_phone])
    contact_email = models.EmailField(_("联系邮箱"), blank=True)
    work_record = models.TextField(
        _("工作情况"), blank=True, help_text=_("包括申报机构基本情况和主要工作成绩，1000字以内（按字符计数）。")
    )
    commitment_accepted = models.BooleanField(_("已承诺"), default=False)
    commitment_date = models.DateField(_("承诺日期"), null=True, blank=True)

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("填报人"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("最后保存"), auto_now=True)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    return_reason = models.TextField(_("退回原因"), blank=True)
    return_deadline = models.DateField(_("补正截止日期"), null=True, blank=True)
    decision_reason = models.TextField(_("处理意见"), blank=True)
    decided_at = models.DateTimeField(_("受理/不予受理时间"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("申报")
        verbose_name_plural = _("申报")
        ordering = ["-updated_at"]
        # Granted per application to a reviewer who declared no conflict; withdrawn on recusal.
        permissions = [("review_application", _("评审该申报"))]
        constraints = [
            models.UniqueConstraint(fields=["round", "institution"], name="one_application_per_round"),
        ]
        # The admin's table of a round, newest submission first: read in index order and stop at the page's end.
        indexes = [models.Index(fields=["round", "submitted_at"], name="application_round_submitted")]

    def __str__(self):
        return f"{self.institution_name} · {self.round.name}"

    def get_absolute_url(self):
        return reverse("applications:detail", args=[self.pk])

    @property
    def is_editable(self) -> bool:
        return self.status in (ApplicationStatus.DRAFT, ApplicationStatus.RETURNED)

    @property
    def seal(self):
        return self.attachments.filter(purpose=AttachmentPurpose.SEAL).order_by("-uploaded_at").first()


class ConditionAnswer(models.Model):
    """The applicant's self-check of one condition, with a short statement."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="condition_answers")
    condition = models.ForeignKey(Condition, on_delete=models.PROTECT, related_name="+")
    answer = models.CharField(_("自查结果"), max_length=8, choices=SelfCheck.choices, blank=True)
    statement = models.TextField(_("情况说明"), blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("条件自查")
        verbose_name_plural = _("条件自查")
        ordering = ["condition__section", "condition__number"]
        constraints = [
            models.UniqueConstraint(fields=["application", "condition"], name="one_answer_per_condition"),
        ]

    def __str__(self):
        return f"{self.condition}: {self.get_answer_display()}"


class Attachment(models.Model):
    """An evidence file. Stored under a random name outside any URL; served by a permission-checked view."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="attachments")
    purpose = models.CharField(_("用途"), max_length=10, choices=AttachmentPurpose.choices)
    condition = models.ForeignKey(
        Condition, verbose_name=_("对应条件"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    file = models.FileField(_("文件"), upload_to=RandomName("applications"))
    original_name = models.CharField(_("原文件名"), max_length=200)
    size = models.PositiveIntegerField(_("大小（字节）"))
    content_type = models.CharField(_("文件类型"), max_length=100)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("附件")
        verbose_name_plural = _("附件")
        ordering = ["purpose", "uploaded_at"]

    def __str__(self):
        return self.original_name

    def get_absolute_url(self):
        return reverse("applications:attachment", args=[self.application_id, self.pk])


class PriorityItem(models.Model):
    """An endorsement, honour or award that gives priority (优先评定), with its proof."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="priority_items")
    kind = models.CharField(_("类别"), max_length=20, choices=PriorityKind.choices)
    title = models.CharField(_("名称"), max_length=200, help_text=_("例如：县级人力资源社会保障系统优质服务窗口"))
    issuer = models.CharField(_("授予/批示单位"), max_length=100)
    # Blank only on rows entered before the level was asked (migration 0005): the form requires it, and
    # `priority_problems` asks for it at submission.
    issuer_level = models.CharField(
        _("授予/批示单位级别"),
        max_length=10,
        choices=IssuerLevel.choices,
        blank=True,
        help_text=_("县级以上（含县级）方可优先评定；行业协会、本机构上级单位等请选“其他”。"),
    )
    issued_on = models.DateField(_("日期"))
    proof = models.ForeignKey(
        Attachment, verbose_name=_("证明材料"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("优先评定事项")
        verbose_name_plural = _("优先评定事项")
        ordering = ["issued_on", "pk"]

    def __str__(self):
        return self.title
