"""Ratings of a service received at a window (好差评), the case every unfavourable one opens, the quarterly rankings
published, and the record of the daily reminder run."""

import secrets

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from platforms.models import ServicePoint
from portal.crypto import EncryptedTextField
from portal.models import Institution, Region
from satisfaction.enums import UNFAVOURABLE, CaseStatus, Grade

# Receipt codes avoid letters and digits that read alike on a phone (0/O, 1/I/L).
RECEIPT_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


def new_receipt_code() -> str:
    return "".join(secrets.choice(RECEIPT_ALPHABET) for _i in range(12))


class Rating(models.Model):
    """One rating given from a window's QR code. The phone (only for a call-back after an unfavourable rating, with
    the rater's consent) is encrypted at rest; the client address is kept only as a keyed hash, for the limits."""

    service_point = models.ForeignKey(
        ServicePoint, verbose_name=_("服务窗口"), on_delete=models.PROTECT, related_name="ratings"
    )
    institution = models.ForeignKey(
        Institution, verbose_name=_("机构"), on_delete=models.PROTECT, related_name="satisfaction_ratings"
    )
    service = models.CharField(_("办理事项"), max_length=100)
    overall = models.PositiveSmallIntegerField(_("总体评价"), choices=Grade.choices)
    efficiency = models.PositiveSmallIntegerField(_("服务效率"), choices=Grade.choices)
    competence = models.PositiveSmallIntegerField(_("服务水平"), choices=Grade.choices)
    attitude = models.PositiveSmallIntegerField(_("服务态度"), choices=Grade.choices)
    comment = models.TextField(_("意见建议"), blank=True, max_length=500)
    phone = EncryptedTextField(_("回访电话"), blank=True)
    phone_consent = models.BooleanField(_("同意回访"), default=False)
    device = models.CharField(_("设备标识"), max_length=64, editable=False)
    address_hash = models.CharField(_("来源地址摘要"), max_length=64, editable=False)
    receipt_code = models.CharField(_("查询码"), max_length=12, unique=True, default=new_receipt_code, editable=False)
    rated_at = models.DateTimeField(_("评价时间"), db_index=True)

    class Meta:
        verbose_name = _("满意度评价")
        verbose_name_plural = _("满意度评价")
        ordering = ["-rated_at", "-pk"]
        indexes = [models.Index(fields=["service_point", "device", "rated_at"], name="sat_rating_device")]

    def __str__(self):
        return f"{self.service_point} {self.get_overall_display()} {self.rated_at:%Y-%m-%d}"

    @property
    def is_unfavourable(self) -> bool:
        return self.overall in UNFAVOURABLE


class Case(models.Model):
    """差评办理: the institution verifies (核实), rectifies when founded (整改), calls back (回访) where a phone was left,
    and replies (回复); all within 15 working days of the rating (`deadline`, portal.workdays)."""

    TRANSITIONS = {
        CaseStatus.PENDING: {CaseStatus.RECTIFYING, CaseStatus.ANSWERING},
        CaseStatus.RECTIFYING: {CaseStatus.ANSWERING},
        CaseStatus.ANSWERING: {CaseStatus.CLOSED},
    }

    rating = models.OneToOneField(Rating, verbose_name=_("评价"), on_delete=models.PROTECT, related_name="case")
    institution = models.ForeignKey(
        Institution, verbose_name=_("机构"), on_delete=models.PROTECT, related_name="satisfaction_cases"
    )
    status = models.CharField(_("状态"), max_length=12, choices=CaseStatus.choices, default=CaseStatus.PENDING)
    deadline = models.DateField(_("办理期限"))
    founded = models.BooleanField(_("是否属实"), null=True)
    findings = models.TextField(_("核实情况"), blank=True)
    verified_at = models.DateTimeField(_("核实时间"), null=True, blank=True)
    rectification = models.TextField(_("整改措施"), blank=True)
    rectified_at = models.DateTimeField(_("整改时间"), null=True, blank=True)
    callback_on = models.DateField(_("回访日期"), null=True, blank=True)
    callback_outcome = models.TextField(_("回访结果"), blank=True)
    reply = models.TextField(_("答复"), blank=True)
    replied_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("差评办理")
        verbose_name_plural = _("差评办理")
        ordering = ["deadline", "pk"]

    def __str__(self):
        return f"{self.institution.name} {self.rating.rated_at:%Y-%m-%d} {self.get_status_display()}"

    def get_absolute_url(self):
        return reverse("satisfaction:case", args=[self.pk])

    def is_overdue(self, today) -> bool:
        return self.status != CaseStatus.CLOSED and today > self.deadline


class PublishedRanking(models.Model):
    """A quarter's ranking of a region's institutions, frozen when published: names and rates only."""

    region = models.ForeignKey(Region, verbose_name=_("区划"), on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("年度"))
    quarter = models.PositiveSmallIntegerField(_("季度"))
    rows = models.JSONField(_("排名"), default=list)
    published_at = models.DateTimeField(_("发布时间"))
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("发布人"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("满意度排名")
        verbose_name_plural = _("满意度排名")
        ordering = ["-year", "-quarter", "region__code"]
        constraints = [
            models.UniqueConstraint(fields=["region", "year", "quarter"], name="one_ranking_per_region_quarter")
        ]

    def __str__(self):
        return f"{self.region.name} {self.year}年第{self.quarter}季度"

    def get_absolute_url(self):
        return reverse("satisfaction:ranking_public", args=[self.pk])


class ReminderRun(models.Model):
    """One run of `cases_remind` a day at most: the day claims the row."""

    day = models.DateField(_("日期"), unique=True)
    cases = models.PositiveIntegerField(_("提醒件数"), default=0)
    notified = models.PositiveIntegerField(_("通知人数"), default=0)
    ran_at = models.DateTimeField(_("运行时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("差评办理提醒")
        verbose_name_plural = _("差评办理提醒")

    def __str__(self):
        return str(self.day)
