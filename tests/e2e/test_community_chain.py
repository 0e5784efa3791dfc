"""Issue 15 in Chromium, as far as it is built: a community evaluates itself (a fact typed, the score shown), submits;
its town starts from that evaluation, changes an item with its reason and recommends; the district verifies; the
side-by-side shows the change and its reason, at 1280 px and on a phone; the district publishes the notice, and once
its period is over the titles are announced, public and verifiable; a titled community fails its re-check, rectifies
late and loses its title, publicly."""

import datetime

import pytest
from django.utils import timezone

from communities.enums import EntryStatus, Level
from rubrics.assessments import assessment_record
from tests.communities.world import COMPLETE, build
from tests.e2e import pages
from tests.e2e.pages import PHONE, open_page
from tests.rubrics.assessment_world import names

pytestmark = pytest.mark.django_db(transaction=True)


def sign_in(browser, live_server, user, **context):
    return pages.sign_in(open_page(browser, live_server, **context), user.username)


def submit(page, name: str):
    page.get_by_role("button", name=name).click()
    page.wait_for_load_state()


def test_a_community_through_its_town_to_the_district(browser, live_server, screenshot_dir):
    world = build()
    entry = world.entries["黄竹塱社区"]
    community = sign_in(browser, live_server, world.staff["黄竹塱社区"])

    community.get_by_role("link", name="黄竹塱社区 · 2024年充分就业社区（村）创建").click()
    submit(community, "开始社区（村）自评")
    self_evaluation = entry.evaluations.get(level=Level.SELF)
    facts = {code: value for code, value in COMPLETE.items() if code != "(一)3"}  # typed earlier, but for (一)3
    assessment_record(assessment=self_evaluation.assessment, facts=facts, notes={}, events={}, actor=world.staff["黄竹塱社区"])
    community.reload()
    fields = names(self_evaluation.assessment)
    for key, value in (("achieved", "17"), ("total", "20"), ("excluded", "1")):
        community.fill(f"[name={fields['(一)3', key]}]", value)
    submit(community, "保存并计分")
    assert "已保存，总分" in community.locator(".messages").inner_text()
    community.goto(entry.get_absolute_url())
    submit(community, "提交社区（村）自评")
    assert community.confirms[-1] == "提交后本级评估不能再修改。确定提交吗？"
    assert "社区（村）自评已提交。" in community.locator(".messages").inner_text()

    town = sign_in(browser, live_server, world.staff["良口镇"])
    town.get_by_role("link", name="黄竹塱社区 · 2024年充分就业社区（村）创建").click()
    submit(town, "开始镇评估")
    town_evaluation = entry.evaluations.get(level=Level.TOWN)
    fields = names(town_evaluation.assessment)
    town.fill(f"[name={fields['(一)3', 'achieved']}]", "15")
    town.fill(f"[name={fields['note', '(一)3']}]", "核对台账，两人未实现就业。")
    submit(town, "保存并计分")
    town.goto(entry.get_absolute_url())
    assert "与下一级不同的评分项：(一)3" in town.locator("main").inner_text()
    town.get_by_label("推荐", exact=True).check()
    town.get_by_label("意见").fill("同意推荐。")
    submit(town, "提交镇评估")
    assert "镇评估已提交。" in town.locator(".messages").inner_text()

    district = sign_in(browser, live_server, world.admin)
    district.goto(entry.get_absolute_url())
    submit(district, "开始区核定")
    district.goto(entry.get_absolute_url())
    district.get_by_label("核定通过", exact=True).check()
    submit(district, "提交区核定")
    entry.refresh_from_db()
    assert entry.status == EntryStatus.VERIFIED

    district.get_by_role("link", name="自评、镇评估、区核定对照").click()
    changed = district.locator("tr", has_text="(一)3")
    assert "理由：核对台账，两人未实现就业。" in changed.inner_text()
    district.screenshot(path=str(screenshot_dir / "community_compare_1280.png"), full_page=True)
    phone = sign_in(browser, live_server, world.staff["良口镇"], **PHONE)
    phone.goto(f"{entry.get_absolute_url()}compare/")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    phone.screenshot(path=str(screenshot_dir / "community_compare_390.png"), full_page=True)
    for page in (community, town, district, phone):
        assert page.js_errors == []


def verified(world, name):
    """The chain up to the district's verification, through the services (the test above walks it in the browser)."""
    from communities import services

    entry = world.entries[name]
    evaluation = services.evaluation_start(entry=entry, level=Level.SELF, actor=world.staff[name])
    assessment_record(assessment=evaluation.assessment, facts=COMPLETE, notes={}, events={}, actor=world.staff[name])
    services.evaluation_submit(evaluation=evaluation, actor=world.staff[name])
    for level, actor in ((Level.TOWN, world.staff["良口镇"]), (Level.DISTRICT, world.admin)):
        services.evaluation_submit(evaluation=services.evaluation_start(entry=entry, level=level, actor=actor),
                                   actor=actor, verdict=True)


