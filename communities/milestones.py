"""The plan's milestones (seed 002 五) and the reminders to whoever owes the next one.

The first year's plan (2024) dates its steps in the year: 「明确建设任务(2024年5月下旬前)」, 「6月中旬前，镇指导社区(村)落实
场地布置…」, 「2024年6月底前，组织开展实地督导」, 「2024年8月底前…开展摸底自评」, 「全面开展建设(2024年9月底前)」,
「2024年10月15日前(评估取数自2023年10月至2024年9月)，镇组织社区(村)对照评估标准开展自评…并向区人社局提交有关自评材料」,
「实施检查评估(2024年11月10日前，以后年度12月至下年3月)」. 「下旬前」 is read as by the month's last day, 「中旬前」 by its
20th. A later year's check runs from December to the next March: its last step is due on 31 March of the next year.

The sweep (communities.tasks, daily) tells the owners of a step due within REMIND_DAYS that is not marked done, once
per step; a step overdue is told again each week until it is marked done.
"""

from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from communities.enums import Owner
from communities.models import Campaign, Entry, Milestone
from portal.display import cn_date
from portal.enums import Role
from portal.models import User
from portal.selectors import programme_admins
from portal.services import notify

REMIND_DAYS = 7
OVERDUE_EVERY_DAYS = 7


def plan_milestones(year: int, *, first_year: bool = True) -> list[tuple[str, date, str]]:
    """(title, due, owner) of the plan's steps for `year`, as the seed's plan dates them."""
    steps = [
        (_("明确建设任务"), date(year, 5, 31), Owner.TOWN),
        (_("镇指导社区（村）落实场地布置、办公设备、人员，制定就业工作职责、业务流程、服务规范、管理制度"), date(year, 6, 20), Owner.TOWN),
        (_("组织开展实地督导"), date(year, 6, 30), Owner.TOWN),
        (_("对照评估标准开展摸底自评"), date(year, 8, 31), Owner.COMMUNITY),
        (_("全面开展建设"), date(year, 9, 30), Owner.COMMUNITY),
        (_("社区（村）自评和复查复评，向区人社局提交自评材料"), date(year, 10, 15), Owner.COMMUNITY),
    ]
    check = date(year, 11, 10) if first_year else date(year + 1, 3, 31)
    steps.append((_("检查评估：镇评估推荐，区核定、公示"), check, Owner.DISTRICT))
    return steps


@transaction.atomic
def milestones_create(campaign: Campaign, *, first_year: bool = True) -> list[Milestone]:
    """The campaign's milestones, once: the plan's building steps of its year, then its own deadlines for the
    self-evaluations, the towns' recommendations and the district's check (the plan's 10月15日 and 11月10日 in the
    first year; 「12月至下年3月」 later)."""
    if campaign.milestones.exists():
        return list(campaign.milestones.all())
    building = plan_milestones(campaign.year, first_year=first_year)[:5]
    deadlines = [
        (_("社区（村）自评和复查复评，向区人社局提交自评材料"), campaign.self_due, Owner.COMMUNITY),
        (_("镇评估推荐"), campaign.town_due, Owner.TOWN),
        (_("检查评估：区核定、公示"), campaign.district_due, Owner.DISTRICT),
    ]
    return Milestone.objects.bulk_create(
        Milestone(campaign=campaign, title=title, due_on=due, owner=owner) for title, due, owner in building + deadlines
    )


def milestone_done(*, milestone: Milestone, actor, on: date | None = None) -> Milestone:
    milestone.done_on = on or timezone.localdate()
    milestone._change_reason = _("标记完成")
    milestone._history_user = actor
    milestone.save(update_fields=["done_on"])
    return milestone


def owners(milestone: Milestone) -> list[User]:
    """Who owes the step: the staff of the campaign's listed communities or of their towns, the district's admins."""
    entries = Entry.objects.filter(campaign=milestone.campaign_id)
    active = User.objects.filter(is_active=True)
    if milestone.owner == Owner.COMMUNITY:
        return list(active.filter(role=Role.COMMUNITY_STAFF, region__in=entries.values("community")))
    if milestone.owner == Owner.TOWN:
        return list(active.filter(role=Role.TOWN_STAFF, region__in=entries.values("town")))
    if milestone.owner == Owner.DISTRICT:
        return programme_admins(milestone.campaign.programme)
    return []


def reminder_due(due_on: date, reminded_on: date | None, today: date) -> bool:
    """Whether something due on `due_on` is to be told of today: within REMIND_DAYS and not told yet, or overdue and
    not told within the last OVERDUE_EVERY_DAYS (the milestones here, the rectifications of communities.rechecks)."""
    if due_on > today + timedelta(days=REMIND_DAYS):
        return False
    return reminded_on is None or (due_on < today and reminded_on <= today - timedelta(days=OVERDUE_EVERY_DAYS))


def milestones_remind(today: date | None = None) -> int:
    """Tell the owners of each step due within REMIND_DAYS (once) or overdue (once a week) and not done; returns the
    number of steps told of. Idempotent within a day."""
    today = today or timezone.localdate()
    due = Milestone.objects.filter(done_on__isnull=True, due_on__lte=today + timedelta(days=REMIND_DAYS)).select_related(
        "campaign__programme")
    told = 0
    for milestone in due:
        if not reminder_due(milestone.due_on, milestone.reminded_on, today):
            continue
        overdue = milestone.due_on < today
        users = owners(milestone)
        if users:
            text = _("%(campaign)s：“%(title)s”%(when)s（%(due)s）。") % {
                "campaign": milestone.campaign, "title": milestone.title,
                "when": _("已逾期") if overdue else _("即将到期"), "due": cn_date(milestone.due_on)}
            notify(users=users, text=text, link=milestone.campaign.get_absolute_url())
        Milestone.objects.filter(pk=milestone.pk).update(reminded_on=today)
        told += 1
    return told
