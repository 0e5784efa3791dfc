"""The admin's stage pages (issue 5 §5): defense sessions with their minutes, field inspections with their photos."""

import io
from datetime import time, timedelta
from urllib.parse import unquote

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from applications.enums import ApplicationStatus
from applications.models import Application
from portal import services as portal_services
from portal.enums import Level, RegionLevel
from portal.models import Notification
from review.enums import AssignmentStatus
from review.models import DefenseSession, FieldInspection, ReviewAssignment, ReviewPlan
from review.services.stages import defense_minutes_upload, defense_session_create, field_inspection_record
from tests.factories import (
    ApplicantFactory,
    DepartmentLeadFactory,
    InstitutionFactory,
    ProgrammeFactory,
    RegionFactory,
    ReviewerFactory,
    RoundFactory,
    UserFactory,
)
from tests.portal.helpers import at, visible_text
from tests.review.builders import county_rubric
from tests.worlds import module_world

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48


def png_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 3), (31, 95, 168)).save(buffer, "PNG")
    return buffer.getvalue()


PNG = png_bytes()


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def admin_of(programme):
    admin = UserFactory()
    portal_services.programme_admin_grant(programme=programme, user=admin)
    return admin


def application(round, name, *, status=ApplicationStatus.ACCEPTED, minutes_ago=60):
    institution = InstitutionFactory(name=name)
    staff = ApplicantFactory(institution=institution)
    return Application.objects.create(
        round=round,
        institution=institution,
        institution_name=name,
        created_by=staff,
        status=status,
        submitted_at=timezone.now() - timedelta(minutes=minutes_ago),
    )


def assign(application, reviewer, status=AssignmentStatus.ACTIVE):
    return ReviewAssignment.objects.create(
        application=application, reviewer=reviewer, department=reviewer.department, status=status, created_by=UserFactory()
    )


def build_stage():
    """A round with three accepted applications (submitted in the order a, b, c), one still under check, its admin."""
    round = RoundFactory()
    ReviewPlan.objects.create(
        round=round,
        rubric=county_rubric(round.programme),
        methods=["written", "defense", "field"],
        scoring_opens_at=timezone.now(),
        scoring_closes_at=timezone.now() + timedelta(days=10),
    )
    a = application(round, "甲人力资源服务有限公司", minutes_ago=300)
    b = application(round, "乙公共就业服务中心", minutes_ago=200)
    c = application(round, "丙零工市场", minutes_ago=100)
    application(round, "丁职业培训学校", status=ApplicationStatus.SUBMITTED, minutes_ago=50)
    return {"round": round, "admin": admin_of(round.programme), "a": a, "b": b, "c": c}


_stage, stage = module_world("stage", build_stage, built_at=at(2026, 6, 1, 9))


def session_form(**overrides):
    data = {
        "starts_on": (timezone.localdate() + timedelta(days=7)).isoformat(),
        "first_slot_at": "09:00",
        "minutes_each": "20",
        "place": "县人社局三楼第一会议室",
        "note": "请携带原件。",
    }
    return data | overrides


def a_session(stage, *, minutes=False):
    session = defense_session_create(
        round=stage["round"], actor=stage["admin"], starts_on=timezone.localdate() + timedelta(days=7),
        first_slot_at=time(9, 0), minutes_each=20, place="县人社局三楼第一会议室",
    )
    if minutes:
        defense_minutes_upload(session=session, uploaded=SimpleUploadedFile("答辩纪要.pdf", PDF), actor=stage["admin"])
    return session


def an_inspection(stage):
    return field_inspection_record(
        application=stage["a"], actor=stage["admin"], inspected_on=timezone.localdate(), inspectors=[stage["admin"]],
        findings="场所、台账与申报一致。", photos=[SimpleUploadedFile("现场.png", PNG)],
    )


# Defense sessions


