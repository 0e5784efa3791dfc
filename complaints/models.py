"""A complaint to a service platform (seed 003 三(五)2): 「对群众的意见和投诉，应做到当日先有回音，并提出处理或整改时限，
按时限告知或公布处理结果，对工作人员的个人投诉，要责令限时改正。」

The complainant's name and phone are encrypted at rest (portal.crypto), kept out of the field history, shown masked
on staff pages and exports, and never on public pages or in e-mails (docs/security.md 18–19).
"""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from complaints.enums import Channel, ComplaintStatus, ToldHow
from platforms.models import StaffMember
from portal.crypto import EncryptedTextField
from portal.models import Institution

S = ComplaintStatus
TRANSITIONS = {
    S.RECEIVED: {S.ANSWERED},
    S.ANSWERED: {S.CONCLUDED},
    S.CONCLUDED: {S.TOLD},
    S.TOLD: set(),
}

IDENTITY_FIELDS = ("complainant_name", "complainant_phone")


class Complaint(models.Model):
    institution = models.ForeignKey(Institution, verbose_name=_("被投诉机构"), on_delete=models.PROTECT, related_name="complaints")
    channel = models.CharField(_("投诉渠道"), max_length=10, choices=Channel.choices)
    status = models.CharField(_("状态"), max_length=12, choices=ComplaintStatus.choices, default=S.RECEIVED)
    receipt_number = models.CharField(_("回执号"), max_length=30, unique=True)
    token = EncryptedTextField(editable=False)
    received_at = models.DateTimeField(_("收到时间"))
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("登记人"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    complainant_name = EncryptedTextField(_("投诉人姓名"), blank=True)
    complainant_phone = EncryptedTextField(_("联系电话"), blank=True)
    facts = models.TextField(_("投诉事项"))
    staff_member = models.ForeignKey(
        StaffMember, verbose_name=_("被投诉工作人员"), null=True, blank=True, on_delete=models.PROTECT, related_name="complaints"
    )
    staff_named = models.CharField(_("投诉人所指工作人员"), max_length=60, blank=True, help_text=_("工号或姓名，由机构核对。"))
    publish_consent = models.BooleanField(_("同意公布处理结果"), default=False)

    # 当日先有回音: due by first_answer_due_at (complaints.deadlines.first_answer_due), with the handling deadline.
    first_answer_due_at = models.DateTimeField(_("回音时限"))
    first_answer = models.TextField(_("回音内容"), blank=True)
    first_answered_at = models.DateTimeField(_("回音时间"), null=True, blank=True)
    first_answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("回音人"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    handling_deadline = models.DateField(_("处理时限"), null=True, blank=True)
    first_answer_alarmed_at = models.DateTimeField(_("逾期告警时间"), null=True, blank=True)

    substantiated = models.BooleanField(_("是否查实"), null=True, blank=True)
    findings = models.TextField(_("调查处理情况"), blank=True)
    correction_deadline = models.DateField(_("责令改正时限"), null=True, blank=True)
    concluded_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    concluded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("办结人"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    told_how = models.CharField(_("告知方式"), max_length=12, choices=ToldHow.choices, blank=True)
    told_at = models.DateTimeField(_("告知时间"), null=True, blank=True)

    published_summary = models.TextField(_("公布的事项摘要"), blank=True)
    published_outcome = models.TextField(_("公布的处理结果"), blank=True)
    published_at = models.DateTimeField(_("公布时间"), null=True, blank=True)

    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(excluded_fields=[*IDENTITY_FIELDS, "token"])

    class Meta:
        verbose_name = _("群众投诉")
        verbose_name_plural = _("群众投诉")
        ordering = ["-received_at", "-pk"]
        indexes = [models.Index(fields=["institution", "received_at"])]

    def __str__(self):
        return self.receipt_number

    def get_absolute_url(self):
        return reverse("complaints:detail", args=[self.pk])

    @property
    def first_answer_due_label(self) -> str:
        """The due time as people say it: 「2026-12-04 24:00」 rather than the midnight it is stored as (Beijing time)."""
        due = timezone.localtime(self.first_answer_due_at)
        if (due.hour, due.minute) == (0, 0):
            return f"{(due - timedelta(days=1)):%Y-%m-%d} 24:00"
        return f"{due:%Y-%m-%d %H:%M}"

    def first_answer_missed(self, now=None) -> bool:
        """Whether the first answer came (or is still missing) after its due time."""
        if self.first_answered_at is not None:
            return self.first_answered_at > self.first_answer_due_at
        return (now or timezone.now()) >= self.first_answer_due_at

    def handling_overdue(self, today=None) -> bool:
        """The outcome not told by the handling deadline (「按时限告知或公布处理结果」)."""
        if self.status not in (S.ANSWERED, S.CONCLUDED) or self.handling_deadline is None:
            return False
        return (today or timezone.localdate()) > self.handling_deadline

    @property
    def answer_missed(self) -> bool:
        return self.first_answer_missed()

    @property
    def overdue(self) -> bool:
        return self.handling_overdue()

    @property
    def is_published(self) -> bool:
        return self.published_at is not None
