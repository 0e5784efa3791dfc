"""The yearly staff assessment of a platform (seed 003 三(四)4): one Appraisal per institution and year, with its
weights and grade bounds, and one Score per member of staff (the marks per source and dimension, the total, and, once
concluded, the grade as it was decided)."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from appraisal.enums import AppraisalStatus, Grade
from platforms.models import StaffMember
from portal.models import Institution

TRANSITIONS = {
    AppraisalStatus.DRAFT: {AppraisalStatus.CONCLUDED},
    AppraisalStatus.CONCLUDED: set(),
}
PERCENT = [MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))]


def _percent(label, default):
    return models.DecimalField(label, max_digits=5, decimal_places=2, default=Decimal(default), validators=PERCENT)


class Appraisal(models.Model):
    """年度考核: the defaults of the weights and bounds are the portal's (the seed gives none; appraisal/scoring.py)."""

    institution = models.ForeignKey(Institution, verbose_name=_("机构"), on_delete=models.PROTECT, related_name="appraisals")
    year = models.PositiveSmallIntegerField(_("考核年度"))
    status = models.CharField(_("状态"), max_length=20, choices=AppraisalStatus.choices, default=AppraisalStatus.DRAFT)
    weight_clients = _percent(_("服务对象评价权重(%)"), 30)
    weight_peers = _percent(_("员工相互评价权重(%)"), 30)
    weight_leaders = _percent(_("领导评价权重(%)"), 40)
    excellent_from = _percent(_("优秀分数线"), 90)
    competent_from = _percent(_("称职分数线"), 75)
    basic_from = _percent(_("基本称职分数线"), 60)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("发起人"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("发起时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    concluded_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("年度考核")
        verbose_name_plural = _("年度考核")
        ordering = ["-year", "institution__name"]
        constraints = [models.UniqueConstraint(fields=["institution", "year"], name="appraisal_one_per_year")]

    def __str__(self):
        return f"{self.institution.name} {self.year}年度考核"

    def get_absolute_url(self):
        return reverse("appraisal:detail", args=[self.pk])

    @property
    def is_draft(self) -> bool:
        return self.status == AppraisalStatus.DRAFT


class Score(models.Model):
    """One member of staff's marks: `marks` = {source: {dimension code: "0–100"}}; `grade`, `complaints` and `reason`
    are written when the appraisal is concluded (a draft's grade is computed on the page)."""

    appraisal = models.ForeignKey(Appraisal, verbose_name=_("年度考核"), on_delete=models.CASCADE, related_name="scores")
    staff_member = models.ForeignKey(StaffMember, verbose_name=_("工作人员"), on_delete=models.PROTECT, related_name="appraisal_scores")
    marks = models.JSONField(_("评分"), default=dict)
    total = models.DecimalField(_("总分"), max_digits=5, decimal_places=2, default=Decimal(0))
    grade = models.CharField(_("等级"), max_length=20, choices=Grade.choices, blank=True)
    complaints = models.PositiveSmallIntegerField(_("当年查实投诉次数"), default=0)
    reason = models.CharField(_("评定依据"), max_length=200, blank=True)
    scored_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("评分人"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("考核评分")
        verbose_name_plural = _("考核评分")
        ordering = ["staff_member__name", "pk"]
        constraints = [models.UniqueConstraint(fields=["appraisal", "staff_member"], name="appraisal_score_once")]

    def __str__(self):
        return f"{self.staff_member.name} {self.appraisal.year}"
