"""Choices of the shared core, with their Chinese labels."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Level(models.TextChoices):
    """The level of a programme (seed 001: 十百千 = province 10, city 100, county 1000)."""

    COUNTY = "county", _("县级")
    CITY = "city", _("市级")
    PROVINCE = "province", _("省级")


# Targets of Shandong's 「十百千」 programme (seed 001, 二): benchmark institutions per level by 2025.
LEVEL_TARGETS = {Level.PROVINCE: 10, Level.CITY: 100, Level.COUNTY: 1000}


class RegionLevel(models.TextChoices):
    PROVINCE = "province", _("省")
    CITY = "city", _("市")
    COUNTY = "county", _("县（市、区）")
    TOWN = "town", _("街道（镇）")
    COMMUNITY = "community", _("社区（村）")


class Settlement(models.TextChoices):
    """What a 社区（村） is: an urban community (居民委员会) or a village (村民委员会). Seed 002 sets its targets apart:
    「充分就业社区建设率达到75%…充分就业村建设率达到70%以上」."""

    COMMUNITY = "community", _("社区")
    VILLAGE = "village", _("村")


class ProgrammeKind(models.TextChoices):
    """What a programme awards: benchmark institutions (seed 000, 001), or a title of communities and villages built
    on a rubric (seed 002, yearly campaigns: the communities app)."""

    BENCHMARK = "benchmark", _("就业服务质量标杆机构")
    QUALITY_VILLAGE = "quality_village", _("高质量就业村")
    FULL_EMPLOYMENT = "full_employment", _("充分就业社区（村）")


class InstitutionKind(models.TextChoices):
    """The kinds of institution that may be evaluated (seed 000, 二 评定对象)."""

    PUBLIC_AGENCY = "public_agency", _("公共就业服务机构")
    GRASSROOTS_PLATFORM = "grassroots", _("基层公共就业服务平台（街道（镇）、社区（村））")
    COMMERCIAL_HR = "commercial_hr", _("经营性人力资源服务机构")
    GIG_MARKET = "gig_market", _("零工市场")
    TRAINING = "training", _("职业培训机构")


class InstitutionStatus(models.TextChoices):
    PENDING = "pending", _("待核验")
    VERIFIED = "verified", _("已核验")
    REJECTED = "rejected", _("未通过核验")


class DepartmentKind(models.TextChoices):
    HR = "hr", _("人力资源社会保障部门")
    DRC = "drc", _("发展改革部门")
    CIVIL_AFFAIRS = "civil", _("民政部门")
    FINANCE = "finance", _("财政部门")
    OTHER = "other", _("其他部门")


class Role(models.TextChoices):
    """What a user does in the portal (docs/domain.md, 'Who uses the portal')."""

    APPLICANT = "applicant", _("申报机构经办人")
    REVIEWER = "reviewer", _("评审专家")
    DEPARTMENT_LEAD = "dept_lead", _("部门负责人")
    PROGRAMME_ADMIN = "programme_admin", _("评定工作管理员")
    VIEWER = "viewer", _("上级查看")
    SYSTEM_ADMIN = "system_admin", _("系统管理员")
    SECURITY_ADMIN = "security_admin", _("安全管理员")
    AUDIT_ADMIN = "audit_admin", _("审计管理员")
    COMMUNITY_STAFF = "community_staff", _("社区（村）经办人")
    TOWN_STAFF = "town_staff", _("街道（镇）经办人")


class GroupPosition(models.TextChoices):
    """Positions in the evaluation group (seed 000, annex 1)."""

    LEADER = "leader", _("组长")
    DEPUTY = "deputy", _("副组长")
    MEMBER = "member", _("成员")


class AuditEvent(models.TextChoices):
    """What an audit record is about (docs/security.md 8)."""

    LOGIN = "login", _("登录")
    LOGIN_FAILED = "login_failed", _("登录失败")
    LOGOUT = "logout", _("退出登录")
    LOCKOUT = "lockout", _("账号锁定")
    PERMISSION_CHANGE = "permission_change", _("权限变更")
    TRANSITION = "transition", _("状态变更")
    EXPORT = "export", _("导出")
    PERSONAL_DATA_VIEW = "personal_data_view", _("查看个人信息明文")
    PURGE = "purge", _("清除个人信息")
    ADMIN_CHANGE = "admin_change", _("管理后台变更")
    UNLOCK = "unlock", _("解锁账号")
    SECOND_FACTOR = "second_factor", _("二次验证")
    AUDIT_VERIFY = "audit_verify", _("校验审计链")
