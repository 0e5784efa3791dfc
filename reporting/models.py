"""报送 (seed 000, last paragraph; seed 001 at every level): a higher bureau asks its cities or counties for the year's
benchmark evaluation result and publicity work (`ReportCall`); each of them answers with one `UpwardReport`, written,
submitted, then received or returned by the higher bureau. The figures of a report are taken from the portal when it
is submitted and kept with it (`figures`), so what the higher bureau received never changes afterwards."""

from datetime import date

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from portal.models import Region
from reporting.enums import ReminderKind, ReportStatus

PUBLICITY_TEXT_MAX_CHARS = 3000


def default_deadline(year: int) -> date:
    """Seed 000: 「于 12 月 15 日前将…评定结果、宣传情况报县人社局」."""
    return date(year, 12, 15)


class ReportCall(models.Model):
    """报送通知: the higher bureau's request, for one year, to the regions directly below it (one report each)."""

    region = models.ForeignKey(
        Region, verbose_name=_("下发单位所在区划"), on_delete=models.PROTECT, related_name="report_calls"
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    deadline = models.DateField(_("报送截止日期"), help_text=_("当日24时（北京时间）前报送为按时。"))
    subject = models.CharField(_("报送内容"), max_length=200)
    note = models.TextField(_("说明"), blank=True)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    issued_at = models.DateTimeField(_("下发时间"))

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("报送通知")
        verbose_name_plural = _("报送通知")
        ordering = ["-year", "region__code"]
        constraints = [models.UniqueConstraint(fields=["region", "year"], name="one_report_call_per_region_year")]

    def __str__(self):
        return _("%(region)s%(year)d年度报送通知") % {"region": self.region.name, "year": self.year}

    def get_absolute_url(self):
        return reverse("reporting:call", args=[self.pk])


class UpwardReport(models.Model):
    """One region's report to the call: its 宣传情况 text, the figures taken at submission, the higher bureau's
    decision (签收 or 退回 with a reason)."""

    # The moves of `status` (portal.transitions): submitted, then received for good or returned for a correction and
    # submitted again.
    TRANSITIONS = {
        ReportStatus.DRAFT: {ReportStatus.SUBMITTED},
        ReportStatus.SUBMITTED: {ReportStatus.RECEIVED, ReportStatus.RETURNED},
        ReportStatus.RETURNED: {ReportStatus.SUBMITTED},
        ReportStatus.RECEIVED: set(),
    }

    call = models.ForeignKey(ReportCall, verbose_name=_("报送通知"), on_delete=models.PROTECT, related_name="reports")
    region = models.ForeignKey(Region, verbose_name=_("报送单位所在区划"), on_delete=models.PROTECT, related_name="+")
    status = models.CharField(_("状态"), max_length=10, choices=ReportStatus.choices, default=ReportStatus.DRAFT)
    publicity_text = models.TextField(
        _("宣传情况"), blank=True,
        help_text=_("本年度宣传标杆机构、发挥示范引领作用的做法和成效，例如宣传活动场次、媒体报道、受众人数。"),
    )
    doc_prefix = models.CharField(_("发文机关代字"), max_length=30, blank=True)
    doc_year = models.PositiveSmallIntegerField(_("文号年份"), null=True, blank=True)
    doc_serial = models.PositiveIntegerField(_("文号序号"), null=True, blank=True)
    written_on = models.DateField(_("成文日期"), null=True, blank=True)
    figures = models.JSONField(_("报送时的数据"), default=dict, blank=True, editable=False)
    first_submitted_at = models.DateTimeField(_("首次报送时间"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("报送时间"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("报送人"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(_("签收或退回时间"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("签收或退回人"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    return_reason = models.TextField(_("退回理由"), blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("结果报送")
        verbose_name_plural = _("结果报送")
        ordering = ["call", "region__code"]
        constraints = [
            models.UniqueConstraint(fields=["call", "region"], name="one_report_per_call_region"),
            # A document number is the bureau's once the report went up (a draft may still type any serial).
            models.UniqueConstraint(
                fields=["doc_prefix", "doc_year", "doc_serial"],
                condition=models.Q(status__in=["submitted", "received"]),
                name="report_document_number_unique",
            ),
        ]

    def __str__(self):
        return _("%(region)s%(year)d年度结果报送") % {"region": self.region.name, "year": self.call.year}

    def get_absolute_url(self):
        return reverse("reporting:report", args=[self.pk])

    @property
    def document_number(self) -> str:
        """文号 as GB/T 9704 prints it (高人社字〔2025〕15号); empty until a serial is typed."""
        if not (self.doc_prefix and self.doc_year and self.doc_serial):
            return ""
        return f"{self.doc_prefix}〔{self.doc_year}〕{self.doc_serial}号"

    @property
    def is_editable(self) -> bool:
        return self.status in (ReportStatus.DRAFT, ReportStatus.RETURNED)

    @property
    def was_submitted(self) -> bool:
        return self.first_submitted_at is not None


class ReportReminder(models.Model):
    """A reminder sent about an unsubmitted report: at most one a day (the constraint is the guard)."""

    report = models.ForeignKey(UpwardReport, on_delete=models.CASCADE, related_name="reminders")
    sent_on = models.DateField(_("提醒日期"))
    kind = models.CharField(_("提醒类型"), max_length=10, choices=ReminderKind.choices)
    recipients = models.PositiveSmallIntegerField(_("提醒人数"))

    class Meta:
        verbose_name = _("报送提醒")
        verbose_name_plural = _("报送提醒")
        ordering = ["-sent_on"]
        constraints = [models.UniqueConstraint(fields=["report", "sent_on"], name="one_report_reminder_a_day")]

    def __str__(self):
        return f"{self.report} · {self.sent_on}"
