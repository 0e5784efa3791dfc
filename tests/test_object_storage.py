"""Uploads and generated files in an S3-compatible object store (issue 12, 8): the real code paths against an S3
server this module starts (moto's, as no MinIO binary can be installed here), with the settings production uses
(config.object_store.s3_storage: private, no signed URLs, server-side encryption).

Each test has a bucket of its own and checks what lands in it through boto3, and that nothing is written under
MEDIA_ROOT: the web and worker containers share only PostgreSQL, Redis and the store.
"""

import hashlib
import io
import socket
import subprocess
import sys
import tarfile
import time
import urllib.error
import urllib.request
import uuid
import zipfile
from datetime import timedelta
from pathlib import Path

import boto3
import pytest
from django.core.files import File
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from applications.enums import AttachmentPurpose
from awards import batches, tasks
from awards import services as award_services
from awards.enums import BatchStatus, FontRole
from awards.models import PlaqueBatch, PlaqueFont
from config.object_store import s3_storage
from portal import files
from publicity import services
from publicity.enums import ObjectorType
from review.enums import OpinionVerdict
from review.services import results
from tests.applications.factories import PDF, PNG, ApplicationFactory, AttachmentFactory, png_bytes
from tests.awards.results_builders import (
    ISSUED_AT,
    announced,
    applicant_of,
    award_of,
    closed_round,
    fake_plaque,
    issue,
)
from tests.awards.test_plaque import SERIF_BOLD, subset_families
from tests.factories import ApplicantFactory
from tests.publicity.publicity_builders import CONTACT_PERSON, at, file, listed_round, pdf, png, publish
from tests.review.builders import DRC, build_review

pytestmark = [pytest.mark.object_storage, pytest.mark.django_db]

ACCESS_KEY, SECRET_KEY = "portal-test", "portal-test-secret"
READY_WITHIN = 30  # seconds for moto's server to answer (it imports every AWS service it emulates: ~4 s here)


# --- the server and the bucket ---------------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def s3_server(tmp_path_factory):
    """moto's S3 server on a free port of 127.0.0.1, killed when the module is done; yields its address."""
    log = tmp_path_factory.mktemp("moto") / "server.log"
    port = _free_port()
    with log.open("wb") as output:
        server = subprocess.Popen(
            [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)], stdout=output, stderr=output
        )
    endpoint = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + READY_WITHIN
        while not _answers(endpoint):
            assert server.poll() is None, f"moto's server exited: {log.read_text()[-2000:]}"
            assert time.monotonic() < deadline, f"moto's server did not answer within {READY_WITHIN} s"
            time.sleep(0.1)
        yield endpoint
    finally:
        server.terminate()
        try:
            server.wait(5)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def _answers(endpoint: str) -> bool:
    try:
        with urllib.request.urlopen(endpoint, timeout=1):
            return True
    except OSError:
        return False


class Bucket:
    """A bucket of the test server, read with boto3 (not through the portal's storage)."""

    def __init__(self, endpoint: str):
        self.endpoint = endpoint
        self.name = f"portal-{uuid.uuid4().hex[:12]}"
        self.client = boto3.client(
            "s3", endpoint_url=endpoint, region_name="us-east-1", aws_access_key_id=ACCESS_KEY,
            aws_secret_access_key=SECRET_KEY,
        )  # fmt: skip
        self.client.create_bucket(Bucket=self.name)

    def keys(self) -> list[str]:
        pages = self.client.get_paginator("list_objects_v2").paginate(Bucket=self.name)
        return sorted(item["Key"] for page in pages for item in page.get("Contents", ()))

    def read(self, key: str) -> bytes:
        return self.client.get_object(Bucket=self.name, Key=key)["Body"].read()

    def encryption(self, key: str) -> str | None:
        return self.client.head_object(Bucket=self.name, Key=key).get("ServerSideEncryption")

    def empty(self) -> None:
        for key in self.keys():
            self.client.delete_object(Bucket=self.name, Key=key)