def test_defense_create_schedules_accepted_applications_in_order_and_notifies_each(stage, login):
    client = login(stage["admin"])

    response = client.post(reverse("review:defense", args=[stage["round"].pk]), session_form())

    assert response.status_code == 302
    assert response["Location"] == reverse("review:defense", args=[stage["round"].pk])
    session = DefenseSession.objects.get()
    slots = [(s.order, s.application.institution_name, s.starts_at, s.ends_at) for s in session.slots.all()]
    assert slots == [
        (1, "甲人力资源服务有限公司", time(9, 0), time(9, 20)),
        (2, "乙公共就业服务中心", time(9, 20), time(9, 40)),
        (3, "丙零工市场", time(9, 40), time(10, 0)),
    ]
    notes = {n.user.institution.name: n.text for n in Notification.objects.filter(user__institution__isnull=False)}
    assert set(notes) == {"甲人力资源服务有限公司", "乙公共就业服务中心", "丙零工市场"}
    assert "09:20" in notes["乙公共就业服务中心"] and "第2位" in notes["乙公共就业服务中心"]
    assert "县人社局三楼第一会议室" in notes["丙零工市场"]
    assert messages_of(response) == [
        f"已安排{session.starts_on.year}年{session.starts_on.month}月{session.starts_on.day}日的现场答辩（3家机构），并已通知各申报机构。"
    ]


def test_defense_create_sent_again_opens_the_session_scheduled(stage, login):
    client = login(stage["admin"])
    url = reverse("review:defense", args=[stage["round"].pk])
    client.post(url, session_form())
    client.cookies.pop("messages", None)  # shown on the page the first post led to

    again = client.post(url, session_form(first_slot_at="10:00"))

    session = DefenseSession.objects.get()
    assert (again.status_code, again["Location"]) == (302, url)
    on = session.starts_on
    assert messages_of(again) == [f"{on.year}年{on.month}月{on.day}日在县人社局三楼第一会议室的现场答辩已经安排，未再重复安排。"]
    assert session.slots.count() == 3
    assert Notification.objects.filter(user__institution__isnull=False).count() == 3


def test_defense_sessions_on_other_days_are_scheduled(stage):
    first = a_session(stage)

    second = defense_session_create(
        round=stage["round"], actor=stage["admin"], starts_on=first.starts_on + timedelta(days=1),
        first_slot_at=time(9, 0), minutes_each=20, place=first.place,
    )

    assert DefenseSession.objects.count() == 2 and second.pk != first.pk


def test_defense_create_refuses_schedule_past_midnight(stage, login):
    client = login(stage["admin"])

    response = client.post(reverse("review:defense", args=[stage["round"].pk]), session_form(first_slot_at="23:00"))

    assert response.status_code == 200
    assert DefenseSession.objects.count() == 0
    assert "3家机构每家20分钟，答辩将超过当天24:00" in visible_text(response)
    assert 'value="县人社局三楼第一会议室"' in response.content.decode()


@pytest.mark.parametrize("minutes_each", ["4", "121"])
def test_defense_create_refuses_minutes_out_of_range(stage, login, minutes_each):
    client = login(stage["admin"])

    response = client.post(reverse("review:defense", args=[stage["round"].pk]), session_form(minutes_each=minutes_each))

    assert response.status_code == 200
    assert DefenseSession.objects.count() == 0


def test_defense_create_without_accepted_applications_is_refused(login):
    round = RoundFactory()
    client = login(admin_of(round.programme))

    response = client.post(reverse("review:defense", args=[round.pk]), session_form())

    assert DefenseSession.objects.count() == 0
    assert messages_of(response) == ["本批次还没有已受理的申报，无法安排答辩。"]
    assert "还没有可以答辩的机构" in visible_text(response)


def test_defense_page_lists_sessions_with_slots(stage, login):
    session = a_session(stage)
    client = login(stage["admin"])

    response = client.get(reverse("review:defense", args=[stage["round"].pk]))

    page = visible_text(response)
    assert response.status_code == 200
    assert "序号 申报机构 答辩时段 1 甲人力资源服务有限公司" in page
    assert f"{session.starts_on:%Y-%m-%d} 09:40–10:00" in page
    assert "会议纪要 未上传" in page
    assert f'href="{reverse("review:assignments", args=[stage["round"].pk])}">评审</a>' in response.content.decode()
    assert f'id="id_minutes{session.pk}_minutes"' in response.content.decode()
    assert "data-confirm=" in response.content.decode()


