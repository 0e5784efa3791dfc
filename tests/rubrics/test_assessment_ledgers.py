"""Ledger imports of an assessment (rubrics/ledger_uploads.py, rubrics/views_ledgers.py): uploaded, imported by the
Celery task (run eagerly here) with its progress written to the database, the result shown with the rows masked and
filtered, exported masked, applied to the item's facts with its source; a stalled import restarted; a bad file said
in Chinese; the same person in another community's ledger refused."""

import io
from datetime import timedelta

import openpyxl
import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from portal.display import mask_id_number
from rubrics import ledger_uploads
from rubrics.assessments import assessment_create
from rubrics.enums import LedgerStatus
from rubrics.models import Assessment, LedgerUpload
from tests.portal.helpers import queued_messages, visible_text
from tests.rubrics.assessment_world import BUILT_AT, build, id_number, ledger_xlsx, small_ledger
from tests.rubrics.test_ledger import xlsx
from tests.worlds import module_world

pytestmark = pytest.mark.django_db

_world, world = module_world("world", build, built_at=BUILT_AT)


@pytest.fixture
def imports(eager_celery, django_capture_on_commit_callbacks, monkeypatch):
    """Upload a ledger as the page does; its task runs in this process after the commit. Progress every 2 rows,
    recorded as the database had it."""
    monkeypatch.setattr(ledger_uploads, "PROGRESS_EVERY", 2)
    seen = []
    report = ledger_uploads._report

    def recording(upload_id, attempt):
        progress = report(upload_id, attempt)

        def wrapped(done, total):
            progress(done, total)
            seen.append(LedgerUpload.objects.values_list("status", "done", "total").get(pk=upload_id))

        return wrapped

    monkeypatch.setattr(ledger_uploads, "_report", recording)

    class Imports:
        progress = seen

        @staticmethod
        def post(client, url, data=None):
            """A POST whose queued tasks run after its commit."""
            with django_capture_on_commit_callbacks(execute=True):
                return client.post(url, data or {})

        def __call__(self, client, assessment, content, *, code="(一)1", name="台账.xlsx"):
            return self.post(client, reverse("rubrics:ledger_upload", args=[assessment.pk]),
                             {"item": code, "file": SimpleUploadedFile(name, content)})

    return Imports()


def ledger_url(name, upload, *query):
    return reverse(f"rubrics:{name}", args=[upload.assessment_id, upload.pk]) + "".join(query)


def test_a_ledger_is_imported_by_the_task_with_progress_and_shown_masked(world, login, imports):
    client = login(world.owner)
    content, numbers = small_ledger()

    uploaded = imports(client, world.assessment, content)
    upload = LedgerUpload.objects.get()
    status = client.get(ledger_url("ledger_status", upload)).json()
    page = client.get(ledger_url("ledger", upload))
    refused = client.get(ledger_url("ledger", upload, "?outcome=refused"))
    export = client.get(ledger_url("ledger_export", upload))

    assert uploaded["Location"] == ledger_url("ledger", upload)
    assert imports.progress == [("running", 2, 7), ("running", 4, 7), ("running", 6, 7), ("running", 7, 7)]
    assert (upload.status, upload.achieved, upload.counted, upload.excluded, upload.refused) == ("done", 4, 1, 1, 1)
    assert status | {"error": ""} == {"status": "done", "status_label": "已完成", "done": 7, "total": 7, "percent": 100,
                                      "error": "", "finished": True, "stalled": False}
    text = visible_text(page)
    assert "80.00%（4 / 5）" in text and "6分（满分8分）" in text and "共 7 条" in text
    masked = mask_id_number(numbers[0])
    assert masked in text and "注销原因“死亡”属非就业情形：从分母中剔除。" in text
    assert [entry.name for entry in refused.context["page"]] == ["周九"]
    workbook = openpyxl.load_workbook(io.BytesIO(export.content))
    cells = [str(cell) for row in workbook.active.iter_rows(values_only=True) for cell in row]
    assert masked in cells and len(cells) == 8 * 9
    for number in numbers:  # never in clear: not on the page, not in the export, not kept in a file
        assert number not in page.content.decode() and number not in cells
    assert upload.file.name == "" and not default_storage.exists(f"ledgers/{upload.pk}")


