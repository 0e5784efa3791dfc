"""Statuses, grades and the evaluation sources of the yearly staff assessment (seed 003 三(四)4)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class AppraisalStatus(models.TextChoices):
    DRAFT = "draft", _("评分中")
    CONCLUDED = "concluded", _("已完成")


class Grade(models.TextChoices):
    """三(四)4: 「评定结果可分为优秀、称职、基本称职和不称职四个等级」."""

    EXCELLENT = "excellent", _("优秀")
    COMPETENT = "competent", _("称职")
    BASIC = "basic", _("基本称职")
    INCOMPETENT = "incompetent", _("不称职")


class Source(models.TextChoices):
    """三(四)4: 「评分可通过服务对象评价、员工相互评价和领导评价综合评定」."""

    CLIENTS = "clients", _("服务对象评价")
    PEERS = "peers", _("员工相互评价")
    LEADERS = "leaders", _("领导评价")
