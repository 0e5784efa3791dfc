"""States and kinds of announcements, plaques and revocations, with their Chinese labels."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class FontRole(models.TextChoices):
    """The typefaces of the plaque (seed 000, last page) and of official documents (GB/T 9704-2012 7.2–7.4: 小标宋 for
    the 发文机关标志 and the title, 仿宋 for the text, 黑体 and 楷体 for the first and second levels of headings)."""

    WEIBEI = "weibei", _("魏碑（机构名称、标题）")
    HEITI = "heiti", _("黑体（奖牌：发牌单位、年月；公文：一级标题）")
    BIAOSONG = "biaosong", _("小标宋（公文：发文机关标志、标题）")
    FANGSONG = "fangsong", _("仿宋（公文：正文、署名、版记）")
    KAITI = "kaiti", _("楷体（公文：二级标题）")


class AnnouncementStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    ISSUED = "issued", _("已发布")


class AwardStatus(models.TextChoices):
    IN_FORCE = "in_force", _("有效")
    REVOKED = "revoked", _("已撤销")


class RevocationGround(models.TextChoices):
    """Seed 000 五.5: the grounds on which a title is withdrawn."""

    # In the seed's own words: 「出现申报材料虚假失实、机构注销、发生违法违规违纪问题、就业服务工作被证实达不到标准以及产生
    # 其它应当撤销评定的情形，将予以撤销」.
    FALSE_MATERIALS = "false_materials", _("申报材料虚假失实")
    DEREGISTERED = "deregistered", _("机构注销")
    VIOLATION = "violation", _("发生违法违规违纪问题")
    BELOW_STANDARD = "below_standard", _("就业服务工作被证实达不到标准")
    OTHER = "other", _("其它应当撤销评定的情形")


class BatchStatus(models.TextChoices):
    QUEUED = "queued", _("排队中")
    RUNNING = "running", _("生成中")
    DONE = "done", _("已完成")
    FAILED = "failed", _("失败")
