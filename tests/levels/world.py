"""The 「十百千」 world the levels tests read (imported by them; not collected itself).

山东省 › 淄博市 › 张店区, 高青县 (and a town of 张店区); 山东省 › 济南市 › 历下区. The province sets 10/100/1000 for 十四五 and
hands 淄博 7/60 and 济南 8/85 down; 淄博 hands 张店区 10 and 高青县 5 down. Titles in the ledger:

| programme (十四五 unless said)   | awarded (revoked)                | counts toward 十四五 as          |
|---------------------------------|----------------------------------|--------------------------------|
| 山东省 省级                        | 2022, 2023, 2024 (revoked)        | 省级 2 valid, 1 revoked         |
| 淄博市 市级                        | 2023, 2025                        | 市级 淄博 2                     |
| 济南市 市级                        | 2024                              | 市级 济南 1                     |
| 张店区 县级                        | 2022, 2023, 2024 (revoked), 2026  | 县级 张店 3 valid, 1 revoked    |
| 张店区 县级 十五五                  | 2026                              | nothing (another period)       |
| 高青县 县级                        | 2025                              | 县级 高青 1                     |
| 历下区 县级                        | 2023, 2024                        | 县级 济南 2                     |
| 张店区 充分就业社区 (not benchmark)  | 2024                              | nothing                        |
"""

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from levels.services import Own, targets_save
from portal.enums import Level, ProgrammeKind, RegionLevel, Role
from portal.models import Programme, Region, Title, User
from portal.periods import FIFTEENTH, FOURTEENTH
from tests.factories import DepartmentFactory, ProgrammeFactory, RegionFactory, UserFactory

SHANGHAI = ZoneInfo("Asia/Shanghai")
BUILT_AT = datetime(2025, 3, 1, 9, tzinfo=SHANGHAI)
# A month before the 2025 deadline: 30 days left.
DECEMBER_FIRST = datetime(2025, 12, 1, 10, tzinfo=SHANGHAI)
P, C, K = Level.PROVINCE, Level.CITY, Level.COUNTY


@dataclass
class World:
    province: Region
    zibo: Region
    jinan: Region
    zhangdian: Region
    gaoqing: Region
    lixia: Region
    town: Region
    province_admin: User
    city_admin: User
    county_admin: User
    city_viewer: User
    county_viewer: User
    province_viewer: User
    sysadmin: User
    zhangdian_programme: Programme


def user(**fields) -> User:
    """An account whose password is fresh on the tests' day (the world is built months before it)."""
    return UserFactory(password_changed_at=DECEMBER_FIRST, **fields)


def programme(region: Region, level: str, *, period=FOURTEENTH, **fields) -> Programme:
    return ProgrammeFactory(region=region, level=level, period_name=period.name, period_start=period.start,
                            period_end=period.end, **fields)


def grant(programme: Programme, *awarded: date, revoked: tuple[date, ...] = ()) -> None:
    """Titles of `programme` in the ledger, one per date; those in `revoked` revoked (no institution: the counts read
    the programme only)."""
    Title.objects.bulk_create([
        Title(programme=programme, holder_name=f"机构{index}", awarded_on=day,
              revoked_at=datetime(day.year, 12, 31, tzinfo=SHANGHAI) if day in revoked else None)
        for index, day in enumerate(awarded)
    ])


def build() -> World:
    province = RegionFactory(code="370000", name="山东省", level=RegionLevel.PROVINCE)
    zibo = RegionFactory(code="370300", name="淄博市", level=RegionLevel.CITY, parent=province)
    jinan = RegionFactory(code="370100", name="济南市", level=RegionLevel.CITY, parent=province)
    zhangdian = RegionFactory(code="370303", name="张店区", level=RegionLevel.COUNTY, parent=zibo)
    gaoqing = RegionFactory(code="370322", name="高青县", level=RegionLevel.COUNTY, parent=zibo)
    lixia = RegionFactory(code="370102", name="历下区", level=RegionLevel.COUNTY, parent=jinan)
    town = RegionFactory(code="370303001000", name="车站街道", level=RegionLevel.TOWN, parent=zhangdian)
    province_admin = user(username="admin_province", full_name="高文博", region=province)
    city_admin = user(username="admin_city", full_name="刘洋", region=zibo)
    targets_save(region=province, period=FOURTEENTH, actor=province_admin, note="鲁人社字〔2021〕138号",
                 own={P: Own(10), C: Own(100), K: Own(1000)},
                 shares={zibo.pk: {C: 7, K: 60}, jinan.pk: {C: 8, K: 85}})
    targets_save(region=zibo, period=FOURTEENTH, actor=city_admin, own={},
                 shares={zhangdian.pk: {K: 10}, gaoqing.pk: {K: 5}})
    grant(programme(province, P), date(2022, 12, 1), date(2023, 12, 1), date(2024, 12, 1), revoked=(date(2024, 12, 1),))
    grant(programme(zibo, C), date(2023, 6, 1), date(2025, 6, 1))
    grant(programme(jinan, C), date(2024, 6, 1))
    zhangdian_programme = programme(zhangdian, K)
    # The last one was announced in January 2026 on the 十四五 quota: it counts toward 2025, in the year 2026.
    grant(zhangdian_programme, date(2022, 12, 2), date(2023, 12, 2), date(2024, 12, 2), date(2026, 1, 15),
          revoked=(date(2024, 12, 2),))
    grant(programme(zhangdian, K, period=FIFTEENTH), date(2026, 3, 20))
    grant(programme(gaoqing, K), date(2025, 11, 28))
    grant(programme(lixia, K), date(2023, 12, 8), date(2024, 12, 6))
    grant(programme(zhangdian, K, kind=ProgrammeKind.FULL_EMPLOYMENT), date(2024, 12, 20))
    return World(
        province=province, zibo=zibo, jinan=jinan, zhangdian=zhangdian, gaoqing=gaoqing, lixia=lixia, town=town,
        province_admin=province_admin, city_admin=city_admin,
        county_admin=user(username="admin_county", department=DepartmentFactory(region=zhangdian)),
        city_viewer=user(username="viewer_city", role=Role.VIEWER, region=zibo),
        county_viewer=user(username="viewer_county", role=Role.VIEWER, region=zhangdian),
        province_viewer=user(username="viewer_province", role=Role.VIEWER, region=province),
        sysadmin=user(username="sysadmin", role=Role.SYSTEM_ADMIN),
        zhangdian_programme=zhangdian_programme,
    )
