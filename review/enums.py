"""Choices of the review stage (评审), with their Chinese labels."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ReviewMethod(models.TextChoices):
    """Seed 000 五.2: 书面评审、现场答辩或实地考察."""

    WRITTEN = "written", _("书面评审")
    DEFENSE = "defense", _("现场答辩")
    FIELD = "field", _("实地考察")


class AssignmentStatus(models.TextChoices):
    PROPOSED = "proposed", _("待确认")
    AWAITING_DECLARATION = "awaiting", _("待声明回避")
    ACTIVE = "active", _("评审中")
    RECUSED = "recused", _("已回避")


class ConflictKind(models.TextChoices):
    NONE = "none", _("无利益冲突")
    EMPLOYMENT = "employment", _("近三年内在该机构任职或工作")
    RELATIVE = "relative", _("与该机构负责人或主要人员有近亲属关系")
    FINANCIAL = "financial", _("与该机构存在经济利益关系")
    OTHER = "other", _("其他可能影响公正评审的情形")


class SheetStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("已提交")
    REOPENED = "reopened", _("已退回修改")


class OpinionVerdict(models.TextChoices):
    AGREE = "agree", _("同意")
    DISAGREE = "disagree", _("不同意")
