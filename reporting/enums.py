"""States of an upward report and its timeliness, with their Chinese labels."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ReportStatus(models.TextChoices):
    DRAFT = "draft", _("待报送")
    SUBMITTED = "submitted", _("已报送")
    RECEIVED = "received", _("已签收")
    RETURNED = "returned", _("退回修改")


class Timeliness(models.TextChoices):
    """Derived, never stored: the first submission against the call's deadline (the end of that day, Beijing time)."""

    ON_TIME = "on_time", _("按时报送")
    LATE = "late", _("逾期报送")
    OVERDUE = "overdue", _("逾期未报")
    OPEN = "open", _("未到截止日期")


class ReminderKind(models.TextChoices):
    BEFORE = "before", _("截止前3天")
    DUE = "due", _("截止当日")
    OVERDUE = "overdue", _("已逾期")
