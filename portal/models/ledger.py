"""The ledger of titles awarded, which quotas, 「已获称号」 and the 「十百千」 progress read (portal.titles)."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from portal.models.organisation import Institution, Region
from portal.models.programmes import Programme


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
    # A community or village holds its title itself (seed 002: 充分就业社区(村), 高质量就业村), not an institution.
    region = models.ForeignKey(
        Region, verbose_name=_("获评社区（村）"), null=True, blank=True, on_delete=models.PROTECT, related_name="titles"
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
            # A community's title removed (取消资格) may be earned again in a later year: one valid title at a time.
            models.UniqueConstraint(
                fields=["programme", "region"], condition=models.Q(region__isnull=False, revoked_at__isnull=True),
                name="one_valid_title_per_region",
            ),
        ]

    def __str__(self):
        return f"{self.holder_name} · {self.programme}"

    @property
    def is_valid(self) -> bool:
        return self.revoked_at is None
