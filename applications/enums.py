"""Statuses and kinds of the application stage, with their Chinese labels."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ApplicationStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("已提交")
    RETURNED = "returned", _("退回补正")
    RESUBMITTED = "resubmitted", _("已重新提交")
    ACCEPTED = "accepted", _("已受理")
    REJECTED = "rejected", _("不予受理")
    WITHDRAWN = "withdrawn", _("已撤回")


class ConditionSection(models.TextChoices):
    """Seed 000 四(一) basic conditions and 四(二) the level's conditions."""

    BASIC = "basic", _("基本条件")
    LEVEL = "level", _("本级评定条件")


class SelfCheck(models.TextChoices):
    MET = "met", _("符合")
    NOT_MET = "not_met", _("不符合")
    NOT_APPLICABLE = "na", _("不适用")


class PriorityKind(models.TextChoices):
    """Items that give priority (优先评定, seed 000 四(二)5)."""

    LEADER_ENDORSEMENT = "endorsement", _("主要领导同志批示肯定")
    HONOUR = "honour", _("荣誉称号（优质服务窗口、就业创业工作先进集体等）")
    PROMOTION_AWARD = "promotion_award", _("人力资源服务机构促就业项目奖励")


class IssuerLevel(models.TextChoices):
    """The level of the body that endorsed, honoured or rewarded (授予/批示单位级别). Seed 000 四(二)5 gives priority
    only to 「县级以上（含县级）」: `PRIORITY_LEVELS`."""

    NATIONAL = "national", _("国家级")
    PROVINCE = "province", _("省级")
    CITY = "city", _("市级")
    COUNTY = "county", _("县级")
    TOWNSHIP = "township", _("乡镇（街道）级")
    OTHER = "other", _("其他")


# 「县级以上（含县级）」: a township's body, an industry association or the institution's own parent gives no priority.
PRIORITY_LEVELS = frozenset({IssuerLevel.NATIONAL, IssuerLevel.PROVINCE, IssuerLevel.CITY, IssuerLevel.COUNTY})


class AttachmentPurpose(models.TextChoices):
    EVIDENCE = "evidence", _("佐证材料")
    CONDITION = "condition", _("条件佐证")
    PRIORITY = "priority", _("优先评定证明")
    SEAL = "seal", _("盖章/签字页")
