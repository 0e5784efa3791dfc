"""A grassroots platform's yearly staff assessment in Chromium: the platform's user opens the year, gives both members
of staff 95 from every source on every dimension and concludes; the one named in three substantiated complaints that
year is graded 不称职 whatever the score (三(五)2), and, 不称职 the year before too, flagged 「应予辞退」 (三(四)4), on
the page, on a phone and in the Excel export; the one with a single substantiated complaint is 优秀."""

import re
from datetime import date, datetime, time, timedelta

import pytest
from django.utils import timezone
from openpyxl import load_workbook
from playwright.sync_api import expect

from appraisal import services as appraisal
from appraisal.enums import AppraisalStatus, Grade, Source
from appraisal.models import Appraisal
from complaints.enums import Channel
from complaints.services import Filing, complaint_answer, complaint_conclude, complaint_file
from platforms.models import StaffMember
from platforms.services import staff_save
from portal.enums import InstitutionKind, RegionLevel
from tests.e2e.pages import PHONE, open_page, sign_in
from tests.factories import ApplicantFactory, InstitutionFactory, RegionFactory

pytestmark = pytest.mark.django_db(transaction=True)

SOURCES = ("服务对象评价", "员工相互评价", "领导评价")
DIMENSIONS = ("德", "勤", "绩", "效")
A_REASON = "当年被投诉并查实3次，按业务规范三(五)2评为不称职"


def assessed_year(today: date) -> int:
    """The year assessed: this one from April on, else the one just ended, so that the complaints' dates below
    (February and March) are past dates of it."""
    return today.year if today >= date(today.year, 4, 1) else today.year - 1


def platform():
    """高青县田镇街道便民服务中心 (a grassroots platform of 山东省 › 淄博市 › 高青县), its user 王丽娟 and two staff."""
    province = RegionFactory(code="370000", name="山东省", level=RegionLevel.PROVINCE)
    city = RegionFactory(code="370300", name="淄博市", level=RegionLevel.CITY, parent=province)
    county = RegionFactory(code="370322", name="高青县", level=RegionLevel.COUNTY, parent=city)
    institution = InstitutionFactory(
        name="高青县田镇街道便民服务中心", region=county, kind=InstitutionKind.GRASSROOTS_PLATFORM
    )
    keeper = ApplicantFactory(username="appraisal_keeper", full_name="王丽娟", institution=institution)
    a = staff_save(
        member=StaffMember(name="孙志强", position="失业登记窗口", staff_number="GQ015", joined_on=date(2019, 3, 1)),
        institution=institution, actor=keeper,
    )  # fmt: skip
    b = staff_save(
        member=StaffMember(name="李秀梅", position="就业登记窗口", staff_number="GQ016", joined_on=date(2020, 9, 1)),
        institution=institution, actor=keeper,
    )  # fmt: skip
    return institution, keeper, a, b


def substantiated(institution, keeper, member, on: date, facts: str):
    """A phone complaint naming `member`, received on `on`, answered that day and concluded as substantiated (with
    「责令限时改正」) a week later, every step dated then."""
    received = timezone.make_aware(datetime.combine(on, time(9, 30)))
    complaint, _token = complaint_file(
        institution=institution, channel=Channel.PHONE, actor=keeper, received_at=received,
        filing=Filing(name="张建国", phone="+8613800001111", facts=facts, staff_member=member),
    )  # fmt: skip
    answered = received + timedelta(hours=2)
    complaint_answer(
        complaint=complaint, actor=keeper, now=answered, text="您的投诉已收到，我们正在核实。",
        handling_deadline=on + timedelta(days=10),
    )  # fmt: skip
    concluded = received + timedelta(days=7)
    return complaint_conclude(
        complaint=complaint, actor=keeper, now=concluded, substantiated=True, staff_member=member,
        findings="调取窗口监控和办件记录，情况属实，已对当事人批评教育。",
        correction_deadline=timezone.localdate(concluded) + timedelta(days=7),
    )  # fmt: skip


