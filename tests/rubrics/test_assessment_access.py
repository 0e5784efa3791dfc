"""Who may see an assessment and its files (docs/security.md 6, 13, 14): its creator and the admins who may edit its
rubric; every other user gets a 404 on every URL of an assessment (a sweep over rubrics.urls), a visitor the login
page. Evidence files pass the portal's upload inspection and are served as downloads only to those who may see."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from rubrics.enums import LedgerStatus
from rubrics.models import Evidence, LedgerUpload
from rubrics.urls import urlpatterns
from tests.applications.factories import PDF
from tests.portal.helpers import queued_messages
from tests.rubrics.assessment_world import BUILT_AT, build
from tests.worlds import module_world

pytestmark = pytest.mark.django_db

_world, world = module_world("world", build, built_at=BUILT_AT)
POSTS = {"assessment_new", "template_upload", "template_apply", "evidence_upload", "evidence_delete", "ledger_upload",
         "ledger_apply", "ledger_restart"}


def upload_evidence(client, world, content=PDF, name="会议记录.pdf"):
    return client.post(reverse("rubrics:evidence_upload", args=[world.assessment.pk]),
                       {"item": "(一)1", "file": SimpleUploadedFile(name, content), "note": "2024年第三季度"})


def test_evidence_is_uploaded_checked_and_downloaded_only_by_who_may_see_it(world, login):
    owner = login(world.owner)

    uploaded = upload_evidence(owner, world)
    refused = upload_evidence(owner, world, content=b"MZ\x90\x00 not a pdf", name="病毒.pdf")
    evidence = Evidence.objects.get()
    url = reverse("rubrics:evidence", args=[world.assessment.pk, evidence.pk])
    answers = {who: login(getattr(world, who)).get(url).status_code
               for who in ("colleague", "sysadmin", "stranger", "applicant")}
    download = login(world.owner).get(url)

    assert queued_messages(uploaded) == ["已上传佐证材料“会议记录.pdf”。"]
    assert queued_messages(refused) == ["文件“病毒.pdf”的内容与扩展名不符（扩展名为.pdf），请上传真实的文件。"]
    assert (evidence.item_code, evidence.note, evidence.size, evidence.uploaded_by) == ("(一)1", "2024年第三季度", len(PDF), world.owner)
    assert download["Content-Disposition"].startswith("attachment") and download["X-Content-Type-Options"] == "nosniff"
    assert b"".join(download.streaming_content) == PDF
    assert answers == {"colleague": 200, "sysadmin": 200, "stranger": 404, "applicant": 404}


def test_evidence_of_an_item_the_rubric_does_not_have_is_refused_and_a_file_can_be_deleted(world, login):
    client = login(world.owner)
    upload_evidence(client, world)
    evidence = Evidence.objects.get()

    wrong = client.post(reverse("rubrics:evidence_upload", args=[world.assessment.pk]),
                        {"item": "(九)9", "file": SimpleUploadedFile("a.pdf", PDF)})
    deleted = client.post(reverse("rubrics:evidence_delete", args=[world.assessment.pk, evidence.pk]))

    assert queued_messages(wrong) == ["评分标准中没有评分项“(九)9”。"]
    assert queued_messages(deleted) == ["已删除佐证材料“会议记录.pdf”。"] and not Evidence.objects.exists()


def sweep_urls(world):
    """(name, method, url) of every URL of rubrics.urls that names an assessment, with real ids."""
    evidence = Evidence.objects.create(assessment=world.assessment, item_code="(一)1", file=SimpleUploadedFile("y.pdf", PDF),
                                       original_name="y.pdf", size=1, content_type="application/pdf", sha256="0",
                                       uploaded_by=world.owner)
    upload = LedgerUpload.objects.create(assessment=world.assessment, item_code="(一)1", original_name="t.xlsx",
                                         status=LedgerStatus.DONE, created_by=world.owner)
    ids = {"pk": world.assessment.pk, "evidence_pk": evidence.pk, "upload_pk": upload.pk}
    found = []
    for pattern in urlpatterns:
        if not pattern.name.startswith(("assessment", "template_", "evidence", "ledger")) or pattern.name == "assessment_new":
            continue
        kwargs = {name: ids[name] for name in pattern.pattern.converters}
        found.append((pattern.name, "post" if pattern.name in POSTS else "get", reverse(f"rubrics:{pattern.name}", kwargs=kwargs)))
    return found


def test_every_url_of_an_assessment_is_a_404_to_whoever_may_not_see_it(world, login, client):
    urls = sweep_urls(world)
    anonymous = {name: getattr(client, method)(url).status_code for name, method, url in urls}

    answers = {
        who: {name: getattr(login(getattr(world, who)), method)(url).status_code for name, method, url in urls}
        for who in ("stranger", "applicant")
    }
    seen = {name: getattr(login(world.colleague), method)(url).status_code for name, method, url in urls if method == "get"}

    assert len(urls) == 13
    assert set(anonymous.values()) == {302}
    assert answers == {who: {name: 404 for name, _method, _url in urls} for who in ("stranger", "applicant")}
    assert seen == {name: 200 for name, method, _url in urls if method == "get"}
