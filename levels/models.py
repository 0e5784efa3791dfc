"""「十百千」 targets (seed 001 二): how many benchmark institutions of one level a region must reach in a period."""

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from portal.enums import Level
from portal.models import Region


class Target(models.Model):
    """目标: the number of benchmark institutions of `level` that `region` is to have by `deadline`, within a
    five-year period. Set by the region itself (the province's own 10/100/1000), or allocated from the target of the
    region above (`parent`): the province's city-level 100 shared among its cities, a city's county-level share among
    its districts and counties (levels.services.targets_save keeps the shares within the parent's number)."""

    region = models.ForeignKey(Region, verbose_name=_("区划"), on_delete=models.PROTECT, related_name="level_targets")
    level = models.CharField(_("层级"), max_length=10, choices=Level.choices)
    period_name = models.CharField(_("周期"), max_length=30)
    period_start = models.DateField(_("周期开始"))
    period_end = models.DateField(_("周期结束"))
    count = models.PositiveIntegerField(_("目标数（家）"), validators=[MaxValueValidator(100_000)])
    deadline = models.DateField(_("完成期限"), help_text=_("默认为周期结束日。"))
    parent = models.ForeignKey(
        "self", verbose_name=_("下达自"), null=True, blank=True, on_delete=models.PROTECT, related_name="allocations",
        help_text=_("上级区划的同层级目标；本级自定的目标留空。"),
    )
    note = models.CharField(_("说明"), max_length=200, blank=True)
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("设定人"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    set_at = models.DateTimeField(_("设定时间"))

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("「十百千」目标")
        verbose_name_plural = _("「十百千」目标")
        ordering = ["region__code", "period_start", "level"]
        constraints = [
            models.UniqueConstraint(fields=["region", "level", "period_start"], name="one_target_per_region_level_period"),
            models.CheckConstraint(condition=models.Q(period_end__gt=models.F("period_start")), name="target_period_ordered"),
        ]

    def __str__(self):
        return f"{self.region} · {self.get_level_display()} · {self.period_name} · {self.count}"

    @property
    def is_allocated(self) -> bool:
        return self.parent_id is not None
