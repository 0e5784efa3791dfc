"""The plan's milestones (seed 002 五) and the reminders to whoever owes them."""

import datetime

import pytest

from communities.enums import Owner
from communities.milestones import milestone_done, milestones_remind, plan_milestones
from portal.models import Notification
from tests.communities.world import BUILT_AT, build
from tests.worlds import module_world

pytestmark = pytest.mark.django_db

_world, world = module_world("world", build, built_at=BUILT_AT)
D = datetime.date


def test_the_plans_steps_as_the_seed_dates_them():
    first = plan_milestones(2024)
    later = plan_milestones(2025, first_year=False)

    assert [(due, owner) for _title, due, owner in first] == [
        (D(2024, 5, 31), Owner.TOWN), (D(2024, 6, 20), Owner.TOWN), (D(2024, 6, 30), Owner.TOWN),
        (D(2024, 8, 31), Owner.COMMUNITY), (D(2024, 9, 30), Owner.COMMUNITY), (D(2024, 10, 15), Owner.COMMUNITY),
        (D(2024, 11, 10), Owner.DISTRICT),
    ]
    assert later[-1][1] == D(2026, 3, 31)  # 「以后年度12月至下年3月」


def test_the_owners_of_a_step_due_within_a_week_are_told_once_and_weekly_once_overdue(world):
    self_assessment = world.campaign.milestones.get(due_on=D(2024, 10, 15))
    for done in world.campaign.milestones.filter(due_on__lt=D(2024, 10, 1)):
        milestone_done(milestone=done, actor=world.admin, on=done.due_on)

    told = milestones_remind(D(2024, 10, 8))
    again = milestones_remind(D(2024, 10, 9))
    overdue = milestones_remind(D(2024, 10, 16))
    next_week = milestones_remind(D(2024, 10, 20))
    later = milestones_remind(D(2024, 10, 23))

    assert (told, again, overdue, next_week, later) == (1, 0, 1, 0, 1)
    texts = list(Notification.objects.filter(user=world.staff["黄竹塱社区"]).values_list("text", flat=True))
    assert texts[0] == f"2024年充分就业社区（村）创建：“{self_assessment.title}”即将到期（2024年10月15日）。"
    assert texts[1].endswith("已逾期（2024年10月15日）。")
    assert not Notification.objects.filter(user=world.staff["良口镇"], text__contains=self_assessment.title).exists()
