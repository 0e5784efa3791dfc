"""The report's content, generated from the portal for one region and one year (only that region, only that year, in a
constant number of queries), its words, the snapshot kept at submission and the Excel file of the same figures.

The world: 高青县's 2025 round (notice of 1 September with two objections, one upheld; announced on 15 September as
高人社字〔2025〕12号: 申报机构甲, 乙), its 2024 round (申报机构丙, revoked in March 2025), and 桓台县's 2025 round
(申报机构丁)."""

import io
import re
import subprocess
from dataclasses import dataclass
from datetime import date

import openpyxl
import pytest
from django.urls import reverse

from portal.models import Department
from publicity.enums import ObjectionStatus
from publicity.models import Objection
from reporting.content import publicity_paragraph, report_figures, result_paragraph, revocation_paragraph
from tests.awards.results_builders import award_of, closed_round, issue, revoke
from tests.publicity.publicity_builders import file
from tests.reporting.world import BEFORE_DEADLINE, BUILT_AT, World, at, build, submitted
from tests.worlds import module_world

pytestmark = pytest.mark.django_db


@dataclass
class Content:
    world: World
    listed: object  # 高青县 2025


def _announced(region, department, names, *, published, issued, serial):
    listed = closed_round(names=names, published_at=published, region=region, lead_department=department)
    fields = {"doc_prefix": department.doc_prefix, "doc_year": issued.year, "doc_serial": serial, "written_on": issued.date()}
    return listed, fields


def build_content() -> Content:
    world = build()
    listed, fields = _announced(world.gaoqing, world.gaoqing_hr, ("甲", "乙"), published=at(2025, 9, 1, 9),
                                issued=at(2025, 9, 15, 10), serial=12)
    upheld, _token = file(listed, at(2025, 9, 2, 10), rank=2)
    dismissed, _token = file(listed, at(2025, 9, 3, 10), rank=1)
    Objection.objects.filter(pk=upheld.pk).update(status=ObjectionStatus.UPHELD)
    Objection.objects.filter(pk=dismissed.pk).update(status=ObjectionStatus.NOT_UPHELD)
    issue(listed, now=at(2025, 9, 15, 10), **fields)
    older, fields = _announced(world.gaoqing, world.gaoqing_hr, ("丙",), published=at(2024, 9, 2, 9),
                               issued=at(2024, 9, 16, 10), serial=20)
    issue(older, now=at(2024, 9, 16, 10), **fields)
    revoke(award_of(older, "丙"), older.admin, now=at(2025, 3, 10, 10), decided_on=date(2025, 3, 9),
           document_number="高人社字〔2025〕3号")
    huantai_hr = Department.objects.get(region=world.huantai)
    other, fields = _announced(world.huantai, huantai_hr, ("丁",), published=at(2025, 9, 1, 9),
                               issued=at(2025, 9, 15, 10), serial=1)
    issue(other, now=at(2025, 9, 15, 10), **fields)
    return Content(world, listed)


_content, content = module_world("content", build_content, built_at=BUILT_AT, tests_at=BEFORE_DEADLINE)


def test_only_the_region_and_the_year(content):
    figures = report_figures(content.world.gaoqing, 2025)

    assert [a["document_number"] for a in figures["announcements"]] == ["高人社字〔2025〕12号"]
    assert [a["institution"] for a in figures["awards"]] == ["申报机构甲", "申报机构乙"]
    assert [(r["institution"], r["document_number"]) for r in figures["revocations"]] == [("申报机构丙", "高人社字〔2025〕3号")]
    assert [(n["starts_on"], n["ends_on"], n["working_days"]) for n in figures["notices"]] == [("2025-09-01", "2025-09-05", 5)]
    assert figures["totals"] == {"announcements": 1, "awarded": 2, "revoked": 1, "notices": 1, "listed": 2,
                                 "objections": 2, "upheld": 1, "handled": 2}


