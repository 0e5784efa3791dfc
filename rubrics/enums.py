"""Statuses of the assessments' ledger imports, and how a ledger row counts (the values of rubrics.ledger.Outcome)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class LedgerStatus(models.TextChoices):
    QUEUED = "queued", _("排队中")
    RUNNING = "running", _("导入中")
    DONE = "done", _("已完成")
    FAILED = "failed", _("导入失败")


class EntryOutcome(models.TextChoices):
    """rubrics.ledger.Outcome as stored, with rubrics.ledger.outcome_label's words."""

    ACHIEVED = "achieved", _("计入分子和分母")
    COUNTED = "counted", _("只计入分母")
    EXCLUDED = "excluded", _("剔除")
    REFUSED = "refused", _("不予采用")


# Where an honour or an event was given (per_event facts: 「获得市级以上荣誉」), highest first.
EVENT_LEVELS = (
    ("national", _("国家级")),
    ("province", _("省级")),
    ("city", _("市级")),
    ("county", _("区县级")),
    ("town", _("镇街级")),
    ("other", _("其他")),
)
