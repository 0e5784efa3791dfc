"""Statuses and channels of a complaint (seed 003 三(五)2)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    """The two ways seed 003 三(五)2 names: 意见箱 (online, the platform's public page) and the 投诉电话."""

    ONLINE = "online", _("网上意见箱")
    PHONE = "phone", _("投诉电话")


class ComplaintStatus(models.TextChoices):
    RECEIVED = "received", _("已受理")
    ANSWERED = "answered", _("已回音")
    CONCLUDED = "concluded", _("已办结")
    TOLD = "told", _("已告知结果")


class ToldHow(models.TextChoices):
    PHONE = "phone", _("电话告知")
    IN_PERSON = "in_person", _("当面告知")
    SMS = "sms", _("短信告知")
    LETTER = "letter", _("书面告知")
    PUBLISHED = "published", _("公布处理结果")