def marks(value) -> dict:
    return {source: dict.fromkeys(("de", "qin", "ji", "xiao"), str(value)) for source in Source.values}


def previous_year_concluded(institution, keeper, year: int, a, b) -> Appraisal:
    """The year before, concluded through the services: A 不称职 by the score (50), B 称职 (85)."""
    before = appraisal.appraisal_open(institution=institution, year=year, actor=keeper)
    appraisal.score_save(appraisal=before, member=a, marks=marks(50), actor=keeper)
    appraisal.score_save(appraisal=before, member=b, marks=marks(85), actor=keeper)
    before = appraisal.appraisal_conclude(appraisal=before, actor=keeper)
    assert dict(before.scores.values_list("staff_member__name", "grade")) == {
        a.name: Grade.INCOMPETENT,
        b.name: Grade.COMPETENT,
    }
    return before


def shoot(page, screenshot_dir, name: str):
    """A full-page screenshot with the viewport as tall as the page (sticky bars where they belong)."""
    size = page.viewport_size
    height = page.evaluate("document.documentElement.scrollHeight")
    page.set_viewport_size({"width": size["width"], "height": max(size["height"], height)})
    page.screenshot(path=str(screenshot_dir / f"appraisal-{name}.png"), full_page=True)
    page.set_viewport_size(size)


def no_sideways_scrolling(page):
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]


def row_of(page, name: str):
    return page.locator("table.table tbody tr").filter(has=page.locator("td[data-label='姓名']", has_text=name))


def cell(row, label: str):
    return row.locator(f"td[data-label='{label}']")


def fill_scores(page, value: str):
    for source in SOURCES:
        for dimension in DIMENSIONS:
            page.get_by_label(f"{source} · {dimension}").fill(value)


