"""Assessments in the browser (rubrics/views_assessments.py): the facts of every kind of item entered on one page and
scored by the engine, a facts error kept with the input and said in Chinese beside its item, a value that is no number
refused with nothing lost, the rubric's Excel template downloaded, filled in and uploaded back with a preview before
anything changes, and the 评估记录 section of the rubric's page."""

import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from rubrics.assessments import assessment_create
from rubrics.engine import item_points, score_rubric
from rubrics.excel import facts_template
from rubrics.models import Assessment
from rubrics.services import rubric_data
from rubrics.standards import STANDARDS
from tests.portal.helpers import queued_messages, visible_text
from tests.rubrics.assessment_world import BUILT_AT, build, form_data
from tests.worlds import module_world

pytestmark = pytest.mark.django_db

_world, world = module_world("world", build, built_at=BUILT_AT)

# Six kinds of annex 4: a rate with a deduction, a pass/fail with 报告期内未发生, a checklist, a deduction, a
# recommendation behind a precondition, and a bonus sum of per-event parts entered event by event.
ENTERED = {
    ("(一)1", "achieved"): "171", ("(一)1", "total"): "200", ("(一)1", "excluded"): "10",
    ("(一)1", "deductions.mismatch_share"): "15",
    ("(一)4", "none_in_period"): "是",
    ("(二)1", "met.台位"): "on", ("(二)1", "met.办公设备"): "on",
    ("(三)5", "tiered_service_persons"): "3",
    ("(三)6", "precondition_met"): "是", ("(三)6", "count"): "2", ("(三)6", "all_employed"): "否",
    ("(四)6", "parts.媒体报道.met"): "否",
}
EXPECTED = {
    "(一)1": {"achieved": 171, "total": 200, "excluded": 10, "deductions": {"mismatch_share": 15}},
    "(一)4": {"none_in_period": True},
    "(二)1": {"met": ["台位", "办公设备"]},
    "(三)5": {"tiered_service_persons": 3},
    "(三)6": {"precondition_met": True, "count": 2, "all_employed": False},
    "(四)6": {"parts": {"荣誉": {"events": 1}, "批示": {"events": 0}, "承办活动": {"events": 0}, "媒体报道": {"met": False}}},
}


def page(client, assessment):
    return client.get(reverse("rubrics:assessment", args=[assessment.pk]))


def test_facts_of_several_kinds_are_scored_and_shown(world, login):
    client = login(world.owner)
    data = form_data(world.assessment, ENTERED)
    honours = form_data(world.assessment, {("(四)6", "parts.荣誉.events"): ""})
    prefix = next(iter(honours))  # the honours' count field: its events rows are named after it
    data |= {f"{prefix}-0-date": "2024-05-10", f"{prefix}-0-level": "city", f"{prefix}-0-name": "广州市就业服务先进集体",
             f"{prefix}-1-date": "2024-06-01", f"{prefix}-1-level": "town", f"{prefix}-1-name": "镇先进"}

    saved = client.post(reverse("rubrics:assessment", args=[world.assessment.pk]), data)
    shown = visible_text(page(client, world.assessment))

    assessment = Assessment.objects.get(pk=world.assessment.pk)
    assert saved.status_code == 302 and queued_messages(saved) == ["已保存。还有评分项未填写或有误，总分待定。"]
    assert assessment.facts == EXPECTED  # a 镇街级 honour does not count: 「获得市级以上荣誉」
    data = rubric_data(assessment.rubric)
    items = {item["code"]: item for item in data["items"] + data["bonus"]}
    points = [item_points(items[code], assessment.facts[code]) for code in ("(一)1", "(一)4", "(二)1", "(三)5", "(三)6", "(四)6")]
    # 171 ÷ 190 = 90 %: 8, less 4 for a 15 % mismatch; 5 (none in the period); 2 + 1; 5 − 1.5; 3 (2 recommended)
    assert points == [4, 5, 3, Decimal("3.5"), 3, 3]
    assert "90.00%（171 / 190）" in shown and "4分 / 8分" in shown and "3.5分 / 5分" in shown
    assert "不计：级别不够" in shown and assessment.events == {"(四)6|parts.荣誉.events": [
        {"date": "2024-05-10", "level": "city", "name": "广州市就业服务先进集体"},
        {"date": "2024-06-01", "level": "town", "name": "镇先进"}]}
    assert assessment.score is None and "待定" in shown and "项未填写" in shown


