"""The State Council holiday schedule the working-day calendar reads (portal.workdays)."""

from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


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
