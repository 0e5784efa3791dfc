"""The navigation of each role: one table, read by the context processor."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from portal.enums import Role
from portal.permissions import effective_role

# role -> [(label, url name)]; every signed-in user also gets the home page first.
NAVIGATION = {
    Role.APPLICANT: [(_("我的申报"), "home")],
    Role.REVIEWER: [(_("评审任务"), "home")],
    Role.DEPARTMENT_LEAD: [(_("部门意见"), "home"), (_("异议核查"), "publicity:objections")],
    Role.PROGRAMME_ADMIN: [
        (_("工作台"), "home"),
        (_("评定项目"), "programme_list"),
        (_("机构核验"), "applications:institutions"),
        (_("异议办理"), "publicity:objections"),
        (_("批量奖牌"), "awards:batch_region"),
        (_("工作日计算"), "workday_calculator"),
    ],
    Role.VIEWER: [(_("进度总览"), "home"), (_("评定项目"), "programme_list")],
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
        (_("机构核验"), "applications:institutions"),
        (_("异议办理"), "publicity:objections"),
        (_("批量奖牌"), "awards:batch_region"),
        (_("工作日计算"), "workday_calculator"),
    ],
}


def nav_items_for(user, current_path: str) -> list[dict]:
    if not user.is_authenticated:
        return []
    role = effective_role(user)
    items = []
    for label, name in NAVIGATION.get(role, []):
        url = reverse(name)
        active = current_path == url if name == "home" else current_path.startswith(url)
        items.append({"label": label, "url": url, "active": active})
    return items