def test_a_whole_assessment_gets_its_score_bonus_and_total(world, login):
    client = login(world.owner)
    every = {(code, "met"): "是" for code in ("(一)5", "(二)3", "(二)5", "(三)9", "(三)10", "(四)4")}
    every |= {("(一)2", "none_in_period"): "是", ("(一)3", "achieved"): "9", ("(一)3", "total"): "10",
              ("(二)2", "precondition_met"): "否", ("(四)1", "achieved"): "0", ("(四)1", "total"): "100",
              ("(四)2", "achieved"): "0", ("(四)2", "total"): "10", ("(四)5", "count"): "12",
              ("(四)6", "parts.荣誉.events"): "4"}

    saved = client.post(reverse("rubrics:assessment", args=[world.assessment.pk]),
                        form_data(world.assessment, ENTERED | every))

    assessment = Assessment.objects.get(pk=world.assessment.pk)
    result = score_rubric(rubric_data(assessment.rubric), assessment.facts)
    assert (assessment.score, assessment.bonus) == (result.score, result.bonus) and result.bonus == 10  # capped
    assert queued_messages(saved) == [f"已保存，总分{result.total.normalize()}分。"]
    assert f"{result.total.normalize()} 总分" in visible_text(page(client, assessment))


def test_a_facts_error_is_saved_with_the_input_and_said_beside_its_item(world, login):
    client = login(world.owner)

    saved = client.post(reverse("rubrics:assessment", args=[world.assessment.pk]), form_data(world.assessment, {
        ("(一)1", "achieved"): "250", ("(一)1", "total"): "200", ("(一)3", "achieved"): "5"}))
    shown = page(client, world.assessment)

    assessment = Assessment.objects.get(pk=world.assessment.pk)
    assert saved.status_code == 302 and assessment.facts["(一)1"] == {"achieved": 250, "total": 200}
    text = visible_text(shown)
    assert "人数对不上：达成人数不能多于总人数减去剔除人数，剔除人数也不能多于总人数。" in text
    assert "请填写“总人数”。" in text  # (一)3: an achieved without a total
    assert 'value="250"' in shown.content.decode() and "2 项有误" in text


def test_a_value_that_is_no_number_is_refused_and_nothing_typed_is_lost(world, login):
    client = login(world.owner)
    data = form_data(world.assessment, {("(一)1", "achieved"): "一百", ("(一)1", "total"): "200",
                                        ("note", "(一)1"): "系统取数：2024年12月"})

    refused = client.post(reverse("rubrics:assessment", args=[world.assessment.pk]), data)

    body = refused.content.decode()
    assert refused.status_code == 400 and "“一百”应填不小于0的整数。" in visible_text(refused)
    assert 'value="一百"' in body and 'value="200"' in body and "系统取数：2024年12月" in body
    assert Assessment.objects.get(pk=world.assessment.pk).facts == {}


