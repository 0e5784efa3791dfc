"""Public pages for everyone (docs/security.md 24, GB/T 37668-2019 适老化): axe-core finds no serious or critical
violation, the objection form works by keyboard alone, and the pages read at 200 % zoom without sideways scrolling."""

from datetime import timedelta

import pytest
from axe_playwright_python.sync_playwright import Axe
from captcha.models import CaptchaStore
from django.core import signing
from django.urls import reverse
from django.utils import timezone

from awards.models import Award
from complaints import services as complaint_services
from complaints.enums import Channel
from platforms.models import ServicePoint
from publicity import services
from publicity.models import Objection
from satisfaction import services as satisfaction_services
from satisfaction.models import PublishedRanking
from satisfaction.quarters import Quarter
from satisfaction.views.public import THANKS_SALT
from tests.awards.results_builders import announced, revoke
from tests.e2e.pages import PHONE, open_page
from tests.factories import InstitutionFactory, UserFactory
from tests.publicity.publicity_builders import identity, listed_round, publish

pytestmark = pytest.mark.django_db(transaction=True)

SERIOUS = {"serious", "critical"}


@pytest.fixture
def public_pages():
    """Every kind of public page, with real records: an open notice with an objection, a result, a revocation."""
    listed = listed_round(names=("甲", "乙"))
    notice = publish(listed, timezone.now() - timedelta(minutes=5))
    objection, token = services.objection_file(
        notice=notice, entry=notice.entries.get(rank=1), identity=identity(), facts="反映该机构服务台账不实，请核查。"
    )
    result = announced(names=("丙", "丁"))
    awards = list(Award.objects.filter(announcement=result.extra["announcement"]).order_by("plaque_number"))
    revocation = revoke(awards[1], result.admin)
    return {
        "首页": "/",
        "公示列表": "/notices/",
        "公示正文": notice.get_absolute_url(),
        "提出异议": f"/notices/{notice.pk}/objection/",
        "查询异议": "/objections/lookup/",
        "异议回执": f"/objections/{objection.receipt_number}/{token}/",
        "评定结果": "/results/",
        "公布文件": result.extra["announcement"].get_absolute_url(),
        "撤销公告": revocation.get_absolute_url(),
        "奖牌核验（有效）": awards[0].get_verify_url(),
        "奖牌核验（已撤销）": awards[1].get_verify_url(),
        "奖牌核验（未找到）": "/verify/not-a-real-code/",
        "申报通知": reverse("applications:call", args=[listed.round.pk]),
        **satisfaction_pages(),
        **complaint_pages(),
    }


def satisfaction_pages() -> dict:
    """A window's rating page, the thank-you page of a rating, the status lookup, the rankings and one ranking."""
    institution = InstitutionFactory(name="高青县田镇街道便民服务中心")
    point = ServicePoint.objects.create(institution=institution, name="就业登记窗口", services="就业登记\n失业登记")
    rating = satisfaction_services.rating_submit(
        service_point=point, device="a11y", address="203.0.113.9",
        data={"service": "就业登记", "overall": 2, "efficiency": 1, "competence": 3, "attitude": 2, "comment": "等候太久",
              "phone": "+8613812345678", "phone_consent": True},
    )  # fmt: skip
    quarter = Quarter.of(timezone.localdate())
    ranking = PublishedRanking.objects.create(
        region=institution.region, year=quarter.year, quarter=quarter.number, published_at=timezone.now(),
        rows=satisfaction_services.ranking_rows(institution.region, quarter), published_by=UserFactory(),
    )  # fmt: skip
    return {
        "满意度评价": reverse("satisfaction:rate", args=[point.token]),
        "评价回执": reverse("satisfaction:thanks", args=[signing.dumps(rating.receipt_code, salt=THANKS_SALT)]),
        "评价查询": reverse("satisfaction:status"),
        "满意度排名列表": reverse("satisfaction:ranking_list"),
        "满意度排名": ranking.get_absolute_url(),
    }


