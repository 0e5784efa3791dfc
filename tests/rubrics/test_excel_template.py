"""A rubric's Excel template (rubrics/excel.py): written from the rubric's data, filled in as a community would, read
back as the engine's facts and scored as the hand-scored communities and villages of the standards' tests; ledger
sheets counted through rubrics/ledger.py; every unreadable value refused with where it is, in Chinese. Pure: no
database."""

import datetime
import io

import openpyxl
import pytest
from stdnum.cn import ric

from rubrics.engine import score_rubric
from rubrics.excel import COLUMNS, TemplateError, facts_of, facts_template, read_facts_template
from rubrics.ledger import HEADERS as LEDGER_HEADERS
from rubrics.ledger import LedgerError
from rubrics.standards import STANDARDS
from tests.rubrics import test_gz_community_2024 as community
from tests.rubrics import test_gz_village_2024 as village
from tests.rubrics.standard_checks import all_items

COMMUNITY_RUBRIC = STANDARDS["gz_community_2024"]
VILLAGE_RUBRIC = STANDARDS["gz_village_2024"]


def id_number(serial: int) -> str:
    body = f"44011719850412{serial:03d}"
    return body + ric.calc_check_digit(body + "0")


def flatten(facts: dict, prefix: str = "") -> tuple[dict, set]:
    """(code, key) → the cell to write, and the checklists answered (their entries not met are written 否)."""
    cells, answered = {}, set()
    for key, value in facts.items():
        path = prefix + key
        if isinstance(value, dict):
            inner, lists = flatten(value, path + ".")
            cells.update(inner)
            answered |= lists
        elif isinstance(value, list):
            answered.add(path + ".")
            cells.update({f"{path}.{entry}": "是" for entry in value})
        elif isinstance(value, bool):
            cells[path] = "是" if value else "否"
        else:
            cells[path] = value
    return cells, answered


def filled(rubric: dict, facts: dict, *, ledgers=None, edit=None) -> bytes:
    """The rubric's template filled with the facts, as someone would in Excel (ledgers: sheet → rows)."""
    workbook = openpyxl.load_workbook(io.BytesIO(facts_template(rubric)))
    sheet = workbook["评分项"]
    code_at, value_at, key_at = (COLUMNS.index(name) + 1 for name in ("编号", "填写", "事实"))
    wanted, answered = {}, set()
    for code, item_facts in facts.items():
        cells, lists = flatten(item_facts)
        wanted.update({(code, key): value for key, value in cells.items()})
        answered |= {(code, key) for key in lists}
    for row in range(2, sheet.max_row + 1):
        code, key = sheet.cell(row, code_at).value, sheet.cell(row, key_at).value
        if (code, key) in wanted:
            sheet.cell(row, value_at).value = wanted.pop((code, key))
        elif any(code == c and key.startswith(k) for c, k in answered):
            sheet.cell(row, value_at).value = "否"
    assert not wanted, f"no row for {sorted(wanted)}"
    for title, rows in (ledgers or {}).items():
        for row in rows:
            workbook[title].append(row)
    if edit:
        edit(workbook)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def plain(facts: dict) -> dict:
    """Facts compared without the order of a checklist's entries."""
    return {
        key: plain(value) if isinstance(value, dict) else sorted(value) if isinstance(value, list) else value
        for key, value in facts.items()
    }