def test_defense_page_empty_state(stage, login):
    client = login(stage["admin"])

    response = client.get(reverse("review:defense", args=[stage["round"].pk]))

    assert "还没有安排现场答辩 填写下方表单，系统将为本批次3家已受理机构按提交顺序排定时段" in visible_text(response)


def test_defense_page_anonymous_redirected_to_login(stage, client):
    response = client.get(reverse("review:defense", args=[stage["round"].pk]))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_defense_page_other_programme_admin_gets_404(stage, login):
    other = admin_of(ProgrammeFactory(region=RegionFactory(code="370321", name="桓台县")))
    client = login(other)

    get = client.get(reverse("review:defense", args=[stage["round"].pk]))
    post = client.post(reverse("review:defense", args=[stage["round"].pk]), session_form())

    assert (get.status_code, post.status_code) == (404, 404)
    assert DefenseSession.objects.count() == 0


def test_defense_page_applicant_is_forbidden(stage, login):
    client = login(stage["a"].created_by)

    response = client.get(reverse("review:defense", args=[stage["round"].pk]))

    assert response.status_code == 403


# Minutes


def test_minutes_upload_stores_pdf(stage, login):
    session = a_session(stage)
    client = login(stage["admin"])

    response = client.post(
        reverse("review:defense_minutes", args=[session.pk]), {"minutes": SimpleUploadedFile("答辩纪要.pdf", PDF)}
    )

    session.refresh_from_db()
    assert response["Location"] == reverse("review:defense", args=[stage["round"].pk])
    assert session.minutes_name == "答辩纪要.pdf"
    assert session.minutes.read() == PDF
    assert messages_of(response) == ["已上传答辩纪要“答辩纪要.pdf”。"]


def test_minutes_upload_refuses_exe_renamed_pdf(stage, login):
    session = a_session(stage)
    client = login(stage["admin"])

    response = client.post(
        reverse("review:defense_minutes", args=[session.pk]), {"minutes": SimpleUploadedFile("纪要.pdf", EXE)}
    )

    session.refresh_from_db()
    assert response.status_code == 302
    assert not session.minutes
    assert messages_of(response) == ["文件“纪要.pdf”的内容与扩展名不符（扩展名为.pdf），请上传真实的文件。"]


def test_minutes_upload_without_file_shows_message(stage, login):
    session = a_session(stage)
    client = login(stage["admin"])

    response = client.post(reverse("review:defense_minutes", args=[session.pk]), {})

    assert messages_of(response) == ["请选择会议纪要文件。"]


def test_minutes_upload_get_not_allowed_and_other_admin_404(stage, login):
    session = a_session(stage)
    other = admin_of(ProgrammeFactory(region=RegionFactory(code="370321", name="桓台县")))

    get = login(stage["admin"]).get(reverse("review:defense_minutes", args=[session.pk]))
    post = login(other).post(
        reverse("review:defense_minutes", args=[session.pk]), {"minutes": SimpleUploadedFile("纪要.pdf", PDF)}
    )

    session.refresh_from_db()
    assert (get.status_code, post.status_code) == (405, 404)
    assert not session.minutes


def _assert_private_download(response, name: str, content: bytes, content_type: str):
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == content
    assert response["Content-Type"] == content_type
    assert response["Content-Disposition"].startswith("attachment;")
    assert name in unquote(response["Content-Disposition"])
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private, no-store"


def test_minutes_file_downloadable_by_admin_and_active_reviewer(stage, login):
    session = a_session(stage, minutes=True)
    for _ in range(3):  # the reviewer's assignment gets a key other than the session's (as on PostgreSQL)
        assign(stage["a"], ReviewerFactory())
    reviewer = ReviewerFactory()
    assert assign(stage["c"], reviewer).pk != session.pk
    url = reverse("review:defense_minutes_file", args=[session.pk])

    by_admin = login(stage["admin"]).get(url)
    by_reviewer = login(reviewer).get(url)

    _assert_private_download(by_admin, "答辩纪要.pdf", PDF, "application/pdf")
    _assert_private_download(by_reviewer, "答辩纪要.pdf", PDF, "application/pdf")


