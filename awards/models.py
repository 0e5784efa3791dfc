"""公布 · 授牌 · 撤销: the departments' announcement of a round's result, the awards and their plaques, plaque batches,
revocations and the licensed plaque fonts (seed 000 五.6–五.7).

The tables keep the names they had when these models lived in `publicity` (db_table), so moving the code changed no
row. Each award enters its title in the core's ledger (portal.models.Title), which the quota and the 「十百千」
progress read.
"""

import hashlib
import json
import secrets

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from applications.models import Application
from awards.enums import AnnouncementStatus, AwardStatus, BatchStatus, FontRole, RevocationGround
from portal.documents import numbered_document
from portal.models import Institution, Programme, RandomName, Region, Round, Title
from publicity.models import PublicityNotice


@numbered_document
class Announcement(models.Model):
    """公布: the departments' joint document naming the benchmark institutions of a round (文号, 成文日期)."""

    # The moves of `status` (portal.transitions): a draft is issued once; an issued document never changes.
    TRANSITIONS = {AnnouncementStatus.DRAFT: {AnnouncementStatus.ISSUED}, AnnouncementStatus.ISSUED: set()}

    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="announcements")
    round = models.ForeignKey(Round, verbose_name=_("申报批次"), on_delete=models.PROTECT, related_name="announcements")
    notice = models.ForeignKey(PublicityNotice, verbose_name=_("依据的公示"), on_delete=models.PROTECT, related_name="+")
    status = models.CharField(_("状态"), max_length=10, choices=AnnouncementStatus.choices, default=AnnouncementStatus.DRAFT)
    doc_prefix = models.CharField(_("发文字号"), max_length=30, help_text=_("发文机关代字，例如：高人社字。"))
    doc_year = models.PositiveSmallIntegerField(_("年份"))
    doc_serial = models.PositiveIntegerField(_("序号"))
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("正文"))
    issuers = models.JSONField(_("发文机关"), default=list)
    written_on = models.DateField(_("成文日期"))
    index_number = models.CharField(_("索引号"), max_length=60, blank=True)
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    digest = models.CharField(_("内容摘要值"), max_length=128, blank=True, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    history = HistoricalRecords(table_name="publicity_historicalannouncement")

    class Meta:
        db_table = "publicity_announcement"  # the table it had in publicity: the move changed no row
        verbose_name = _("评定结果公布")
        verbose_name_plural = _("评定结果公布")
        ordering = ["-written_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "doc_prefix", "doc_year", "doc_serial"], name="one_document_number_per_programme_year"
            ),
            models.UniqueConstraint(
                fields=["index_number"], condition=~models.Q(index_number=""), name="announcement_index_number_unique"
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("awards:result", args=[self.pk])

    @property
    def document_number(self) -> str:
        """文号 as GB/T 9704 prints it: 高人社字〔2022〕12号."""
        return f"{self.doc_prefix}〔{self.doc_year}〕{self.doc_serial}号"

    @property
    def is_issued(self) -> bool:
        return self.status == AnnouncementStatus.ISSUED

    def content_digest(self) -> str:
        algorithm = getattr(settings, "PUBLICATION_HASH", "sha256")
        names = [[a.plaque_number, a.institution_name] for a in self.awards.order_by("plaque_number")]
        payload = json.dumps(
            [self.document_number, self.title, self.body, self.issuers, self.written_on.isoformat(), names],
            ensure_ascii=False,
        )
        return hashlib.new(algorithm, payload.encode()).hexdigest()


class AwardQuerySet(models.QuerySet):
    def valid(self):
        return self.filter(status=AwardStatus.IN_FORCE)


class Award(models.Model):
    """授牌: an institution named a benchmark institution of a programme (its level, jurisdiction and period).

    The plaque carries the number and a QR code of the verification link; the link's random code, not the number,
    opens the verification page, so a guessed number reveals nothing.
    """

    programme = models.ForeignKey(Programme, verbose_name=_("评定项目"), on_delete=models.PROTECT, related_name="awards")
    institution = models.ForeignKey(
        Institution, verbose_name=_("标杆机构"), on_delete=models.PROTECT, related_name="awards"
    )
    # The title in the core's ledger (portal.models.Title), which the quota and the 「十百千」 progress read; the award
    # keeps what the plaque prints.
    title = models.OneToOneField(
        Title, verbose_name=_("称号台账"), null=True, on_delete=models.PROTECT, related_name="award"
    )
    announcement = models.ForeignKey(
        Announcement, verbose_name=_("公布文件"), null=True, blank=True, on_delete=models.PROTECT, related_name="awards"
    )
    application = models.ForeignKey(
        Application, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    institution_name = models.CharField(_("机构名称"), max_length=200, blank=True)
    plaque_number = models.CharField(_("奖牌编号"), max_length=40, unique=True)
    verify_code = models.CharField(_("核验码"), max_length=40, unique=True, null=True, blank=True, editable=False)
    digest = models.CharField(_("奖牌摘要值"), max_length=128, blank=True, editable=False)
    awarded_on = models.DateField(_("授牌日期"))
    # The moves of `status` (portal.transitions): a title in force is revoked in public once (awards.services.
    # award_revoke, seed 000 五.5); a revoked title is never restored, a new award is a new evaluation.
    TRANSITIONS = {AwardStatus.IN_FORCE: {AwardStatus.REVOKED}}
    status = models.CharField(_("状态"), max_length=10, choices=AwardStatus.choices, default=AwardStatus.IN_FORCE)
    revoked_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)

    history = HistoricalRecords(table_name="publicity_historicalaward")
    objects = AwardQuerySet.as_manager()

    class Meta:
        db_table = "publicity_award"  # the table it had in publicity: the move changed no row
        verbose_name = _("授牌")
        verbose_name_plural = _("授牌")
        ordering = ["-awarded_on", "plaque_number"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "institution"], name="one_award_per_programme"),
            models.CheckConstraint(
                condition=models.Q(status="in_force", revoked_at__isnull=True)
                | models.Q(status="revoked", revoked_at__isnull=False),
                name="award_revoked_when_dated",
            ),
        ]

    def __str__(self):
        return f"{self.plaque_number} {self.institution_name or self.institution}"

    def save(self, *args, **kwargs):
        if not self.verify_code:  # every award can be verified, however it was created
            self.verify_code = secrets.token_urlsafe(12)
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "verify_code"}
        super().save(*args, **kwargs)

    def get_verify_url(self) -> str:
        return reverse("awards:verify", args=[self.verify_code])

    @property
    def is_valid(self) -> bool:
        return self.status == AwardStatus.IN_FORCE


