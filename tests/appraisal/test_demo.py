import pytest

from appraisal import selectors
from appraisal.demo import seed_appraisal
from appraisal.enums import AppraisalStatus, Grade
from platforms.models import StaffMember
from portal.enums import InstitutionKind
from tests.appraisal.conftest import substantiated
from tests.factories import ApplicantFactory, InstitutionFactory


@pytest.fixture
def tian(county):
    platform = InstitutionFactory(name="高青县田镇街道便民服务中心", region=county, kind=InstitutionKind.GRASSROOTS_PLATFORM)
    ApplicantFactory(institution=platform)
    return platform


def test_seed_appraisal_two_years_flagged_and_complaints_rule_idempotent(tian):
    zhao, _created = StaffMember.objects.get_or_create(institution=tian, name="赵海涛")
    substantiated(zhao, 2026, 2)  # the complaints demo's two

    before, now = seed_appraisal()
    seed_appraisal()

    assert (before.status, now.status) == (AppraisalStatus.CONCLUDED, AppraisalStatus.DRAFT)
    lines = {line.member.name: (line.grade, line.complaints, line.dismiss) for line in selectors.lines(now)}
    assert lines["赵海涛"] == (Grade.INCOMPETENT, 3, False)
    assert lines["陈建国"] == (Grade.INCOMPETENT, 0, True)
    assert lines["王丽娟"] == (Grade.EXCELLENT, 0, False)
    assert now.scores.count() == 5 and tian.complaints.count() == 3