@pytest.fixture
def store(s3_server, settings, tmp_path, monkeypatch):
    """The portal's files in a fresh bucket of the test server, with the production settings; MEDIA_ROOT and VAR_DIR
    are this test's own, so that nothing written there could hide."""
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    bucket = Bucket(s3_server)
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.VAR_DIR = tmp_path / "var"
    settings.VAR_DIR.mkdir()
    # Assigning STORAGES resets Django's storage handler and default_storage (django.test.signals.storages_changed).
    settings.STORAGES = {
        **settings.STORAGES,
        "default": s3_storage(
            bucket=bucket.name, endpoint_url=s3_server, access_key=ACCESS_KEY, secret_key=SECRET_KEY,
            encryption="AES256",
        ),
    }  # fmt: skip
    assert type(default_storage._wrapped).__name__ != "FileSystemStorage"
    return bucket


def written_under_media_root(settings) -> list[str]:
    root = Path(settings.MEDIA_ROOT)
    return sorted(str(path.relative_to(root)) for path in root.rglob("*")) if root.exists() else []


# --- uploads -------------------------------------------------------------------------------------------------------


def test_an_attachment_goes_to_the_bucket_and_back_to_its_institution_only(login, store, settings):
    application = ApplicationFactory()
    client = login(application.created_by)

    client.post(
        reverse("applications:upload", args=[application.pk]),
        {"purpose": AttachmentPurpose.EVIDENCE, "condition": "", "files": [SimpleUploadedFile("服务台账.pdf", PDF)]},
    )
    attachment = application.attachments.get()
    url = reverse("applications:attachment", args=[application.pk, attachment.pk])
    response = client.get(url)
    stranger = login(ApplicantFactory()).get(url)

    assert store.keys() == [attachment.file.name] and attachment.file.name.startswith("applications/")
    assert (store.read(attachment.file.name), store.encryption(attachment.file.name)) == (PDF, "AES256")
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
    assert (response["Content-Type"], response["Cache-Control"]) == ("application/pdf", "private, no-store")
    assert stranger.status_code == 404
    assert written_under_media_root(settings) == []


def test_a_stored_file_has_no_address_the_store_would_serve(store):
    name = default_storage.save("applications/x.pdf", ContentFile(PDF))

    address = default_storage.url(name)

    assert address == f"{store.endpoint}/{store.name}/{name}"  # unsigned: no X-Amz-Signature, no expiry
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(address, timeout=5)
    assert refused.value.code == 403


def test_local_copies_of_stored_files_are_kept_per_process_and_the_oldest_forgotten(store, settings, monkeypatch):
    monkeypatch.setattr(files, "KEPT_COPIES", 2)
    monkeypatch.setattr(files, "_process_folders", {})  # a folder of this test's own
    fonts = [PlaqueFont(role=FontRole.WEIBEI, name=str(n)) for n in range(3)]
    for font in fonts:
        font.file.save("font.ttf", ContentFile(f"font {font.name}".encode()), save=False)

    first = files.local_copy(fonts[0].file)
    store.client.delete_object(Bucket=store.name, Key=fonts[0].file.name)
    again = files.local_copy(fonts[0].file)  # from the copy: the store is not asked again
    copied = again.read_bytes()
    later = [files.local_copy(font.file) for font in fonts[1:]]
    missing = PlaqueFont(file="fonts/none.ttf").file

    assert first == again and first.parent == files.copies_folder() and copied == b"font 0"
    assert [path.read_bytes() for path in later] == [b"font 1", b"font 2"]
    assert not first.exists()  # the least recently used of three, with two kept
    assert files.local_copy(missing) is None
    assert written_under_media_root(settings) == []


