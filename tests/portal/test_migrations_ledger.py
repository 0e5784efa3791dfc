"""An existing database keeps every row across the move of titles into the core's ledger (issue 12): its awards,
valid and revoked, become titles, each with its quota place as its revocation left it."""

from datetime import date

import pytest
from django.utils import timezone

from tests.migrating import migrate_to

BEFORE = [("portal", "0014_auditrecord_key_id"), ("publicity", "0008_identity_access_requests")]
AFTER = [("portal", "0015_title_ledger"), ("publicity", "0009_award_title")]






@pytest.mark.migrations
@pytest.mark.django_db(transaction=True)
def test_awards_become_titles_and_nothing_is_lost(back_to_the_latest_schema):
    old = migrate_to(BEFORE)
    Region, Department = old.get_model("portal", "Region"), old.get_model("portal", "Department")
    Programme, Institution = old.get_model("portal", "Programme"), old.get_model("portal", "Institution")
    Award, Revocation = old.get_model("publicity", "Award"), old.get_model("publicity", "Revocation")
    User = old.get_model("portal", "User")
    admin = User.objects.create(username="admin", full_name="赵敏", role="programme_admin")
    region = Region.objects.create(code="370322", name="高青县", level="county")
    department = Department.objects.create(name="高青县人力资源和社会保障局", kind="hr", region=region)
    programme = Programme.objects.create(
        name="高青县评定", level="county", region=region, period_name="“十四五”时期", period_start=date(2021, 1, 1),
        period_end=date(2025, 12, 31), period_quota=5, lead_department=department,
    )
    awards = []
    for number, name in enumerate(["甲中心", "乙公司", "丙市场"], start=1):
        institution = Institution.objects.create(
            name=name, uscc=f"12370322MB000000{number}", kind="public_agency", region=region, address="地址",
            principal_name="负责人", contact_name="联系人", contact_phone="0533-6961234",
        )
        awards.append(Award.objects.create(
            programme=programme, institution=institution, institution_name=name, plaque_number=f"GQ-2022-00{number}",
            verify_code=f"code{number}", awarded_on=date(2022, 12, 9),
            revoked_at=timezone.now() if number > 1 else None,
        ))
    for award, returned in zip(awards[1:], (False, True), strict=True):
        Revocation.objects.create(
            award=award, ground="violation", ground_text="事实", document_number="高人社字〔2025〕1号",
            decided_on=date(2025, 3, 1), published_at=timezone.now(), quota_returned=returned, created_by=admin,
        )
    counts_before = {model: old.get_model(*model).objects.count() for model in
                     [("publicity", "Award"), ("publicity", "Revocation"), ("portal", "Institution")]}

    new = migrate_to(AFTER)

    Title, NewAward = new.get_model("portal", "Title"), new.get_model("publicity", "Award")
    assert {model: new.get_model(*model).objects.count() for model in counts_before} == counts_before
    rows = sorted(
        (a.plaque_number, a.title.holder_name, a.title.number, a.title.revoked_at is not None, a.title.quota_returned)
        for a in NewAward.objects.select_related("title")
    )
    assert rows == [
        ("GQ-2022-001", "甲中心", "GQ-2022-001", False, False),
        ("GQ-2022-002", "乙公司", "GQ-2022-002", True, False),
        ("GQ-2022-003", "丙市场", "GQ-2022-003", True, True),
    ]
    assert Title.objects.count() == 3
    assert Title.objects.filter(programme__pk=programme.pk, quota_returned=False).count() == 2  # 5 − 2 = 3 remain
