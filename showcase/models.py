"""宣传展示 (seed 000 六(三) 「对工作成效突出、经验典型性强的机构，要加大宣传和推广力度，充分利用评定结果，进行宣传」):
one showcase per award, written by the institution's own staff and approved by the programme's admins.

Two copies on one row. The working copy (`summary`, `practice`, `brand_*`, the photos not removed) is what the
institution edits and the admin reviews; `status` is its state. The published copy (`published_*`) is what the public
pages show: approval copies the working copy into it. So a change after approval goes back through approval while the
approved version stays public, and a showcase is public while it has a published copy and its award is in force.
"""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from awards.models import Award
from portal.models import RandomName
from showcase.enums import ShowcaseStatus

SUMMARY_MAX_CHARS = 200
PRACTICE_MAX_CHARS = 3000
BRAND_NAME_MAX_CHARS = 50
BRAND_DESCRIPTION_MAX_CHARS = 1000
CAPTION_MAX_CHARS = 60
MAX_PHOTOS = 6

# The CSS status label of each state (static/css/portal.css has no `status--approved`).
STATUS_CSS = {ShowcaseStatus.APPROVED: "verified"}


class Showcase(models.Model):
    """The typical practice (典型经验做法) and service brand (服务品牌) of one benchmark institution, with photos."""

    # The moves of `status` (portal.transitions): the institution submits its draft; the programme's admin approves
    # it (it is then published) or returns it with a reason; an edit after approval makes a new draft (the approved
    # copy stays public meanwhile); a submission may be withdrawn to correct it before the admin decides.
    TRANSITIONS = {
        ShowcaseStatus.DRAFT: {ShowcaseStatus.SUBMITTED},
        ShowcaseStatus.SUBMITTED: {ShowcaseStatus.APPROVED, ShowcaseStatus.RETURNED, ShowcaseStatus.DRAFT},
        ShowcaseStatus.RETURNED: {ShowcaseStatus.SUBMITTED},
        ShowcaseStatus.APPROVED: {ShowcaseStatus.DRAFT},
    }

    award = models.OneToOneField(Award, verbose_name=_("授牌"), on_delete=models.PROTECT, related_name="showcase")
    status = models.CharField(_("状态"), max_length=10, choices=ShowcaseStatus.choices, default=ShowcaseStatus.DRAFT)
    # The working copy.
    summary = models.CharField(_("简介"), max_length=SUMMARY_MAX_CHARS, blank=True)
    practice = models.TextField(_("典型经验做法"), blank=True)
    brand_name = models.CharField(_("服务品牌名称"), max_length=BRAND_NAME_MAX_CHARS, blank=True)
    brand_description = models.TextField(_("服务品牌介绍"), blank=True)
    return_reason = models.TextField(_("退回理由"), blank=True)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    decided_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("最后保存"), auto_now=True)
    # The published copy: what the public pages show, as the admin approved it.
    published_summary = models.CharField(_("已发布简介"), max_length=SUMMARY_MAX_CHARS, blank=True)
    published_practice = models.TextField(_("已发布典型经验做法"), blank=True)
    published_brand_name = models.CharField(_("已发布服务品牌名称"), max_length=BRAND_NAME_MAX_CHARS, blank=True)
    published_brand_description = models.TextField(_("已发布服务品牌介绍"), blank=True)
    published_photos = models.JSONField(_("已发布照片"), default=list, blank=True)  # [{"id": photo pk, "caption": …}]
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("审核人"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("标杆机构宣传展示")
        verbose_name_plural = _("标杆机构宣传展示")
        ordering = ["-published_at", "-pk"]

    def __str__(self):
        return self.award.institution_name or str(self.award.institution)

    def get_absolute_url(self):
        return reverse("showcase:detail", args=[self.pk])

    @property
    def is_published(self) -> bool:
        return self.published_at is not None

    @property
    def is_public(self) -> bool:
        return self.is_published and self.award.is_valid

    @property
    def status_css(self) -> str:
        return STATUS_CSS.get(self.status, self.status)

    def published_photo_ids(self) -> list[int]:
        return [entry["id"] for entry in self.published_photos]


class ShowcasePhoto(models.Model):
    """A photo of a showcase, re-encoded on upload (no EXIF: no place, device or author leaves with it).

    A photo removed from the working copy while the published copy shows it is only marked `removed_at`: it stays
    until an approval publishes a copy without it, and is deleted then.
    """

    showcase = models.ForeignKey(Showcase, on_delete=models.CASCADE, related_name="photos")
    file = models.FileField(_("文件"), upload_to=RandomName("showcase"))
    caption = models.CharField(_("照片说明"), max_length=CAPTION_MAX_CHARS)
    original_name = models.CharField(_("原文件名"), max_length=200)
    content_type = models.CharField(_("文件类型"), max_length=100)
    size = models.PositiveIntegerField(_("大小（字节）"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    width = models.PositiveIntegerField(_("宽度"))
    height = models.PositiveIntegerField(_("高度"))
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)
    removed_at = models.DateTimeField(_("移除时间"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("宣传照片")
        verbose_name_plural = _("宣传照片")
        ordering = ["uploaded_at", "pk"]

    def __str__(self):
        return self.caption or self.original_name
