from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from complaints.enums import Channel
from complaints.services import Filing, complaint_file
from platforms.models import StaffMember
from portal.enums import Role
from tests.factories import ApplicantFactory, InstitutionFactory, RegionFactory, UserFactory

SHANGHAI = ZoneInfo("Asia/Shanghai")
NAME, PHONE = "王秀英", "+8613912345678"


def at(year, month, day, hour=0, minute=0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=SHANGHAI)


class World:
    pass


@pytest.fixture
def world(db):
    w = World()
    w.county = RegionFactory()
    w.other_county = RegionFactory(code="370321", name="桓台县")
    w.institution = InstitutionFactory(name="高青县田镇街道便民服务中心", region=w.county)
    w.user = ApplicantFactory(institution=w.institution)
    w.neighbour = ApplicantFactory(institution=InstitutionFactory(region=w.county))
    w.admin = UserFactory(role=Role.PROGRAMME_ADMIN, region=w.county)
    w.other_admin = UserFactory(role=Role.PROGRAMME_ADMIN, region=w.other_county)
    w.staff = StaffMember.objects.create(institution=w.institution, name="李明", staff_number="GQ015")
    return w


def file(world, *, received_at, consent=True, staff=None, channel=Channel.PHONE):
    filing = Filing(name=NAME, phone=PHONE, facts="窗口人员态度生硬，推诿不办。", staff_member=staff, publish_consent=consent)
    return complaint_file(institution=world.institution, channel=channel, filing=filing, received_at=received_at, actor=world.user)