class Revocation(models.Model):
    """撤销: a title withdrawn on one of the grounds of seed 000 五.5, published with its document number."""

    award = models.OneToOneField(Award, on_delete=models.PROTECT, related_name="revocation")
    ground = models.CharField(_("撤销事由"), max_length=20, choices=RevocationGround.choices)
    ground_text = models.TextField(_("事实和依据"))
    document_number = models.CharField(_("撤销文号"), max_length=60)
    decided_on = models.DateField(_("决定日期"))
    published_at = models.DateTimeField(_("发布时间"))
    quota_returned = models.BooleanField(_("名额退回本周期"), default=False)
    quota_reason = models.TextField(_("退回名额理由"), blank=True)
    digest = models.CharField(_("内容摘要值"), max_length=128, blank=True, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    history = HistoricalRecords(table_name="publicity_historicalrevocation")

    class Meta:
        db_table = "publicity_revocation"  # the table it had in publicity: the move changed no row
        verbose_name = _("撤销")
        verbose_name_plural = _("撤销")
        ordering = ["-decided_on", "-pk"]

    def __str__(self):
        return f"{self.award} · {self.get_ground_display()}"

    def get_absolute_url(self):
        return reverse("awards:revocation", args=[self.pk])

    def content_digest(self) -> str:
        algorithm = getattr(settings, "PUBLICATION_HASH", "sha256")
        payload = json.dumps(
            [self.award.plaque_number, self.award.institution_name, self.ground, self.ground_text, self.document_number,
             self.decided_on.isoformat()],
            ensure_ascii=False,
        )
        return hashlib.new(algorithm, payload.encode()).hexdigest()


class RevocationEvidence(models.Model):
    revocation = models.ForeignKey(Revocation, on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField(_("文件"), upload_to=RandomName("revocations"))
    original_name = models.CharField(_("原文件名"), max_length=200)
    size = models.PositiveIntegerField(_("大小（字节）"))
    content_type = models.CharField(_("文件类型"), max_length=100)
    sha256 = models.CharField(_("SHA-256"), max_length=64)

    class Meta:
        db_table = "publicity_revocationevidence"  # the table it had in publicity: the move changed no row
        verbose_name = _("撤销证据")
        verbose_name_plural = _("撤销证据")

    def __str__(self):
        return self.original_name


class PlaqueBatch(models.Model):
    """A Celery job rendering many plaques into one ZIP, with its progress (the page polls it)."""

    # The moves of `status` (portal.transitions): the first chunk a worker takes moves it to running (a conditional
    # UPDATE: chunks run side by side); the call that writes the ZIP ends it, done or failed.
    TRANSITIONS = {
        BatchStatus.QUEUED: {BatchStatus.RUNNING, BatchStatus.DONE, BatchStatus.FAILED},
        BatchStatus.RUNNING: {BatchStatus.DONE, BatchStatus.FAILED},
        BatchStatus.DONE: set(),
        BatchStatus.FAILED: set(),
    }

    announcement = models.ForeignKey(Announcement, null=True, blank=True, on_delete=models.CASCADE, related_name="batches")
    # Or every award of a jurisdiction (e.g. a province) in one year.
    region = models.ForeignKey(Region, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField(null=True, blank=True)
    chunks = models.JSONField(default=list)  # the award ids of each chunk, as queued (the catch-up queues them again)
    chunks_total = models.PositiveSmallIntegerField(default=0)
    chunks_done = models.JSONField(default=list)
    status = models.CharField(_("状态"), max_length=10, choices=BatchStatus.choices, default=BatchStatus.QUEUED)
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    failures = models.JSONField(default=list)
    archive = models.FileField(upload_to=RandomName("plaque-batches"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    progressed_at = models.DateTimeField(null=True, blank=True)  # the last plaque written (or the last catch-up)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "publicity_plaquebatch"  # the table it had in publicity: the move changed no row
        verbose_name = _("奖牌批量生成")
        verbose_name_plural = _("奖牌批量生成")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.pk} {self.status} {self.done}/{self.total}"

    @property
    def percent(self) -> int:
        return int(100 * (self.done + len(self.failures)) / self.total) if self.total else 0


class PlaqueFont(models.Model):
    """A licensed font file an admin installed for one role of the plaque or of official documents (`FontRole`); the
    newest active one of a role is used (awards.plaque_fonts)."""

    role = models.CharField(_("用途"), max_length=10, choices=FontRole.choices)
    name = models.CharField(_("字体名称"), max_length=100)
    file = models.FileField(_("字体文件"), upload_to=RandomName("fonts"))
    active = models.BooleanField(_("启用"), default=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    history = HistoricalRecords(table_name="publicity_historicalplaquefont")

    class Meta:
        db_table = "publicity_plaquefont"  # the table it had in publicity: the move changed no row
        verbose_name = _("奖牌和公文字体")
        verbose_name_plural = _("奖牌和公文字体")
        ordering = ["role", "-uploaded_at"]

    def __str__(self):
        return f"{self.get_role_display()}：{self.name}"