def test_another_year_and_another_county_have_their_own(content):
    earlier = report_figures(content.world.gaoqing, 2024)
    other = report_figures(content.world.huantai, 2025)

    assert ([a["institution"] for a in earlier["awards"]], earlier["awards"][0]["in_force"], earlier["revocations"]) == (
        ["申报机构丙"], False, [])
    assert [a["institution"] for a in other["awards"]] == ["申报机构丁"]
    assert other["totals"]["objections"] == 0


def test_a_constant_number_of_queries(content, django_assert_num_queries):
    with django_assert_num_queries(7):
        report_figures(content.world.gaoqing, 2025)
    with django_assert_num_queries(7):
        report_figures(content.world.huantai, 2025)


def test_the_words_of_the_result(content):
    figures = report_figures(content.world.gaoqing, 2025)

    assert result_paragraph(figures) == (
        "2025年，高青县经机构申报、部门联合评审、社会公示，印发评定结果公布文件1件（高人社字〔2025〕12号），"
        "评定县级就业服务质量标杆机构2家（名单见附件）。")
    assert publicity_paragraph(figures) == (
        "评定结果公布前，对拟评定名单进行公示1次：9月1日至9月5日（5个工作日），公示2家。"
        "公示期间共收到异议2件，经核查异议成立1件，已办结2件。")
    assert revocation_paragraph(figures) == (
        "本年度撤销标杆机构称号1家：申报机构丙（2025年3月9日，高人社字〔2025〕3号，事由：申报材料虚假失实）。")


def test_the_submitted_report_keeps_its_figures(content, login):
    report = submitted(content.world)
    revoke(award_of(content.listed, "甲"), content.listed.admin, now=at(2025, 12, 1, 9), decided_on=date(2025, 11, 30),
           document_number="高人社字〔2025〕60号")

    response = login(content.world.city_admin).get(report.get_absolute_url())

    assert report_figures(content.world.gaoqing, 2025)["totals"]["revoked"] == 2
    assert response.context["figures"]["totals"]["revoked"] == 1
    assert "高人社字〔2025〕60号" not in response.content.decode()


def _sheets(response) -> dict[str, list[tuple]]:
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    return {sheet.title: list(sheet.iter_rows(values_only=True)) for sheet in workbook.worksheets}


def test_the_excel_file_has_the_same_figures(content, login):
    report = submitted(content.world)

    response = login(content.world.city_admin).get(reverse("reporting:report_xlsx", args=[report.pk]))

    sheets = _sheets(response)
    assert list(sheets) == ["概况", "评定结果", "撤销", "公示与异议"]
    assert [row[1] for row in sheets["评定结果"][1:]] == ["申报机构甲", "申报机构乙"]
    assert sheets["评定结果"][1][5:] == ("高人社字〔2025〕12号", "有效")
    revoked = sheets["撤销"][1]
    assert (revoked[1], revoked[3], revoked[4], revoked[5]) == ("申报机构丙", "申报材料虚假失实", "高人社字〔2025〕3号", "2025-03-09")
    assert sheets["公示与异议"][1][8:] == (2, 2, 1, 2)
    assert ("文号", "高人社字〔2025〕7号") in sheets["概况"]


@pytest.mark.pdf
def test_the_pdf_is_the_bureau_s_report_with_its_annex(content, login, tmp_path):
    report = submitted(content.world)

    response = login(content.world.city_admin).get(reverse("reporting:report_pdf", args=[report.pk]))

    path = tmp_path / "report.pdf"
    path.write_bytes(response.content)
    text = re.sub(r"\s", "", subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout)
    assert response["Content-Type"] == "application/pdf"
    assert "关于报送2025年度县级就业服务质量标杆机构评定结果和宣传情况的报告" in text
    assert "高人社字〔2025〕7号" in text and "淄博市人力资源和社会保障局：" in text
    assert "高青县2025年度县级就业服务质量标杆机构名单" in text and "申报机构乙" in text