def test_objection_evidence_and_seal_are_in_the_bucket_and_the_seal_goes_at_the_purge(
    login, store, settings, time_machine
):
    time_machine.move_to(at(2026, 9, 29, 15), tick=False)
    settings.OBJECTION_RETENTION_DAYS = 30
    listed = listed_round(names=("甲",))
    publish(listed, at(2026, 9, 28, 10))
    objection, _token = file(
        listed, at(2026, 9, 29, 15), objector_type=ObjectorType.ORGANISATION, name="某某商会",
        contact_person=CONTACT_PERSON, seal=png(), evidence=[pdf("现场记录.pdf")],
    )  # fmt: skip
    evidence = objection.evidence.get()
    stored = {key: store.read(key) for key in store.keys()}

    response = login(listed.admin).get(reverse("publicity:objection_file", args=[objection.pk, evidence.pk]))
    services.objection_assign(objection=objection, handler=listed.lead, deadline=at(2026, 10, 9).date(), actor=listed.admin)
    services.objection_decide(objection=objection, upheld=False, findings="不属实。", reply="异议不成立。", actor=listed.lead)
    purged = services.objections_purge(now=at(2026, 9, 29, 15) + timedelta(days=31))

    assert stored == {evidence.file.name: PDF, objection.seal.name: PNG}
    assert evidence.file.name.startswith("objections/") and objection.seal.name.startswith("objection-seals/")
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
    assert purged == 1 and store.keys() == [evidence.file.name]  # the seal names the objector: erased from the store
    assert written_under_media_root(settings) == []


# --- generated files ---------------------------------------------------------------------------------------------


@pytest.mark.pdf
def test_a_plaque_is_rendered_with_a_font_uploaded_to_the_bucket(login, store, settings, tmp_path, time_machine):
    time_machine.move_to(ISSUED_AT, tick=False)
    listed = announced(names=("甲",))
    font = PlaqueFont(role=FontRole.WEIBEI, name="思源宋体（测试）")
    with SERIF_BOLD.open("rb") as upload:
        font.file.save(SERIF_BOLD.name, File(upload), save=True)

    response = login(applicant_of(listed)).get(reverse("awards:plaque", args=[award_of(listed).pk]))

    assert store.keys() == [font.file.name] and font.file.name.startswith("fonts/")
    assert response.status_code == 200
    # The weibei role in the uploaded Noto Serif, read from a local copy of the bucket's file; heiti the stand-in.
    assert subset_families(response.content, tmp_path) == ["Noto-Sans-CJK-SC", "Noto-Serif-CJK-SC"]
    assert written_under_media_root(settings) == []


@pytest.mark.pdf
def test_the_announcement_pdf_stamps_the_departments_seal_from_the_bucket(client, store, settings, tmp_path, time_machine):
    time_machine.move_to(ISSUED_AT, tick=False)
    listed = closed_round(names=("甲",))
    department = listed.programme.lead_department
    department.seal_image.save("seal.png", ContentFile(png_bytes((120, 120))), save=True)
    announcement = issue(listed)

    response = client.get(reverse("awards:result_pdf", args=[announcement.pk]))

    (tmp_path / "announcement.pdf").write_bytes(response.content)
    listing = subprocess.run(
        ["pdfimages", "-list", str(tmp_path / "announcement.pdf")], capture_output=True, text=True, check=True
    ).stdout.splitlines()[2:]
    assert store.keys() == [department.seal_image.name]
    assert [line.split()[2:5] for line in listing] == [["image", "120", "120"]]  # the seal
    assert written_under_media_root(settings) == []