def test_the_district_publishes_and_the_titles_are_announced(browser, live_server, screenshot_dir, time_machine):
    world = build()
    verified(world, "良新村")
    district = sign_in(browser, live_server, world.admin)
    district.goto(world.campaign.get_absolute_url())
    district.get_by_role("link", name="发布公示").click()
    assert district.get_by_label("标题").input_value() == "关于2024年从化区拟认定充分就业社区（村）名单的公示"
    district.screenshot(path=str(screenshot_dir / "community_publish_1280.png"), full_page=True)
    submit(district, "发布公示")
    assert district.confirms[-1] == "公示发布后即公开，不能修改。确定发布吗？"
    assert "公示已发布。" in district.locator(".messages").inner_text()
    assert "尚不能公布：公示期未满" in district.locator("main").inner_text()

    world.campaign.refresh_from_db()
    public = open_page(browser, live_server)
    public.goto(world.campaign.notice.get_absolute_url())
    assert "拟认定社区（村）名单" in public.locator("main").inner_text() and "良新村" in public.locator("main").inner_text()

    time_machine.move_to(world.campaign.notice.closes_at + datetime.timedelta(hours=1), tick=False)
    district = sign_in(browser, live_server, world.admin)  # days later: signed in again
    district.goto(world.campaign.get_absolute_url())
    district.get_by_label("公布文号").fill("穗从人社〔2024〕88号")
    submit(district, "公布认定结果")
    assert "认定结果已公布，称号已登记。" in district.locator(".messages").inner_text()
    public.goto("/communities/titles/")
    assert "良新村" in public.locator("main").inner_text()
    public.get_by_role("link", name="440117-2024-CJ-001").click()
    assert "该称号真实有效。" in public.locator("main").inner_text()
    public.screenshot(path=str(screenshot_dir / "community_title_verify_1280.png"), full_page=True)
    assert district.js_errors == [] and public.js_errors == []


def test_a_community_fails_its_recheck_is_rectified_late_and_loses_its_title(browser, live_server, screenshot_dir,
                                                                            time_machine):
    from portal.titles import title_grant

    world = build()
    title = title_grant(programme=world.campaign.programme, institution=None, region=world.places["黄竹塱社区"],
                        holder_name="黄竹塱社区", number="440117-2023-CJ-001", awarded_on=datetime.date(2023, 11, 25),
                        actor=world.admin)
    today = timezone.localdate()
    due, late = today + datetime.timedelta(days=10), today + datetime.timedelta(days=19)
    town = sign_in(browser, live_server, world.staff["良口镇"])
    town.get_by_role("link", name="称号与复查").click()
    submit(town, f"开始{today.year}年复查")
    recheck = title.rechecks.get()
    assessment_record(assessment=recheck.assessment, facts=COMPLETE, notes={}, events={}, actor=world.staff["良口镇"])
    town.goto(recheck.get_absolute_url())
    town.get_by_label("不合格").check()
    town.get_by_label("复查意见").fill("就业困难人员台账不全，跟踪随访记录缺失。")
    town.get_by_label("整改期限").fill(due.isoformat())
    submit(town, "提交复查结论")
    assert "复查结论已提交。" in town.locator(".messages").inner_text()

    time_machine.move_to(datetime.datetime.combine(late, datetime.time(9), tzinfo=datetime.UTC), tick=False)  # overdue
    town = sign_in(browser, live_server, world.staff["良口镇"])
    town.goto(recheck.get_absolute_url())
    town.get_by_label("整改不到位，上报区人社局").check()
    town.get_by_label("整改情况").fill("逾期仍未补齐台账。")
    submit(town, "提交整改验收")

    district = sign_in(browser, live_server, world.admin)
    district.goto(recheck.get_absolute_url())
    district.get_by_label("取消资格的理由").fill("复查不合格，逾期整改不到位。")
    submit(district, "取消称号")
    assert district.confirms[-1] == "取消资格后称号即公开显示为已取消，不能撤回。确定取消吗？"
    assert "称号已取消。" in district.locator(".messages").inner_text()
    district.screenshot(path=str(screenshot_dir / "community_recheck_removed_1280.png"), full_page=True)

    public = open_page(browser, live_server)
    public.goto(f"/communities/titles/{title.number}/")
    assert f"该称号已于{late.year}年{late.month}月{late.day}日取消。" in public.locator("main").inner_text()
    assert town.js_errors == [] and district.js_errors == [] and public.js_errors == []
