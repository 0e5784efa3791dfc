"""The campaign pages as each level uses them: the community starts and submits its self-evaluation from its entry,
the town starts its own from it and recommends; the side-by-side and its Excel export; the homes of the new roles."""

import io

import openpyxl
import pytest
from django.urls import reverse

from communities.enums import EntryStatus, Level
from rubrics.assessments import assessment_record
from tests.communities.world import BUILT_AT, COMPLETE, build
from tests.portal.helpers import messages_of, visible_text
from tests.worlds import module_world

pytestmark = pytest.mark.django_db

_world, world = module_world("world", build, built_at=BUILT_AT)


def url(name, entry):
    return reverse(f"communities:{name}", args=[entry.pk])


def test_the_chain_through_the_pages(world, login):
    entry = world.entries["黄竹塱社区"]
    community = login(world.staff["黄竹塱社区"])
    started = community.post(url("entry_start", entry))
    evaluation = entry.evaluations.get(level=Level.SELF)
    assessment_record(assessment=evaluation.assessment, facts=COMPLETE, notes={}, events={}, actor=world.staff["黄竹塱社区"])
    submitted = community.post(url("entry_submit", entry), {"opinion": ""})
    page = community.get(url("entry", entry))

    town = login(world.staff["良口镇"])
    town_started = town.post(url("entry_start", entry))
    no_verdict = town.post(url("entry_submit", entry), {"opinion": ""})
    recommended = town.post(url("entry_submit", entry), {"verdict": "1", "opinion": "同意推荐。"})
    entry.refresh_from_db()

    assert started["Location"] == evaluation.assessment.get_absolute_url()  # straight to the facts
    assert messages_of(submitted) == ["社区（村）自评已提交。"]
    assert "自评已提交" in visible_text(page) and "开始社区（村）自评" not in visible_text(page)
    assert town_started["Location"] == entry.evaluations.get(level=Level.TOWN).assessment.get_absolute_url()
    assert messages_of(no_verdict) == ["已按下一级的评估生成本级评估，请逐项确认；改动的评分项请在“说明”中写明理由。",
                                       "尚不能提交：请选择是否推荐。"]  # the start's message not shown yet
    assert messages_of(recommended)[-1] == "镇评估已提交。"
    assert entry.status == EntryStatus.RECOMMENDED


def test_the_side_by_side_and_its_export(world, login):
    entry = world.entries["良新村"]
    client = login(world.staff["良新村"])
    client.post(url("entry_start", entry))
    evaluation = entry.evaluations.get(level=Level.SELF)
    assessment_record(assessment=evaluation.assessment, facts=COMPLETE, notes={"(一)1": "与系统数据一致。"}, events={},
                      actor=world.staff["良新村"])

    page = client.get(url("entry_compare", entry))
    export = client.get(url("entry_compare_xlsx", entry))
    sheet = openpyxl.load_workbook(io.BytesIO(export.content)).active
    rows = list(sheet.iter_rows(values_only=True))

    assert "良新村 · 自评、镇评估、区核定对照" in visible_text(page)
    assert rows[0] == ("编号", "指标", "分值", "社区（村）自评得分", "社区（村）自评事实", "社区（村）自评改动理由或说明")
    assert rows[1][0] == "(一)1" and rows[1][4] == "达成人数：48；总人数：59；剔除人数：3" and rows[1][5] == "与系统数据一致。"
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")


def test_the_homes_of_a_community_and_a_town(world, login):
    community_home = login(world.staff["黄竹塱社区"]).get(reverse("home"))
    town_home = login(world.staff["良口镇"]).get(reverse("home"))

    assert "黄竹塱社区 · 创建工作" in visible_text(community_home)
    assert "2024年充分就业社区（村）创建" in visible_text(community_home)
    assert "自评提交截止：2024年10月15日" in visible_text(community_home)
    assert "社区（村）自评和复查复评，向区人社局提交自评材料" in visible_text(community_home)  # a step it owes
    assert "良口镇 · 评估推荐" in visible_text(town_home) and "目前没有待办" in visible_text(town_home)
    assert "良新村" in visible_text(town_home) and "吕中村" not in visible_text(town_home)


def test_the_progress_of_the_towns_exports_for_the_year_end_assessment(world, login):
    from decimal import Decimal

    from communities import services as campaign_services

    campaign_services.target_set(campaign=world.campaign, town=world.town, actor=world.admin,
                                 community_rate=Decimal("75"), village_rate=Decimal("70"))
    export = login(world.admin).get(reverse("communities:campaign_progress_xlsx", args=[world.campaign.pk]))
    rows = list(openpyxl.load_workbook(io.BytesIO(export.content)).active.iter_rows(values_only=True))

    assert rows[0][0] == "镇（街道）" and rows[0][-1] == "完成情况"
    assert rows[1] == ("良口镇", 2, 1, 1, None, "75", "70", 0, 0, "未完成")
    assert rows[2][0] == "吕田镇" and rows[2][-1] is None