@pytest.mark.pdf
def test_the_application_form_stamps_the_applicants_and_the_departments_seals_from_the_bucket(
    login, store, settings, tmp_path
):
    review = build_review(labels=("甲",), reviewers_each=1)
    application = review.application("甲")
    AttachmentFactory(application=application, purpose=AttachmentPurpose.SEAL)  # an 8 × 6 PNG
    review.departments[DRC].seal_image.save("drc-seal.png", ContentFile(png_bytes((60, 60))))
    opinion = results.opinion_sign(
        application=application, actor=review.leads[DRC], verdict=OpinionVerdict.AGREE, text="同意推荐。"
    )

    response = login(application.created_by).get(reverse("applications:pdf", args=[application.pk]))

    (tmp_path / "form.pdf").write_bytes(response.content)
    listing = subprocess.run(
        ["pdfimages", "-list", str(tmp_path / "form.pdf")], capture_output=True, text=True, check=True
    ).stdout.splitlines()[2:]
    assert opinion.seal.name.startswith("opinion-seals/") and opinion.seal.name in store.keys()  # copied in the store
    assert store.read(opinion.seal.name) == store.read(review.departments[DRC].seal_image.name)
    assert [line.split()[2:5] for line in listing] == [["image", "8", "6"], ["image", "60", "60"]]
    assert written_under_media_root(settings) == []


def test_a_plaque_batch_keeps_its_plaques_and_then_its_zip_in_the_bucket(
    login, store, settings, monkeypatch, time_machine, django_capture_on_commit_callbacks
):
    time_machine.move_to(ISSUED_AT, tick=False)
    monkeypatch.setattr(batches, "CHUNK", 2)
    monkeypatch.setattr(award_services, "award_plaque_pdf", fake_plaque)
    queued = []
    monkeypatch.setattr(tasks, "render_plaque_chunk", type("Queue", (), {"delay": lambda *args: queued.append(args)}))
    listed = announced(names=("甲", "乙", "丙"))
    with django_capture_on_commit_callbacks(execute=True):
        batch = batches.batch_start(actor=listed.admin, announcement=listed.extra["announcement"])
    (first, second) = queued

    batches.chunk_render(batch_id=first[0], index=first[1], award_ids=first[2])
    halfway = store.keys()
    batches.chunk_render(batch_id=second[0], index=second[1], award_ids=second[2])
    batch.refresh_from_db()
    response = login(listed.admin).get(reverse("awards:batch_download", args=[batch.pk]))

    folder = f"plaque-batches/batch-{batch.pk}"
    assert halfway == [f"{folder}/370322X-2026-001.pdf", f"{folder}/370322X-2026-002.pdf"]
    assert (batch.status, batch.done) == (BatchStatus.DONE, 3)
    assert store.keys() == [batch.archive.name] and batch.archive.name.startswith("plaque-batches/")  # plaques gone
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    assert archive.namelist() == ["370322X-2026-001.pdf", "370322X-2026-002.pdf", "370322X-2026-003.pdf"]
    assert archive.read("370322X-2026-003.pdf") == b"%PDF-1.4 plaque 370322X-2026-003"
    assert PlaqueBatch.objects.get().status == BatchStatus.DONE
    assert written_under_media_root(settings) == []


# --- backup and restore --------------------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_backup_archives_the_buckets_files_and_restore_puts_them_back(store, settings, tmp_path):
    from tests.portal.test_backup import empty_database, make_data, restore, rows, run_backup

    made = make_data()
    before, stored = rows(), store.keys()
    archive, _printed = run_backup(tmp_path / "backups")
    with tarfile.open(archive, "r:gz") as tar:
        members = {name: tar.extractfile(name).read() for name in tar.getnames() if name.startswith("media/")}
    (tmp_path / "unused-media").mkdir()
    empty_database(tmp_path / "unused-media")
    store.empty()

    message = restore(archive)

    assert stored == [made["attachment"].file.name]
    assert members == {f"media/{made['attachment'].file.name}": PNG}
    assert message == f"恢复完成：共 {sum(len(table) for table in before.values())} 条记录，1 个文件。"
    assert rows() == before
    assert store.keys() == stored and store.read(stored[0]) == PNG and store.encryption(stored[0]) == "AES256"
    assert hashlib.sha256(store.read(stored[0])).hexdigest() == made["attachment"].sha256
    assert written_under_media_root(settings) == []
