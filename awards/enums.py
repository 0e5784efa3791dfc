"""States and kinds of announcements, plaques and revocations, with their Chinese labels."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class FontRole(models.TextChoices):
    """The two typefaces of the plaque (seed 000, last page)."""

    WEIBEI = "weibei", _("魏碑（机构名称、标题）")
    HEITI = "heiti", _("黑体（发牌单位、年月）")


class AnnouncementStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    ISSUED = "issued", _("已发布")


class AwardStatus(models.TextChoices):
    IN_FORCE = "in_force", _("有效")
    REVOKED = "revoked", _("已撤销")


class RevocationGround(models.TextChoices):
    """Seed 000 五.5: the grounds on which a title is withdrawn."""

    FALSE_MATERIALS = "false_materials", _("申报材料弄虚作假")
    DEREGISTERED = "deregistered", _("机构注销")
    VIOLATION = "violation", _("违法违纪")
    BELOW_STANDARD = "below_standard", _("经查实服务质量不达标")
    OTHER = "other", _("其他")


class BatchStatus(models.TextChoices):
    QUEUED = "queued", _("排队中")
    RUNNING = "running", _("生成中")
    DONE = "done", _("已完成")
    FAILED = "failed", _("失败")
