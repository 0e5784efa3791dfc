"""Demo of the upward reports, built through the services on the days the story has them:

- 淄博市 (370300) issued the 2025 call on 20 November 2025 (deadline 15 December) to its districts and counties:
  高青县 submitted on 10 December and the city received it the next day; 桓台县 submitted late, on 18 December, and
  waits to be received; 沂源县 submitted on 12 December and was returned on the 14th with a reason; the others have not
  submitted (逾期未报).
- the city's 2022 call went to 高青县 alone (seed 000's year): its report, received, carries the 2022 announcement
  (高人社字〔2022〕12号), its award and its notice with the objection, which the demo's 2025 round has not reached.

The districts and counties missing are created (portal.regions.region_ensure), each with an HR bureau if it has
none, and the counties that report in the story get an account of their bureau's admin that cannot sign in (no
password: the story needs who submitted). Idempotent: a call of the city's for that year is left as it is.
"""

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from portal.enums import DepartmentKind, RegionLevel, Role
from portal.models import Department, Region, User
from portal.regions import region_ensure
from reporting import services
from reporting.models import ReportCall, UpwardReport
from reporting.selectors import hr_department

SHANGHAI = ZoneInfo("Asia/Shanghai")
COUNTIES = [
    ("370302", "淄川区"), ("370303", "张店区"), ("370304", "博山区"), ("370305", "临淄区"), ("370306", "周村区"),
    ("370321", "桓台县"), ("370323", "沂源县"),
]
PUBLICITY = {
    "高青县": "一是在县政府门户网站、“高青人社”微信公众号开设标杆机构专栏，发布获评机构服务事例12篇，阅读量1.8万人次。\n"
    "二是在县公共就业和人才服务中心、各镇（街道）便民服务中心设置标杆机构展示栏，组织观摩交流会2场，参加机构36家。\n"
    "三是结合“就业援助月”“春风行动”等专项活动，组织标杆机构开展政策宣讲和招聘服务8场，服务群众2300余人次。",
    "桓台县": "依托县融媒体中心和人社微信公众号宣传标杆机构服务经验，组织现场观摩1场。",
    "沂源县": "在县人社局网站公布了评定结果。",
}
RETURN_REASON = "宣传情况过于简略，未写明本年度宣传活动的场次、形式和受众人数，请补充后重新报送。"


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=SHANGHAI)


def _county(city: Region, code: str, name: str) -> Region:
    region = region_ensure(name=name, level=RegionLevel.COUNTY, parent=city, code=code)
    if hr_department(region) is None:
        Department.objects.get_or_create(
            name=f"淄博市{name}人力资源和社会保障局",
            defaults={"short_name": f"{name[-1]}人社局", "doc_prefix": f"{name[:-1]}人社字", "kind": DepartmentKind.HR,
                      "region": region},
        )
    return region


def _bureau_admin(region: Region) -> User:
    """The account that submits a county's report in the story (no password: nobody signs in with it)."""
    user, created = User.objects.get_or_create(
        username=f"reporter_{region.code}",
        defaults={"full_name": f"{region.name}人社局经办人（演示）", "role": Role.PROGRAMME_ADMIN,
                  "department": hr_department(region), "must_change_password": False},
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def _submit(report: UpwardReport, actor: User, day: date, hour: int, serial: int | None = None) -> UpwardReport:
    department = services.issuer(report)
    serial = serial or services.next_serial(department.doc_prefix, day.year)
    services.report_save(report=report, actor=actor, publicity_text=PUBLICITY[report.region.name], doc_serial=serial)
    return services.report_submit(report=report, actor=actor, now=_at(day, hour))


def seed_reporting(*, city_admin: User, county_admin: User) -> list[str]:
    city = Region.objects.get(code="370300")
    gaoqing = Region.objects.get(code="370322")
    counties = {name: _county(city, code, name) for code, name in COUNTIES} | {"高青县": gaoqing}
    done = []
    if not ReportCall.objects.filter(region=city, year=2022).exists():
        call = services.call_issue(region=city, year=2022, actor=city_admin, recipients=[gaoqing],
                                   note="2022年度先由高青县试点报送。", now=_at(date(2022, 11, 25), 9))
        report = _submit(call.reports.get(), county_admin, date(2022, 12, 14), 10)
        services.report_receive(report=report, actor=city_admin, now=_at(date(2022, 12, 15), 9))
        done.append(str(call))
    if not ReportCall.objects.filter(region=city, year=2025).exists():
        call = services.call_issue(
            region=city, year=2025, actor=city_admin, recipients=sorted(counties.values(), key=lambda r: r.code),
            note="请各区县人社局按时报送，报告由系统按本级评定数据生成，宣传情况请写明活动场次、形式和受众人数。",
            now=_at(date(2025, 11, 20), 9),
        )
        reports = {report.region.name: report for report in call.reports.select_related("region", "call")}
        received = _submit(reports["高青县"], county_admin, date(2025, 12, 10), 10, serial=58)
        services.report_receive(report=received, actor=city_admin, now=_at(date(2025, 12, 11), 9, 30))
        _submit(reports["桓台县"], _bureau_admin(counties["桓台县"]), date(2025, 12, 18), 15, serial=41)
        returned = _submit(reports["沂源县"], _bureau_admin(counties["沂源县"]), date(2025, 12, 12), 11, serial=33)
        services.report_return(report=returned, actor=city_admin, reason=RETURN_REASON, now=_at(date(2025, 12, 14), 16))
        done.append(str(call))
    return done