@pytest.mark.parametrize("who", ["recused", "awaiting", "unassigned", "other_round", "other_admin", "applicant"])
def test_minutes_file_others_get_404(stage, login, who):
    session = a_session(stage, minutes=True)
    user = _outsider(stage, who)

    response = login(user).get(reverse("review:defense_minutes_file", args=[session.pk]))

    assert response.status_code == 404


def test_minutes_file_refused_to_a_reviewer_recused_from_one_institution_of_the_session(stage, login):
    session = a_session(stage, minutes=True)
    reviewer = ReviewerFactory()
    assign(stage["a"], reviewer, status=AssignmentStatus.RECUSED)
    assign(stage["c"], reviewer)

    response = login(reviewer).get(reverse("review:defense_minutes_file", args=[session.pk]))

    assert response.status_code == 404


def test_minutes_file_anonymous_redirected_to_login(stage, client):
    session = a_session(stage, minutes=True)

    response = client.get(reverse("review:defense_minutes_file", args=[session.pk]))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_minutes_file_not_uploaded_gets_404(stage, login):
    session = a_session(stage)

    response = login(stage["admin"]).get(reverse("review:defense_minutes_file", args=[session.pk]))

    assert response.status_code == 404


def _outsider(stage, who):
    """Someone who must not see the stage files of application a (or of its round)."""
    if who in ("recused", "awaiting"):
        reviewer = ReviewerFactory()
        status = AssignmentStatus.RECUSED if who == "recused" else AssignmentStatus.AWAITING_DECLARATION
        for app in (stage["a"], stage["b"], stage["c"]):
            assign(app, reviewer, status=status)
        return reviewer
    if who == "unassigned":
        return ReviewerFactory()
    if who == "other_round":
        reviewer = ReviewerFactory()
        assign(application(RoundFactory(programme=stage["round"].programme, name="2027年度"), "戊服务中心"), reviewer)
        return reviewer
    if who == "other_admin":
        return admin_of(ProgrammeFactory(region=RegionFactory(code="370321", name="桓台县")))
    return stage["a"].created_by


# Field inspections


def test_inspection_recorded_with_inspectors_and_photo(stage, login):
    inspector = ReviewerFactory(full_name="王考察", department=stage["round"].programme.lead_department)
    client = login(stage["admin"])

    response = client.post(
        reverse("review:inspections", args=[stage["round"].pk]),
        {
            "application": stage["b"].pk,
            "inspected_on": timezone.localdate().isoformat(),
            "inspectors": [inspector.pk, stage["admin"].pk],
            "findings": "服务大厅、台账与申报材料一致。",
            "photos": [SimpleUploadedFile("大厅.png", PNG, content_type="image/png")],
        },
    )

    inspection = FieldInspection.objects.get()
    photo = inspection.photos.get()
    assert response["Location"] == reverse("review:inspections", args=[stage["round"].pk])
    assert inspection.application == stage["b"]
    assert set(inspection.inspectors.all()) == {inspector, stage["admin"]}
    assert inspection.created_by == stage["admin"]
    assert (photo.original_name, photo.content_type, photo.size) == ("大厅.png", "image/png", len(PNG))
    assert messages_of(response) == ["已登记对“乙公共就业服务中心”的实地考察（照片1张）。"]


def test_inspection_refuses_fake_photo_and_keeps_the_form(stage, login):
    client = login(stage["admin"])

    response = client.post(
        reverse("review:inspections", args=[stage["round"].pk]),
        {
            "application": stage["a"].pk,
            "inspected_on": timezone.localdate().isoformat(),
            "inspectors": [stage["admin"].pk],
            "findings": "台账齐全。",
            "photos": [SimpleUploadedFile("现场.png", EXE)],
        },
    )

    assert response.status_code == 200
    assert FieldInspection.objects.count() == 0
    assert messages_of(response) == ["文件“现场.png”的内容与扩展名不符（扩展名为.png），请上传真实的文件。"]
    assert "台账齐全。" in response.content.decode()


