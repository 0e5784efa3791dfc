"""A county with two grassroots platforms, the first's users and staff, its admin and another county's admin."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from appraisal import services
from appraisal.enums import Source
from complaints.enums import Channel
from complaints.models import Complaint
from platforms.models import StaffMember
from portal.enums import InstitutionKind, RegionLevel, Role
from tests.factories import ApplicantFactory, InstitutionFactory, RegionFactory, UserFactory

SHANGHAI = ZoneInfo("Asia/Shanghai")
CODES = ("de", "qin", "ji", "xiao")


def marks(*values, by_source=None) -> dict:
    """The same four dimension marks from every source, or `by_source` {source: four marks}."""
    by_source = by_source or dict.fromkeys(Source.values, values)
    return {source: dict(zip(CODES, [str(v) for v in by_source[source]], strict=True)) for source in Source.values}


def substantiated(member, year: int, n: int) -> None:
    at = datetime(year, 6, 1, 9, tzinfo=SHANGHAI)
    Complaint.objects.bulk_create([
        Complaint(institution=member.institution, channel=Channel.PHONE, receipt_number=f"T{member.pk}-{year}-{i}",
                  token="t", received_at=at, first_answer_due_at=at, facts="推诿不办。", staff_member=member,
                  status="concluded", substantiated=True)
        for i in range(n)
    ])


@pytest.fixture
def county(db):
    return RegionFactory()


@pytest.fixture
def platform(county):
    return InstitutionFactory(name="田镇街道便民服务中心", region=county, kind=InstitutionKind.GRASSROOTS_PLATFORM)


@pytest.fixture
def keeper(platform):
    return ApplicantFactory(institution=platform)


@pytest.fixture
def outsider(county):
    other = InstitutionFactory(name="芦湖街道社区就业服务站", region=county, kind=InstitutionKind.GRASSROOTS_PLATFORM)
    return ApplicantFactory(institution=other)


@pytest.fixture
def admin(county):
    return UserFactory(role=Role.PROGRAMME_ADMIN, region=county)


@pytest.fixture
def far_admin(db):
    return UserFactory(role=Role.PROGRAMME_ADMIN, region=RegionFactory(code="370303", name="张店区", level=RegionLevel.COUNTY))


@pytest.fixture
def staff(platform):
    return [StaffMember.objects.create(institution=platform, name=name) for name in ("王丽娟", "赵海涛")]


@pytest.fixture
def appraisal(platform, keeper):
    return services.appraisal_open(institution=platform, year=2026, actor=keeper)
