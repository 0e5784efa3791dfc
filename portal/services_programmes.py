"""Writes of the programme pages (issue 16 point 1): a programme with its issuing departments, and a department.

The rules a programme keeps once it has started, each a Chinese sentence the page shows (None when the change is
right), checked again here under the programme's row lock:

- its period quota never below the places its titles already take (`portal.titles.titles_counted`);
- its period fixed once it has rounds (their windows and quotas were set inside it);
- its departments and weights fixed once a round has opened (the review scores by them);
- one programme of a kind per jurisdiction and period (two would each count the period's quota).
"""

from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.audit import AuditEvent, audit
from portal.enums import Role
from portal.models import Department, Programme, ProgrammeDepartment, User
from portal.services import programme_admin_grant
from portal.titles import titles_counted
from portal.transitions import Refused


@dataclass(frozen=True)
class DepartmentRow:
    """An issuing department of a programme, in signing order: the first is the lead."""

    department: Department
    weight: Decimal


def quota_problem(programme: Programme, quota: int | None) -> str | None:
    if programme.pk is None or quota is None:
        return None
    used = titles_counted(programme)
    if quota < used:
        return _("周期名额不能少于本周期已计入名额的称号数：已计入%(used)d个，填写的周期名额为%(quota)d个。") % {
            "used": used, "quota": quota,
        }
    return None


def period_problem(programme: Programme, start, end) -> str | None:
    if programme.pk is None:
        return None
    stored = Programme.objects.filter(pk=programme.pk).values_list("period_start", "period_end").first()
    if stored != (start, end) and programme.rounds.exists():
        return _("本项目已有评定批次，周期不能再修改；新周期请新建评定项目。")
    return None


def stored_rows(programme: Programme) -> list[tuple[int, Decimal]]:
    """(department id, weight) of the programme's departments, in signing order."""
    if programme.pk is None:
        return []
    return list(programme.programme_departments.order_by("order", "pk").values_list("department_id", "weight"))


def departments_problem(programme: Programme, rows: list[DepartmentRow]) -> str | None:
    if programme.pk is None:
        return None
    wanted = [(row.department.pk, Decimal(row.weight)) for row in rows]
    if wanted != [(pk, Decimal(weight)) for pk, weight in stored_rows(programme)] and programme.rounds.filter(
        opens_at__lte=timezone.now()
    ).exists():
        return _("本项目已有批次开始申报，评审按现有的评定部门和权重进行，部门、顺序和权重不能再修改。")
    return None


def duplicate_problem(programme: Programme) -> str | None:
    other = (
        Programme.objects.filter(
            region=programme.region_id, kind=programme.kind, period_start=programme.period_start,
            period_end=programme.period_end,
        )
        .exclude(pk=programme.pk)
        .first()
    )
    if other is None:
        return None
    return _("%(region)s%(period)s已有评定项目“%(name)s”：同一辖区同一周期只设一个，名额在其中按批次分配。") % {
        "region": programme.region.name, "period": programme.period_name, "name": other.name,
    }


def programme_problems(programme: Programme, rows: list[DepartmentRow]) -> list[tuple[str | None, str]]:
    """(the form field it is about or None, the sentence) of each rule the programme as it would be saved breaks."""
    problems = [
        ("period_quota", quota_problem(programme, programme.period_quota)),
        ("period", period_problem(programme, programme.period_start, programme.period_end)),
        (None, departments_problem(programme, rows)),
        ("period", duplicate_problem(programme)),
    ]
    return [(field, problem) for field, problem in problems if problem]


@transaction.atomic
def programme_save(*, programme: Programme, rows: list[DepartmentRow], actor: User, changed: list[str], request=None):
    """Create or change a programme with its issuing departments (the first row leads and signs first).

    Side effects: the programme (history names the actor and the fields), its ProgrammeDepartment rows replaced (one
    history row each); a programme admin who creates it is granted `portal.manage_programme` on it; one audit record.
    Raises Refused when a rule of the module's docstring refuses the change.
    """
    creating = programme.pk is None
    if not creating:
        Programme.objects.select_for_update().filter(pk=programme.pk).first()
    problems = programme_problems(programme, rows)
    if problems:
        raise Refused(problems[0][1])
    programme.lead_department = rows[0].department
    programme._history_user = actor
    programme._change_reason = _("新建评定项目") if creating else _("修改：%(fields)s") % {"fields": "、".join(changed)}
    programme.save()
    _departments_replace(programme, rows, actor)
    if creating and actor.role == Role.PROGRAMME_ADMIN:  # the system administrator sees every programme already
        programme_admin_grant(programme=programme, user=actor, actor=actor, request=request)
    audit(AuditEvent.ADMIN_CHANGE, user=actor, request=request, obj=programme, detail=_audit_detail(programme, rows, creating, changed))
    return programme


def _departments_replace(programme: Programme, rows: list[DepartmentRow], actor: User) -> None:
    kept = {row.department.pk for row in rows}
    for link in programme.programme_departments.exclude(department__in=kept):
        link._history_user = actor
        link.delete()  # one by one, so that the history records each
    for order, row in enumerate(rows):
        link = ProgrammeDepartment.objects.filter(programme=programme, department=row.department).first()
        link = link or ProgrammeDepartment(programme=programme, department=row.department)
        if link.pk and (link.order, link.weight) == (order, row.weight):
            continue
        link.order, link.weight = order, row.weight
        link._history_user = actor
        link.save()


def _audit_detail(programme: Programme, rows: list[DepartmentRow], creating: bool, changed: list[str]) -> str:
    departments = ", ".join(f"{row.department.name}×{row.weight}" for row in rows)
    if creating:
        return (
            f"programme create «{programme.name}» level={programme.level} region={programme.region.code} "
            f"period={programme.period_name} quota={programme.period_quota} departments={departments}"
        )
    return f"programme change «{programme.name}»: {'、'.join(changed)} departments={departments}"


@transaction.atomic
def department_save(*, department: Department, actor: User, changed: list[str], request=None) -> Department:
    """Add or change a department of a jurisdiction. Side effects: the row (history names the actor and the fields),
    one audit record."""
    creating = department.pk is None
    department._history_user = actor
    department._change_reason = _("新增部门") if creating else _("修改：%(fields)s") % {"fields": "、".join(changed)}
    department.save()
    action = "create" if creating else "change"
    audit(
        AuditEvent.ADMIN_CHANGE, user=actor, request=request, obj=department,
        detail=f"department {action} «{department.name}» region={department.region.code}: {'、'.join(changed)}",
    )
    return department
