"""公示 · 异议 · 公布 · 授牌 · 撤销.

A publicity notice is a snapshot of a round's frozen shortlist, with its working-day period. Whether it is
open is derived from its dates (`closes_at`), never from a task having run. Objections against a listed
institution carry the objector's identity encrypted (portal.crypto) and outside the field history.
"""

import hashlib
import json

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from applications.models import Application
from portal.crypto import EncryptedTextField
from portal.display import cn_date
from portal.documents import numbered_document
from portal.models import Institution, RandomName, Round
from publicity.enums import OBJECTION_CLOSED, IdentityAccessStatus, NoticeState, ObjectionStatus, ObjectorType


@numbered_document
class PublicityNotice(models.Model):
    """公示: published once, then only read. An adjusted list (调整后名单) is a new notice that `replaces` it."""

    # The programme whose list it publishes: a benchmark round's shortlist (`round`), or a campaign's list of
    # communities and villages (seed 002 「区核定、公示」: no round, the communities app links its campaign to it).
    programme = models.ForeignKey(
        "portal.Programme", verbose_name=_("评定项目"), on_delete=models.PROTECT, related_name="notices"
    )
    round = models.ForeignKey(
        Round, verbose_name=_("申报批次"), null=True, blank=True, on_delete=models.PROTECT, related_name="notices"
    )
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
    """One institution, community or village listed on a notice, as it was published (names are copied, the record
    never changes): an institution's application, or a community or village itself (`region`)."""

    notice = models.ForeignKey(PublicityNotice, on_delete=models.CASCADE, related_name="entries")
    application = models.ForeignKey(
        Application, null=True, blank=True, on_delete=models.PROTECT, related_name="notice_entries"
    )
    institution = models.ForeignKey(Institution, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    region = models.ForeignKey(
        "portal.Region", verbose_name=_("社区（村）"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
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
        constraints = [
            models.UniqueConstraint(fields=["notice", "application"], name="one_entry_per_notice"),
            models.UniqueConstraint(
                fields=["notice", "region"], condition=models.Q(region__isnull=False), name="one_region_entry_per_notice"
            ),
            models.CheckConstraint(
                condition=models.Q(application__isnull=False) | models.Q(region__isnull=False), name="entry_lists_someone"
            ),
        ]

    def __str__(self):
        return self.institution_name


# The objector's identity: encrypted, never in the field history, purged after retention (docs/security.md 18–20).
IDENTITY_FIELDS = ("name", "contact_person", "phone", "id_number", "email", "seal")


# The short query code (查询码) on the receipt: 8 characters that can be read out over the phone (no 0/O, no 1/I),
# shown in two groups of four, ABCD-EFGH. It is not stored: it is worked out one-way from the private link's secret,
# so every objection has its own (old ones too), and knowing it tells nothing of the secret itself.
QUERY_CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
QUERY_CODE_LENGTH = 8


def query_code_of(token: str) -> str:
    """The 8-character query code of a private link's secret: 40 bits of its SHA-256, 5 bits a character."""
    digest = hashlib.sha256(b"objection-query-code\x00" + token.encode("utf-8", "replace")).digest()
    number = int.from_bytes(digest[:5], "big")
    return "".join(QUERY_CODE_ALPHABET[(number >> (5 * i)) & 31] for i in reversed(range(QUERY_CODE_LENGTH)))


def query_code_display(code: str) -> str:
    """ABCDEFGH → ABCD-EFGH, as the receipt prints it."""
    return f"{code[:4]}-{code[4:]}"


def query_code_normalized(text: str) -> str | None:
    """What a person typed as a query code, in the form query_code_of gives (case, spaces and dashes do not matter),
    or None when it is not one (then it may be the last segment of a private link, as old receipts said)."""
    code = "".join(text.split()).replace("-", "").replace("－", "").replace("—", "").upper()
    if len(code) == QUERY_CODE_LENGTH and all(c in QUERY_CODE_ALPHABET for c in code):
        return code
    return None


class Objection(models.Model):
    """异议 against one listed institution. The receipt number names it; only the receipt plus the token open it."""

    # The moves of `status` (portal.transitions): received, then under verification (assigned again to another
    # handler while it lasts), then upheld or not upheld for good.
    TRANSITIONS = {
        ObjectionStatus.RECEIVED: {ObjectionStatus.VERIFYING},
        ObjectionStatus.VERIFYING: {ObjectionStatus.VERIFYING, ObjectionStatus.UPHELD, ObjectionStatus.NOT_UPHELD},
        ObjectionStatus.UPHELD: set(),
        ObjectionStatus.NOT_UPHELD: set(),
    }

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

    @property
    def query_code(self) -> str:
        """The receipt's short query code (ABCD-EFGH); with the receipt number it opens the private link."""
        return query_code_display(query_code_of(self.token))

    def is_overdue(self, today=None) -> bool:
        today = today or timezone.localdate()
        return not self.is_closed and self.deadline is not None and self.deadline < today


class IdentityAccessRequest(models.Model):
    """A request that `grantee` may see this objector's identity (PIPL: a second person decides, docs/security.md 7, 18).

    A programme admin asks, with a reason; a security administrator, who is neither the one asking nor the grantee,
    approves (the object permission is granted then) or refuses; an approved access can be withdrawn.
    """

    # The moves of `status` (portal.transitions): a pending request is approved, refused or withdrawn; an approved
    # access can be withdrawn.
    TRANSITIONS = {
        IdentityAccessStatus.PENDING: {
            IdentityAccessStatus.APPROVED, IdentityAccessStatus.REFUSED, IdentityAccessStatus.REVOKED
        },
        IdentityAccessStatus.APPROVED: {IdentityAccessStatus.REVOKED},
        IdentityAccessStatus.REFUSED: set(),
        IdentityAccessStatus.REVOKED: set(),
    }

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