def test_the_template_lists_every_item_and_its_facts_and_a_sheet_per_ledger():
    workbook = openpyxl.load_workbook(io.BytesIO(facts_template(COMMUNITY_RUBRIC)))

    assert workbook.sheetnames == ["说明", "评分项", "台账(一)1", "台账(一)3"]
    info = {row[0]: row[1] for row in workbook["说明"].iter_rows(values_only=True) if row[0]}
    assert (info["评分标准"], info["版本"], info["标识"]) == ("广州市充分就业社区(村)建设标准", "2024年修订版", "gz_community_2024")
    assert "注销原因为 已享受基本养老保险待遇、完全丧失劳动能力、入学、服兵役、移居境外、被判刑收监执行、死亡 的属非就业情形" in info["台账(一)1"]

    rows = list(workbook["评分项"].iter_rows(values_only=True))
    assert rows[0] == COLUMNS
    assert [row[0] for row in rows[1:]] == [fact.code for fact in facts_of(COMMUNITY_RUBRIC)]
    assert {row[0] for row in rows[1:]} == {item["code"] for item in all_items(COMMUNITY_RUBRIC)}  # every item
    assert all(row[COLUMNS.index("填写")] is None for row in rows[1:])
    by_key = {(row[0], row[COLUMNS.index("事实")]): row for row in rows[1:]}
    achieved = by_key["(一)1", "achieved"]
    assert (achieved[1], achieved[2], achieved[3]) == ("登记失业人员就业率达80%。", "8", "比例")
    assert achieved[4].startswith("达成人数：比例的分子；也可在“台账(一)1”表中逐人填写")
    assert achieved[7] == COMMUNITY_RUBRIC["items"][0]["standard"]  # the item's 评估标准 on its first row
    assert by_key["(一)1", "deductions.mismatch_share"][4] == (
        "就业去向核实与台账不一致,每占抽查比例10%扣4分：填占抽查人数的百分数（如15表示15%）"
    )
    assert by_key["(二)1", "met.台位"][4] == "有固定办公台位或服务窗口,得2分：做到的填“是”，没有做到的填“否”"
    assert by_key["(二)2", "precondition_met"][4].startswith("前提条件：不达标不得分。")
    assert by_key["(一)2", "parts.落实率.achieved"][4] == "【落实率】达成人数：比例的分子"
    assert by_key["(四)6", "parts.荣誉.events"][3] == "加分·分项合计"
    assert by_key["(一)4", "none_in_period"][4] == "报告期内没有需计的人或事：填“是”的本项得满分"
    assert ("(四)1", "none_in_period") not in by_key  # a rate with nobody to count: its total is 0
    assert by_key["(四)1", "total"][4].endswith("（报告期内没有需计人员的填0：本项得满分）")

    ledger = workbook["台账(一)1"]
    assert [cell.value for cell in ledger[1]] == list(LEDGER_HEADERS) == ["姓名", "身份证号码", "登记日期", "状态/去向",
                                                                         "注销原因", "备注"]
    assert ledger.column_dimensions["B"].number_format == "@"  # ID numbers typed in stay text
    lists = {str(v.sqref): v.formula1 for v in ledger.data_validations.dataValidation}
    assert lists == {"D2:D200001": '"已就业,未就业"',
                     "E2:E200001": '"已享受基本养老保险待遇,完全丧失劳动能力,入学,服兵役,移居境外,被判刑收监执行,死亡"'}


def test_the_village_template_has_no_ledger_sheet():
    workbook = openpyxl.load_workbook(io.BytesIO(facts_template(VILLAGE_RUBRIC)))

    assert workbook.sheetnames == ["说明", "评分项"]
    keys = [row[COLUMNS.index("事实")] for row in workbook["评分项"].iter_rows(min_row=2, values_only=True)]
    assert "parts.涉农培训.met.三项工程" in keys and "parts.推荐.all_employed" in keys


@pytest.mark.parametrize(
    ("rubric", "facts", "expected"),
    [
        (COMMUNITY_RUBRIC, community.COMMUNITY, community.EXPECTED),
        (VILLAGE_RUBRIC, village.VILLAGE, village.EXPECTED),
    ],
    ids=["community", "village"],
)
def test_a_filled_template_reads_back_as_the_facts_and_scores_as_by_hand(rubric, facts, expected):
    content = filled(rubric, facts)

    read = read_facts_template(content, rubric)

    assert plain(read) == plain(facts)
    assert score_rubric(rubric, read).items == expected
    assert plain(read_facts_template(content)) == plain(facts)  # without the rubric: read by the values' look


def test_a_ledger_sheet_gives_its_items_counts():
    march = datetime.date(2024, 3, 1)
    rows = [[f"居民{n}", id_number(n), march, "已就业" if n < 96 else "未就业", None, None] for n in range(120)]
    rows += [[f"剔除{n}", id_number(500 + n), "2024/3/1", None, "死亡", None] for n in range(5)]
    facts = {**community.COMMUNITY, "(一)1": {"deductions": {"mismatch_share": 15}}}  # the counts from the ledger

    read = read_facts_template(filled(COMMUNITY_RUBRIC, facts, ledgers={"台账(一)1": rows}), COMMUNITY_RUBRIC)

    assert read["(一)1"] == {"achieved": 96, "total": 125, "excluded": 5, "deductions": {"mismatch_share": 15}}
    assert plain(read) == plain(community.COMMUNITY)
    assert score_rubric(COMMUNITY_RUBRIC, read).items == community.EXPECTED

    # the same counts written on 「评分项」 too: they agree; other counts do not
    agreeing = filled(COMMUNITY_RUBRIC, community.COMMUNITY, ledgers={"台账(一)1": rows})
    assert read_facts_template(agreeing, COMMUNITY_RUBRIC)["(一)1"] == community.COMMUNITY["(一)1"]
    other = {**community.COMMUNITY, "(一)1": {**community.COMMUNITY["(一)1"], "total": 130}}
    with pytest.raises(TemplateError) as refused:
        read_facts_template(filled(COMMUNITY_RUBRIC, other, ledgers={"台账(一)1": rows}), COMMUNITY_RUBRIC)
    assert refused.value.problems == ["(一)1的总人数：“评分项”表填的是130，台账计得125，两者不一致。"]

    # a ledger needs its rubric: which statuses count is the rubric's to say, not the file's
    with pytest.raises(TemplateError, match="“台账\\(一\\)1”表填了台账：须按评分标准计数"):
        read_facts_template(filled(COMMUNITY_RUBRIC, facts, ledgers={"台账(一)1": rows}))


