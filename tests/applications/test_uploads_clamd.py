"""The antivirus hook against a real clamd (docs/security.md 13): EICAR refused, clean files accepted, a clamd that is down
or refuses the stream fails closed, through inspect_upload, the applicant's and the public pages, and every service
that takes an upload. The clamd processes and the summary line are in tests/clamd.py."""

import hashlib
import io
import logging
import random
import zipfile
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from applications import services as application_services
from applications.enums import AttachmentPurpose
from applications.models import Attachment
from applications.uploads import MB, UploadLimits, inspect_upload
from awards import services as awards
from awards.enums import RevocationGround
from awards.models import Revocation
from publicity import services as publicity_services
from publicity.enums import ObjectorType
from publicity.models import Objection, ObjectionEvidence
from review.models import DefenseSession, FieldInspection
from review.services.stages import defense_minutes_upload, field_inspection_record
from tests.applications.factories import ApplicationFactory, AwardFactory
from tests.clamd import EICAR, SIGNATURE, require_clamd, running_clamd
from tests.factories import RoundFactory, UserFactory
from tests.portal.helpers import queued_messages, visible_text
from tests.publicity.publicity_builders import CONTACT_PERSON, FACTS, at, form_data, identity, listed_round, publish

LIMITS = UploadLimits(max_file_bytes=3 * MB, max_total_bytes=10 * MB, max_files=5)
FOUND = "文件“{}”未通过病毒扫描，已拒绝上传。"
UNAVAILABLE = "暂时无法完成病毒扫描，请稍后再上传。"


def pdf(extra: bytes = b"") -> bytes:
    return b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\n" + extra + b"\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"


def png(extra: bytes = b"") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 6), (31, 95, 168)).save(buffer, "PNG")
    return buffer.getvalue() + extra


