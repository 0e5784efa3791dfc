"""A rubric (评分标准) as versioned data: its issuing document and version, first-level indicators with their points,
and items with their text as written and the engine's spec (rubrics/engine.py). A rubric in use is frozen; a new
version is a copy that names the one it came from."""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from portal.models import Programme

POINTS = {"max_digits": 6, "decimal_places": 2}


class Rubric(models.Model):
    name = models.CharField(_("名称"), max_length=100)
    document = models.CharField(_("发布文件"), max_length=300, blank=True)
    version = models.CharField(_("版本"), max_length=50, blank=True, help_text=_("例如：2024年修订版。"))
    standard = models.SlugField(
        _("出处标准"), max_length=60, blank=True, help_text=_("随系统提供的标准的标识（rubrics/standards/）。")
    )
    programme = models.ForeignKey(
        Programme, verbose_name=_("评定项目"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="scoring_rubrics",
    )
    full_marks = models.DecimalField(_("满分"), default=100, validators=[MinValueValidator(0)], **POINTS)
    bonus_cap = models.DecimalField(_("加分上限"), default=0, validators=[MinValueValidator(0)], **POINTS)
    notes = models.JSONField(_("说明"), default=list, blank=True)
    previous = models.ForeignKey(
        "self", verbose_name=_("上一版本"), null=True, blank=True, on_delete=models.PROTECT, related_name="next_versions"
    )
    frozen_at = models.DateTimeField(_("启用时间"), null=True, blank=True, help_text=_("启用后不能修改，修订时另存新版本。"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("评分标准")
        verbose_name_plural = _("评分标准")
        ordering = ["name", "-created_at"]

    def __str__(self):
        return f"{self.name}（{self.version}）" if self.version else self.name

    @property
    def is_frozen(self) -> bool:
        return self.frozen_at is not None


class Indicator(models.Model):
    """一级指标 / 建设项目: a group of items with its points."""

    rubric = models.ForeignKey(Rubric, on_delete=models.CASCADE, related_name="indicators")
    code = models.CharField(_("编号"), max_length=20)
    title = models.CharField(_("名称"), max_length=200)
    points = models.DecimalField(_("分值"), **POINTS)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("一级指标")
        verbose_name_plural = _("一级指标")
        ordering = ["order"]
        constraints = [models.UniqueConstraint(fields=["rubric", "code"], name="indicator_code_unique_in_rubric")]

    def __str__(self):
        return f"{self.code} {self.title}"


class Item(models.Model):
    """An item as the document writes it (content, standard, method, offices, ★, 引导性) and the engine's spec."""

    rubric = models.ForeignKey(Rubric, on_delete=models.CASCADE, related_name="items")
    indicator = models.ForeignKey(Indicator, null=True, blank=True, on_delete=models.CASCADE, related_name="items")
    code = models.CharField(_("编号"), max_length=30)
    title = models.CharField(_("指标"), max_length=300)
    max_points = models.DecimalField(_("分值"), **POINTS)
    content = models.TextField(_("指标内容"), blank=True)
    standard_text = models.TextField(_("评估标准"), blank=True)
    method = models.TextField(_("评估方法"), blank=True)
    method_kinds = models.JSONField(_("取证方式"), default=list, blank=True)
    offices = models.JSONField(_("评估分工"), default=list, blank=True)
    star = models.BooleanField(_("★"), default=False)
    guiding = models.BooleanField(_("引导性"), default=False)
    is_bonus = models.BooleanField(_("加分项"), default=False)
    spec = models.JSONField(_("计分规则"), default=dict)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("评分项")
        verbose_name_plural = _("评分项")
        ordering = ["order"]
        constraints = [models.UniqueConstraint(fields=["rubric", "code"], name="item_code_unique_in_rubric")]

    def __str__(self):
        return f"{self.code} {self.title}"

    @property
    def content_beyond_title(self) -> str:
        """The content without its first line where that line is the title again (annex 4 begins each 建设内容 with
        the item's own words)."""
        first, _, rest = self.content.partition("\n")
        return rest if first.strip() == self.title.strip() else self.content