def test_a_staff_members_year_ends_incompetent_through_complaints(browser, live_server, screenshot_dir):
    institution, keeper, a, b = platform()
    year = assessed_year(timezone.localdate())

    # Before the browser: three substantiated complaints naming A in the year, one naming B; the year before
    # concluded with A 不称职.
    for on, facts in (
        (date(year, 2, 10), "办理失业登记时推诿，让改天再来。"),
        (date(year, 3, 3), "上班时间离岗，等候四十分钟无人办理。"),
        (date(year, 3, 20), "态度生硬，不予一次性告知所需材料。"),
    ):
        substantiated(institution, keeper, a, on, facts)
    substantiated(institution, keeper, b, date(year, 3, 12), "叫号后未及时接待。")
    previous_year_concluded(institution, keeper, year - 1, a, b)

    # 1. The platform's user opens the year from the appraisal page.
    staff = sign_in(open_page(browser, live_server), "appraisal_keeper")
    staff.get_by_role("navigation").get_by_role("link", name="服务平台", exact=True).click()
    staff.get_by_role("navigation", name="服务平台").get_by_role("link", name="年度考核").click()
    expect(staff).to_have_url(re.compile(r"/appraisal/$"))
    expect(staff.get_by_role("heading", name="工作人员年度考核")).to_be_visible()
    staff.get_by_label("考核年度").fill(str(year))
    staff.get_by_role("button", name="发起考核").click()
    expect(staff.get_by_text(f"已发起{year}年度考核。")).to_be_visible()
    current = Appraisal.objects.get(institution=institution, year=year)
    expect(staff).to_have_url(re.compile(rf"/appraisal/{current.pk}/$"))
    expect(staff.get_by_role("heading", name=f"{institution.name} {year}年度考核")).to_be_visible()
    for member in (a, b):
        expect(cell(row_of(staff, member.name), "总分")).to_have_text("未评分")

    # 2. 95 from every source on every dimension, for both.
    for number, member in enumerate((a, b), start=1):
        row_of(staff, member.name).get_by_role("link", name="评分", exact=True).click()
        expect(staff.get_by_role("heading", name=f"评分：{member.name}")).to_be_visible()
        fill_scores(staff, "95")
        if number == 1:
            shoot(staff, screenshot_dir, "1-scores-form")
        staff.get_by_role("button", name="保存").click()
        expect(staff.get_by_text(f"已保存 {member.name} 的评分。")).to_be_visible()
        expect(cell(row_of(staff, member.name), "总分")).to_have_text("95.00")

    # 3. Conclude, after the confirmation.
    staff.get_by_role("button", name="完成本年度考核").click()
    expect(staff.get_by_text(f"{year}年度考核已完成。")).to_be_visible()
    assert staff.confirms == [f"完成{year}年度考核？完成后各人的等级即确定，不能再修改评分。"]
    current.refresh_from_db()
    assert current.status == AppraisalStatus.CONCLUDED
    expect(staff.get_by_role("button", name="完成本年度考核")).to_have_count(0)
    expect(staff.get_by_role("link", name="修改评分")).to_have_count(0)

    # A: 不称职 despite 95, the reason naming the 3 substantiated complaints, and flagged 应予辞退 (two years running).
    row_a, row_b = row_of(staff, a.name), row_of(staff, b.name)
    expect(cell(row_a, "总分")).to_have_text("95.00")
    expect(cell(row_a, "查实投诉")).to_have_text("3")
    expect(cell(row_a, "等级").locator(".status").first).to_have_text("不称职")
    expect(cell(row_a, "等级").locator(".status--error", has_text="应予辞退")).to_be_visible()
    expect(cell(row_a, "评定依据")).to_have_text(f"{A_REASON}；连续两年考核不称职（三(四)4）")
    # B: 优秀, its one substantiated complaint below the rule's three; not flagged.
    expect(cell(row_b, "总分")).to_have_text("95.00")
    expect(cell(row_b, "查实投诉")).to_have_text("1")
    expect(cell(row_b, "等级")).to_have_text("优秀")
    expect(cell(row_b, "评定依据")).to_have_text("按总分评定")
    scores = {s.staff_member_id: s for s in current.scores.all()}
    assert (scores[a.pk].grade, scores[a.pk].complaints) == (Grade.INCOMPETENT, 3)
    assert (scores[b.pk].grade, scores[b.pk].complaints) == (Grade.EXCELLENT, 1)
    shoot(staff, screenshot_dir, "2-concluded")

    # 4. The Excel export: A's row 不称职 with 3 complaints and the flag, B's 优秀.
    with staff.expect_download() as info:
        staff.get_by_role("link", name="导出 Excel").click()
    download = info.value
    assert download.suggested_filename == f"{institution.name}{year}年度考核.xlsx"
    with open(download.path(), "rb") as xlsx:  # the saved download has no .xlsx suffix
        sheet = load_workbook(xlsx).active
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    header = rows[0]
    by_name = {r[header.index("姓名")]: dict(zip(header, r, strict=True)) for r in rows[1:]}
    assert set(by_name) == {a.name, b.name}
    assert by_name[a.name]["等级"] == "不称职" and by_name[a.name]["当年查实投诉次数"] == 3
    assert by_name[a.name]["总分"] == "95.00" and by_name[a.name]["评定依据"] == A_REASON
    assert by_name[a.name]["处理提示"] == "应予辞退" and by_name[a.name]["工号"] == "GQ015"
    assert by_name[b.name]["等级"] == "优秀" and by_name[b.name]["当年查实投诉次数"] == 1
    assert not by_name[b.name]["处理提示"]
    assert staff.js_errors == []

    # 5. The concluded page on a phone.
    phone = sign_in(open_page(browser, live_server, **PHONE), "appraisal_keeper")
    phone.goto(f"/appraisal/{current.pk}/")
    expect(cell(row_of(phone, a.name), "等级")).to_contain_text("不称职")
    expect(cell(row_of(phone, a.name), "等级")).to_contain_text("应予辞退")
    expect(cell(row_of(phone, b.name), "等级")).to_have_text("优秀")
    no_sideways_scrolling(phone)
    shoot(phone, screenshot_dir, "3-phone-concluded")
    assert phone.js_errors == []
    phone.context.close()
    staff.context.close()
