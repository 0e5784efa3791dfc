"""The plaque download (/awards/<pk>/plaque/) and who gets it, and the two real renders of issue 7: one plaque
(540 × 380 mm) and the announcement (GB/T 9704, A4), read back with poppler."""

import re
import subprocess
from pathlib import Path

import pytest
from django.urls import reverse

from awards import services as award_services
from portal.models import Department, ProgrammeDepartment
from tests.awards.results_builders import (
    ISSUED_AT,
    PLAQUE_TITLE,
    announced,
    applicant_of,
    award_of,
    closed_round,
    fake_plaque,
    issue,
)
from tests.factories import ApplicantFactory, ReviewerFactory, SystemAdminFactory, ViewerFactory
from tests.portal.helpers import text

pytestmark = [pytest.mark.django_db, pytest.mark.pdf]


@pytest.fixture
def listed(time_machine):
    time_machine.move_to(ISSUED_AT, tick=False)
    return announced()


def poppler(command: list[str], pdf: bytes, folder: Path, *args) -> str:
    path = folder / "document.pdf"
    path.write_bytes(pdf)
    return subprocess.run([*command, str(path), *args], capture_output=True, text=True, check=True).stdout


def squeezed(value: str) -> str:
    return re.sub(r"\s", "", value)


def plaque_url(award) -> str:
    return reverse("awards:plaque", args=[award.pk])


# --- who gets the plaque ------------------------------------------------------------------------------------


def test_the_institution_and_the_programmes_admins_get_the_plaque(login, listed, monkeypatch):
    monkeypatch.setattr(award_services, "award_plaque_pdf", fake_plaque)
    award = award_of(listed)
    colleague = ApplicantFactory(institution=award.institution)

    for user in (applicant_of(listed), colleague, listed.admin, SystemAdminFactory()):
        response = login(user).get(plaque_url(award))
        assert response.status_code == 200, user
        assert response.content == b"%PDF-1.4 plaque 370322X-2026-001"
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"].startswith("attachment;")
        assert "370322X-2026-001.pdf" in response["Content-Disposition"]
        assert response["Cache-Control"] == "private, no-store"


def test_nobody_else_gets_the_plaque_nor_learns_about_it(client, login, listed, monkeypatch):
    monkeypatch.setattr(award_services, "award_plaque_pdf", fake_plaque)
    award = award_of(listed)
    other = announced(names=("丙",))
    strangers = {
        "anonymous": None,
        "other-listed-institution": applicant_of(listed, "乙"),
        "another-institution": ApplicantFactory(),
        "reviewer": ReviewerFactory(),
        "department-lead": listed.lead,
        "viewer": ViewerFactory(),
        "admin-of-another-programme": other.admin,
    }

    for who, user in strangers.items():
        response = (login(user) if user else client).get(plaque_url(award))
        assert response.status_code == 404, who
        assert not response.content.startswith(b"%PDF"), who
        for value in ("申报机构甲", award.plaque_number, award.verify_code):
            assert value not in text(response), who
        client.logout()


def test_an_unknown_award_is_404(login, listed):
    assert login(listed.admin).get(reverse("awards:plaque", args=[9999])).status_code == 404


# --- the real renders ---------------------------------------------------------------------------------------


def test_the_plaque_download_is_the_540_by_380_mm_plaque(login, listed, tmp_path):
    award = award_of(listed)

    response = login(applicant_of(listed)).get(plaque_url(award))

    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert response["Content-Disposition"].startswith("attachment;")
    info = poppler(["pdfinfo"], response.content, tmp_path)
    assert re.search(r"^Pages:\s+1$", info, re.MULTILINE), info
    assert re.search(r"^Page size:\s+1530\.71 x 1077\.17 pts", info, re.MULTILINE), info
    plaque_text = squeezed(poppler(["pdftotext", "-raw"], response.content, tmp_path, "-"))
    assert "申报机构甲" + PLAQUE_TITLE in plaque_text
    assert listed.extra["announcement"].issuers[0] in plaque_text
    assert "2026年9月" in plaque_text and "编号：370322X-2026-001" in plaque_text


def test_the_announcement_pdf_is_the_a4_document_with_subset_fonts(client, time_machine, tmp_path):
    time_machine.move_to(ISSUED_AT, tick=False)
    listed = closed_round()
    second = Department.objects.create(
        name="测试县发展和改革局", short_name="县发改局", kind="drc", region=listed.programme.region
    )
    ProgrammeDepartment.objects.create(programme=listed.programme, department=second, order=1)
    announcement = issue(listed, doc_year=2026, doc_serial=12)

    response = client.get(reverse("awards:result_pdf", args=[announcement.pk]))

    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert response["Content-Disposition"].startswith("inline;")
    info = poppler(["pdfinfo"], response.content, tmp_path)
    assert re.search(r"^Page size:\s+595\.2\d* x 841\.8\d* pts \(A4\)", info, re.MULTILINE), info
    document = squeezed(poppler(["pdftotext"], response.content, tmp_path, "-"))
    assert announcement.issuers == [listed.programme.lead_department.name, "测试县发展和改革局"]
    for value in (
        *announcement.issuers,
        "县人社局字〔2026〕12号",
        "关于公布高青县2026年度县级就业服务质量标杆机构名单的通知",
        "申报机构甲",
        "申报机构乙",
        "370322X-2026-001",
        "2026年9月15日",
    ):
        assert squeezed(value) in document, value
    fonts = [line.split()[0] for line in poppler(["pdffonts"], response.content, tmp_path).splitlines()[2:]]
    assert fonts and all(re.fullmatch(r"[A-Z]{6}\+\S+", name) for name in fonts), fonts