def test_applying_a_ledger_sets_the_items_facts_with_its_source(world, login, imports):
    client = login(world.owner)
    world.assessment.facts = {"(一)1": {"achieved": 1, "total": 1, "deductions": {"mismatch_share": 10}}}
    world.assessment.save()
    imports(client, world.assessment, small_ledger()[0])
    upload = LedgerUpload.objects.get()

    applied = client.post(ledger_url("ledger_apply", upload))
    page = visible_text(client.get(reverse("rubrics:assessment", args=[world.assessment.pk])))

    assessment = Assessment.objects.get(pk=world.assessment.pk)
    assert queued_messages(applied) == ["已按台账填写(一)1的达成人数、总人数和剔除人数。"]
    assert assessment.facts["(一)1"] == {"achieved": 4, "total": 6, "excluded": 1, "deductions": {"mismatch_share": 10}}
    assert assessment.sources["(一)1"]["upload"] == upload.pk and "人数来自台账 台账.xlsx" in page
    assert "2分 / 8分" in page  # 80 %: 6, less 4 for a 10 % mismatch
    assert LedgerUpload.objects.get(pk=upload.pk).applied_at is not None


def test_a_stalled_import_is_restarted_and_its_old_run_stores_nothing(world, login, imports, time_machine):
    client = login(world.owner)
    upload = ledger_uploads.ledger_start(assessment=world.assessment, item_code="(一)1", actor=world.owner,
                                         uploaded=SimpleUploadedFile("台账.xlsx", small_ledger()[0]))
    LedgerUpload.objects.filter(pk=upload.pk).update(status=LedgerStatus.RUNNING, done=2, total=7)  # a worker killed
    early = client.post(ledger_url("ledger_restart", upload))
    time_machine.move_to(BUILT_AT + ledger_uploads.STALLED_AFTER + timedelta(seconds=1), tick=False)
    stalled = client.get(ledger_url("ledger", upload))

    restarted = imports.post(client, ledger_url("ledger_restart", upload))
    ledger_uploads.ledger_run(upload.pk, 1)  # the killed attempt's task delivered again: superseded

    upload.refresh_from_db()
    assert queued_messages(early) == ["该台账正在导入，尚未停滞，请稍候。"]
    assert "导入已停滞" in visible_text(stalled) and stalled.context["stalled"]
    assert queued_messages(restarted) == ["已重新开始导入。"]
    assert (upload.attempt, upload.status, upload.done, upload.entries.count()) == (2, "done", 7, 7)


def test_the_same_person_in_another_communitys_applied_ledger_is_refused(world, login, imports):
    client = login(world.owner)
    imports(client, world.assessment, small_ledger()[0])
    client.post(ledger_url("ledger_apply", LedgerUpload.objects.get()))
    other = assessment_create(rubric=world.rubric, subject="石岭村", period="2024年度", actor=world.owner)

    imports(client, other, ledger_xlsx([["张三", id_number(1), "2024-04-01", "已就业", None, None],
                                        ["吴十", id_number(9), "2024-04-01", "已就业", None, None]]))

    upload = LedgerUpload.objects.get(assessment=other)
    assert [(e.name, e.outcome, e.why) for e in upload.entries.all()] == [
        ("张三", "refused", "该身份证号码已在黄竹塱社区的台账中。"),
        ("吴十", "achieved", "状态/去向为“已就业”：计入分子和分母。")]


def test_a_file_that_is_no_ledger_is_refused_in_chinese(world, login, imports):
    client = login(world.owner)

    not_excel = imports(client, world.assessment, b"name,id\n", name="台账.xlsx")
    wrong_headers = imports(client, world.assessment, xlsx([], headers=["名字", "号码"]), name="表.xlsx")
    no_ledger = imports(client, world.assessment, small_ledger()[0], code="(一)4")

    upload = LedgerUpload.objects.get()
    assert queued_messages(not_excel) == ["文件“台账.xlsx”的内容与扩展名不符（扩展名为.xlsx），请上传真实的文件。"]
    assert wrong_headers["Location"] == ledger_url("ledger", upload) and upload.status == "failed"
    assert upload.error.startswith("第1行的表头不对，缺少：姓名、身份证号码、登记日期、状态/去向。")
    assert upload.error in visible_text(client.get(ledger_url("ledger", upload)))
    assert queued_messages(no_ledger) == ["评分项“(一)4”不能导入台账。"]


def test_the_progress_is_unknown_while_the_size_is_and_while_the_rows_are_stored():
    def percent(status, done, total):
        return LedgerUpload(status=status, done=done, total=total).percent

    assert [percent("queued", 0, 0), percent("running", 500, 2000), percent("running", 1000, 1000),
            percent("done", 7, 7), percent("failed", 0, 0)] == [0, 25, None, 100, 0]
