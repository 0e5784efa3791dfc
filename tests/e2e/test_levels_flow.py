"""Issue 16 end to end in Chromium: the province sets its 「十百千」 targets for 十四五 and hands 淄博市 and 济南市 their
shares (an over-allocation is refused, as typed); 淄博市 announces its city-level round; 高青县 reports upward and
淄博市 receives it; the province's dashboard counts the city's awards (SVG chart, Excel); the awarded institution's
showcase is approved, shown to the public, and gone (410) once the title is revoked."""

import io
import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import openpyxl
import pytest
from django.utils import timezone
from PIL import Image
from playwright.sync_api import expect

from awards.models import Award
from portal.enums import Level, RegionLevel, Role
from portal.models import Round, User
from portal.periods import FOURTEENTH
from reporting import services as reporting
from reporting.models import UpwardReport
from showcase.models import Showcase
from tests.e2e.pages import PHONE, open_page, sign_in
from tests.factories import DepartmentFactory, RegionFactory, UserFactory
from tests.publicity.publicity_builders import at, listed_round, publish

pytestmark = pytest.mark.django_db(transaction=True)

SHANGHAI = ZoneInfo("Asia/Shanghai")
PUBLICITY = "在市、县政府网站开设标杆机构专栏，组织观摩交流会2场，发放宣传册1200份。"
SUMMARY = "打造“15分钟就业服务圈”，就近提供岗位、政策和培训服务。"
PRACTICE = "在全县镇（街道）布设就业服务驿站，岗位信息、政策咨询、技能培训报名就近可办。"


def shandong() -> dict:
    """山东省 › 淄博市 (› 高青县) and 济南市, each bureau with its admin; 淄博市's city-level programme of 十四五 whose
    round (window in 2025) had its shortlist published on 1 September 2026 without objections; an applicant of the
    first institution named."""
    province = RegionFactory(code="370000", name="山东省", level=RegionLevel.PROVINCE)
    zibo = RegionFactory(code="370300", name="淄博市", level=RegionLevel.CITY, parent=province)
    RegionFactory(code="370100", name="济南市", level=RegionLevel.CITY, parent=province)
    gaoqing = RegionFactory(code="370322", name="高青县", level=RegionLevel.COUNTY, parent=zibo)
    # The county's bureau first: the issuer of its reports is the region's first HR department.
    DepartmentFactory(name="高青县人力资源和社会保障局", short_name="县人社局", region=gaoqing, doc_prefix="高人社字")
    city_hr = DepartmentFactory(name="淄博市人力资源和社会保障局", short_name="市人社局", region=zibo, doc_prefix="淄人社字")
    UserFactory(username="lv_province", full_name="高文博", region=province)
    UserFactory(username="lv_county", full_name="赵敏", region=gaoqing)

    listed = listed_round(
        names=("甲", "乙"), region=zibo, level=Level.CITY, lead_department=city_hr, name="淄博市市级就业服务质量标杆机构评定",
        period_name=FOURTEENTH.name, period_start=FOURTEENTH.start, period_end=FOURTEENTH.end, period_quota=20,
    )
    Round.objects.filter(pk=listed.round.pk).update(
        name="2025年度", opens_at=datetime(2025, 9, 1, 9, tzinfo=SHANGHAI), closes_at=datetime(2025, 10, 31, 17, tzinfo=SHANGHAI)
    )
    listed.round.refresh_from_db()
    publish(listed, at(2026, 9, 1, 9), title="关于淄博市2025年度拟评定市级就业服务质量标杆机构名单的公示")
    User.objects.filter(pk=listed.admin.pk).update(username="lv_city", full_name="刘洋", region=zibo)
    institution = listed.applications[0].institution
    UserFactory(username="lv_applicant", full_name="李经办", role=Role.APPLICANT, institution=institution)
    return {"zibo": zibo, "gaoqing": gaoqing, "round": listed.round, "city_admin": User.objects.get(username="lv_city")}


def png_file(tmp_path):
    path = tmp_path / "服务大厅.png"
    buffer = io.BytesIO()
    Image.new("RGB", (320, 200), (40, 110, 180)).save(buffer, format="PNG")
    path.write_bytes(buffer.getvalue())
    return path


def row_of(page, header: str):
    """The table row whose row header reads `header` exactly."""
    return page.get_by_role("row").filter(has=page.get_by_role("rowheader", name=header, exact=True))


