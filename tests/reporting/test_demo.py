"""The demo's upward reports (reporting.demo): built through the services on the story's days, and built once."""

import pytest

from portal.enums import DepartmentKind
from portal.models import Department
from reporting.demo import seed_reporting
from reporting.enums import ReportStatus, Timeliness
from reporting.models import ReportCall
from reporting.selectors import call_rows
from tests.factories import DepartmentFactory, UserFactory
from tests.reporting.world import regions

pytestmark = pytest.mark.django_db


def test_the_demo_tells_the_2025_story_once():
    city, gaoqing, _huantai = regions()
    city_admin = UserFactory(department=DepartmentFactory(name="淄博市人力资源和社会保障局", region=city, doc_prefix="淄人社字"))
    county_admin = UserFactory(department=DepartmentFactory(name="高青县人力资源和社会保障局", region=gaoqing, doc_prefix="高人社字"))

    made = seed_reporting(city_admin=city_admin, county_admin=county_admin)
    again = seed_reporting(city_admin=city_admin, county_admin=county_admin)

    assert (made, again) == (["淄博市2022年度报送通知", "淄博市2025年度报送通知"], [])
    rows = {row["report"].region.name: (row["report"].status, row["timeliness"])
            for row in call_rows(ReportCall.objects.get(year=2025))}
    assert rows == {
        "淄川区": (ReportStatus.DRAFT, Timeliness.OVERDUE), "张店区": (ReportStatus.DRAFT, Timeliness.OVERDUE),
        "博山区": (ReportStatus.DRAFT, Timeliness.OVERDUE), "临淄区": (ReportStatus.DRAFT, Timeliness.OVERDUE),
        "周村区": (ReportStatus.DRAFT, Timeliness.OVERDUE), "桓台县": (ReportStatus.SUBMITTED, Timeliness.LATE),
        "高青县": (ReportStatus.RECEIVED, Timeliness.ON_TIME), "沂源县": (ReportStatus.RETURNED, Timeliness.ON_TIME),
    }
    assert Department.objects.get(region__code="370302", kind=DepartmentKind.HR).doc_prefix == "淄川人社字"
    received = ReportCall.objects.get(year=2025).reports.get(region=gaoqing)
    assert (received.document_number, received.decided_by) == ("高人社字〔2025〕58号", city_admin)
