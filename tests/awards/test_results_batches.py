"""Batch rendering of plaques (issue 7, 4), without a worker: the chunks that `batch_start` queues after the commit
are run in this process, and the plaque renderer is a stand-in. Progress, failures, reruns, the ZIP, the pages and
the jurisdiction's year."""

import copy
import io
import json
import threading
import zipfile
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import pytest
from django.db import connection, connections
from django.urls import reverse
from time_machine import travel

from awards import batches, tasks
from awards import services as award_services
from awards.batches import batch_awards, batch_start, chunk_render
from awards.enums import BatchStatus
from awards.models import Award, PlaqueBatch
from portal.enums import AuditEvent, Level, RegionLevel
from portal.models import AuditRecord
from portal.services import programme_admin_grant
from portal.transitions import AlreadyExists, Refused
from tests.applications.factories import AwardFactory
from tests.awards.results_builders import ISSUED_AT, announced, fake_plaque, with_archive
from tests.factories import ApplicantFactory, ProgrammeFactory, RegionFactory, SystemAdminFactory, UserFactory
from tests.portal.helpers import messages_of, text, visible_text
from tests.worlds import built_once

pytestmark = pytest.mark.django_db

REAL_TASK = tasks.render_plaque_chunk


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    """A media folder of this test alone: the batch folders are named by the batch's (reused) primary key; and a
    VAR_DIR of its own for the claims' lock files (SQLite)."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.VAR_DIR = tmp_path / "var"
    settings.VAR_DIR.mkdir()
    return settings.MEDIA_ROOT


@pytest.fixture(scope="class")
def _three_awards(django_db_setup, django_db_blocker):
    """Three awards (370322X-2026-001 … 003) of one announcement of 15 September 2026, built once for the tests of
    `TestAnnouncementBatches` (tests/worlds.py): its class, not the module, since the jurisdiction tests below count
    every award of 高青县 in 2026. A test outside the class that asks for it gets one built for itself."""

    def build():
        with travel(ISSUED_AT, tick=False):
            return announced(names=("甲", "乙", "丙"))

    yield from built_once(django_db_blocker, build)


@pytest.fixture
def listed(_three_awards, db, time_machine, monkeypatch):
    """Each test's own copy of the three awards, in chunks of two, the clock on 15 September 2026; plaques rendered by
    a stand-in."""
    time_machine.move_to(ISSUED_AT, tick=False)
    monkeypatch.setattr(batches, "CHUNK", 2)
    monkeypatch.setattr(award_services, "award_plaque_pdf", fake_plaque)
    return copy.deepcopy(_three_awards)


class Queue:
    """Stands in for `render_plaque_chunk` in `batch_start`: records what is queued, runs it in-process if asked."""

    def __init__(self, run: bool):
        self.run = run
        self.calls = []

    def delay(self, batch_id, index, award_ids):
        self.calls.append((batch_id, index, list(award_ids)))
        if self.run:
            REAL_TASK(batch_id, index, award_ids)  # the task's own function, synchronously


@pytest.fixture
def queue(monkeypatch):
    queue = Queue(run=False)
    monkeypatch.setattr(tasks, "render_plaque_chunk", queue)
    return queue


def start(listed, queue, capture, *, run=True) -> PlaqueBatch:
    queue.run = run
    with capture(execute=True):
        batch = batch_start(actor=listed.admin, announcement=listed.extra["announcement"])
    batch.refresh_from_db()
    return batch


def award_ids(listed) -> list[int]:
    return list(listed.extra["announcement"].awards.order_by("plaque_number").values_list("pk", flat=True))


def zip_names(batch: PlaqueBatch) -> list[str]:
    with batch.archive.open("rb") as handle, zipfile.ZipFile(io.BytesIO(handle.read())) as archive:
        return archive.namelist()


def failing_for(name: str, message="字体文件损坏"):
    """A renderer that fails for the institution `name` and records every call."""
    calls = []

    def render(award):
        calls.append(award.institution_name)
        if award.institution_name == name:
            raise RuntimeError(message)
        return fake_plaque(award)

    render.calls = calls
    return render


@contextmanager
def claimed_elsewhere(batch_id: int, index: int):
    """The chunk claimed by another process while the block runs: a thread of this one, with a database session (and
    on SQLite an open lock file) of its own, through the same claim a worker takes."""
    claimed, release = threading.Event(), threading.Event()

    def hold():
        try:
            with batches._chunk_claimed(batch_id, index) as got:
                assert got
                claimed.set()
                release.wait(10)
        finally:
            connections.close_all()

    holder = threading.Thread(target=hold)
    holder.start()
    assert claimed.wait(10)
    try:
        yield
    finally:
        release.set()
        holder.join(10)


def status(client, batch) -> dict:
    response = client.get(reverse("awards:batch_status", args=[batch.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    assert "no-store" in response["Cache-Control"]
    return json.loads(response.content)


# --- queuing ----------------------------------------------------------------------------------------------


def test_the_default_chunk_is_fifty():
    assert batches.CHUNK == 50


def test_nothing_to_render_is_refused(time_machine):
    time_machine.move_to(ISSUED_AT, tick=False)
    region = RegionFactory(code="110101", name="东城区", level=RegionLevel.COUNTY)

    with pytest.raises(Refused, match="没有可生成的奖牌。"):
        batch_start(actor=SystemAdminFactory(), region=region, year=2026)
    assert not PlaqueBatch.objects.exists()


class TestAnnouncementBatches:
    """The batches of one announcement (`listed`, built once for the class)."""

    # --- queuing an announcement's batch -----------------------------------------------------------------

    def test_batch_start_queues_one_task_per_chunk_after_the_commit(
        self, listed, queue, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks() as callbacks:
            batch = batch_start(actor=listed.admin, announcement=listed.extra["announcement"])
        queued_before_commit = list(queue.calls)
        for callback in callbacks:
            callback()

        ids = award_ids(listed)
        assert queued_before_commit == []
        assert queue.calls == [(batch.pk, 0, ids[:2]), (batch.pk, 1, ids[2:])]
        assert (batch.total, batch.chunks_total, batch.status, batch.done, batch.percent) == (
            3,
            2,
            BatchStatus.QUEUED,
            0,
            0,
        )
        record = AuditRecord.objects.get(event=AuditEvent.EXPORT, object_type="awards.plaquebatch")
        assert (record.user_id, record.detail) == (listed.admin.pk, "plaque batch of 3")

    def test_a_second_start_while_the_batch_is_queued_answers_with_it(self, listed, queue):
        first = batch_start(actor=listed.admin, announcement=listed.extra["announcement"])

        with pytest.raises(AlreadyExists, match="这些奖牌正在批量生成，已为您打开其进度。") as existing:
            batch_start(actor=SystemAdminFactory(), announcement=listed.extra["announcement"])

        assert existing.value.existing == first
        assert PlaqueBatch.objects.count() == 1

    def test_a_finished_batch_does_not_stop_a_new_one(self, listed, queue, django_capture_on_commit_callbacks):
        finished = start(listed, queue, django_capture_on_commit_callbacks)

        again = batch_start(actor=listed.admin, announcement=listed.extra["announcement"])

        assert finished.status == BatchStatus.DONE
        assert again.pk != finished.pk and again.status == BatchStatus.QUEUED

    # --- rendering --------------------------------------------------------------------------------------

    def test_the_chunks_write_one_pdf_per_award_and_the_last_one_the_zip(
        self, listed, queue, media, django_capture_on_commit_callbacks
    ):
        batch = start(listed, queue, django_capture_on_commit_callbacks)

        assert batch.status == BatchStatus.DONE and batch.finished_at == ISSUED_AT
        assert (batch.done, batch.failures, batch.percent, sorted(batch.chunks_done)) == (3, [], 100, [0, 1])
        assert zip_names(batch) == ["370322X-2026-001.pdf", "370322X-2026-002.pdf", "370322X-2026-003.pdf"]
        with batch.archive.open("rb") as handle, zipfile.ZipFile(io.BytesIO(handle.read())) as archive:
            assert archive.read("370322X-2026-002.pdf") == b"%PDF-1.4 plaque 370322X-2026-002"
        assert not (Path(media) / "plaque-batches" / f"batch-{batch.pk}").exists()  # the PDFs are in the ZIP only

    def test_a_failing_plaque_is_reported_and_the_others_go_on(
        self, listed, queue, monkeypatch, django_capture_on_commit_callbacks
    ):
        render = failing_for("申报机构乙")
        monkeypatch.setattr(award_services, "award_plaque_pdf", render)

        batch = start(listed, queue, django_capture_on_commit_callbacks)

        failed = Award.objects.get(institution_name="申报机构乙")
        assert render.calls == ["申报机构甲", "申报机构乙", "申报机构丙"]
        assert batch.failures == [{"award": failed.pk, "name": "申报机构乙", "error": "字体文件损坏"}]
        assert (batch.status, batch.done, batch.percent) == (BatchStatus.DONE, 2, 100)
        assert zip_names(batch) == ["370322X-2026-001.pdf", "370322X-2026-003.pdf"]

    def test_a_batch_where_every_plaque_fails_is_failed(
        self, listed, queue, monkeypatch, django_capture_on_commit_callbacks
    ):
        def broken(award):
            raise RuntimeError("没有可用的奖牌字体")

        monkeypatch.setattr(award_services, "award_plaque_pdf", broken)

        batch = start(listed, queue, django_capture_on_commit_callbacks)

        assert batch.status == BatchStatus.FAILED and batch.done == 0
        assert [failure["name"] for failure in batch.failures] == ["申报机构甲", "申报机构乙", "申报机构丙"]

    def test_running_a_chunk_twice_counts_nothing_twice(
        self, listed, queue, monkeypatch, django_capture_on_commit_callbacks
    ):
        render = failing_for("申报机构乙")
        monkeypatch.setattr(award_services, "award_plaque_pdf", render)
        batch = start(listed, queue, django_capture_on_commit_callbacks, run=False)
        first, second = queue.calls

        chunk_render(batch_id=first[0], index=first[1], award_ids=first[2])
        chunk_render(batch_id=first[0], index=first[1], award_ids=first[2])  # redelivered after it finished
        twice = PlaqueBatch.objects.get(pk=batch.pk)
        PlaqueBatch.objects.filter(pk=batch.pk).update(chunks_done=[])  # killed before it could mark the chunk done
        chunk_render(batch_id=first[0], index=first[1], award_ids=first[2])
        rerun = PlaqueBatch.objects.get(pk=batch.pk)
        chunk_render(batch_id=second[0], index=second[1], award_ids=second[2])
        chunk_render(batch_id=first[0], index=first[1], award_ids=first[2])  # after the ZIP
        done = PlaqueBatch.objects.get(pk=batch.pk)

        assert (twice.done, len(twice.failures), twice.chunks_done, twice.status) == (1, 1, [0], BatchStatus.RUNNING)
        assert (rerun.done, len(rerun.failures), rerun.chunks_done) == (1, 1, [0])
        assert render.calls == ["申报机构甲", "申报机构乙", "申报机构乙", "申报机构丙"]  # written plaques are not redone
        assert (done.status, done.done, len(done.failures), done.percent) == (BatchStatus.DONE, 2, 1, 100)
        assert zip_names(done) == ["370322X-2026-001.pdf", "370322X-2026-003.pdf"]

    def test_a_plaque_that_succeeds_on_a_redelivered_chunk_is_no_longer_a_failure(
        self, listed, queue, monkeypatch, django_capture_on_commit_callbacks
    ):
        monkeypatch.setattr(award_services, "award_plaque_pdf", failing_for("申报机构乙", "内存不足"))
        batch = start(listed, queue, django_capture_on_commit_callbacks, run=False)
        first, second = queue.calls
        chunk_render(batch_id=first[0], index=first[1], award_ids=first[2])
        PlaqueBatch.objects.filter(pk=batch.pk).update(chunks_done=[])  # the worker was killed; the chunk comes again
        monkeypatch.setattr(award_services, "award_plaque_pdf", fake_plaque)  # and this time the plaque renders

        chunk_render(batch_id=first[0], index=first[1], award_ids=first[2])
        chunk_render(batch_id=second[0], index=second[1], award_ids=second[2])

        batch.refresh_from_db()
        assert zip_names(batch) == ["370322X-2026-001.pdf", "370322X-2026-002.pdf", "370322X-2026-003.pdf"]
        assert (batch.done, batch.failures, batch.percent) == (3, [], 100)

    def test_a_copy_of_a_chunk_another_process_is_rendering_leaves_it_to_that_process(
        self, listed, queue, monkeypatch, django_capture_on_commit_callbacks
    ):
        render = failing_for("none")
        monkeypatch.setattr(award_services, "award_plaque_pdf", render)
        batch = start(listed, queue, django_capture_on_commit_callbacks, run=False)
        first, second = queue.calls

        with claimed_elsewhere(batch.pk, 0):
            chunk_render(batch_id=first[0], index=first[1], award_ids=first[2])  # the broker's copy, back after an hour
        left = PlaqueBatch.objects.get(pk=batch.pk)
        chunk_render(batch_id=first[0], index=first[1], award_ids=first[2])  # the holder is gone, its claim with it
        chunk_render(batch_id=second[0], index=second[1], award_ids=second[2])

        assert (left.done, left.chunks_done) == (0, [])
        assert render.calls == ["申报机构甲", "申报机构乙", "申报机构丙"]
        batch.refresh_from_db()
        assert (batch.status, batch.done) == (BatchStatus.DONE, 3)

    @pytest.mark.skipif(connection.vendor != "postgresql", reason="the claim of several machines is PostgreSQL's")
    def test_a_killed_workers_claim_goes_with_its_database_session(
        self, listed, queue, monkeypatch, django_capture_on_commit_callbacks
    ):
        render = failing_for("none")
        monkeypatch.setattr(award_services, "award_plaque_pdf", render)
        batch = start(listed, queue, django_capture_on_commit_callbacks, run=False)
        first = queue.calls[0]
        claimed, killed = threading.Event(), threading.Event()

        def worker_killed_while_rendering():  # takes the claim, then its connection ends with no unlock, as on SIGKILL
            with connections["default"].cursor() as cursor:
                cursor.execute("SELECT pg_try_advisory_lock(%s)", [batches.claim_key(batch.pk, 0)])
                assert cursor.fetchone() == (True,)
            claimed.set()
            killed.wait(10)
            connections.close_all()

        holder = threading.Thread(target=worker_killed_while_rendering)
        holder.start()
        assert claimed.wait(10)
        chunk_render(batch_id=first[0], index=first[1], award_ids=first[2])
        calls_while_held = list(render.calls)
        killed.set()
        holder.join(10)
        chunk_render(batch_id=first[0], index=first[1], award_ids=first[2])

        assert calls_while_held == []
        assert render.calls == ["申报机构甲", "申报机构乙"]
        assert PlaqueBatch.objects.get(pk=batch.pk).chunks_done == [0]

    def test_a_batch_whose_zip_writer_was_killed_gets_its_zip_from_the_sweep(
        self, listed, queue, monkeypatch, django_capture_on_commit_callbacks
    ):
        batch = start(listed, queue, django_capture_on_commit_callbacks, run=False)
        first, second = queue.calls
        write_archive = batches._write_archive
        monkeypatch.setattr(batches, "_write_archive", lambda batch: None)  # killed when about to write the ZIP
        chunk_render(batch_id=first[0], index=first[1], award_ids=first[2])
        chunk_render(batch_id=second[0], index=second[1], award_ids=second[2])
        monkeypatch.setattr(batches, "_write_archive", write_archive)
        queue.calls.clear()

        stalled = PlaqueBatch.objects.get(pk=batch.pk)
        later = batches.batches_resume(now=stalled.progressed_at + batches.STALLED_AFTER)

        batch.refresh_from_db()
        assert (stalled.status, stalled.chunks_done, later, queue.calls) == (BatchStatus.RUNNING, [0, 1], 0, [])
        assert (batch.status, batch.done) == (BatchStatus.DONE, 3)
        assert zip_names(batch) == ["370322X-2026-001.pdf", "370322X-2026-002.pdf", "370322X-2026-003.pdf"]

    # --- the pages ------------------------------------------------------------------------------------------

    def test_progress_json_follows_the_chunks(
        self, login, listed, queue, monkeypatch, django_capture_on_commit_callbacks
    ):
        monkeypatch.setattr(award_services, "award_plaque_pdf", failing_for("申报机构乙"))
        batch = start(listed, queue, django_capture_on_commit_callbacks, run=False)
        client = login(listed.admin)
        first, second = queue.calls

        queued = status(client, batch)
        chunk_render(batch_id=first[0], index=first[1], award_ids=first[2])
        halfway = status(client, batch)
        chunk_render(batch_id=second[0], index=second[1], award_ids=second[2])
        finished = status(client, batch)

        failed_pk = Award.objects.get(institution_name="申报机构乙").pk
        assert queued == {
            "status": "queued", "status_label": "排队中", "total": 3, "done": 0, "failed": 0, "failures": [],
            "percent": 0, "download": False,
        }  # fmt: skip
        assert (halfway["status"], halfway["done"], halfway["failed"], halfway["percent"]) == ("running", 1, 1, 66)
        assert halfway["failures"] == [{"award": failed_pk, "name": "申报机构乙", "error": "字体文件损坏"}]
        assert (finished["status"], finished["done"], finished["percent"], finished["download"]) == (
            "done",
            2,
            100,
            True,
        )

    def test_batch_page_lists_the_failures_by_institution(
        self, login, listed, queue, monkeypatch, django_capture_on_commit_callbacks
    ):
        monkeypatch.setattr(award_services, "award_plaque_pdf", failing_for("申报机构乙"))
        batch = start(listed, queue, django_capture_on_commit_callbacks)

        response = login(listed.admin).get(reverse("awards:batch", args=[batch.pk]))

        page = visible_text(response)
        assert "县人社局字〔2026〕1号 · 已完成" in page
        assert "2 / 3 已生成， 1 失败" in page
        assert "申报机构乙：字体文件损坏" in page
        assert reverse("awards:batch_status", args=[batch.pk]) in text(response)

    def test_download_is_404_until_the_zip_exists(self, login, listed, queue, django_capture_on_commit_callbacks):
        batch = start(listed, queue, django_capture_on_commit_callbacks, run=False)
        client = login(listed.admin)
        url = reverse("awards:batch_download", args=[batch.pk])

        before = client.get(url)
        for batch_id, index, ids in queue.calls:
            chunk_render(batch_id=batch_id, index=index, award_ids=ids)
        after = client.get(url)

        assert before.status_code == 404
        assert after.status_code == 200
        assert after["Content-Type"] == "application/zip" and after["Cache-Control"] == "private, no-store"
        assert after["Content-Disposition"].startswith("attachment;")
        content = b"".join(after.streaming_content)
        assert zipfile.ZipFile(io.BytesIO(content)).namelist() == [
            "370322X-2026-001.pdf",
            "370322X-2026-002.pdf",
            "370322X-2026-003.pdf",
        ]

    def test_admin_starts_a_batch_from_the_round_page(self, login, listed, queue):
        response = login(listed.admin).post(reverse("awards:batch_start", args=[listed.extra["announcement"].pk]))

        batch = PlaqueBatch.objects.get()
        assert response.status_code == 302 and response["Location"] == reverse("awards:batch", args=[batch.pk])
        assert (batch.announcement, batch.total, batch.created_by) == (listed.extra["announcement"], 3, listed.admin)

    def test_starting_again_from_the_round_page_opens_the_queued_batch(self, login, listed, queue):
        client = login(listed.admin)
        url = reverse("awards:batch_start", args=[listed.extra["announcement"].pk])
        client.post(url)

        response = client.post(url)

        batch = PlaqueBatch.objects.get()
        assert response.status_code == 302 and response["Location"] == reverse("awards:batch", args=[batch.pk])
        assert messages_of(response) == ["这些奖牌正在批量生成，已为您打开其进度。"]

    def test_batch_pages_are_404_for_another_programmes_admin(
        self, login, listed, queue, django_capture_on_commit_callbacks
    ):
        batch = with_archive(start(listed, queue, django_capture_on_commit_callbacks, run=False))
        other = announced(names=("丁",))
        colleague = UserFactory()
        programme_admin_grant(programme=listed.programme, user=colleague)
        names = ("batch", "batch_status", "batch_download")

        for user, expected in ((other.admin, 404), (colleague, 200), (SystemAdminFactory(), 200)):
            client = login(user)
            for name in names:
                assert client.get(reverse(f"awards:{name}", args=[batch.pk])).status_code == expected, (user, name)


# --- a jurisdiction's year ------------------------------------------------------------------------------------


@pytest.fixture
def jurisdiction():
    """Awards of 2026 in 高青县 and 淄川区 (both of 淄博市, 山东省) and of 淄博市 itself; one of 2025; one in Beijing."""
    province = RegionFactory(code="370000", name="山东省", level=RegionLevel.PROVINCE)
    city = RegionFactory(code="370300", name="淄博市", level=RegionLevel.CITY, parent=province)
    county = RegionFactory(code="370322")
    zichuan = RegionFactory(code="370302", name="淄川区", level=RegionLevel.COUNTY, parent=city)
    beijing = RegionFactory(code="110101", name="东城区", level=RegionLevel.COUNTY)
    awards = {
        "gaoqing": AwardFactory(programme=ProgrammeFactory(region=county), awarded_on=date(2026, 3, 1)),
        "zichuan": AwardFactory(programme=ProgrammeFactory(region=zichuan), awarded_on=date(2026, 12, 31)),
        "zibo": AwardFactory(programme=ProgrammeFactory(region=city, level=Level.CITY), awarded_on=date(2026, 1, 1)),
        "gaoqing-2025": AwardFactory(programme=ProgrammeFactory(region=county), awarded_on=date(2025, 12, 31)),
        "beijing": AwardFactory(programme=ProgrammeFactory(region=beijing), awarded_on=date(2026, 6, 1)),
    }
    return {"province": province, "city": city, "county": county, "beijing": beijing, "awards": awards}


def test_system_admin_batches_a_jurisdictions_year(login, jurisdiction, queue):
    admin = SystemAdminFactory()
    client = login(admin)

    response = client.post(reverse("awards:batch_region"), {"region": jurisdiction["province"].pk, "year": "2026"})

    batch = PlaqueBatch.objects.get()
    awards = jurisdiction["awards"]
    assert response.status_code == 302 and response["Location"] == reverse("awards:batch", args=[batch.pk])
    assert (batch.region, batch.year, batch.announcement, batch.total) == (jurisdiction["province"], 2026, None, 3)
    assert set(batch_awards(batch)) == {awards["gaoqing"], awards["zichuan"], awards["zibo"]}
    assert "山东省 · 2026" in visible_text(client.get(response["Location"]))


@pytest.mark.parametrize(
    ("region", "expected"),
    [("city", {"gaoqing", "zichuan", "zibo"}), ("county", {"gaoqing"}), ("beijing", {"beijing"})],
)
def test_a_region_batch_takes_the_regions_subtree_and_year(jurisdiction, region, expected):
    batch = PlaqueBatch(region=jurisdiction[region], year=2026)

    assert {key for key, award in jurisdiction["awards"].items() if award in set(batch_awards(batch))} == expected


def test_provincial_programme_admin_batches_its_provinces_year(login, jurisdiction, queue):
    admin = UserFactory()
    programme_admin_grant(
        programme=ProgrammeFactory(region=jurisdiction["province"], level=Level.PROVINCE), user=admin
    )
    client = login(admin)

    page = client.get(reverse("awards:batch_region"))
    response = client.post(reverse("awards:batch_region"), {"region": jurisdiction["city"].pk, "year": "2026"})

    offered = [region.code for region in page.context["form"].fields["region"].queryset]
    assert offered == ["370000", "370300", "370302", "370322"]  # the province and below, not Beijing
    batch = PlaqueBatch.objects.get()
    assert response.status_code == 302 and (batch.region, batch.total) == (jurisdiction["city"], 3)


def test_region_batch_page_refuses_regions_outside_the_admins_programmes_and_an_empty_scope(
    login, jurisdiction, listed, queue
):
    url = reverse("awards:batch_region")
    data = {"region": jurisdiction["province"].pk, "year": "2026"}

    programme_admin = login(listed.admin).post(url, data)
    applicant = login(ApplicantFactory()).post(url, data)
    empty = login(SystemAdminFactory()).post(url, {"region": jurisdiction["beijing"].pk, "year": "2024"})

    assert programme_admin.status_code == 200
    assert "选择一个有效的选项" in visible_text(programme_admin)
    assert applicant.status_code == 403
    assert empty.status_code == 200 and "没有可生成的奖牌。" in visible_text(empty)
    assert not PlaqueBatch.objects.exists()


def test_the_awards_sweep_resumes_nothing_when_nothing_stalled():
    from awards.tasks import awards_sweep

    assert awards_sweep() == {"batches_resumed": 0}