def fill_template(content: bytes, values: dict) -> bytes:
    workbook = openpyxl.load_workbook(io.BytesIO(content))
    sheet = workbook["评分项"]
    header = [cell.value for cell in sheet[1]]
    code_at, key_at, value_at = header.index("编号"), header.index("事实"), header.index("填写")
    for row in sheet.iter_rows(min_row=2):
        key = (row[code_at].value, row[key_at].value)
        if key in values:
            row[value_at].value = values[key]
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_the_excel_template_goes_round_with_a_preview_before_anything_changes(world, login):
    client = login(world.owner)
    client.post(reverse("rubrics:assessment", args=[world.assessment.pk]),
                form_data(world.assessment, {("(一)4", "met"): "否"}))
    template = client.get(reverse("rubrics:assessment_template", args=[world.assessment.pk]))
    workbook = fill_template(template.content, {("(一)1", "achieved"): 90, ("(一)1", "total"): 100,
                                                ("(一)4", "met"): "是", ("(二)1", "met.标识"): "是"})

    preview = client.post(reverse("rubrics:template_upload", args=[world.assessment.pk]),
                          {"file": SimpleUploadedFile("黄竹塱社区.xlsx", workbook)})
    unchanged = Assessment.objects.get(pk=world.assessment.pk).facts
    applied = client.post(reverse("rubrics:template_apply", args=[world.assessment.pk]),
                          {"token": preview.context["token"]})
    again = client.post(reverse("rubrics:template_apply", args=[world.assessment.pk]),
                        {"token": preview.context["token"]})

    assert template["Content-Type"].startswith("application/vnd.openxmlformats")
    assert [(c.code, c.fact, c.before, c.after) for c in preview.context["changes"]] == [
        ("(一)1", "达成人数", "（空）", "90"), ("(一)1", "总人数", "（空）", "100"),
        ("(一)4", "是否达标", "否", "是"), ("(二)1", "服务窗口有明显标识,得1分", "否", "是")]
    assert unchanged == {"(一)4": {"met": False}}
    assessment = Assessment.objects.get(pk=world.assessment.pk)
    assert assessment.facts == {"(一)1": {"achieved": 90, "total": 100}, "(一)4": {"met": True},
                                "(二)1": {"met": ["标识"]}}
    assert assessment.sources["(一)1"]["kind"] == "template" and assessment.sources["(一)1"]["file"] == "黄竹塱社区.xlsx"
    assert queued_messages(applied) == ["已按Excel模板更新3个评分项。"]
    assert queued_messages(again) == ["评估记录在预览之后已有修改，请重新上传Excel模板。"]


def test_a_template_of_another_rubric_or_no_workbook_is_refused_with_the_reason(world, login):
    client = login(world.owner)
    village = facts_template(STANDARDS["gz_village_2024"])

    other = client.post(reverse("rubrics:template_upload", args=[world.assessment.pk]),
                        {"file": SimpleUploadedFile("溪头村.xlsx", village)})
    broken = client.post(reverse("rubrics:template_upload", args=[world.assessment.pk]),
                         {"file": SimpleUploadedFile("坏文件.xlsx", b"PK\x03\x04 not really")})

    assert other.status_code == 400 and len(other.context["problems"]) == 1
    assert other.context["problems"][0].startswith("该模板属于“广州市高质量就业村建设标准")
    assert other.context["problems"][0].endswith("与所选评分标准不符。")
    assert broken.status_code == 400 and "模板未能读取，没有做任何修改" in visible_text(broken)
    assert Assessment.objects.get(pk=world.assessment.pk).facts == {}


def test_the_rubric_page_lists_its_assessments_with_an_empty_state(world, login):
    empty = visible_text(login(world.stranger).get(reverse("rubrics:detail", args=[world.rubric.pk])))
    client = login(world.colleague)
    for n in range(21):
        assessment_create(rubric=world.rubric, subject=f"社区{n:02d}", actor=world.colleague)

    first = client.get(reverse("rubrics:detail", args=[world.rubric.pk]))
    second = client.get(reverse("rubrics:detail", args=[world.rubric.pk]) + "?page=2")

    assert "还没有评估记录" in empty and "新建评估" in empty  # another programme's admin sees none of them
    assert "共 22 条" in visible_text(first) and "第 1 / 2 页" in visible_text(first)
    assert "黄竹塱社区" in visible_text(second)  # the oldest last: the creator's colleague sees it too
    assert reverse("rubrics:template", args=[world.rubric.pk]) in first.content.decode()


def test_a_new_assessment_is_made_from_the_rubric_page(world, login):
    client = login(world.stranger)  # any administrator may try a rubric out (试评)

    missing = client.post(reverse("rubrics:assessment_new", args=[world.rubric.pk]), {"subject": ""})
    made = client.post(reverse("rubrics:assessment_new", args=[world.rubric.pk]),
                       {"subject": "石岭村", "period": "2024年度"})

    assessment = Assessment.objects.get(subject="石岭村")
    assert missing.status_code == 400
    assert made["Location"] == assessment.get_absolute_url()
    assert (assessment.created_by, assessment.rubric, assessment.period) == (world.stranger, world.rubric, "2024年度")
