"""A rubric (评分标准) as versioned data: its issuing document and version, first-level indicators with their points,
and items with their text as written and the engine's spec (rubrics/engine.py). A rubric in use is frozen; a new
version is a copy that names the one it came from."""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from portal.models import Programme, RandomName, Region
from rubrics.enums import EntryOutcome, LedgerStatus

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


# --- assessments (评估记录): facts, evidence and ledgers of one subject against one rubric ----------------------------


class Assessment(models.Model):
    """One subject (a community, a village, an institution) assessed against a rubric: the facts of each item in the
    engine's format (rubrics/engine.py), a note per item, and where each item's facts came from. Generic on purpose:
    self-, town- and district-evaluations will hang on it."""

    rubric = models.ForeignKey(Rubric, verbose_name=_("评分标准"), on_delete=models.PROTECT, related_name="assessments")
    subject = models.CharField(_("评估对象"), max_length=200, help_text=_("例如：黄竹塱社区。"))
    region = models.ForeignKey(
        Region, verbose_name=_("所在区划"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    period = models.CharField(_("评估年度"), max_length=50, blank=True, help_text=_("例如：2024年度。"))
    facts = models.JSONField(_("事实"), default=dict, blank=True)  # by item code, as rubrics.engine reads them
    notes = models.JSONField(_("说明"), default=dict, blank=True)  # by item code: the assessor's note
    events = models.JSONField(_("加分事项"), default=dict, blank=True)  # by "code|fact": [{date, level, name}]
    sources = models.JSONField(_("来源"), default=dict, blank=True)  # by item code: a ledger import, a template
    score = models.DecimalField(_("得分"), null=True, blank=True, **POINTS)  # None while an item is open or wrong
    # Submitted (e.g. a community's self-evaluation sent to its town): read only from then on, for everyone.
    locked_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    bonus = models.DecimalField(_("加分"), null=True, blank=True, **POINTS)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("评估记录")
        verbose_name_plural = _("评估记录")
        ordering = ["-updated_at", "-pk"]

    def __str__(self):
        return f"{self.subject}（{self.period}）" if self.period else self.subject

    def get_absolute_url(self):
        return reverse("rubrics:assessment", args=[self.pk])

    @property
    def total(self):
        return None if self.score is None else self.score + (self.bonus or 0)


class Evidence(models.Model):
    """佐证材料: a file behind an item's facts, checked as every upload of the portal is (rubrics/uploads.py)."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="evidence")
    item_code = models.CharField(_("评分项"), max_length=30)
    file = models.FileField(_("文件"), upload_to=RandomName("assessment-evidence"))
    original_name = models.CharField(_("原文件名"), max_length=200)
    size = models.PositiveIntegerField(_("大小（字节）"))
    content_type = models.CharField(_("文件类型"), max_length=100)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    note = models.CharField(_("说明"), max_length=300, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("佐证材料")
        verbose_name_plural = _("佐证材料")
        ordering = ["item_code", "uploaded_at", "pk"]

    def __str__(self):
        return self.original_name


class LedgerUpload(models.Model):
    """A ledger (台账) of a `rate` item imported from Excel by a Celery task (rubrics/ledger_uploads.py): its progress,
    written every 1,000 rows, its counts, and, once applied, the item's facts. The file is kept only until the import
    is done: it holds ID numbers in clear, the rows below only masked ones."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="ledgers")
    item_code = models.CharField(_("评分项"), max_length=30)
    file = models.FileField(upload_to=RandomName("ledgers"), blank=True)
    original_name = models.CharField(_("原文件名"), max_length=200)
    status = models.CharField(_("状态"), max_length=10, choices=LedgerStatus.choices, default=LedgerStatus.QUEUED)
    attempt = models.PositiveSmallIntegerField(default=1)  # a restart's run supersedes the earlier one's
    done = models.PositiveIntegerField(_("已读行数"), default=0)
    total = models.PositiveIntegerField(_("总行数"), default=0)
    error = models.TextField(_("错误"), blank=True)
    achieved = models.PositiveIntegerField(default=0)
    counted = models.PositiveIntegerField(default=0)
    excluded = models.PositiveIntegerField(default=0)
    refused = models.PositiveIntegerField(default=0)
    progressed_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    applied_at = models.DateTimeField(_("采用时间"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("台账导入")
        verbose_name_plural = _("台账导入")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.item_code} {self.original_name}"

    @property
    def percent(self) -> int | None:
        """How far the import is; None while it is not known (a file that states no size is counted only when read
        through, and the rows are being stored once every row is read)."""
        if self.status == LedgerStatus.DONE:
            return 100
        if self.status == LedgerStatus.RUNNING and self.done and self.done >= self.total:
            return None
        return min(99, self.done * 100 // self.total) if self.total else 0

    def facts(self) -> dict:
        """The item's facts for the engine, as rubrics.ledger.LedgerImport.facts() counted them."""
        return {"achieved": self.achieved, "total": self.achieved + self.counted + self.excluded, "excluded": self.excluded}


class LedgerEntry(models.Model):
    """One row of an imported ledger, as rubrics.ledger classified it: never the ID number in clear (masked, and a keyed
    hash to find the same person in another ledger)."""

    upload = models.ForeignKey(LedgerUpload, on_delete=models.CASCADE, related_name="entries")
    row = models.PositiveIntegerField(_("行号"))
    name = models.CharField(_("姓名"), max_length=100)
    id_masked = models.CharField(_("身份证号码"), max_length=40)
    id_hash = models.CharField(max_length=32, blank=True)
    registered = models.DateField(_("登记日期"), null=True)
    status = models.CharField(_("状态/去向"), max_length=100)
    reason = models.CharField(_("注销原因"), max_length=100)
    note = models.CharField(_("备注"), max_length=200)
    outcome = models.CharField(_("计入情况"), max_length=10, choices=EntryOutcome.choices)
    why = models.TextField(_("原因"))

    class Meta:
        verbose_name = _("台账行")
        verbose_name_plural = _("台账行")
        ordering = ["row"]
        indexes = [
            models.Index(fields=["upload", "outcome", "row"], name="ledger_entry_by_outcome"),
            models.Index(fields=["id_hash"], name="ledger_entry_by_id_hash"),
        ]

    def __str__(self):
        return f"{self.row} {self.name}"