def test_targets_announce_report_dashboard_showcase(browser, live_server, screenshot_dir, tmp_path):
    world = shandong()
    year = timezone.localdate().year
    shot = lambda page, name: page.screenshot(path=str(screenshot_dir / f"levels-{name}.png"), full_page=True)  # noqa: E731
    pages = []

    def staff(username, **context):
        page = sign_in(open_page(browser, live_server, **context), username)
        pages.append(page)
        return page

    # 1. The province sets its own 十四五 targets and hands 淄博市 and 济南市 their shares.
    province = staff("lv_province")
    province.goto("/levels/allocate/")
    province.get_by_role("link", name="“十四五”时期").click()
    expect(province.get_by_role("link", name="“十四五”时期")).to_have_attribute("aria-current", "page")
    province.get_by_label("本级省级目标（家）").fill("10")
    province.get_by_label("本级市级目标（家）").fill("100")
    province.get_by_label("本级县级目标（家）").fill("1000")
    province.get_by_label("淄博市 · 市级", exact=True).fill("7")
    province.get_by_label("淄博市 · 县级", exact=True).fill("60")
    province.get_by_label("济南市 · 市级", exact=True).fill("8")
    province.get_by_label("济南市 · 县级", exact=True).fill("85")
    province.get_by_label("下达说明").fill("鲁人社字〔2021〕138号")
    province.get_by_role("button", name="保存目标").click()
    expect(province.get_by_text(re.compile("^已保存：.*淄博市市级 7"))).to_be_visible()
    # What is left to hand down: 100 − 7 − 8 and 1000 − 60 − 85.
    expect(row_of(province, "市级").locator("td").last).to_have_text("85")
    expect(row_of(province, "县级").locator("td").last).to_have_text("855")
    expect(row_of(province, "县级").locator("td").nth(-2)).to_have_text("145")
    shot(province, "1-allocate-saved")

    province.get_by_label("淄博市 · 县级", exact=True).fill("2000")
    province.get_by_role("button", name="保存目标").click()
    alert = province.get_by_role("alert")
    expect(alert).to_contain_text("县级目标：已分配 85，本次 2000，超出本级设定的 1000。")
    expect(province.get_by_label("淄博市 · 县级", exact=True)).to_have_value("2000")  # kept as typed
    expect(row_of(province, "县级").locator("td").last).to_have_text("855")  # nothing saved
    shot(province, "2-allocate-refused")

    # 2. 淄博市 announces its city-level round (publicity over, no objection).
    city = staff("lv_city")
    city.goto(f"/staff/rounds/{world['round'].pk}/publicity/")
    city.get_by_role("link", name="公布与授牌").click()
    expect(city.get_by_role("heading", name="起草公布文件")).to_be_visible()
    expect(city.get_by_label("发文机关代字")).to_have_value("淄人社字")
    city.get_by_role("button", name="保存草稿").click()
    expect(city.get_by_text("草稿已保存")).to_be_visible()
    number = f"淄人社字〔{year}〕1号"
    city.get_by_role("button", name=f"发布{number}并授牌").click()
    expect(city.get_by_text(f"已发布{number}，授牌2家。")).to_be_visible()
    assert city.confirms[-1] == f"发布{number}：文件在门户公开，名单中的2家机构获授牌并收到通知，发布后不能修改。确定发布？"
    shot(city, "3-city-announced")
    award = Award.objects.get(institution_name="申报机构甲")
    assert award.programme.level == Level.CITY and award.programme.region == world["zibo"]

    # 3. 高青县 reports upward to 淄博市, which receives it.
    call = reporting.call_issue(
        region=world["zibo"], year=year, actor=world["city_admin"], recipients=[world["gaoqing"]],
        deadline=timezone.localdate() + timedelta(days=14),
    )
    report = UpwardReport.objects.get(call=call)
    county = staff("lv_county")
    county.goto("/reports/")
    county.get_by_role("row").filter(has_text=str(year)).get_by_role("link", name="高青县").click()
    expect(county).to_have_url(re.compile(rf"/reports/{report.pk}/$"))
    county.get_by_label("宣传情况").fill(PUBLICITY)
    county.get_by_label("文号序号").fill("8")
    county.get_by_role("button", name="报送", exact=True).click()
    expect(county.get_by_text("报告已报送，上级人社局已收到通知。")).to_be_visible()
    assert county.confirms[-1] == "报送后报告和其中的数据即报淄博市人社部门，不能再修改（退回后可修改重报）。确定报送吗？"
    expect(county.locator(".status--submitted")).to_have_text("已报送")
    expect(county.get_by_text(f"高人社字〔{year}〕8号").first).to_be_visible()
    shot(county, "4-county-submitted")

    city.goto(f"/reports/calls/{call.pk}/")
    gaoqing_row = city.get_by_role("row").filter(has_text="高青县")
    expect(gaoqing_row.locator(".status--submitted")).to_have_text("已报送")
    shot(city, "5-report-overview")
    gaoqing_row.get_by_role("button", name="签收").click()
    expect(city.get_by_text("已签收高青县的报告。")).to_be_visible()
    assert city.confirms[-1] == "签收高青县的报告？签收后不能退回。"
    expect(city.get_by_role("row").filter(has_text="高青县").locator(".status--received")).to_have_text("已签收")
    shot(city, "6-report-received")

    county.goto(f"/reports/{report.pk}/")
    expect(county.locator(".status--received")).to_have_text("已签收")
    expect(county.get_by_text(re.compile("刘洋已于.*签收。"))).to_be_visible()

    # 4. The province's dashboard: 淄博市's target and its two city-level awards, drawn and exported.
    province.goto("/levels/")
    zibo_row = row_of(province, "淄博市")
    expect(zibo_row.locator("td").nth(1)).to_have_text("7")  # 市级 目标
    expect(zibo_row.locator("td").nth(2)).to_have_text("2")  # 市级 有效
    chart = province.locator("svg[role=img]").filter(has_text="市级：各下级区划目标与有效称号")
    expect(chart).to_have_count(1)
    assert {"淄博市", "目标 7", "有效 2", "济南市", "目标 8", "有效 0"} <= set(chart.locator("text").all_text_contents())
    shot(province, "7-dashboard-1280")
    with province.expect_download() as download_info:
        province.get_by_role("link", name="导出Excel").click()
    download = download_info.value
    assert re.fullmatch(r"山东省-十百千目标进度-十四五时期-\d{8}\.xlsx", download.suggested_filename)
    download.save_as(tmp_path / download.suggested_filename)
    workbook = openpyxl.load_workbook(tmp_path / download.suggested_filename)
    rows = [list(row) for row in workbook.active.iter_rows(values_only=True)]
    assert ["下级区划", "淄博市", "市级", 7, 2, 0] in [row[:6] for row in rows]

    phone = staff("lv_province", **PHONE)
    phone.goto("/levels/")
    expect(row_of(phone, "淄博市")).to_be_visible()
    shot(phone, "8-dashboard-390")

    # 5. The institution's showcase: submitted, approved, public; gone with the title.
    applicant = staff("lv_applicant")
    applicant.goto(f"/showcase/staff/awards/{award.pk}/")
    applicant.get_by_label("简介").fill(SUMMARY)
    applicant.get_by_label("典型经验做法").fill(PRACTICE)
    applicant.get_by_label("添加照片").set_input_files(str(png_file(tmp_path)))
    applicant.get_by_label("新照片的说明").fill("服务大厅“一站式”受理窗口")
    applicant.get_by_role("button", name="保存并提交审核").click()
    expect(applicant.get_by_text("宣传材料已提交审核，审核通过后在门户展示。")).to_be_visible()
    assert applicant.confirms[-1].startswith("提交后由评定工作管理员审核")
    expect(applicant.get_by_text("待审核", exact=True)).to_be_visible()
    shot(applicant, "9-showcase-submitted")
    showcase = Showcase.objects.get(award=award)

    visitor = open_page(browser, live_server)
    pages.append(visitor)
    visitor.goto("/showcase/")
    expect(visitor.get_by_role("heading", name="标杆风采", exact=True)).to_be_visible()
    expect(visitor.get_by_text("申报机构甲")).to_have_count(0)

    city.goto("/showcase/staff/review/")
    city.get_by_role("row").filter(has_text="申报机构甲").get_by_role("link", name="审核").click()
    expect(city.get_by_role("heading", name="审核宣传材料：申报机构甲")).to_be_visible()
    shot(city, "10-showcase-review")
    city.get_by_role("button", name="审核通过并发布").click()
    expect(city.get_by_text("已审核通过并发布")).to_be_visible()
    assert city.confirms[-1] == "通过后，申报机构甲的宣传材料将在门户“标杆风采”栏目公开展示，并通知该机构。确定通过？"

    visitor.goto("/showcase/")
    visitor.get_by_role("link", name="申报机构甲").click()
    expect(visitor).to_have_url(re.compile(rf"/showcase/{showcase.pk}/$"))
    expect(visitor.get_by_role("heading", name="申报机构甲", level=1)).to_be_visible()
    expect(visitor.get_by_text(PRACTICE)).to_be_visible()
    photo = visitor.get_by_role("img", name="服务大厅“一站式”受理窗口")
    expect(photo).to_be_visible()
    assert photo.evaluate("img => img.complete && img.naturalWidth") > 0
    shot(visitor, "11-showcase-public")

    city.goto(f"/staff/awards/{award.pk}/revoke/")
    city.get_by_label("就业服务工作被证实达不到标准").check()
    city.get_by_label("事实和依据").fill("2026年暗访检查两次未按规定公示收费标准，整改后复查仍不达标。")
    city.get_by_label("撤销文号").fill(f"淄人社字〔{year}〕30号")
    city.get_by_role("button", name="撤销并公布").click()
    expect(city.get_by_text("已撤销并公布")).to_be_visible()
    assert city.confirms[-1] == "撤销申报机构甲的“市级就业服务质量标杆机构”称号并在门户公布，奖牌核验页将显示已撤销。确定撤销？"

    response = visitor.goto(f"/showcase/{showcase.pk}/")
    assert response.status == 410
    expect(visitor.get_by_role("heading", name="该称号已撤销")).to_be_visible()
    expect(visitor.get_by_text(PRACTICE)).to_have_count(0)
    shot(visitor, "12-showcase-revoked")
    visitor.goto("/showcase/")
    expect(visitor.get_by_role("link", name="申报机构甲")).to_have_count(0)

    # The refused allocation (400) and the revoked showcase (410) are pages answered on purpose with those statuses.
    expected = {f"Failed to load resource: the server responded with a status of {status}" for status in
                ("400 (Bad Request)", "410 (Gone)")}
    errors = {page.url: errors for page in pages if (errors := [e for e in page.js_errors if e not in expected])}
    for page in pages:
        page.context.close()
    assert errors == {}
