"""The regions the region tests read (imported by them; not collected itself): 山东省 › 淄博市 › 高青县 with a town of a
statistical-looking code and one with a local code and its two villages, 济南市 › 历下区 beside it, a programme admin
of 高青县 and the system administrator. The 12-digit codes that are not local are test values, not real ones."""

from dataclasses import dataclass

from portal import regions, services
from portal.enums import RegionLevel, Settlement
from portal.models import Region, User
from tests.factories import ProgrammeFactory, RegionFactory, SystemAdminFactory, UserFactory

PROVINCE, CITY, COUNTY, TOWN, COMMUNITY = (
    RegionLevel.PROVINCE, RegionLevel.CITY, RegionLevel.COUNTY, RegionLevel.TOWN, RegionLevel.COMMUNITY,
)


@dataclass
class RegionWorld:
    province: Region
    city: Region
    county: Region
    other_county: Region
    real_town: Region
    local_town: Region
    village: Region
    community: Region
    admin: User
    sysadmin: User


def build_regions() -> RegionWorld:
    province = RegionFactory(code="370000", name="山东省", level=PROVINCE)
    city = RegionFactory(code="370300", name="淄博市", level=CITY, parent=province)
    county = RegionFactory(code="370322", name="高青县", level=COUNTY, parent=city)
    other_city = RegionFactory(code="370100", name="济南市", level=CITY, parent=province)
    other_county = RegionFactory(code="370102", name="历下区", level=COUNTY, parent=other_city)
    real_town = RegionFactory(code="370322101000", name="青城镇", level=TOWN, parent=county)
    local_town = regions.region_add(Region(name="田镇街道", level=TOWN, parent=county))
    village = regions.region_add(Region(name="甲村", level=COMMUNITY, parent=local_town, settlement=Settlement.VILLAGE))
    community = regions.region_add(
        Region(name="乙社区", level=COMMUNITY, parent=local_town, settlement=Settlement.COMMUNITY)
    )
    admin = UserFactory(full_name="赵管理")
    services.programme_admin_grant(programme=ProgrammeFactory(region=county), user=admin)
    return RegionWorld(
        province=province, city=city, county=county, other_county=other_county, real_town=real_town,
        local_town=local_town, village=village, community=community, admin=admin, sysadmin=SystemAdminFactory(),
    )