def complaint_pages() -> dict:
    """An institution's 意见箱, a complaint's status page, and the list of handled complaints with one published."""
    institution = InstitutionFactory(name="高青县芦湖街道社区就业服务站")
    actor = UserFactory()
    filing = complaint_services.Filing(name="王秀英", phone="+8613912345678", facts="窗口人员态度生硬，推诿不办。",
                                       publish_consent=True)
    complaint, token = complaint_services.complaint_file(
        institution=institution, channel=Channel.ONLINE, filing=filing, received_at=timezone.now() - timedelta(hours=1)
    )
    handled, _ = complaint_services.complaint_file(
        institution=institution, channel=Channel.ONLINE, filing=filing, received_at=timezone.now() - timedelta(hours=2)
    )
    handled = complaint_services.complaint_answer(
        complaint=handled, actor=actor, text="已收到", handling_deadline=timezone.localdate() + timedelta(days=5)
    )
    handled = complaint_services.complaint_conclude(complaint=handled, actor=actor, substantiated=False, findings="经核查监控，未发现推诿。")
    complaint_services.complaint_publish(complaint=handled, actor=actor, summary="反映窗口推诿", outcome="未查实")
    return {
        "意见箱": reverse("complaints:new", args=[institution.pk]),
        "投诉进度": reverse("complaints:status", args=[complaint.receipt_number, token]),
        "投诉处理结果公开": reverse("complaints:handled", args=[institution.pk]),
    }


def serious_violations(page) -> list[str]:
    results = Axe().run(page)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {[node['target'] for node in v['nodes']][:3]}"
        for v in results.response["violations"]
        if v["impact"] in SERIOUS
    ]


def test_public_pages_pass_axe_core(browser, live_server, public_pages):
    # axe-core is injected by Playwright, not served by the portal: the page's CSP is bypassed for it alone.
    page = open_page(browser, live_server, bypass_csp=True)
    found = {}

    for name, url in public_pages.items():
        response = page.goto(url)
        assert response.status == (404 if "未找到" in name else 200), (name, response.status)
        violations = serious_violations(page)
        if violations:
            found[name] = violations

    assert found == {}
    assert [error for error in page.js_errors if "404 (Not Found)" not in error] == []


def test_public_pages_at_200_percent_zoom_need_no_sideways_scrolling(browser, live_server, public_pages):
    # 200 % zoom of a 1280-pixel window lays pages out at 640 CSS pixels, twice as large.
    page = open_page(browser, live_server, viewport={"width": 640, "height": 450}, device_scale_factor=2)
    too_wide = {}

    for name, url in public_pages.items():
        page.goto(url)
        width = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
        if width[0] > width[1]:
            too_wide[name] = width

    assert too_wide == {}


def test_an_objection_can_be_filed_by_keyboard_alone(browser, live_server, public_pages, screenshot_dir):
    page = open_page(browser, live_server, **PHONE)
    page.goto(public_pages["公示正文"])

    focus_link(page, "提出异议")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    key = page.locator("input[name=captcha_0]").input_value()
    answer = CaptchaStore.objects.get(hashkey=key).response
    focus(page, "#id_entry")
    page.keyboard.press("ArrowDown")  # 请选择 → the first institution
    steps = [
        ("#id_name", "欧阳键盘"),
        ("#id_phone", "13912345678"),
        ("#id_facts", "该机构申报的服务台账人数与实际不符，请核查。"),
        ("#id_captcha_1", answer),
    ]
    for selector, value in steps:
        focus(page, selector)
        page.keyboard.type(value)
    focus(page, "#id_consent")
    page.keyboard.press("Space")
    focus_button(page, "提交异议")
    page.keyboard.press("Enter")
    page.wait_for_load_state()

    page.screenshot(path=str(screenshot_dir / "a11y-keyboard-debug.png"), full_page=True)
    assert page.get_by_role("heading", name="异议已受理").is_visible(), page.locator(".error-summary, .errorlist, .messages").all_inner_texts()
    assert Objection.objects.filter(facts__startswith="该机构申报的服务台账").count() == 1
    page.screenshot(path=str(screenshot_dir / "a11y-keyboard-receipt.png"), full_page=True)


def focused(page) -> str:
    return page.evaluate(
        "(() => { const e = document.activeElement; return (e.id ? '#' + e.id : '') + '|' + e.tagName + '|' +"
        " (e.innerText || e.value || '').trim(); })()"
    )


def tab_until(page, matches, limit=80) -> None:
    """Press Tab until the focused element matches; fails if it never does (the element is not reachable)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if matches(focused(page)):
            return
    raise AssertionError(f"not reachable by Tab; last focus {focused(page)}")


def focus(page, selector: str) -> None:
    tab_until(page, lambda f: f.split("|")[0] == selector)


def focus_link(page, text: str) -> None:
    tab_until(page, lambda f: f.split("|")[1] == "A" and f.split("|")[2] == text)


def focus_button(page, text: str) -> None:
    tab_until(page, lambda f: f.split("|")[1] == "BUTTON" and f.split("|")[2] == text)
