"""公示 · 异议 · 公布 · 授牌 · 撤销.

A publicity notice is a snapshot of a round's frozen shortlist, with its working-day period. Whether it is
open is derived from its dates (`closes_at`), never from a task having run. Objections against a listed
institution carry the objector's identity encrypted (portal.crypto) and outside the field history.
"""

import hashlib
import json
import secrets

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from applications.models import Application
from portal.crypto import EncryptedTextField
from portal.models import Institution, Programme, RandomName, Region, Round, Title
from portal.validators import cn_date
from publicity.enums import (
    OBJECTION_CLOSED,
    AnnouncementStatus,
    BatchStatus,
    FontRole,
    IdentityAccessStatus,
    NoticeState,
    ObjectionStatus,
    ObjectorType,
    RevocationGround,
)


class PublicityNotice(models.Model):
    """公示: published once, then only read. An adjusted list (调整后名单) is a new notice that `replaces` it."""

    round = models.ForeignKey(Round, verbose_name=_("申报批次"), on_delete=models.PROTECT, related_name="notices")
    replaces = models.ForeignKey(
        "self",
        verbose_name=_("调整的公示"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="adjusted_by",
    )
    index_number = models.CharField(_("索引号"), max_length=60, unique=True)
    document_number = models.CharField(_("文号"), max_length=60, blank=True)
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("正文"))
    contacts = models.TextField(_("异议受理联系方式"))
    issuers = models.JSONField(_("发文机关"), default=list)
    written_on = models.DateField(_("成文日期"))
    published_at = models.DateTimeField(_("发布时间"))
    starts_on = models.DateField(_("公示开始日期"))
    ends_on = models.DateField(_("公示结束日期"))
    working_days = models.PositiveSmallIntegerField(_("公示工作日数"))
    closes_at = models.DateTimeField(_("异议截止时间"), db_index=True)
    digest = models.CharField(_("内容摘要值"), max_length=128, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # Set by the sweep when it has told the admins that the period ended; the state does not read it.
    end_processed_at = models.DateTimeField(_("期满处理时间"), null=True, blank=True, editable=False)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("公示")
        verbose_name_plural = _("公示")
        ordering = ["-published_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(ends_on__gte=models.F("starts_on")), name="notice_period_ordered")
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("publicity:notice", args=[self.pk])

    def is_open(self, now=None) -> bool:
        now = now or timezone.now()
        return self.published_at <= now < self.closes_at

    def state(self, now=None) -> NoticeState:
        return NoticeState.OPEN if self.is_open(now) else NoticeState.ENDED

    @property
    def state_label(self):
        return self.state().label

    @property
    def period_label(self) -> str:
        return period_text(self.starts_on, self.ends_on, self.working_days)

    @property
    def closes_label(self) -> str:
        return closes_text(self.ends_on)

    def content_digest(self) -> str:
        """SHA-256 over what the public reads (docs/security.md 21); the public page shows and checks it."""
        algorithm = getattr(settings, "PUBLICATION_HASH", "sha256")
        entries = [[e.rank, e.institution_name, e.institution_kind, e.region_name] for e in self.entries.all()]
        payload = json.dumps(
            [
                self.index_number,
                self.document_number,
                self.title,
                self.body,
                self.contacts,
                self.issuers,
                self.written_on.isoformat(),
                self.starts_on.isoformat(),
                self.ends_on.isoformat(),
                entries,
            ],
            ensure_ascii=False,
        )
        return hashlib.new(algorithm, payload.encode()).hexdigest()


def period_text(starts_on, ends_on, working_days: int) -> str:
    """「公示时间：X月X日至X月X日（5个工作日）」, as government notices print it."""
    return _("公示时间：%(start)s至%(end)s（%(days)d个工作日）") % {
        "start": _month_day(starts_on),
        "end": _month_day(ends_on),
        "days": working_days,
    }


def closes_text(ends_on) -> str:
    """When objections close: the end of the last day, 「2026年10月9日24时」."""
    return _("%(date)s24时") % {"date": cn_date(ends_on)}


def _month_day(d) -> str:
    return _("%(month)d月%(day)d日") % {"month": d.month, "day": d.day}


class NoticeEntry(models.Model):
    """One institution listed on a notice, as it was published (names are copied, the record never changes)."""

    notice = models.ForeignKey(PublicityNotice, on_delete=models.CASCADE, related_name="entries")
    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="notice_entries")
    institution = models.ForeignKey(Institution, on_delete=models.PROTECT, related_name="+")
    institution_name = models.CharField(_("机构名称"), max_length=200)
    institution_kind = models.CharField(_("机构类别"), max_length=50)
    region_name = models.CharField(_("所在区划"), max_length=50)
    rank = models.PositiveSmallIntegerField(_("排名"))
    is_replacement = models.BooleanField(_("递补"), default=False)
    disqualified_at = models.DateTimeField(_("取消资格时间"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("公示机构")
        verbose_name_plural = _("公示机构")
        ordering = ["rank", "pk"]
        constraints = [models.UniqueConstraint(fields=["notice", "application"], name="one_entry_per_notice")]

    def __str__(self):
        return self.institution_name


# The objector's identity: encrypted, never in the field history, purged after retention (docs/security.md 18–20).
IDENTITY_FIELDS = ("name", "contact_person", "phone", "id_number", "email", "seal")


class Objection(models.Model):
    """异议 against one listed institution. The receipt number names it; only the receipt plus the token open it."""

    notice = models.ForeignKey(PublicityNotice, on_delete=models.PROTECT, related_name="objections")
    entry = models.ForeignKey(NoticeEntry, verbose_name=_("被异议机构"), on_delete=models.PROTECT, related_name="objections")
    receipt_number = models.CharField(_("回执号"), max_length=30, unique=True)
    # The secret of the private link (打开回执链接的密钥), encrypted so the reply e-mail can repeat the link.
    token = EncryptedTextField(editable=False)
    objector_type = models.CharField(_("异议人类型"), max_length=12, choices=ObjectorType.choices)
    name = EncryptedTextField(_("姓名或单位名称"), blank=True)
    contact_person = EncryptedTextField(_("联系人"), blank=True)
    phone = EncryptedTextField(_("联系电话"), blank=True)
    id_number = EncryptedTextField(_("身份证号码"), blank=True)
    email = EncryptedTextField(_("电子邮箱"), blank=True)
    seal = models.FileField(_("单位印章"), upload_to=RandomName("objection-seals"), blank=True)
    facts = models.TextField(_("异议事实和理由"))
    status = models.CharField(
        _("办理状态"), max_length=12, choices=ObjectionStatus.choices, default=ObjectionStatus.RECEIVED, db_index=True
    )
    submitted_at = models.DateTimeField(_("提交时间"), default=timezone.now)
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("经办人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="handled_objections",
    )
    deadline = models.DateField(_("办理期限"), null=True, blank=True)
    assigned_at = models.DateTimeField(_("交办时间"), null=True, blank=True)
    findings = models.TextField(_("核查情况"), blank=True)
    reply = models.TextField(_("答复意见"), blank=True)
    decided_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reply_sent_at = models.DateTimeField(_("答复送达时间"), null=True, blank=True, editable=False)
    reminder_sent_at = models.DateTimeField(_("到期提醒时间"), null=True, blank=True, editable=False)
    identity_purged_at = models.DateTimeField(_("身份信息清除时间"), null=True, blank=True, editable=False)

    history = HistoricalRecords(excluded_fields=[*IDENTITY_FIELDS, "token"])

    class Meta:
        verbose_name = _("异议")
        verbose_name_plural = _("异议")
        ordering = ["-submitted_at", "-pk"]
        permissions = [
            ("view_objector_identity", _("查看异议人身份")),
            ("handle_objection", _("办理异议")),
            # Held by the security administrators' group, globally: they decide who may see an identity.
            ("approve_identity_access", _("批准查看异议人身份")),
        ]

    def __str__(self):
        return self.receipt_number

    def get_absolute_url(self):
        return reverse("publicity:objection", args=[self.pk])

    @property
    def is_closed(self) -> bool:
        return self.status in OBJECTION_CLOSED

    def is_overdue(self, today=None) -> bool:
        today = today or timezone.localdate()
        return not self.is_closed and self.deadline is not None and self.deadline < today


class IdentityAccessRequest(models.Model):
    """A request that `grantee` may see this objector's identity (PIPL: a second person decides, docs/security.md 7, 18).

    A programme admin asks, with a reason; a security administrator, who is neither the one asking nor the grantee,
    approves (the object permission is granted then) or refuses; an approved access can be withdrawn.
    """

    objection = models.ForeignKey(Objection, on_delete=models.CASCADE, related_name="identity_requests")
    grantee = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("被授权人"), on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField(_("申请理由"))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("申请人"), on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(_("申请时间"), default=timezone.now)
    status = models.CharField(
        _("状态"), max_length=10, choices=IdentityAccessStatus.choices, default=IdentityAccessStatus.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("审批人"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(_("审批时间"), null=True, blank=True)
    decision_note = models.TextField(_("审批意见"), blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("异议人身份查看申请")
        verbose_name_plural = _("异议人身份查看申请")
        ordering = ["-requested_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["objection", "grantee"],
                condition=models.Q(status="pending"),
                name="one_pending_identity_request",
            ),
        ]

    def __str__(self):
        return f"{self.objection} · {self.grantee}"


class ObjectionEvidence(models.Model):
    """A file the objector attached. Served only to staff who may handle the objection."""

    objection = models.ForeignKey(Objection, on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField(_("文件"), upload_to=RandomName("objections"))
    original_name = models.CharField(_("原文件名"), max_length=200)
    size = models.PositiveIntegerField(_("大小（字节）"))
    content_type = models.CharField(_("文件类型"), max_length=100)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("异议证据")
        verbose_name_plural = _("异议证据")
        ordering = ["uploaded_at", "pk"]

    def __str__(self):
        return self.original_name


class Announcement(models.Model):
    """公布: the departments' joint document naming the benchmark institutions of a round (文号, 成文日期)."""

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

    history = HistoricalRecords()

    class Meta:
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
        return reverse("publicity:result", args=[self.pk])

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
        return self.filter(revoked_at__isnull=True)


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
        return f"{self.plaque_number} {self.institution_name or self.institution}"

    def save(self, *args, **kwargs):
        if not self.verify_code:  # every award can be verified, however it was created
            self.verify_code = secrets.token_urlsafe(12)
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "verify_code"}
        super().save(*args, **kwargs)

    def get_verify_url(self) -> str:
        return reverse("publicity:verify", args=[self.verify_code])

    @property
    def is_valid(self) -> bool:
        return self.revoked_at is None


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

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("撤销")
        verbose_name_plural = _("撤销")
        ordering = ["-decided_on", "-pk"]

    def __str__(self):
        return f"{self.award} · {self.get_ground_display()}"

    def get_absolute_url(self):
        return reverse("publicity:revocation", args=[self.pk])

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
        verbose_name = _("撤销证据")
        verbose_name_plural = _("撤销证据")

    def __str__(self):
        return self.original_name


class PlaqueBatch(models.Model):
    """A Celery job rendering many plaques into one ZIP, with its progress (the page polls it)."""

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
        verbose_name = _("奖牌批量生成")
        verbose_name_plural = _("奖牌批量生成")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.pk} {self.status} {self.done}/{self.total}"

    @property
    def percent(self) -> int:
        return int(100 * (self.done + len(self.failures)) / self.total) if self.total else 0


class PlaqueFont(models.Model):
    """A licensed font file an admin installed for one role of the plaque; the newest active one is used."""

    role = models.CharField(_("用途"), max_length=10, choices=FontRole.choices)
    name = models.CharField(_("字体名称"), max_length=100)
    file = models.FileField(_("字体文件"), upload_to=RandomName("fonts"))
    active = models.BooleanField(_("启用"), default=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("奖牌字体")
        verbose_name_plural = _("奖牌字体")
        ordering = ["role", "-uploaded_at"]

    def __str__(self):
        return f"{self.get_role_display()}：{self.name}"
