"""What the reporting tests share (not collected itself): 山东省 › 淄博市 › 高青县 and 桓台县, each with its HR bureau
and its admin, a viewer of the city, and the city's 2025 call (deadline 15 December 2025) to both counties, issued
on 20 November 2025."""

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from portal.enums import RegionLevel
from portal.models import Department, Region, User
from reporting import services
from reporting.models import ReportCall, UpwardReport
from tests.factories import DepartmentFactory, RegionFactory, UserFactory, ViewerFactory

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(year, month, day, hour=0, minute=0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=SHANGHAI)


BUILT_AT = at(2025, 11, 20, 9)
BEFORE_DEADLINE = at(2025, 12, 1, 10)
PUBLICITY = "在县政府网站开设标杆机构专栏，组织观摩交流会2场。"


@dataclass
class World:
    city: Region
    gaoqing: Region
    huantai: Region
    gaoqing_hr: Department
    city_admin: User
    county_admin: User  # 高青县's
    other_admin: User  # 桓台县's
    viewer: User  # of 淄博市
    call: ReportCall
    reports: dict[str, UpwardReport]  # by county name


def regions() -> tuple[Region, Region, Region]:
    province = RegionFactory(code="370000", name="山东省", level=RegionLevel.PROVINCE)
    city = RegionFactory(code="370300", name="淄博市", level=RegionLevel.CITY, parent=province)
    gaoqing = RegionFactory(code="370322", name="高青县", level=RegionLevel.COUNTY, parent=city)
    huantai = RegionFactory(code="370321", name="桓台县", level=RegionLevel.COUNTY, parent=city)
    return city, gaoqing, huantai


def build() -> World:
    city, gaoqing, huantai = regions()
    city_hr = DepartmentFactory(name="淄博市人力资源和社会保障局", region=city, doc_prefix="淄人社字")
    gaoqing_hr = DepartmentFactory(name="高青县人力资源和社会保障局", region=gaoqing, doc_prefix="高人社字")
    huantai_hr = DepartmentFactory(name="桓台县人力资源和社会保障局", region=huantai, doc_prefix="桓台人社字")
    city_admin = UserFactory(full_name="市人社局刘洋", department=city_hr)
    county_admin = UserFactory(full_name="县人社局赵敏", department=gaoqing_hr)
    other_admin = UserFactory(full_name="桓台县人社局孙立", department=huantai_hr)
    viewer = ViewerFactory(region=city)
    call = services.call_issue(region=city, year=2025, actor=city_admin, recipients=[gaoqing, huantai], now=BUILT_AT)
    reports = {report.region.name: report for report in call.reports.select_related("region", "call__region")}
    return World(city, gaoqing, huantai, gaoqing_hr, city_admin, county_admin, other_admin, viewer, call, reports)


def submitted(world: World, name: str = "高青县", *, now: datetime = BEFORE_DEADLINE, serial: int = 7) -> UpwardReport:
    report = world.reports[name]
    actor = world.county_admin if name == "高青县" else world.other_admin
    services.report_save(report=report, actor=actor, publicity_text=PUBLICITY, doc_serial=serial)
    return services.report_submit(report=report, actor=actor, now=now)
