"""The demo's assessment (评估记录): 黄竹塱社区 against annex 4 (gz_community_2024), most items filled in, one honour
entered as an event, and a small ledger of (一)1 (60 persons) imported and applied. Made once, by the system
administrator; the ledger is imported in this process (the demo's worker may not be running yet while seeding)."""

import datetime
import io
import random

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook
from stdnum.cn import ric

from rubrics.assessments import assessment_create, assessment_record
from rubrics.ledger import HEADERS
from rubrics.ledger_uploads import ledger_apply, ledger_run, ledger_start
from rubrics.models import Assessment, Rubric

SLUG = "gz_community_2024"
FACTS = {
    "(一)2": {"none_in_period": True},
    "(一)3": {"achieved": 17, "total": 20, "excluded": 1},
    "(一)4": {"none_in_period": True},
    "(一)5": {"met": True},
    "(二)1": {"met": ["台位", "标识", "办公设备"]},
    "(二)2": {"precondition_met": True, "met": ["参加培训"]},
    "(二)3": {"met": True},
    "(二)4": {"met": ["建立", "公开"]},
    "(二)5": {"met": True},
    "(二)6": {"met": ["建立"]},
    "(三)1": {"met": ["宣传资料", "专项活动"]},
    "(三)2": {"met": ["调查记录", "底数清"]},
    "(三)3": {"met": ["收集记录", "发布记录", "岗位要素"]},
    "(三)4": {"met": ["求职登记"], "deductions": {"missing_kinds": 1}},
    "(三)5": {"tiered_service_persons": 2},
    "(三)6": {"precondition_met": True, "count": 2, "all_employed": False},
    "(三)7": {"missing_services": 1},
    "(三)8": {},
    "(三)9": {"met": True},
    "(三)10": {"met": True},
    "(四)6": {"parts": {"荣誉": {"events": 1}, "批示": {"events": 0}, "承办活动": {"events": 0}, "媒体报道": {"met": False}}},
}
EVENTS = {"(四)6|parts.荣誉.events": [{"date": "2024-09-12", "level": "city", "name": "广州市就业创业工作先进集体"}]}
NOTES = {"(一)1": "系统取数，与台账核对一致。", "(三)5": "两名就业困难人员的分级服务措施超时落实。"}


def _id_number(rng: random.Random, serial: int) -> str:
    born = datetime.date(1965, 1, 1) + datetime.timedelta(days=rng.randrange(35 * 365))
    body = f"440117{born:%Y%m%d}{serial:03d}"
    return body + ric.calc_check_digit(body + "0")


def demo_ledger(rows: int = 60) -> bytes:
    """A ledger of (一)1: most employed, some not, a few deregistered for a non-employment reason, one refused."""
    rng = random.Random(2024)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "台账(一)1"
    sheet.append(list(HEADERS))
    for index in range(rows):
        status, reason = ("已就业", None) if rng.random() < 0.8 else ("未就业", None)
        if index % 15 == 7:
            status, reason = None, rng.choice(("入学", "服兵役", "已享受基本养老保险待遇"))
        number = _id_number(rng, index)
        if index == rows - 1:
            number = number[:-1] + ("0" if number[-1] != "0" else "1")  # a wrong check digit: refused
        registered = datetime.date(2024, 1, 2) + datetime.timedelta(days=rng.randrange(300))
        sheet.append([f"居民{index + 1:02d}", number, registered, status, reason, None])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def seed_assessment(*, actor) -> Assessment | None:
    """The demo's assessment, once (None when the rubric is not installed or already has one)."""
    rubric = Rubric.objects.filter(standard=SLUG).order_by("pk").first()
    if rubric is None or rubric.assessments.exists():
        return None
    assessment = assessment_create(rubric=rubric, subject="黄竹塱社区", period="2024年度", actor=actor)
    assessment_record(assessment=assessment, facts=FACTS, notes=NOTES, events=EVENTS, actor=actor)
    upload = ledger_start(assessment=assessment, item_code="(一)1", actor=actor,
                          uploaded=SimpleUploadedFile("黄竹塱社区登记失业人员台账.xlsx", demo_ledger()))
    ledger_run(upload.pk, upload.attempt)
    upload.refresh_from_db()
    return ledger_apply(upload=upload, actor=actor)
