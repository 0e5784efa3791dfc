from datetime import date
from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from complaints import services
from complaints.enums import Channel
from complaints.models import Complaint
from tests.complaints.conftest import NAME, PHONE, at, file

STAFF_STEPS = ("answer", "conclude", "tell", "publish", "identity")


@pytest.fixture
def complaint(world, time_machine):
    time_machine.move_to(at(2026, 3, 2, 10, 0), tick=False)
    complaint, token = file(world, received_at=at(2026, 3, 2, 9, 30), staff=world.staff)
    complaint.token_clear = token
    return complaint


def test_public_form_files_online_complaint(world, client, captcha_passes, time_machine):
    time_machine.move_to(at(2026, 3, 2, 10, 0), tick=False)
    data = {"name": NAME, "phone": "13912345678", "facts": "等候太久", "staff_named": "GQ015", "publish_consent": "on",
            "captcha_0": "x", "captcha_1": "PASSED"}

    response = client.post(reverse("complaints:new", args=[world.institution.pk]), data)

    complaint = Complaint.objects.get()
    assert (complaint.channel, complaint.complainant_phone, complaint.staff_named) == (Channel.ONLINE, PHONE, "GQ015")
    assert response.status_code == 302 and response["Location"].startswith(f"/complaints/status/{complaint.receipt_number}/")
    page = client.get(response["Location"]).content.decode()
    assert complaint.receipt_number in page and NAME not in page and "13912345678" not in page


def test_public_form_refuses_wrong_captcha(world, client):
    response = client.post(reverse("complaints:new", args=[world.institution.pk]), {"name": NAME, "phone": "13912345678",
                                                                                      "facts": "x", "captcha_0": "x", "captcha_1": "no"})

    assert (response.status_code, Complaint.objects.count()) == (200, 0)


def test_status_page_needs_receipt_and_token(world, client, complaint):
    good = client.get(reverse("complaints:status", args=[complaint.receipt_number, complaint.token_clear]))
    bad = client.get(reverse("complaints:status", args=[complaint.receipt_number, "wrong-token"]))

    assert (good.status_code, bad.status_code) == (200, 404)
    assert "已受理" in good.content.decode() and NAME not in good.content.decode()


def test_status_page_shows_outcome_once_told(world, client, complaint):
    c = services.complaint_answer(complaint=complaint, actor=world.user, text="已收到", handling_deadline=date(2026, 3, 9))
    c = services.complaint_conclude(complaint=c, actor=world.user, substantiated=False, findings="经核查监控，未发现推诿。")
    services.complaint_tell(complaint=c, actor=world.user, how="phone", told_at=at(2026, 3, 2, 10, 0))

    page = client.get(reverse("complaints:status", args=[complaint.receipt_number, complaint.token_clear])).content.decode()

    assert "经核查监控，未发现推诿。" in page and "2026年3月9日" in page


def test_published_list_shows_summary_only(world, client, complaint):
    c = services.complaint_answer(complaint=complaint, actor=world.user, text="已收到", handling_deadline=date(2026, 3, 9))
    c = services.complaint_conclude(complaint=c, actor=world.user, substantiated=True, findings="属实",
                                    staff_member=world.staff, correction_deadline=date(2026, 3, 6))
    services.complaint_publish(complaint=c, actor=world.user, summary="反映窗口推诿", outcome="属实，已责令改正")

    page = client.get(reverse("complaints:handled", args=[world.institution.pk])).content.decode()

    assert "反映窗口推诿" in page and NAME not in page and "13912345678" not in page and "窗口人员态度生硬" not in page


def test_staff_detail_masks_identity(world, client, login, complaint):
    login(world.user)

    page = client.get(reverse("complaints:detail", args=[complaint.pk])).content.decode()

    assert "王**" in page and "139****5678" in page and NAME not in page and "13912345678" not in page


def test_identity_clear_view_is_audited(world, client, login, complaint):
    from portal.models import AuditRecord

    login(world.user)

    page = client.post(reverse("complaints:identity", args=[complaint.pk])).content.decode()

    assert NAME in page
    assert AuditRecord.objects.filter(event="personal_data_view").count() == 1


def test_export_masks_identity(world, client, login, complaint):
    login(world.admin)

    response = client.get(reverse("complaints:export"))

    cells = [str(c) for row in load_workbook(BytesIO(response.content)).active.iter_rows(values_only=True) for c in row]
    assert "王**" in cells and "139****5678" in cells
    assert not any(NAME in c or "13912345678" in c for c in cells)


def test_handler_answers_through_the_page(world, client, login, complaint):
    login(world.user)

    response = client.post(reverse("complaints:answer", args=[complaint.pk]), {"text": "已收到", "handling_deadline": "2026-03-09"})

    complaint.refresh_from_db()
    assert (response.status_code, complaint.status, complaint.handling_deadline) == (302, "answered", date(2026, 3, 9))


def test_supervising_admin_sees_but_does_not_handle(world, client, login, complaint):
    login(world.admin)

    seen = client.get(reverse("complaints:detail", args=[complaint.pk]))
    acted = client.post(reverse("complaints:answer", args=[complaint.pk]), {"text": "x", "handling_deadline": "2026-03-09"})

    assert (seen.status_code, acted.status_code) == (200, 404)


@pytest.mark.parametrize("who", ["neighbour", "other_admin"])
def test_outsiders_get_404_on_every_staff_url(world, client, login, complaint, who):
    login(getattr(world, who))

    codes = [client.get(reverse("complaints:detail", args=[complaint.pk])).status_code]
    codes += [client.post(reverse(f"complaints:{step}", args=[complaint.pk]), {}).status_code for step in STAFF_STEPS]
    listed = client.get(reverse("complaints:index")).content.decode()

    assert codes == [404] * 6
    assert complaint.receipt_number not in listed


def test_anonymous_is_sent_to_login(client, complaint):
    response = client.get(reverse("complaints:detail", args=[complaint.pk]))

    assert response.status_code == 302 and "login" in response["Location"]


def test_phone_log_by_institution_user(world, client, login, time_machine):
    time_machine.move_to(at(2026, 3, 2, 18, 0), tick=False)
    login(world.user)
    data = {"name": NAME, "phone": "13912345678", "facts": "电话反映", "received_at": "2026-03-02T17:30",
            "staff_member": world.staff.pk}

    response = client.post(reverse("complaints:phone_new"), data)

    complaint = Complaint.objects.get()
    assert response.status_code == 302
    assert (complaint.channel, complaint.staff_member, complaint.first_answer_due_at) == (Channel.PHONE, world.staff, at(2026, 3, 4))


def test_phone_log_refused_to_admin(world, client, login):
    login(world.admin)

    assert client.get(reverse("complaints:phone_new")).status_code == 403
