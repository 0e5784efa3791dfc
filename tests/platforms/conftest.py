"""A county with two grassroots platforms and their users, its admin, and another county's admin."""

import pytest

from platforms.models import Qualification, ServicePoint, StaffMember
from portal.enums import InstitutionKind, RegionLevel, Role
from tests.factories import ApplicantFactory, InstitutionFactory, RegionFactory, UserFactory


@pytest.fixture
def county(db):
    return RegionFactory()


@pytest.fixture
def platform(county):
    return InstitutionFactory(name="田镇街道便民服务中心", region=county, kind=InstitutionKind.GRASSROOTS_PLATFORM)


@pytest.fixture
def other_platform(county):
    return InstitutionFactory(name="芦湖街道社区就业服务站", region=county, kind=InstitutionKind.GRASSROOTS_PLATFORM)


@pytest.fixture
def keeper(platform):
    return ApplicantFactory(institution=platform)


@pytest.fixture
def outsider(other_platform):
    return ApplicantFactory(institution=other_platform)


@pytest.fixture
def admin(county):
    return UserFactory(role=Role.PROGRAMME_ADMIN, region=county)


@pytest.fixture
def far_admin(db):
    return UserFactory(role=Role.PROGRAMME_ADMIN, region=RegionFactory(code="370303", name="张店区", level=RegionLevel.COUNTY))


@pytest.fixture
def member(platform):
    return StaffMember.objects.create(
        institution=platform, name="王丽娟", position="负责人", staff_number="GQ01",
        qualifications=[Qualification.LABOUR_ASSISTANT.value, Qualification.CAREER_GUIDANCE.value],
    )


@pytest.fixture
def window(platform):
    return ServicePoint.objects.create(institution=platform, name="就业登记窗口", services="就业登记\n失业登记")