def docx(member: bytes) -> bytes:
    """A Word file whose document part carries *member*, deflated: only a scanner that unpacks the archive sees it."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", b'<?xml version="1.0"?><Types/>')
        archive.writestr("word/document.xml", b"<w:document>" + member + b"</w:document>")
    return buffer.getvalue()


EICAR_FILES = [
    pytest.param("感染.pdf", pdf(b"% " + EICAR), id="pdf"),
    pytest.param("感染.docx", docx(EICAR), id="docx-member"),
    pytest.param("感染.png", png(EICAR), id="png-trailer"),
]
CLEAN_FILES = [
    pytest.param("台账.pdf", pdf(b"% " + random.Random(1).randbytes(MB).hex().encode()), id="pdf-2mb"),
    pytest.param("总结.docx", docx("工作实绩".encode()), id="docx"),
    pytest.param("照片.png", png(), id="png"),
]


def inspect(name: str, content: bytes):
    return inspect_upload(SimpleUploadedFile(name, content), limits=LIMITS, existing_count=0, existing_bytes=0)


def refusal(name: str, content: bytes) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        inspect(name, content)
    return caught.value


def stored_files(settings) -> set[str]:
    return {str(path) for path in settings.MEDIA_ROOT.rglob("*") if path.is_file()} if settings.MEDIA_ROOT.exists() else set()


# --- inspect_upload ---------------------------------------------------------------------------------


@pytest.mark.clamd("eicar")
@pytest.mark.parametrize(("name", "content"), EICAR_FILES)
def test_real_clamd_refuses_eicar(clamd, caplog, name, content):
    with caplog.at_level(logging.INFO, logger="applications.uploads"):
        err = refusal(name, content)

    assert (err.code, err.messages) == ("virus_found", [FOUND.format(name)])
    # clamd's own verdict (".UNOFFICIAL": a signature from outside ClamAV's databases), with the hash and size only
    digest = hashlib.sha256(content).hexdigest()
    assert f"virus scan refused an upload: {SIGNATURE}.UNOFFICIAL (sha256={digest}, size={len(content)})" in caplog.text
    assert name not in caplog.text and "EICAR-STANDARD" not in caplog.text


def test_eicar_in_the_docx_is_not_in_its_bytes():
    # So the refusal of that file shows clamd unpacking the archive, not a byte search.
    assert EICAR not in docx(EICAR)


@pytest.mark.clamd("clean")
@pytest.mark.parametrize(("name", "content"), CLEAN_FILES)
def test_real_clamd_accepts_clean_file(clamd, name, content):
    found = inspect(name, content)

    assert (found.size, found.sha256) == (len(content), hashlib.sha256(content).hexdigest())


@pytest.mark.clamd("unreachable")
def test_stopped_clamd_fails_closed_and_logs_hash_and_size_only(stopped_clamd, caplog):
    content = pdf()

    with caplog.at_level(logging.INFO, logger="applications.uploads"):
        err = refusal("申报书.pdf", content)

    assert (err.code, err.messages) == ("virus_scan_unavailable", [UNAVAILABLE])
    assert [record.levelname for record in caplog.records] == ["ERROR"]
    assert f"virus scan unavailable (sha256={hashlib.sha256(content).hexdigest()}, size={len(content)})" in caplog.text
    assert "申报书" not in caplog.text and "%PDF" not in caplog.text


@pytest.mark.clamd("limit")
def test_file_over_clamds_stream_limit_fails_closed(settings, tmp_path, caplog):
    require_clamd()
    content = pdf(b"% " + bytes(2 * MB))

    with running_clamd(tmp_path, stream_max_length="1M") as small:
        settings.CLAMD_ADDRESS = small.address
        with caplog.at_level(logging.INFO, logger="applications.uploads"):
            err = refusal("扫描件.pdf", content)

    assert (err.code, err.messages) == ("virus_scan_unavailable", [UNAVAILABLE])
    assert [record.levelname for record in caplog.records] == ["ERROR"]


# --- the pages --------------------------------------------------------------------------------------


def applicant_upload(login, application, uploaded):
    client = login(application.created_by)
    url = reverse("applications:upload", args=[application.pk])
    return client.post(url, {"purpose": AttachmentPurpose.EVIDENCE, "condition": "", "files": [uploaded]})


@pytest.mark.django_db
@pytest.mark.clamd("eicar")
def test_applicant_upload_of_eicar_is_refused_and_nothing_stored(clamd, login, settings):
    application = ApplicationFactory()
    before = stored_files(settings)

    response = applicant_upload(login, application, SimpleUploadedFile("服务台账.pdf", pdf(b"% " + EICAR)))

    assert queued_messages(response) == [FOUND.format("服务台账.pdf")]
    assert application.attachments.count() == 0
    assert stored_files(settings) == before


@pytest.mark.django_db
@pytest.mark.clamd("clean")
def test_applicant_upload_of_a_clean_file_is_scanned_and_stored(clamd, login):
    application = ApplicationFactory()

    response = applicant_upload(login, application, SimpleUploadedFile("服务台账.pdf", pdf()))

    assert queued_messages(response) == ["已上传1个文件。"]
    assert list(application.attachments.values_list("original_name", flat=True)) == ["服务台账.pdf"]


@pytest.mark.django_db
@pytest.mark.clamd("unreachable")
def test_applicant_upload_while_clamd_is_down_is_refused(stopped_clamd, login, settings):
    application = ApplicationFactory()
    before = stored_files(settings)

    response = applicant_upload(login, application, SimpleUploadedFile("服务台账.pdf", pdf()))

    assert queued_messages(response) == [UNAVAILABLE]
    assert application.attachments.count() == 0
    assert stored_files(settings) == before


@pytest.fixture
def notice(time_machine):
    """An open notice (its second day), filed against through the public form."""
    time_machine.move_to(at(2026, 9, 29, 15), tick=False)
    listed = listed_round(names=("甲", "乙"))
    publish(listed, at(2026, 9, 28, 10))
    return listed


def file_objection(client, listed, **files):
    return client.post(reverse("publicity:objection_new", args=[listed.notice.pk]), {**form_data(listed), **files})


@pytest.mark.django_db
@pytest.mark.clamd("eicar")
def test_objection_evidence_with_eicar_is_refused(clamd, client, notice, captcha_passes, settings):
    before = stored_files(settings)

    response = file_objection(client, notice, evidence=[SimpleUploadedFile("证据.pdf", pdf(b"% " + EICAR))])

    assert response.status_code == 200
    assert FOUND.format("证据.pdf") in visible_text(response)
    assert Objection.objects.count() == 0
    assert stored_files(settings) == before


@pytest.mark.django_db
@pytest.mark.clamd("eicar")
def test_objection_seal_with_eicar_is_refused(clamd, client, notice, captcha_passes):
    data = {"objector_type": ObjectorType.ORGANISATION, "name": "某某商会", "contact_person": CONTACT_PERSON}

    response = file_objection(client, notice, **data, seal=SimpleUploadedFile("公章.png", png(EICAR)))

    assert response.status_code == 200
    assert FOUND.format("公章.png") in visible_text(response)
    assert Objection.objects.count() == 0


@pytest.mark.django_db
@pytest.mark.clamd("clean")
def test_objection_with_clean_evidence_is_filed(clamd, client, notice, captcha_passes):
    response = file_objection(client, notice, evidence=[SimpleUploadedFile("证据.pdf", pdf())])

    assert response.status_code == 302
    assert list(ObjectionEvidence.objects.values_list("original_name", flat=True)) == ["证据.pdf"]


@pytest.mark.django_db
@pytest.mark.clamd("unreachable")
def test_objection_while_clamd_is_down_is_refused(stopped_clamd, client, notice, captcha_passes):
    response = file_objection(client, notice, evidence=[SimpleUploadedFile("证据.pdf", pdf())])

    assert response.status_code == 200
    assert UNAVAILABLE in visible_text(response)
    assert Objection.objects.count() == 0


# --- every service that takes an upload -------------------------------------------------------------


def attachment(uploaded):
    application = ApplicationFactory()
    application_services.attachment_add(
        application=application, uploaded=uploaded, purpose=AttachmentPurpose.EVIDENCE, actor=application.created_by
    )


def objection(uploaded):
    listed = listed_round(names=("甲",))
    publish(listed, timezone.now() - timedelta(hours=1))
    publicity_services.objection_file(
        notice=listed.notice, entry=listed.entry(1), identity=identity(), facts=FACTS, evidence=[uploaded]
    )


def revocation(uploaded):
    awards.award_revoke(
        award=AwardFactory(), actor=UserFactory(), ground=RevocationGround.VIOLATION, ground_text="经查实，存在违法违纪行为。",
        document_number="县人社局字〔2026〕31号", decided_on=timezone.localdate(), evidence=[uploaded],
    )


def minutes(uploaded):
    session = DefenseSession.objects.create(round=RoundFactory(), starts_on=timezone.localdate(), place="会议室")
    defense_minutes_upload(session=session, uploaded=uploaded, actor=UserFactory())


def inspection(uploaded):
    actor = UserFactory()
    field_inspection_record(
        application=ApplicationFactory(), actor=actor, inspected_on=timezone.localdate(), inspectors=[actor],
        findings="场所、台账与申报一致。", photos=[uploaded],
    )


CALLERS = {  # service → (file type it takes, the rows it would have written)
    "attachment_add": (attachment, "pdf", lambda: Attachment.objects.count()),
    "objection_file": (objection, "pdf", lambda: Objection.objects.count()),
    "award_revoke": (revocation, "pdf", lambda: Revocation.objects.count()),
    "defense_minutes_upload": (minutes, "pdf", lambda: DefenseSession.objects.exclude(minutes="").count()),
    "field_inspection_record": (inspection, "png", lambda: FieldInspection.objects.count()),
}


def caller_cases(kind: str):
    return [pytest.param(name, marks=pytest.mark.clamd(kind), id=name) for name in CALLERS]


@pytest.mark.django_db
@pytest.mark.parametrize("caller", caller_cases("eicar"))
def test_every_upload_service_refuses_eicar(clamd, settings, caller):
    call, kind, rows = CALLERS[caller]
    content = pdf(b"% " + EICAR) if kind == "pdf" else png(EICAR)
    before = stored_files(settings)

    with pytest.raises(ValidationError) as caught:
        call(SimpleUploadedFile(f"材料.{kind}", content))

    assert (caught.value.code, caught.value.messages) == ("virus_found", [FOUND.format(f"材料.{kind}")])
    assert rows() == 0
    assert stored_files(settings) == before


@pytest.mark.django_db
@pytest.mark.parametrize("caller", caller_cases("unreachable"))
def test_every_upload_service_fails_closed_while_clamd_is_down(stopped_clamd, settings, caplog, caller):
    call, kind, rows = CALLERS[caller]
    content = pdf() if kind == "pdf" else png()
    before = stored_files(settings)

    with caplog.at_level(logging.ERROR, logger="applications.uploads"), pytest.raises(ValidationError) as caught:
        call(SimpleUploadedFile(f"材料.{kind}", content))

    assert (caught.value.code, caught.value.messages) == ("virus_scan_unavailable", [UNAVAILABLE])
    assert rows() == 0
    assert stored_files(settings) == before
    assert f"sha256={hashlib.sha256(content).hexdigest()}, size={len(content)}" in caplog.text
    assert "材料" not in caplog.text
