"""Demo of the 「十百千」 targets (seed 001) for `manage.py seed_demo`: 山东省 with its 16 cities and 淄博's districts and
counties, the province's 10/100/1000 for 十四五 handed down to the cities and 淄博's county share to its 8 districts
and counties (through levels.services, as the admins would), benchmark programmes at every level and titles in the
ledger over 2022–2025 (a few revoked), and one 十五五 title of 2026 that does not count toward the 2025 target.

Idempotent: regions, departments, programmes and institutions are found by code or name, a title by its programme
and institution, and a target saved with the same numbers changes nothing. The names are made up but shaped as the
real ones are; the codes of the regions are the real 行政区划代码.
"""

from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.db import transaction
from stdnum.cn.uscc import calc_check_digit

from levels.services import Own, targets_save
from portal import regions
from portal.enums import LEVEL_TARGETS, DepartmentKind, InstitutionKind, InstitutionStatus, Level, RegionLevel
from portal.models import Department, Institution, Programme, ProgrammeDepartment, Region, Title, User
from portal.periods import FIFTEENTH, FOURTEENTH, Period
from portal.services import programme_admin_grant
from portal.titles import title_grant, title_revoke

SHANGHAI = ZoneInfo("Asia/Shanghai")
BASIS = "鲁人社字〔2021〕138号"
# (code, name, city-level share, county-level share): 96 of the 100 and 990 of the 1,000 handed down.
CITIES = [
    ("370100", "济南市", 8, 85), ("370200", "青岛市", 8, 90), ("370300", "淄博市", 7, 60), ("370400", "枣庄市", 5, 45),
    ("370500", "东营市", 5, 40), ("370600", "烟台市", 8, 75), ("370700", "潍坊市", 8, 80), ("370800", "济宁市", 6, 70),
    ("370900", "泰安市", 6, 55), ("371000", "威海市", 5, 45), ("371100", "日照市", 4, 35), ("371300", "临沂市", 7, 85),
    ("371400", "德州市", 5, 55), ("371500", "聊城市", 5, 55), ("371600", "滨州市", 4, 45), ("371700", "菏泽市", 5, 70),
]
# 淄博's districts and counties with their county-level share: 58 of its 60.
ZIBO_COUNTIES = [
    ("370302", "淄川区", 8), ("370303", "张店区", 10), ("370304", "博山区", 6), ("370305", "临淄区", 9),
    ("370306", "周村区", 7), ("370321", "桓台县", 7), ("370322", "高青县", 5), ("370323", "沂源县", 6),
]
PROVINCE_DEPARTMENTS = [
    ("山东省人力资源和社会保障厅", "省人社厅", "鲁人社字", DepartmentKind.HR),
    ("山东省发展和改革委员会", "省发改委", "鲁发改字", DepartmentKind.DRC),
    ("山东省民政厅", "省民政厅", "鲁民字", DepartmentKind.CIVIL_AFFAIRS),
    ("山东省财政厅", "省财政厅", "鲁财字", DepartmentKind.FINANCE),
]
# The HR bureau that leads each programme below the province: (region code, name, 发文机关代字).
BUREAUS = {
    "370100": ("济南市人力资源和社会保障局", "济人社字"), "370200": ("青岛市人力资源和社会保障局", "青人社字"),
    "370300": ("淄博市人力资源和社会保障局", "淄人社字"), "370600": ("烟台市人力资源和社会保障局", "烟人社字"),
    "370303": ("淄博市张店区人力资源和社会保障局", "张人社字"), "370305": ("淄博市临淄区人力资源和社会保障局", "临人社字"),
    "370321": ("桓台县人力资源和社会保障局", "桓人社字"), "370323": ("沂源县人力资源和社会保障局", "沂人社字"),
}
# Programmes: (region code, level, period, quota). 淄博's city programme and 高青县's are seed_demo's own.
PROGRAMMES = [
    ("370000", Level.PROVINCE, FOURTEENTH, 10), ("370100", Level.CITY, FOURTEENTH, 9),
    ("370200", Level.CITY, FOURTEENTH, 9), ("370300", Level.CITY, FOURTEENTH, 12), ("370600", Level.CITY, FOURTEENTH, 8),
    ("370303", Level.COUNTY, FOURTEENTH, 10), ("370305", Level.COUNTY, FOURTEENTH, 9),
    ("370321", Level.COUNTY, FOURTEENTH, 7), ("370323", Level.COUNTY, FOURTEENTH, 6),
    ("370303", Level.COUNTY, FIFTEENTH, 10),
]
P, C, K = Level.PROVINCE, Level.CITY, Level.COUNTY
PUBLIC, GRASSROOTS, HR, GIG, TRAINING = (
    InstitutionKind.PUBLIC_AGENCY, InstitutionKind.GRASSROOTS_PLATFORM, InstitutionKind.COMMERCIAL_HR,
    InstitutionKind.GIG_MARKET, InstitutionKind.TRAINING,
)
# Titles: (programme's region, level, period key, institution, its region, kind, awarded on, revoked on or None).
TITLES = [
    ("370000", P, "14", "济南市公共就业和人才服务中心", "370100", PUBLIC, date(2022, 12, 16), None),
    ("370000", P, "14", "青岛市公共就业和人才服务中心", "370200", PUBLIC, date(2022, 12, 16), None),
    ("370000", P, "14", "淄博市张店区公共就业和人才服务中心", "370303", PUBLIC, date(2023, 12, 8), None),
    ("370000", P, "14", "烟台市零工市场", "370600", GIG, date(2023, 12, 8), None),
    ("370000", P, "14", "潍坊市公共就业和人才服务中心", "370700", PUBLIC, date(2024, 12, 13), None),
    ("370000", P, "14", "山东齐鲁英才人力资源服务有限公司", "370100", HR, date(2024, 12, 13), date(2025, 6, 20)),
    ("370000", P, "14", "威海市职业技能公共实训中心", "371000", TRAINING, date(2025, 11, 28), None),
    ("370100", C, "14", "济南市历下区人力资源市场", "370100", PUBLIC, date(2022, 11, 25), None),
    ("370100", C, "14", "济南市槐荫区零工市场", "370100", GIG, date(2023, 11, 24), None),
    ("370100", C, "14", "山东泉城人力资源服务有限公司", "370100", HR, date(2024, 11, 22), None),
    ("370100", C, "14", "济南市章丘区公共就业服务中心", "370100", PUBLIC, date(2025, 11, 21), None),
    ("370200", C, "14", "青岛市市南区公共就业服务中心", "370200", PUBLIC, date(2022, 12, 9), None),
    ("370200", C, "14", "青岛海川人力资源服务有限公司", "370200", HR, date(2023, 12, 1), date(2024, 9, 12)),
    ("370200", C, "14", "青岛西海岸新区零工市场", "370200", GIG, date(2024, 12, 6), None),
    ("370600", C, "14", "烟台市芝罘区公共就业服务中心", "370600", PUBLIC, date(2023, 12, 15), None),
    ("370600", C, "14", "烟台市莱山区职业培训学校", "370600", TRAINING, date(2025, 12, 12), None),
    ("370300", C, "14", "淄博市临淄区公共就业和人才服务中心", "370305", PUBLIC, date(2023, 6, 12), None),
    ("370300", C, "14", "淄博市周村区零工市场", "370306", GIG, date(2024, 6, 14), None),
    ("370300", C, "14", "淄博博远人力资源服务有限公司", "370303", HR, date(2025, 6, 13), None),
    ("370303", K, "14", "淄博市张店区车站街道便民服务中心", "370303", GRASSROOTS, date(2022, 12, 2), None),
    ("370303", K, "14", "淄博市张店区零工市场", "370303", GIG, date(2023, 12, 1), None),
    ("370303", K, "14", "淄博市张店区马尚街道社区就业服务站", "370303", GRASSROOTS, date(2024, 11, 29), None),
    ("370303", K, "14", "淄博众诚职业培训学校", "370303", TRAINING, date(2024, 11, 29), date(2025, 8, 6)),
    ("370305", K, "14", "淄博市临淄区辛店街道便民服务中心", "370305", GRASSROOTS, date(2023, 12, 22), None),
    ("370305", K, "14", "淄博市临淄区零工市场", "370305", GIG, date(2024, 12, 20), None),
    ("370321", K, "14", "桓台县公共就业和人才服务中心", "370321", PUBLIC, date(2022, 12, 23), None),
    ("370321", K, "14", "桓台县索镇街道便民服务中心", "370321", GRASSROOTS, date(2024, 12, 27), None),
    ("370323", K, "14", "沂源县公共就业和人才服务中心", "370323", PUBLIC, date(2025, 12, 19), None),
    # 十五五: given in 2026 on the new period's quota, it never counts toward the 2025 target.
    ("370303", K, "15", "淄博市张店区科苑街道社区就业服务站", "370303", GRASSROOTS, date(2026, 3, 20), None),
]
USCC_ORG = {PUBLIC: ("12", "MB"), GRASSROOTS: ("11", "MB"), HR: ("91", "MA"), GIG: ("12", "MB"), TRAINING: ("52", "MJ")}