def test_inspection_only_offers_accepted_applications_and_staff_inspectors(stage, login):
    outsider = application(RoundFactory(programme=stage["round"].programme, name="2027年度"), "戊服务中心")
    client = login(stage["admin"])

    response = client.post(
        reverse("review:inspections", args=[stage["round"].pk]),
        {
            "application": outsider.pk,
            "inspected_on": timezone.localdate().isoformat(),
            "inspectors": [stage["a"].created_by.pk],
            "findings": "无。",
        },
    )

    form = response.context["form"]
    assert FieldInspection.objects.count() == 0
    assert set(form.errors) == {"application", "inspectors"}
    assert [a.institution_name for a in form.fields["application"].queryset] == [
        "丙零工市场", "乙公共就业服务中心", "甲人力资源服务有限公司",
    ]


def test_inspection_offers_only_the_programmes_own_people(stage, login):
    """Issue 13: the county form offered a city user as inspector. Only the programme's reviewers and leads (of its
    departments) and its admins are offered."""
    programme = stage["round"].programme
    own_reviewer = ReviewerFactory(full_name="本县专家", department=programme.lead_department)
    own_lead = DepartmentLeadFactory(full_name="本县负责人", department=programme.lead_department)
    other_county_reviewer = ReviewerFactory(full_name="外县专家")
    city_admin = admin_of(ProgrammeFactory(name="淄博市评定", level=Level.CITY, region=RegionFactory(
        code="370300", name="淄博市", level=RegionLevel.CITY)))

    form = login(stage["admin"]).get(reverse("review:inspections", args=[stage["round"].pk])).context["form"]
    offered = set(form.fields["inspectors"].queryset)

    assert {own_reviewer, own_lead, stage["admin"]} <= offered
    assert other_county_reviewer not in offered and city_admin not in offered


def test_inspection_page_lists_records_and_empty_state(stage, login):
    client = login(stage["admin"])

    empty = client.get(reverse("review:inspections", args=[stage["round"].pk]))
    inspection = an_inspection(stage)
    listed = client.get(reverse("review:inspections", args=[stage["round"].pk]))

    assert "还没有实地考察记录" in visible_text(empty)
    photo = inspection.photos.get()
    assert f"1 甲人力资源服务有限公司 {timezone.localdate():%Y-%m-%d} {stage['admin']} 场所、台账与申报一致。 现场.png" in visible_text(listed)
    assert reverse("review:inspection_photo", args=[photo.pk]) in listed.content.decode()


def test_inspection_page_anonymous_redirected_and_other_admin_404(stage, client, login):
    url = reverse("review:inspections", args=[stage["round"].pk])

    anonymous = client.get(url)
    other = login(admin_of(ProgrammeFactory(region=RegionFactory(code="370321", name="桓台县")))).get(url)

    assert anonymous.status_code == 302 and anonymous["Location"].startswith(reverse("login"))
    assert other.status_code == 404


def test_inspection_photo_downloadable_by_admin_and_active_reviewer(stage, login):
    photo = an_inspection(stage).photos.get()
    reviewer = ReviewerFactory()
    assign(stage["a"], reviewer)
    url = reverse("review:inspection_photo", args=[photo.pk])

    by_admin = login(stage["admin"]).get(url)
    by_reviewer = login(reviewer).get(url)

    _assert_private_download(by_admin, "现场.png", PNG, "image/png")
    _assert_private_download(by_reviewer, "现场.png", PNG, "image/png")


@pytest.mark.parametrize("who", ["recused", "awaiting", "unassigned", "other_application", "other_admin", "applicant"])
def test_inspection_photo_others_get_404(stage, login, who):
    photo = an_inspection(stage).photos.get()
    if who == "other_application":  # active in the round, but on another application: photos are per application
        user = ReviewerFactory()
        assign(stage["b"], user)
    else:
        user = _outsider(stage, who)

    response = login(user).get(reverse("review:inspection_photo", args=[photo.pk]))

    assert response.status_code == 404


def test_inspection_photo_anonymous_redirected_to_login(stage, client):
    photo = an_inspection(stage).photos.get()

    response = client.get(reverse("review:inspection_photo", args=[photo.pk]))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
