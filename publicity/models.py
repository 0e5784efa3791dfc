"""公示 · 公布 · 授牌 · 撤销. The award is here from the application stage on: an institution already awarded at
a level in a period cannot apply again (seed 000 三: a quota per period)."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from portal.models import Institution, Programme


class AwardQuerySet(models.QuerySet):
    def valid(self):
        return self.filter(revoked_at__isnull=True)


class Award(models.Model):
    """授牌: an institution named a benchmark institution of a programme (its level, jurisdiction and period)."""

    programme = models.ForeignKey(Programme, verbose_name=_("评定项目"), on_delete=models.PROTECT, related_name="awards")
    institution = models.ForeignKey(
        Institution, verbose_name=_("标杆机构"), on_delete=models.PROTECT, related_name="awards"
    )
    plaque_number = models.CharField(_("奖牌编号"), max_length=40, unique=True)
    awarded_on = models.DateField(_("授牌日期"))
    revoked_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)

    history = HistoricalRecords()
    objects = AwardQuerySet.as_manager()

    class Meta:
        verbose_name = _("授牌")
        verbose_name_plural = _("授牌")
        ordering = ["-awarded_on", "plaque_number"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "institution"], name="one_award_per_programme"),
        ]

    def __str__(self):
        return f"{self.plaque_number} {self.institution}"
