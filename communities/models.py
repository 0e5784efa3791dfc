"""社区（村）称号创建 (seed 002): a district's yearly campaign of one title (高质量就业村 on 附件3, 充分就业社区(村) on
附件4) — its towns' targets, the plan's milestones, the creation list, and each listed community's or village's chain of
evaluations (self, town, district), each an assessment on the campaign's rubric (rubrics.models.Assessment)."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from communities.enums import EntryStatus, Level, Owner, RecheckStatus
from portal.models import Programme, Region, Title
from rubrics.models import Assessment, Rubric

RATE = {"max_digits": 5, "decimal_places": 2, "null": True, "blank": True,
        "validators": [MinValueValidator(0), MaxValueValidator(100)]}


class Campaign(models.Model):
    """年度创建: one title's campaign for one year in a district (its programme), scored on one frozen rubric."""

    programme = models.ForeignKey(Programme, verbose_name=_("评定项目"), on_delete=models.PROTECT, related_name="campaigns")
    year = models.PositiveSmallIntegerField(_("年度"))
    rubric = models.ForeignKey(Rubric, verbose_name=_("评分标准"), on_delete=models.PROTECT, related_name="campaigns")
    data_from = models.DateField(_("评估取数起"), help_text=_("例如：评估取数自2023年10月至2024年9月。"))
    data_to = models.DateField(_("评估取数止"))
    self_due = models.DateField(_("自评提交截止"))
    town_due = models.DateField(_("镇评估推荐截止"))
    district_due = models.DateField(_("区核定截止"))
    # 「区核定、公示，市公布」: the district's notice of the verified ones, then the city's announcement of the titles.
    notice = models.OneToOneField(
        "publicity.PublicityNotice", verbose_name=_("公示"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="campaign",
    )
    announced_at = models.DateTimeField(_("公布时间"), null=True, blank=True)
    announcement_number = models.CharField(_("公布文号"), max_length=60, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("年度创建")
        verbose_name_plural = _("年度创建")
        ordering = ["-year", "programme"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "year"], name="one_campaign_per_programme_year"),
            models.CheckConstraint(condition=models.Q(data_to__gt=models.F("data_from")), name="campaign_data_window_ordered"),
        ]

    def __str__(self):
        return _("%(year)d年%(title)s创建") % {"year": self.year, "title": self.programme.get_kind_display()}

    def get_absolute_url(self):
        return reverse("communities:campaign", args=[self.pk])