def test_a_refused_ledger_row_refuses_the_workbook():
    rows = [["张三", id_number(1), "2024-03-01", "已就业", None, None], ["李四", id_number(1), "2024-03-01", "失业", None, None]]

    with pytest.raises(TemplateError) as refused:
        read_facts_template(filled(COMMUNITY_RUBRIC, {}, ledgers={"台账(一)3": rows}), COMMUNITY_RUBRIC)

    assert refused.value.problems == [
        "“台账(一)3”表第3行：身份证号码与第2行重复；状态/去向“失业”不是本项可填的状态（可填：已就业、未就业）。"
    ]
    assert "第3行" in str(refused.value) and id_number(1) not in str(refused.value)


def test_unreadable_values_are_refused_with_where_they_are():
    def edit(workbook):
        sheet = workbook["评分项"]
        where = {(row[0].value, row[6].value): row[5] for row in sheet.iter_rows(min_row=2)}
        where["(一)4", "met"].value = "也许"
        where["(一)1", "achieved"].value = -3
        where["(一)1", "total"].value = "1.5"
        where["(三)5", "tiered_service_persons"].value = "两人"
        where["(二)6", "deductions.mismatch_share"].value = "12.5%"  # a share may have decimals and a %
        sheet.append(["(九)9", "", "", "", "", "1", "count"])
        sheet.append(["", "", "", "", "", "是", ""])

    with pytest.raises(TemplateError) as refused:
        read_facts_template(filled(COMMUNITY_RUBRIC, {}, edit=edit), COMMUNITY_RUBRIC)

    problems = refused.value.problems
    assert len(problems) == 6
    assert "（(一)1）：“-3”不能小于0。" in problems[0] and problems[0].startswith("“评分项”表第2行")
    assert problems[1] == "“评分项”表第3行（(一)1）：“1.5”应填整数。"
    assert any(p.endswith("（(一)4）：“也许”应填“是”或“否”。") for p in problems)
    assert any(p.endswith("（(三)5）：“两人”应填不小于0的整数。") for p in problems)
    assert any(p.endswith("：本评分标准没有“(九)9 count”这一项。") for p in problems)
    assert problems[-1].endswith("：填了值，但“编号”或“事实”是空的。")

    def share_only(workbook):
        sheet = workbook["评分项"]
        for row in sheet.iter_rows(min_row=2):
            if (row[0].value, row[6].value) == ("(二)6", "deductions.mismatch_share"):
                row[5].value = "12.5%"

    assert read_facts_template(filled(COMMUNITY_RUBRIC, {}, edit=share_only), COMMUNITY_RUBRIC) == {
        "(二)6": {"deductions": {"mismatch_share": "12.5"}}  # a string, as the data writes numbers: no float
    }


def test_a_template_of_another_rubric_or_no_template_is_refused():
    content = filled(COMMUNITY_RUBRIC, community.COMMUNITY)

    with pytest.raises(TemplateError, match="该模板属于“广州市充分就业社区\\(村\\)建设标准（2024年修订版）”，与所选评分标准不符"):
        read_facts_template(content, VILLAGE_RUBRIC)

    ledger_only = openpyxl.Workbook()
    ledger_only.active.append(list(LEDGER_HEADERS))
    buffer = io.BytesIO()
    ledger_only.save(buffer)
    with pytest.raises(TemplateError, match="这不是评分标准的Excel模板：没有“评分项”工作表"):
        read_facts_template(buffer.getvalue(), COMMUNITY_RUBRIC)
    with pytest.raises(LedgerError, match="不是Excel"):
        read_facts_template(b"PK\x03\x04 not really", COMMUNITY_RUBRIC)


def test_an_empty_template_gives_no_facts_and_text_is_written_safely():
    assert read_facts_template(facts_template(COMMUNITY_RUBRIC), COMMUNITY_RUBRIC) == {}

    rubric = {"name": "=HYPERLINK(\"http://example.com\")", "version": "", "items": [
        {"code": "1", "title": "+cmd|' /C calc'!A0", "kind": "pass_fail", "max": 5, "standard": "@SUM(1)"}]}
    workbook = openpyxl.load_workbook(io.BytesIO(facts_template(rubric)))
    assert workbook["说明"]["B1"].value.startswith("'=")  # formula injection neutralised (portal.exports.safe_cell)
    row = next(workbook["评分项"].iter_rows(min_row=2, values_only=True))
    assert (row[1], row[7]) == ("'+cmd|' /C calc'!A0", "'@SUM(1)")
    assert read_facts_template(filled(rubric, {"1": {"met": True}}), rubric) == {"1": {"met": True}}
