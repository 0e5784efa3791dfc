"""评审: the competitive review of a round's accepted applications by the HR, DRC and Civil Affairs bureaus.

Seed 000 五.2 (written review, on-site defense, field inspection), 五.3 (择优), 六(二) (「严禁优亲厚友」: recusal).
"""


from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from applications.models import Application
from portal.models import Department, RandomName, Round
from review.enums import (
    AssignmentStatus,
    ConflictKind,
    OpinionVerdict,
    ReviewMethod,
    SheetStatus,
)

POINTS = {"max_digits": 7, "decimal_places": 2}


class ReviewPlan(models.Model):
    """How a round is reviewed: methods, rubric, reviewers per department, dates."""

    round = models.OneToOneField(Round, verbose_name=_("评定批次"), on_delete=models.CASCADE, related_name="review_plan")
    # The rubric the round is scored on (rubrics.models, the engine's data), frozen when the plan is made.
    rubric = models.ForeignKey(
        "rubrics.Rubric", verbose_name=_("评分标准"), on_delete=models.PROTECT, related_name="review_plans"
    )
    methods = models.JSONField(_("评审方式"), default=list, help_text=_("书面评审必选；现场答辩、实地考察由项目决定。"))
    reviewers_per_department = models.PositiveSmallIntegerField(
        _("每个部门的评审人数"), default=1, validators=[MinValueValidator(1), MaxValueValidator(15)]
    )
    scoring_opens_at = models.DateTimeField(_("评分开始"))
    scoring_closes_at = models.DateTimeField(_("评分截止"))
    closed_at = models.DateTimeField(_("评分阶段关闭时间"), null=True, blank=True)
    close_reason = models.TextField(
        _("提前关闭理由"), blank=True, help_text=_("评分阶段在仍有未完成事项时关闭的，记录管理员说明的理由。")
    )
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("评审方案")
        verbose_name_plural = _("评审方案")

    def __str__(self):
        return f"{self.round} · {_('评审方案')}"

    def get_absolute_url(self):
        return reverse("review:plan", args=[self.round_id])

    @property
    def method_labels(self) -> list[str]:
        return [ReviewMethod(m).label for m in self.methods]

    @property
    def is_closed(self) -> bool:
        return self.closed_at is not None


