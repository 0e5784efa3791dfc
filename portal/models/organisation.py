"""Where evaluations happen and who is evaluated: regions, departments, institutions (and the random file names of their uploads)."""

import uuid
from pathlib import PurePath

from django.db import models
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from portal.enums import DepartmentKind, InstitutionKind, InstitutionStatus, RegionLevel, Settlement
from portal.validators import normalize_uscc, validate_phone, validate_uscc


@deconstructible(path="portal.models.RandomName")  # the name migrations know it by
class RandomName:
    """upload_to that stores a file under `<folder>/<random hex><ext>`: a name nobody can guess."""

    def __init__(self, folder: str):
        self.folder = folder

    def __call__(self, instance, filename: str) -> str:
        suffix = PurePath(filename).suffix.lower()[:10]
        return f"{self.folder}/{uuid.uuid4().hex}{suffix}"

    def __eq__(self, other):
        return isinstance(other, RandomName) and other.folder == self.folder


class Region(models.Model):
    """An administrative division, by its code (行政区划代码)."""

    code = models.CharField(
        _("区划代码"), max_length=12, unique=True,
        help_text=_("县级以上为6位行政区划代码；街道（镇）、社区（村）为12位统计用区划代码。"),
    )
    name = models.CharField(_("名称"), max_length=50)
    level = models.CharField(_("层级"), max_length=10, choices=RegionLevel.choices)
    parent = models.ForeignKey(
        "self", verbose_name=_("上级区划"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    settlement = models.CharField(
        _("社区或村"), max_length=10, choices=Settlement.choices, blank=True, help_text=_("仅社区（村）一级填写。")
    )
    # No statistical code known: the portal gave one inside the parent's (portal.regions), kept apart from the real ones.
    code_is_local = models.BooleanField(
        _("本地编码"), default=False, help_text=_("暂无统计用区划代码，由系统在上级代码内编排；取得正式代码后可更正。")
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("行政区划")
        verbose_name_plural = _("行政区划")
        ordering = ["code"]

    def __str__(self):
        return self.name

    @property
    def code_prefix(self) -> str:
        """The part of the code that every subdivision shares: 37 for a province, 3703 for a city, 370322 for a county,
        440117101 for a town (the first 9 of its 12 statistical digits), the whole code of a community or village."""
        length = {RegionLevel.PROVINCE: 2, RegionLevel.CITY: 4, RegionLevel.COUNTY: 6, RegionLevel.TOWN: 9}
        return self.code[: length[self.level]] if self.level in length else self.code

    def contains(self, other: "Region") -> bool:
        """Whether `other` is this region or one of its subdivisions (高青县 lies in 淄博市 and in 山东省)."""
        return other.code.startswith(self.code_prefix)


class Department(models.Model):
    """A government department that takes part in an evaluation (人社局, 发改局, 民政局 …)."""

    name = models.CharField(_("部门名称"), max_length=100, unique=True)
    short_name = models.CharField(_("简称"), max_length=30, blank=True)
    doc_prefix = models.CharField(
        _("发文机关代字"), max_length=30, blank=True, help_text=_("本部门牵头发文的文号代字，例如：高人社字。")
    )
    kind = models.CharField(_("部门类别"), max_length=10, choices=DepartmentKind.choices)
    region = models.ForeignKey(Region, verbose_name=_("所属区划"), on_delete=models.PROTECT)
    seal_image = models.ImageField(
        _("印章图片"), upload_to=RandomName("seals"), blank=True, help_text=_("PNG 透明底图片，用于部门意见和发文。")
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("部门")
        verbose_name_plural = _("部门")
        ordering = ["region__code", "kind", "name"]

    def __str__(self):
        return self.name


class Institution(models.Model):
    """申报机构: an institution that applies, registered by its own staff or by the admin."""

    # The moves of `status` (portal.transitions): the admin verifies or refuses a registration, and may correct
    # either decision later.
    TRANSITIONS = {
        InstitutionStatus.PENDING: {InstitutionStatus.VERIFIED, InstitutionStatus.REJECTED},
        InstitutionStatus.VERIFIED: {InstitutionStatus.REJECTED},
        InstitutionStatus.REJECTED: {InstitutionStatus.VERIFIED},
    }

    name = models.CharField(_("机构名称"), max_length=100)
    uscc = models.CharField(
        _("统一社会信用代码"),
        max_length=18,
        unique=True,
        validators=[validate_uscc],
        help_text=_("18位，见营业执照或事业单位法人证书。"),
        error_messages={"unique": _("该统一社会信用代码已登记。如需加入该机构，请联系管理员。")},
    )
    kind = models.CharField(_("机构类型"), max_length=20, choices=InstitutionKind.choices)
    region = models.ForeignKey(Region, verbose_name=_("所在区划"), on_delete=models.PROTECT, related_name="institutions")
    address = models.CharField(_("地址"), max_length=200)
    principal_name = models.CharField(_("主要负责人"), max_length=50)
    contact_name = models.CharField(_("联系人"), max_length=50)
    contact_phone = models.CharField(_("联系电话"), max_length=30, validators=[validate_phone])
    contact_email = models.EmailField(_("联系邮箱"), blank=True)
    supervisor = models.ForeignKey(
        Department,
        verbose_name=_("主管部门"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="supervised_institutions",
        help_text=_("直接主管本机构的部门，例如县公共就业和人才服务中心由县人社局主管。评审回避时使用。"),
    )
    status = models.CharField(
        _("核验状态"), max_length=10, choices=InstitutionStatus.choices, default=InstitutionStatus.PENDING
    )
    verified_at = models.DateTimeField(_("核验时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("申报机构")
        verbose_name_plural = _("申报机构")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def clean(self):
        if self.uscc:
            self.uscc = normalize_uscc(self.uscc)


# The user name is unique (the forms check it case-insensitively; the database has the last word when two ask at once).