class TownTarget(models.Model):
    """A town's task in the campaign (建设任务, seed 002 一): a number of titles, or rates of its communities and of its
    villages (「充分就业社区建设率达到75%…充分就业村建设率达到70%以上」)."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="targets")
    town = models.ForeignKey(Region, verbose_name=_("镇（街道）"), on_delete=models.PROTECT, related_name="+")
    count = models.PositiveSmallIntegerField(_("建设数量"), null=True, blank=True)
    community_rate = models.DecimalField(_("社区建设率（%）"), **RATE)
    village_rate = models.DecimalField(_("村建设率（%）"), **RATE)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("建设任务")
        verbose_name_plural = _("建设任务")
        ordering = ["town__code"]
        constraints = [models.UniqueConstraint(fields=["campaign", "town"], name="one_target_per_town")]

    def __str__(self):
        return f"{self.town} · {self.campaign}"


class Milestone(models.Model):
    """A step of the plan with its date and who owes it (seed 002 五: 5月下旬, 6月中旬, 6月底, 8月底, 10月15日,
    11月10日); reminded before it is due, until it is marked done."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(_("事项"), max_length=200)
    due_on = models.DateField(_("完成时限"))
    owner = models.CharField(_("责任方"), max_length=10, choices=Owner.choices)
    done_on = models.DateField(_("完成日期"), null=True, blank=True)
    reminded_on = models.DateField(_("提醒日期"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("工作节点")
        verbose_name_plural = _("工作节点")
        ordering = ["due_on", "pk"]

    def __str__(self):
        return self.title


class Entry(models.Model):
    """One community or village of the creation list (附件2), with 是否就业驿站建设点, and where it stands in the chain."""

    # The moves of `status` (portal.transitions): the town recommends or not the submitted self-evaluation; the
    # district verifies or not the recommended one. A self-evaluation reopened by the town goes back to LISTED.
    TRANSITIONS = {
        EntryStatus.LISTED: {EntryStatus.SELF_SUBMITTED},
        EntryStatus.SELF_SUBMITTED: {EntryStatus.RECOMMENDED, EntryStatus.NOT_RECOMMENDED},
        EntryStatus.RECOMMENDED: {EntryStatus.VERIFIED, EntryStatus.NOT_VERIFIED},
        EntryStatus.NOT_RECOMMENDED: set(),
        EntryStatus.VERIFIED: {EntryStatus.PUBLICISED},
        EntryStatus.NOT_VERIFIED: set(),
        EntryStatus.PUBLICISED: {EntryStatus.TITLED, EntryStatus.DISQUALIFIED},
        EntryStatus.TITLED: set(),
        EntryStatus.DISQUALIFIED: set(),
    }

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="entries")
    community = models.ForeignKey(Region, verbose_name=_("社区（村）"), on_delete=models.PROTECT, related_name="+")
    town = models.ForeignKey(Region, verbose_name=_("镇（街道）"), on_delete=models.PROTECT, related_name="+")
    is_station = models.BooleanField(_("是否就业驿站建设点"), default=False)
    note = models.CharField(_("备注"), max_length=200, blank=True)
    status = models.CharField(_("状态"), max_length=20, choices=EntryStatus.choices, default=EntryStatus.LISTED)
    order = models.PositiveSmallIntegerField(_("序号"), default=0)
    title = models.OneToOneField(
        "portal.Title", verbose_name=_("称号"), null=True, blank=True, on_delete=models.PROTECT, related_name="campaign_entry"
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("创建名单")
        verbose_name_plural = _("创建名单")
        ordering = ["campaign", "town__code", "order", "pk"]
        constraints = [models.UniqueConstraint(fields=["campaign", "community"], name="one_entry_per_community")]

    def __str__(self):
        return f"{self.community} · {self.campaign}"

    def get_absolute_url(self):
        return reverse("communities:entry", args=[self.pk])


class Evaluation(models.Model):
    """One level's evaluation of an entry: an assessment on the campaign's rubric, submitted (its assessment locked)
    with the level's verdict — the town recommends or not, the district verifies or not — and opinion."""

    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="evaluations")
    level = models.CharField(_("评估层级"), max_length=10, choices=Level.choices)
    assessment = models.OneToOneField(Assessment, on_delete=models.PROTECT, related_name="community_evaluation")
    verdict = models.BooleanField(_("结论"), null=True, blank=True)  # recommended / verified; None for a self-evaluation
    opinion = models.TextField(_("意见"), blank=True)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("评估")
        verbose_name_plural = _("评估")
        ordering = ["entry", "pk"]
        constraints = [models.UniqueConstraint(fields=["entry", "level"], name="one_evaluation_per_level")]

    def __str__(self):
        return f"{self.entry.community} · {self.get_level_display()}"


class Recheck(models.Model):
    """A titled community's or village's re-check of one year (复查复评): the town's assessment on the title's rubric and
    its conclusion; 不合格 opens rectification with a deadline (限期整改); a rectification found wanting is reported to
    the district, which removes the title (取消资格), publicly and kept in the ledger's history."""

    TRANSITIONS = {
        RecheckStatus.CHECKING: {RecheckStatus.PASSED, RecheckStatus.RECTIFYING},
        RecheckStatus.RECTIFYING: {RecheckStatus.RECTIFIED, RecheckStatus.REPORTED},
        RecheckStatus.REPORTED: {RecheckStatus.REMOVED},
        RecheckStatus.PASSED: set(),
        RecheckStatus.RECTIFIED: set(),
        RecheckStatus.REMOVED: set(),
    }

    title = models.ForeignKey(Title, verbose_name=_("称号"), on_delete=models.PROTECT, related_name="rechecks")
    year = models.PositiveSmallIntegerField(_("复查年度"))
    assessment = models.OneToOneField(Assessment, on_delete=models.PROTECT, related_name="community_recheck")
    status = models.CharField(_("状态"), max_length=12, choices=RecheckStatus.choices, default=RecheckStatus.CHECKING)
    opinion = models.TextField(_("复查意见"), blank=True)
    rectify_due = models.DateField(_("整改期限"), null=True, blank=True)
    rectification = models.TextField(_("整改情况"), blank=True)
    reminded_on = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("复查复评")
        verbose_name_plural = _("复查复评")
        ordering = ["-year", "pk"]
        constraints = [models.UniqueConstraint(fields=["title", "year"], name="one_recheck_per_title_year")]

    def __str__(self):
        return f"{self.title.holder_name} · {self.year}"

    def get_absolute_url(self):
        return reverse("communities:recheck", args=[self.pk])


class ProgressReport(models.Model):
    """创建进度上报 (seed 002 六(三) 「镇领导小组办公室负责指定专人按时向区上报创建进度」): a town's figures of the
    campaign as they stood when it reported, its note, and the district's acknowledgement."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="reports")
    town = models.ForeignKey(Region, verbose_name=_("镇（街道）"), on_delete=models.PROTECT, related_name="+")
    figures = models.JSONField(_("上报数据"), default=dict)
    note = models.TextField(_("情况说明"), blank=True)
    reported_at = models.DateTimeField(_("上报时间"), auto_now_add=True)
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    received_at = models.DateTimeField(_("签收时间"), null=True, blank=True)
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("创建进度上报")
        verbose_name_plural = _("创建进度上报")
        ordering = ["-reported_at", "-pk"]

    def __str__(self):
        return f"{self.town} · {self.campaign}"