class ReviewAssignment(models.Model):
    """One reviewer reviewing one application, for the reviewer's department."""

    # The moves of `status` (portal.transitions): a proposal is confirmed (or deleted), the reviewer declares no
    # conflict (active) or a conflict (recused); the admin may recuse an active reviewer.
    TRANSITIONS = {
        AssignmentStatus.PROPOSED: {AssignmentStatus.AWAITING_DECLARATION},
        AssignmentStatus.AWAITING_DECLARATION: {AssignmentStatus.ACTIVE, AssignmentStatus.RECUSED},
        AssignmentStatus.ACTIVE: {AssignmentStatus.RECUSED},
        AssignmentStatus.RECUSED: set(),
    }

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="review_assignments")
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("评审专家"), on_delete=models.PROTECT, related_name="review_assignments")
    department = models.ForeignKey(Department, verbose_name=_("部门"), on_delete=models.PROTECT)
    status = models.CharField(_("状态"), max_length=10, choices=AssignmentStatus.choices, default=AssignmentStatus.PROPOSED)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    confirmed_at = models.DateTimeField(_("确认时间"), null=True, blank=True)
    recused_at = models.DateTimeField(_("回避时间"), null=True, blank=True)
    recusal_reason = models.TextField(_("回避原因"), blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("评审分配")
        verbose_name_plural = _("评审分配")
        ordering = ["application", "department", "reviewer"]
        constraints = [models.UniqueConstraint(fields=["application", "reviewer"], name="one_assignment_per_reviewer")]

    def __str__(self):
        return f"{self.reviewer} → {self.application}"

    def get_absolute_url(self):
        return reverse("review:assignment", args=[self.pk])


class ConflictDeclaration(models.Model):
    """A reviewer's declaration on one application: no conflict, or a conflict (which recuses at once)."""

    assignment = models.ForeignKey(ReviewAssignment, on_delete=models.CASCADE, related_name="declarations")
    kind = models.CharField(_("声明"), max_length=12, choices=ConflictKind.choices)
    detail = models.TextField(_("说明"), blank=True)
    declared_at = models.DateTimeField(_("声明时间"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("回避声明")
        verbose_name_plural = _("回避声明")
        ordering = ["-declared_at"]

    def __str__(self):
        return f"{self.assignment}: {self.get_kind_display()}"


class ScoreSheet(models.Model):
    # The moves of `status` (portal.transitions): submitted locks the sheet; only the admin reopens it.
    TRANSITIONS = {
        SheetStatus.DRAFT: {SheetStatus.SUBMITTED},
        SheetStatus.SUBMITTED: {SheetStatus.REOPENED},
        SheetStatus.REOPENED: {SheetStatus.SUBMITTED},
    }

    assignment = models.OneToOneField(ReviewAssignment, on_delete=models.CASCADE, related_name="sheet")
    status = models.CharField(_("状态"), max_length=10, choices=SheetStatus.choices, default=SheetStatus.DRAFT)
    total = models.DecimalField(_("得分"), null=True, blank=True, **POINTS)
    justification = models.TextField(
        _("偏离说明"), blank=True, help_text=_("您的总分与其他评审专家差距较大时，请说明理由。")
    )
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    reopen_reason = models.TextField(_("退回修改原因"), blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("评分表")
        verbose_name_plural = _("评分表")

    def __str__(self):
        return f"{self.assignment} · {self.get_status_display()}"

    @property
    def is_editable(self) -> bool:
        return self.status in (SheetStatus.DRAFT, SheetStatus.REOPENED)


class Score(models.Model):
    sheet = models.ForeignKey(ScoreSheet, on_delete=models.CASCADE, related_name="scores")
    item = models.ForeignKey("rubrics.Item", verbose_name=_("评分项"), on_delete=models.PROTECT, related_name="+")
    points = models.DecimalField(_("得分"), null=True, blank=True, validators=[MinValueValidator(0)], **POINTS)
    passed = models.BooleanField(_("是否符合"), null=True, blank=True)
    comment = models.TextField(_("评语"), blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("指标得分")
        verbose_name_plural = _("指标得分")
        ordering = ["item__order"]
        constraints = [models.UniqueConstraint(fields=["sheet", "item"], name="one_score_per_item")]

    def __str__(self):
        return f"{self.item.code}: {self.points if self.passed is None else self.passed}"


class DefenseSession(models.Model):
    """现场答辩: one session with the order and time slots of the institutions, and its minutes afterwards."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="defense_sessions")
    starts_on = models.DateField(_("日期"))
    place = models.CharField(_("地点"), max_length=200)
    note = models.TextField(_("注意事项"), blank=True)
    minutes = models.FileField(_("会议纪要"), upload_to=RandomName("minutes"), blank=True)
    minutes_name = models.CharField(_("纪要文件名"), max_length=200, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("现场答辩")
        verbose_name_plural = _("现场答辩")
        ordering = ["starts_on", "pk"]

    def __str__(self):
        return f"{self.starts_on:%Y-%m-%d} {self.place}"


class DefenseSlot(models.Model):
    session = models.ForeignKey(DefenseSession, on_delete=models.CASCADE, related_name="slots")
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="defense_slots")
    order = models.PositiveSmallIntegerField(_("顺序"))
    starts_at = models.TimeField(_("开始时间"))
    ends_at = models.TimeField(_("结束时间"))

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("答辩时段")
        verbose_name_plural = _("答辩时段")
        ordering = ["session", "order"]
        constraints = [
            models.UniqueConstraint(fields=["session", "application"], name="one_slot_per_application"),
            models.CheckConstraint(condition=models.Q(ends_at__gt=models.F("starts_at")), name="slot_time_ordered"),
        ]

    def __str__(self):
        return f"{self.order}. {self.application.institution_name} {self.starts_at:%H:%M}–{self.ends_at:%H:%M}"


class FieldInspection(models.Model):
    """实地考察: who inspected one applicant, when, and what they found."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="field_inspections")
    inspected_on = models.DateField(_("考察日期"))
    inspectors = models.ManyToManyField(settings.AUTH_USER_MODEL, verbose_name=_("考察人员"), related_name="+")
    findings = models.TextField(_("考察情况"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("实地考察")
        verbose_name_plural = _("实地考察")
        ordering = ["inspected_on", "pk"]

    def __str__(self):
        return f"{self.application.institution_name} {self.inspected_on:%Y-%m-%d}"


class InspectionPhoto(models.Model):
    inspection = models.ForeignKey(FieldInspection, on_delete=models.CASCADE, related_name="photos")
    file = models.FileField(upload_to=RandomName("inspections"))
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()

    class Meta:
        verbose_name = _("考察照片")
        verbose_name_plural = _("考察照片")

    def __str__(self):
        return self.original_name


class DepartmentOpinion(models.Model):
    """部门意见: a department's sealed opinion on one application, filling its box on annex 2."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="department_opinions")
    department = models.ForeignKey(Department, verbose_name=_("部门"), on_delete=models.PROTECT)
    verdict = models.CharField(_("意见"), max_length=10, choices=OpinionVerdict.choices)
    text = models.TextField(_("意见内容"))
    signed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("签署人"), on_delete=models.PROTECT, related_name="+")
    signed_on = models.DateField(_("签署日期"))
    seal = models.ImageField(_("印章"), upload_to=RandomName("opinion-seals"), blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("部门意见")
        verbose_name_plural = _("部门意见")
        constraints = [models.UniqueConstraint(fields=["application", "department"], name="one_opinion_per_department")]

    def __str__(self):
        return f"{self.department} · {self.get_verdict_display()}"


class TieBreak(models.Model):
    """The admin's order for applications still tied after the priority rule, with the reason."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="tie_breaks")
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="+")
    position = models.PositiveSmallIntegerField(_("并列中的次序"))
    reason = models.TextField(_("理由"))
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("并列排序")
        verbose_name_plural = _("并列排序")
        constraints = [models.UniqueConstraint(fields=["round", "application"], name="one_tie_break_per_application")]

    def __str__(self):
        return f"{self.application.institution_name}: {self.position}"


class Shortlist(models.Model):
    """拟评定名单 of a round; frozen when publicity starts."""

    round = models.OneToOneField(Round, on_delete=models.CASCADE, related_name="shortlist")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    frozen_at = models.DateTimeField(_("冻结时间"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("拟评定名单")
        verbose_name_plural = _("拟评定名单")

    def __str__(self):
        return f"{self.round} · {_('拟评定名单')}"


class ShortlistEntry(models.Model):
    shortlist = models.ForeignKey(Shortlist, on_delete=models.CASCADE, related_name="entries")
    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="+")
    rank = models.PositiveSmallIntegerField(_("排名"))
    overall = models.DecimalField(_("综合得分"), max_digits=9, decimal_places=4)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("拟评定机构")
        verbose_name_plural = _("拟评定机构")
        ordering = ["rank"]
        constraints = [models.UniqueConstraint(fields=["shortlist", "application"], name="one_entry_per_application")]

    def __str__(self):
        return f"{self.rank}. {self.application.institution_name}"


class ShortlistSkip(models.Model):
    """A higher-ranked application left off the shortlist, and why (必须记录理由)."""

    shortlist = models.ForeignKey(Shortlist, on_delete=models.CASCADE, related_name="skips")
    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="+")
    rank = models.PositiveSmallIntegerField(_("排名"))
    reason = models.TextField(_("未列入理由"))

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("未列入记录")
        verbose_name_plural = _("未列入记录")

    def __str__(self):
        return f"{self.rank}. {self.application.institution_name}: {self.reason}"
