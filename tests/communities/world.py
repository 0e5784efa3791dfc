"""What the campaign tests share (not collected itself): 从化区's 充分就业社区(村) programme with its rubric (附件4),
良口镇 and another town, three communities and villages, the people of each level, and the 2024 campaign with its
creation list; and complete facts for a self-evaluation."""

import datetime
from dataclasses import dataclass

from communities import services
from communities.models import Campaign, Entry
from portal import services as portal_services
from portal.enums import Level, ProgrammeKind, RegionLevel, Role, Settlement
from portal.models import Region, User
from rubrics.demo import FACTS
from rubrics.services import rubric_install
from rubrics.standards import STANDARDS
from tests.factories import DepartmentFactory, ProgrammeFactory, RegionFactory, UserFactory

BUILT_AT = datetime.datetime(2024, 10, 8, 9, 0, tzinfo=datetime.UTC)
COMPLETE = {**FACTS, "(一)1": {"achieved": 48, "total": 59, "excluded": 3}}


@dataclass
class World:
    campaign: Campaign
    district: Region
    town: Region
    other_town: Region
    places: dict[str, Region]
    entries: dict[str, Entry]
    admin: User  # the district's programme admin
    staff: dict[str, User]  # by place or town name


def region(code, name, level, parent, settlement=""):
    return RegionFactory(code=code, name=name, level=level, parent=parent, settlement=settlement)


def build() -> World:
    city = region("4401", "广州市", RegionLevel.CITY, None)
    district = region("440117", "从化区", RegionLevel.COUNTY, city)
    town = region("440117101000", "良口镇", RegionLevel.TOWN, district)
    other_town = region("440117102000", "吕田镇", RegionLevel.TOWN, district)
    places = {
        "黄竹塱社区": region("440117101001", "黄竹塱社区", RegionLevel.COMMUNITY, town, Settlement.COMMUNITY),
        "良新村": region("440117101201", "良新村", RegionLevel.COMMUNITY, town, Settlement.VILLAGE),
        "吕中村": region("440117102201", "吕中村", RegionLevel.COMMUNITY, other_town, Settlement.VILLAGE),
    }
    department = DepartmentFactory(name="广州市从化区人力资源和社会保障局", region=district)
    programme = ProgrammeFactory(name="从化区充分就业社区（村）建设", kind=ProgrammeKind.FULL_EMPLOYMENT, level=Level.COUNTY,
                                 region=district, lead_department=department)
    admin = UserFactory(full_name="区人社局经办人")
    portal_services.programme_admin_grant(programme=programme, user=admin)
    rubric = rubric_install(STANDARDS["gz_community_2024"], standard="gz_community_2024", programme=programme, actor=admin)
    campaign = services.campaign_create(
        programme=programme, year=2024, rubric=rubric, actor=admin, data_from=datetime.date(2023, 10, 1),
        data_to=datetime.date(2024, 9, 30), self_due=datetime.date(2024, 10, 15), town_due=datetime.date(2024, 10, 31),
        district_due=datetime.date(2024, 11, 10),
    )
    entries = {name: services.entry_add(campaign=campaign, community=place, actor=admin, order=n)
               for n, (name, place) in enumerate(places.items(), start=1)}
    staff = {name: UserFactory(role=Role.COMMUNITY_STAFF, region=place, full_name=f"{name}经办人") for name, place in places.items()}
    staff["良口镇"] = UserFactory(role=Role.TOWN_STAFF, region=town, full_name="良口镇经办人")
    staff["吕田镇"] = UserFactory(role=Role.TOWN_STAFF, region=other_town, full_name="吕田镇经办人")
    return World(campaign, district, town, other_town, places, entries, admin, staff)
