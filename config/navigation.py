"""The navigation of each role: one table, read by the context processor."""

from functools import lru_cache

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.translation import gettext_lazy as _

from portal.enums import Role
from portal.permissions import effective_role

# role -> [(label, url name)]; every signed-in user also gets the home page first.
NAVIGATION = {
    Role.APPLICANT: [
        (_("我的申报"), "home"), (_("服务平台"), "platforms:index"), (_("群众投诉"), "complaints:index"),
        (_("满意度评价"), "satisfaction:results"),
    ],
    Role.REVIEWER: [(_("评审任务"), "home")],
    Role.DEPARTMENT_LEAD: [(_("部门意见"), "home"), (_("异议核查"), "publicity:objections")],
    Role.PROGRAMME_ADMIN: [
        (_("工作台"), "home"),
        (_("评定项目"), "programme_list"),
        (_("「十百千」目标"), "levels:dashboard"),
        (_("机构核验"), "applications:institutions"),
        (_("异议办理"), "publicity:objections"),
        (_("批量奖牌"), "awards:batch_region"),
        (_("评分标准"), "rubrics:list"),
        (_("社区（村）创建"), "communities:campaigns"),
        (_("结果报送"), "reporting:reports"),
        (_("宣传展示审核"), "showcase:queue"),
        (_("基层平台"), "platforms:overview_staffing"),
        (_("行政区划"), "region_tree"),
        (_("工作日计算"), "workday_calculator"),
    ],
    Role.VIEWER: [
        (_("进度总览"), "home"), (_("目标进度"), "levels:dashboard"), (_("评定项目"), "programme_list"),
        (_("结果报送"), "reporting:calls"), (_("满意度评价"), "satisfaction:results"),
        (_("社区（村）创建"), "communities:campaigns"),
    ],
    Role.COMMUNITY_STAFF: [(_("我的创建"), "home"), (_("年度创建"), "communities:campaigns"), (_("称号与复查"), "communities:rechecks")],
    Role.TOWN_STAFF: [(_("待办"), "home"), (_("年度创建"), "communities:campaigns"), (_("称号与复查"), "communities:rechecks")],
    Role.SECURITY_ADMIN: [
        (_("工作台"), "home"),
        (_("身份查看审批"), "publicity:identity_requests"),
        (_("登录锁定"), "security_lockouts"),
        (_("二次验证"), "security_second_factor"),
        (_("项目管理权限"), "security_programme_admins"),
    ],
    Role.AUDIT_ADMIN: [(_("工作台"), "home"), (_("审计记录"), "audit_log")],
    Role.SYSTEM_ADMIN: [
        (_("工作台"), "home"),
        (_("评定项目"), "programme_list"),
        (_("「十百千」目标"), "levels:dashboard"),
        (_("机构核验"), "applications:institutions"),
        (_("异议办理"), "publicity:objections"),
        (_("批量奖牌"), "awards:batch_region"),
        (_("评分标准"), "rubrics:list"),
        (_("社区（村）创建"), "communities:campaigns"),
        (_("结果报送"), "reporting:reports"),
        (_("宣传展示审核"), "showcase:queue"),
        (_("基层平台"), "platforms:overview_staffing"),
        (_("行政区划"), "region_tree"),
        (_("工作日计算"), "workday_calculator"),
    ],
}


@lru_cache(maxsize=64)
def _links(role: str, script_prefix: str, urlconf: str) -> tuple[tuple, ...]:
    """(label, url name, url) of a role's items: the URLs are the same for every request under one script prefix and
    URLconf, so each process reverses them once rather than on every page."""
    return tuple((label, name, reverse(name, urlconf=urlconf)) for label, name in NAVIGATION.get(role, []))


def nav_items_for(user, current_path: str) -> list[dict]:
    if not user.is_authenticated:
        return []
    items = []
    urlconf = get_urlconf() or settings.ROOT_URLCONF
    for label, name, url in _links(effective_role(user), get_script_prefix(), urlconf):
        active = current_path == url if name == "home" else current_path.startswith(url)
        items.append({"label": label, "url": url, "active": active})
    return items