def _regions() -> dict[str, Region]:
    found = {"370000": regions.region_ensure(code="370000", name="山东省", level=RegionLevel.PROVINCE, parent=None)}
    for code, name, _city, _county in CITIES:
        found[code] = regions.region_ensure(code=code, name=name, level=RegionLevel.CITY, parent=found["370000"])
    for code, name, _share in ZIBO_COUNTIES:
        found[code] = regions.region_ensure(code=code, name=name, level=RegionLevel.COUNTY, parent=found["370300"])
    return found


def _department(name: str, short: str, prefix: str, kind: str, region: Region) -> Department:
    department, _created = Department.objects.get_or_create(
        name=name, defaults={"short_name": short, "doc_prefix": prefix, "kind": kind, "region": region})
    return department


def _programme(region: Region, level: str, period: Period, quota: int, departments: list[Department]) -> Programme:
    # A district is named with its city (淄博市张店区), as its bureau signs; a county by itself (桓台县).
    place = f"{region.parent.name}{region.name}" if region.name.endswith("区") else region.name
    name = f"{place}就业服务质量{Level(level).label}标杆机构评定（{period.name}）"
    programme, _created = Programme.objects.get_or_create(name=name, defaults={
        "level": level, "region": region, "period_name": period.name, "period_start": period.start,
        "period_end": period.end, "period_quota": quota, "lead_department": departments[0],
    })
    for order, department in enumerate(departments):
        ProgrammeDepartment.objects.get_or_create(programme=programme, department=department, defaults={"order": order})
    return programme


