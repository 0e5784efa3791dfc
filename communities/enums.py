"""Choices of the community and village campaigns (seed 002), with their Chinese labels."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class EntryStatus(models.TextChoices):
    """Where a community or village of the creation list stands in the chain 「社区(村)自评、镇评估推荐，区核定、公示，
    市公布」 (seed 002 五(四))."""

    LISTED = "listed", _("创建中")
    SELF_SUBMITTED = "self_submitted", _("自评已提交")
    RECOMMENDED = "recommended", _("镇已推荐")
    NOT_RECOMMENDED = "not_recommended", _("镇未推荐")
    VERIFIED = "verified", _("区已核定")
    NOT_VERIFIED = "not_verified", _("区核定未通过")
    PUBLICISED = "publicised", _("公示中")
    TITLED = "titled", _("已公布（获得称号）")
    DISQUALIFIED = "disqualified", _("公示期间取消")


class Level(models.TextChoices):
    """Who evaluates: the community or village itself, its town, its district."""

    SELF = "self", _("社区（村）自评")
    TOWN = "town", _("镇评估")
    DISTRICT = "district", _("区核定")


class Owner(models.TextChoices):
    """Who owes a milestone of the plan."""

    COMMUNITY = "community", _("社区（村）")
    TOWN = "town", _("镇（街道）")
    DISTRICT = "district", _("区人社局")
    CITY = "city", _("市人社局")


# The status an entry must have for a level to start evaluating it.
STARTS_AT = {Level.SELF: EntryStatus.LISTED, Level.TOWN: EntryStatus.SELF_SUBMITTED, Level.DISTRICT: EntryStatus.RECOMMENDED}


class RecheckStatus(models.TextChoices):
    """A titled community's yearly re-check (复查复评, seed 002 六(二)): 「对复查复评不合格的，要限期整改，对整改不到位的及时
    上报区人社局取消其资格」."""

    CHECKING = "checking", _("复查中")
    PASSED = "passed", _("复查合格")
    RECTIFYING = "rectifying", _("限期整改")
    RECTIFIED = "rectified", _("整改合格")
    REPORTED = "reported", _("整改不到位，已上报区人社局")
    REMOVED = "removed", _("已取消资格")
