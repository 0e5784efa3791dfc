"""A service platform's windows and staff (seed 003 三(三)–(四)): what the satisfaction ratings, the complaints and
the staff assessment attach to. A platform is an institution of the portal (portal.models.Institution: a grassroots
platform of a town or community, a public employment service agency, …)."""

import secrets

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from portal.models import Institution, RandomName


def _token() -> str:
    return secrets.token_urlsafe(12)


class ServicePoint(models.Model):
    """A service window (服务窗口) or service point of a platform, rated from its own QR code."""

    institution = models.ForeignKey(
        Institution, verbose_name=_("所属机构"), on_delete=models.PROTECT, related_name="service_points"
    )
    name = models.CharField(_("窗口名称"), max_length=100, help_text=_("例如：就业登记窗口、职业介绍窗口"))
    services = models.TextField(_("办理事项"), blank=True, help_text=_("每行一项，评价时供群众选择所办事项。"))
    # The QR code's link: unguessable, so that nobody rates a window without having been there to scan it.
    token = models.CharField(_("评价码"), max_length=32, unique=True, default=_token, editable=False)
    is_active = models.BooleanField(_("启用"), default=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("服务窗口")
        verbose_name_plural = _("服务窗口")
        ordering = ["institution", "name", "pk"]
        constraints = [models.UniqueConstraint(fields=["institution", "name"], name="one_window_name_per_institution")]

    def __str__(self):
        return f"{self.institution.name} · {self.name}"

    def service_list(self) -> list[str]:
        return [line.strip() for line in self.services.splitlines() if line.strip()]


class Qualification(models.TextChoices):
    """The certificates seed 003 三(四)2 counts (劳动保障协理员 ≥ 50 %, 职业指导师 ≥ 20 % of the staff)."""

    LABOUR_ASSISTANT = "labour_assistant", _("劳动保障协理员")
    CAREER_GUIDANCE = "career_guidance", _("职业指导师（职业指导人员）")
    INFORMATION_ANALYST = "information_analyst", _("职业信息分析师")


class StaffMember(models.Model):
    """A person working at a platform (工作人员台账): not an account of the portal; complaints may name one, and the
    yearly assessment grades each."""

    institution = models.ForeignKey(Institution, verbose_name=_("所属机构"), on_delete=models.PROTECT, related_name="platform_staff")
    name = models.CharField(_("姓名"), max_length=50)
    position = models.CharField(_("岗位"), max_length=100, blank=True)
    staff_number = models.CharField(_("工号"), max_length=30, blank=True, help_text=_("窗口公示的工号，群众投诉时可据此指认。"))
    qualifications = models.JSONField(_("资格证书"), default=list, blank=True, help_text=_("Qualification 的取值列表。"))
    joined_on = models.DateField(_("到岗日期"), null=True, blank=True)
    left_on = models.DateField(_("离岗日期"), null=True, blank=True)
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("工作人员")
        verbose_name_plural = _("工作人员")
        ordering = ["institution", "name", "pk"]

    def __str__(self):
        return f"{self.name}（{self.institution.name}）"

    def get_absolute_url(self):
        return reverse("platforms:staff", args=[self.institution_id])

    @property
    def is_current(self) -> bool:
        return self.left_on is None

    def holds(self, qualification: str) -> bool:
        return qualification in (self.qualifications or [])


class PlatformProfile(models.Model):
    """What a platform publishes of itself beyond the portal's Institution: the complaint phone of seed 003 三(五)2
    (「公布举报电话…设立意见箱和投诉电话」), printed on each window's poster. Kept by the institution."""

    institution = models.OneToOneField(
        Institution, verbose_name=_("所属机构"), on_delete=models.CASCADE, related_name="platform_profile"
    )
    complaint_phone = models.CharField(
        _("投诉电话"), max_length=40, blank=True, help_text=_("印在窗口评价海报上，例如：0533-6961000。")
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("平台信息")
        verbose_name_plural = _("平台信息")

    def __str__(self):
        return self.institution.name


class DutyKind(models.TextChoices):
    """The two quarterly duties of seed 003: 三(五)2 「每季度发放一次问卷调查」 and 四(一)5 「每季度开展业务自查」."""

    SURVEY = "survey", _("问卷调查")
    SELF_CHECK = "self_check", _("业务自查")


class Duty(models.Model):
    """One quarterly duty of one platform: open until the platform records it as done (the date, a summary and an
    optional file). The row exists once it is recorded or once a reminder was sent (`reminded_on`)."""

    institution = models.ForeignKey(Institution, verbose_name=_("所属机构"), on_delete=models.PROTECT, related_name="platform_duties")
    year = models.PositiveSmallIntegerField(_("年度"))
    quarter = models.PositiveSmallIntegerField(_("季度"), choices=[(q, f"{q}") for q in (1, 2, 3, 4)])
    kind = models.CharField(_("事项"), max_length=20, choices=DutyKind.choices)
    done_on = models.DateField(_("完成日期"), null=True, blank=True)
    summary = models.TextField(_("情况摘要"), blank=True, max_length=2000)
    file = models.FileField(_("附件"), upload_to=RandomName("platform-duties"), blank=True)
    original_name = models.CharField(max_length=200, blank=True)
    size = models.PositiveIntegerField(default=0)
    content_type = models.CharField(max_length=100, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    recorded_by = models.ForeignKey(
        "portal.User", verbose_name=_("记录人"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reminded_on = models.DateField(_("最近提醒日期"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("季度工作")
        verbose_name_plural = _("季度工作")
        ordering = ["institution", "year", "quarter", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["institution", "year", "quarter", "kind"], name="one_duty_per_quarter")
        ]

    def __str__(self):
        return f"{self.institution.name} · {self.year}年第{self.quarter}季度 · {self.get_kind_display()}"