def _programmes(found: dict[str, Region]) -> dict[tuple[str, str, str], Programme]:
    province = [_department(*row, found["370000"]) for row in PROVINCE_DEPARTMENTS]
    result = {}
    for code, level, period, quota in PROGRAMMES:
        if code == "370000":
            departments = province
        else:
            name, prefix = BUREAUS[code]
            short = "市人社局" if found[code].level == RegionLevel.CITY else "区县人社局"
            departments = [_department(name, short, prefix, DepartmentKind.HR, found[code])]
        result[(code, level, period.key)] = _programme(found[code], level, period, quota, departments)
    return result


def _institution(name: str, region: Region, kind: str, serial: int) -> Institution:
    found = Institution.objects.filter(name=name, region=region).first()
    if found is not None:
        return found
    authority, organisation = USCC_ORG[kind]
    body = f"{authority}{region.code}{organisation}{7_000_000 + serial:07d}"
    institution, _created = Institution.objects.get_or_create(uscc=body + calc_check_digit(body), defaults={
        "name": name, "kind": kind, "region": region, "address": f"{region.name}就业服务大厅", "principal_name": "王主任",
        "contact_name": "李经办", "contact_phone": "0531-86000000", "status": InstitutionStatus.VERIFIED,
    })
    return institution


def _titles(found, programmes, *, admin_province: User, admin_city: User) -> int:
    added = 0
    for serial, (code, level, period, name, where, kind, awarded, revoked) in enumerate(TITLES, 1):
        programme = programmes[(code, level, period)]
        institution = _institution(name, found[where], kind, serial)
        actor = admin_province if code == "370000" else admin_city if code.startswith("3703") else None
        title = Title.objects.filter(programme=programme, institution=institution).first()
        if title is None:
            title = title_grant(
                programme=programme, institution=institution, holder_name=name, actor=actor, awarded_on=awarded,
                number=f"{code}-{awarded.year}-{serial:03d}", now=datetime(awarded.year, awarded.month, awarded.day, 10,
                                                                          tzinfo=SHANGHAI),
            )
            added += 1
        if revoked is not None and title.revoked_at is None:
            title_revoke(title=title, revoked_at=datetime(revoked.year, revoked.month, revoked.day, 15, tzinfo=SHANGHAI),
                         quota_returned=False, actor=actor, reason="经复查不再符合标杆机构条件，撤销称号")
    return added


def _targets(found, *, admin_province: User, admin_city: User) -> list[str]:
    """The province's own 10/100/1000 and its shares to the 16 cities; 淄博's county share to its 8."""
    deadline = FOURTEENTH.end
    own = {level: Own(count=LEVEL_TARGETS[level], deadline=deadline, note=BASIS) for level in LEVEL_TARGETS}
    shares = {found[code].pk: {Level.CITY: city, Level.COUNTY: county} for code, _name, city, county in CITIES}
    changes = targets_save(region=found["370000"], period=FOURTEENTH, own=own, shares=shares, note=BASIS,
                           actor=admin_province)
    county_shares = {found[code].pk: {Level.COUNTY: share} for code, _name, share in ZIBO_COUNTIES}
    changes += targets_save(region=found["370300"], period=FOURTEENTH, own={}, shares=county_shares,
                            note="淄人社字〔2022〕5号", actor=admin_city)
    return changes


@transaction.atomic
def seed_levels(*, admin_province: User, admin_city: User, viewer_city: User) -> list[str]:
    """Load the 「十百千」 demo (see the module's docstring); returns what it did, in words (nothing on a rerun).
    `viewer_city` is the city's viewer whose home page these figures are for: 淄博市 must be its region."""
    found = _regions()
    if viewer_city.region_id != found["370300"].pk:
        raise ValueError(f"the demo's city viewer {viewer_city.username} should follow 淄博市 (370300)")
    programmes = _programmes(found)
    programme_admin_grant(programme=programmes[("370000", Level.PROVINCE, "14")], user=admin_province)
    done = []
    added = _titles(found, programmes, admin_province=admin_province, admin_city=admin_city)
    if added:
        done.append(f"称号台账 {added} 条")
    if _targets(found, admin_province=admin_province, admin_city=admin_city):
        done.append("山东省“十百千”目标及分解")
    return done
