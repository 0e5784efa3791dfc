"""Ledgers (台账) of a rate item imported from Excel (rubrics/ledger.py): each row counted as achieved, counted only,
excluded or refused with its reason in Chinese, the facts the engine needs counted from them, ID numbers masked and
hashed, never in clear; a file that is empty, wrongly headed or no .xlsx at all refused as a whole; progress reported.
Annex 4 (一)1 and (一)3 carry their ledgers' rules (rubrics/standards/gz_community_2024.json). Pure: no database."""

import datetime
import io
import re
import zipfile
from decimal import Decimal

import openpyxl
import pytest
from django.test import override_settings
from stdnum.cn import ric

from portal.display import mask_id_number
from rubrics import ledger
from rubrics.engine import item_points
from rubrics.ledger import LedgerError, Outcome, id_hash, import_ledger
from rubrics.standards import STANDARDS

RUBRIC = STANDARDS["gz_community_2024"]
REEMPLOYMENT = next(i for i in RUBRIC["items"] if i["code"] == "(一)1")  # 登记失业人员就业率
HARD_TO_EMPLOY = next(i for i in RUBRIC["items"] if i["code"] == "(一)3")  # 就业困难人员就业率
HEADERS = ["姓名", "身份证号码", "登记日期", "状态/去向", "注销原因", "备注"]
TODAY = datetime.date(2024, 10, 15)
MARCH = datetime.date(2024, 3, 1)


def id_number(serial: int, born: str = "19850412", area: str = "440117") -> str:
    body = f"{area}{born}{serial:03d}"
    return body + ric.calc_check_digit(body + "0")  # stdnum reads the number with its check digit in place


def xlsx(rows, headers=HEADERS, *, title="Sheet", write_only=False, sheets=()) -> bytes:
    workbook = openpyxl.Workbook(write_only=write_only)
    if write_only:
        sheet = workbook.create_sheet(title)
    else:
        sheet = workbook.active
        sheet.title = title
    for name in sheets:
        workbook.create_sheet(name).append(["其他内容"])
    if headers is not None:
        sheet.append(headers)
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def imported(rows, item=REEMPLOYMENT, **options):
    return import_ledger(xlsx(rows), item, today=TODAY, **options)


def test_each_row_counts_as_its_status_and_reason_say_and_says_why():
    result = imported([
        ["张三", id_number(1), MARCH, "已就业", None, "2024年5月入职"],
        ["李四", id_number(2), MARCH, "未就业", None, None],
        ["王五", id_number(3), MARCH, None, "死亡", None],  # 「非就业情形注销失业登记」: out of the denominator
        ["赵六", id_number(4), MARCH, "未就业", "入学", None],
        ["钱七", id_number(5), MARCH, " 已 就业 ", "", None],  # spaces do not matter
    ])

    assert [(row.row, row.name, row.outcome) for row in result.rows] == [
        (2, "张三", Outcome.ACHIEVED), (3, "李四", Outcome.COUNTED), (4, "王五", Outcome.EXCLUDED),
        (5, "赵六", Outcome.EXCLUDED), (6, "钱七", Outcome.ACHIEVED),
    ]
    assert [row.why for row in result.rows[:3]] == [
        "状态/去向为“已就业”：计入分子和分母。",
        "状态/去向为“未就业”：只计入分母。",
        "注销原因“死亡”属非就业情形：从分母中剔除。",
    ]
    assert result.rows[0].note == "2024年5月入职" and result.rows[0].registered == MARCH
    assert result.facts() == {"achieved": 2, "total": 5, "excluded": 2}
    assert (result.achieved, result.total, result.excluded, result.refused) == (2, 5, 2, 0)
    # the engine: 2 ÷ (5 − 2) = 66.7 %: 「65%-70%得3分」
    assert item_points(REEMPLOYMENT, result.facts()) == 3
    assert ledger.outcome_label(Outcome.EXCLUDED) == "剔除"


def test_every_exclusion_of_the_text_and_nothing_else_takes_a_person_out():
    # 「已享受基本养老保险待遇、完全丧失劳动能力、入学、服兵役、移居境外、被判刑收监执行、死亡」
    reasons = REEMPLOYMENT["ledger"]["excluded_reasons"]
    rows = [[f"居民{n}", id_number(n), MARCH, None, reason, None] for n, reason in enumerate(reasons)]
    rows.append(["孙八", id_number(50), MARCH, None, "个人原因", None])  # 「属于个人原因未就业者」 is no listed reason
    rows.append(["周九", id_number(51), MARCH, "已就业", "死亡", None])

    result = imported(rows)

    assert [row.outcome for row in result.rows[:7]] == [Outcome.EXCLUDED] * 7
    assert result.rows[7].outcome is Outcome.REFUSED
    assert result.rows[7].why == (
        "注销原因“个人原因”不是本项列出的原因（可填：已享受基本养老保险待遇、完全丧失劳动能力、入学、服兵役、移居境外、"
        "被判刑收监执行、死亡；因就业注销的，状态填“已就业”、注销原因留空）。"
    )
    assert result.rows[8].why == "状态为“已就业”，注销原因却是非就业情形“死亡”，两者矛盾。"
    assert result.facts() == {"achieved": 0, "total": 7, "excluded": 7}


def test_the_hard_to_employ_ledger_counts_the_reasons_of_its_text():
    result = imported([
        ["甲", id_number(1), MARCH, None, "第八条第（六）项", None],  # full-width brackets as typed
        ["乙", id_number(2), MARCH, "已就业", "就业情形注销失业登记", None],
        ["丙", id_number(3), MARCH, None, "“其他”", None],  # as the text quotes it
        ["丁", id_number(4), MARCH, None, "第八条第(一)至(四)项", None],
        ["戊", id_number(5), MARCH, "未就业", "已实现就业创业", None],
        ["己", id_number(6), MARCH, "未就业", None, None],
    ], item=HARD_TO_EMPLOY)

    assert [row.outcome for row in result.rows] == [
        Outcome.ACHIEVED, Outcome.ACHIEVED, Outcome.EXCLUDED, Outcome.EXCLUDED, Outcome.REFUSED, Outcome.COUNTED,
    ]
    assert result.rows[0].why == "注销原因“第八条第（六）项”计为实现就业：计入分子和分母。"
    assert result.rows[4].why == "状态为“未就业”，注销原因却是计为就业的“已实现就业创业”，两者矛盾。"
    assert result.facts() == {"achieved": 2, "total": 5, "excluded": 2}


def test_the_ledger_rules_are_the_items_text_verbatim():
    for item in (REEMPLOYMENT, HARD_TO_EMPLOY):
        rules = item["ledger"]
        assert set(rules) <= {"achieved_statuses", "counted_statuses", "achieved_reasons", "excluded_reasons"}
        for reason in rules["excluded_reasons"] + rules.get("achieved_reasons", []):
            assert reason in item["content"], (item["code"], reason)
    # 「非就业情形注销失业登记人数指已享受基本养老保险待遇、完全丧失劳动能力、入学、服兵役、移居境外、被判刑收监执行、死亡,…」
    listed = re.search(r"人数指(.+?),注销失业登记", REEMPLOYMENT["content"]).group(1).split("、")
    assert REEMPLOYMENT["ledger"]["excluded_reasons"] == listed
    assert [item["code"] for item in RUBRIC["items"] if "ledger" in item] == ["(一)1", "(一)3"]


def test_an_item_without_a_ledger_refuses_an_import():
    with pytest.raises(LedgerError, match="没有台账规则"):
        imported([], item=next(i for i in RUBRIC["items"] if i["code"] == "(一)4"))
    with pytest.raises(ValueError, match="listed twice"):
        imported([], item={**REEMPLOYMENT, "ledger": {"achieved_statuses": ["已就业", "已 就业"]}})


def test_id_numbers_are_masked_and_hashed_never_returned_in_clear():
    numbers = [id_number(7, born="19900307"), id_number(8, born="19721130")]

    result = imported([["张三", numbers[0], MARCH, "已就业", None, None], ["李四", numbers[1], MARCH, "未就业", None, None]])

    assert [row.id_masked for row in result.rows] == [mask_id_number(n) for n in numbers]
    assert result.rows[0].id_masked == numbers[0][:6] + "********" + numbers[0][-4:]
    assert [row.id_hash for row in result.rows] == [id_hash(n) for n in numbers]
    assert all(re.fullmatch(r"[0-9a-f]{32}", row.id_hash) for row in result.rows)
    shown = repr(result) + repr(result.facts())
    assert not any(number in shown or number[6:14] in shown for number in numbers)  # nor the birth dates
    assert id_hash(numbers[0].lower()) == id_hash(numbers[0])  # as normalised
    with override_settings(SECRET_KEY="another-key-" * 5):  # keyed: the hash cannot be recomputed without the key
        assert id_hash(numbers[0]) != result.rows[0].id_hash


def test_a_duplicate_is_refused_in_the_file_and_across_imports():
    number = id_number(9, born="19881231")
    with_x = next(id_number(n) for n in range(100, 200) if id_number(n).endswith("X"))

    result = imported([
        ["张三", number, MARCH, "已就业", None, None],
        ["李四", id_number(10), MARCH, "未就业", None, None],
        ["张三", f" {number[:6]} {number[6:]} ", MARCH, "未就业", None, None],  # spaced: the same number
        ["王五", with_x, MARCH, "未就业", None, None],
        ["王五", with_x.lower(), MARCH, "未就业", None, None],
    ])

    assert [row.outcome for row in result.rows] == [Outcome.ACHIEVED, Outcome.COUNTED, Outcome.REFUSED,
                                                    Outcome.COUNTED, Outcome.REFUSED]
    assert result.rows[2].why == "身份证号码与第2行重复。"
    assert result.rows[4].why == "身份证号码与第5行重复。"
    assert result.facts() == {"achieved": 1, "total": 3, "excluded": 0}

    rows = [["张三", number, MARCH, "已就业", None, None], ["李四", id_number(10), MARCH, "未就业", None, None]]
    named = imported(rows, elsewhere={id_hash(number): "黄竹塱社区"})
    anonymous = imported(rows, elsewhere={id_hash(id_number(10))})
    assert named.rows[0].why == "该身份证号码已在黄竹塱社区的台账中。" and named.rows[1].outcome is Outcome.COUNTED
    assert anonymous.rows[1].why == "该身份证号码已在其他台账中。"


def test_dates_in_every_usual_form_are_read_and_bad_ones_refused():
    forms = [MARCH, datetime.datetime(2024, 3, 1, 9, 30), "2024-03-01", "2024/3/1", "2024.03.01", "2024年3月1日",
             "２０２４－０３－０１", 20240301, 45352, "2024-03-01 00:00:00"]  # 45352: the Excel serial of the day
    good = imported([[f"居民{n}", id_number(n), value, "已就业", None, None] for n, value in enumerate(forms)])
    assert [row.registered for row in good.rows] == [MARCH] * len(forms)
    assert good.refused == 0

    bad = imported([
        ["甲", id_number(1), "2024-02-30", "已就业", None, None],
        ["乙", id_number(2), "去年三月", "已就业", None, None],
        ["丙", id_number(3), datetime.date(2024, 10, 16), "已就业", None, None],
        ["丁", id_number(4), None, "已就业", None, None],
        ["戊", id_number(5), True, "已就业", None, None],
        ["己", id_number(6), 12, "已就业", None, None],  # a number, but no date
    ])
    assert [row.why for row in bad.rows] == [
        "登记日期“2024-02-30”不是有效日期。",
        "登记日期“去年三月”不是日期，应写作如2024-03-01。",
        "登记日期2024年10月16日晚于今天（2024年10月15日）。",
        "未填写登记日期。",
        "登记日期“True”不是日期，应写作如2024-03-01。",
        "登记日期“12”不是日期，应写作如2024-03-01。",
    ]
    assert bad.facts() == {"achieved": 0, "total": 0, "excluded": 0}

    late = imported([["甲", id_number(1), datetime.date(2024, 10, 1), "已就业", None, None]],
                    period_end=datetime.date(2024, 9, 30))  # 「评估取数自2023年10月至2024年9月」
    assert late.rows[0].why == "登记日期2024年10月1日晚于报告期末（2024年9月30日）。"


def test_a_row_with_several_problems_gives_them_all():
    result = imported([
        [None, "44011719850412001", None, "待业", None, None],
        ["李四", id_number(2)[:17] + ("1" if id_number(2)[17] != "1" else "2"), MARCH, "已就业", None, None],
        ["王五", 4.40117198504120e17, MARCH, "已就业", None, None],  # …and as Excel keeps a number: 15 digits
        ["赵六", 440117198504120020, MARCH, None, None, None],  # even a whole one: Excel cannot keep 18 digits
        ["孙七", None, MARCH, "已就业", None, None],
    ])

    assert [row.outcome for row in result.rows] == [Outcome.REFUSED] * 5
    assert result.rows[0].why == (
        "未填写姓名；居民身份证号码应为18位，当前为17位；未填写登记日期；"
        "状态/去向“待业”不是本项可填的状态（可填：已就业、未就业）。"
    )
    assert result.rows[1].why == "居民身份证号码校验位不正确，请核对后重新输入。"
    assert result.rows[2].why == "身份证号码被存成了数字，末几位已丢失：请把该列设为“文本”后重新填写。"
    assert result.rows[2].id_masked == "" and result.rows[2].id_hash == ""
    assert result.rows[3].why == "身份证号码被存成了数字，末几位已丢失：请把该列设为“文本”后重新填写；未填写状态/去向。"
    assert (result.rows[4].why, result.rows[4].id_masked) == ("未填写身份证号码。", "")


def test_an_empty_file_and_a_ledger_of_nobody():
    with pytest.raises(LedgerError, match="表格是空的：第1行应为表头（姓名、身份证号码、登记日期、状态/去向、注销原因、备注）"):
        import_ledger(xlsx([], headers=None), REEMPLOYMENT)

    nobody = import_ledger(xlsx([[None] * 6, ["", "", None, None, None, None]]), REEMPLOYMENT)  # blank rows skipped
    assert nobody.rows == [] and nobody.facts() == {"achieved": 0, "total": 0, "excluded": 0}
    assert item_points(REEMPLOYMENT, nobody.facts()) == 0  # nobody to count: the text gives no rule (notes)


def test_a_wrong_header_row_is_refused_and_the_usual_spellings_are_read():
    with pytest.raises(LedgerError) as refused:
        import_ledger(xlsx([["张三", id_number(1), MARCH, "已就业"]], headers=["名字", "证件", "日期", "状态"]),
                      REEMPLOYMENT)
    assert str(refused.value) == (
        "第1行的表头不对，缺少：姓名、身份证号码、登记日期。第1行应为：姓名、身份证号码、登记日期、状态/去向、注销原因、备注"
        "（注销原因、备注可以不要）。"
    )
    with pytest.raises(LedgerError, match="表头中“身份证号码”出现了两次"):
        import_ledger(xlsx([], headers=["姓名", "身份证号", "身份证号码", "登记日期", "状态"]), REEMPLOYMENT)

    # any order, the usual spellings, full-width and spaced, extra columns ignored, 注销原因 and 备注 left out
    result = import_ledger(
        xlsx([["已就业", "社区A", id_number(1), "2024-03-01", "张三"]],
             headers=["就业状态", "所属社区", "身份证号", " 登记日期 ", "姓 名"]),
        REEMPLOYMENT, today=TODAY,
    )
    assert [(row.name, row.outcome, row.reason) for row in result.rows] == [("张三", Outcome.ACHIEVED, "")]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "不是Excel（.xlsx）格式"),
        ("姓名,身份证号码\n张三,440117198504120013\n".encode(), "不是Excel（.xlsx）格式"),  # a CSV renamed
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504, "旧版Excel（.xls）格式或设置了打开密码"),
        ("docx", "不是Excel（.xlsx）格式"),  # a zip archive, but no workbook inside
        ("truncated", "不是Excel（.xlsx）格式"),
        ("damaged", "文件已损坏"),
    ],
)
def test_a_file_that_is_not_an_xlsx_is_refused_in_chinese(content, message):
    if content == "docx":
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            archive.writestr("word/document.xml", "<w:document/>")
        content = buffer.getvalue()
    elif content == "truncated":
        content = xlsx([["张三", id_number(1), MARCH, "已就业", None, None]])[:600]
    elif content == "damaged":
        buffer = io.BytesIO()
        with zipfile.ZipFile(io.BytesIO(xlsx([]))) as source, zipfile.ZipFile(buffer, "w") as archive:
            for entry in source.infolist():
                data = source.read(entry)
                archive.writestr(entry, b"<not xml" if entry.filename == "xl/workbook.xml" else data)
        content = buffer.getvalue()

    with pytest.raises(LedgerError, match=re.escape(message)):
        import_ledger(content, REEMPLOYMENT)


def test_a_path_or_a_file_is_read_by_its_content_not_its_name(tmp_path):
    path = tmp_path / "台账.xls"  # the wrong extension: the content is what counts
    path.write_bytes(xlsx([["张三", id_number(1), MARCH, "已就业", None, None]]))

    assert import_ledger(path, REEMPLOYMENT, today=TODAY).facts() == {"achieved": 1, "total": 1, "excluded": 0}
    with path.open("rb") as stream:
        assert import_ledger(stream, REEMPLOYMENT, today=TODAY).achieved == 1
    renamed = tmp_path / "台账.xlsx"
    renamed.write_bytes(b"not a workbook")
    with pytest.raises(LedgerError, match="不是Excel"):
        import_ledger(renamed, REEMPLOYMENT)


def test_the_items_sheet_of_a_template_is_found_by_its_name():
    content = xlsx([["张三", id_number(1), MARCH, "已就业", None, None]], title="台账(一)1", sheets=("说明",))

    assert import_ledger(content, REEMPLOYMENT, today=TODAY).achieved == 1
    assert import_ledger(content, REEMPLOYMENT, sheet="台账(一)1", today=TODAY).sheet == "台账(一)1"
    with pytest.raises(LedgerError, match=re.escape("文件中没有名为“台账(一)3”的工作表。")):
        import_ledger(content, HARD_TO_EMPLOY, sheet="台账(一)3")


def test_every_row_is_read_whatever_size_the_file_claims():
    rows = [[f"居民{n}", id_number(n), MARCH, "已就业", None, None] for n in range(5)]
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(xlsx(rows))) as source, zipfile.ZipFile(buffer, "w") as archive:
        for entry in source.infolist():
            data = source.read(entry)
            if entry.filename == "xl/worksheets/sheet1.xml":
                data, found = re.subn(rb'<dimension ref="A1:F6"', b'<dimension ref="A1:D2"', data)  # wrong
                assert found == 1
            archive.writestr(entry, data)

    assert import_ledger(buffer.getvalue(), REEMPLOYMENT, today=TODAY).achieved == 5


def test_too_many_rows_are_refused(monkeypatch):
    monkeypatch.setattr(ledger, "MAX_ROWS", 3)
    rows = [[f"居民{n}", id_number(n), MARCH, "已就业", None, None] for n in range(4)]

    with pytest.raises(LedgerError, match="台账超过3行，请分成几个文件导入"):
        import_ledger(xlsx(rows), REEMPLOYMENT, today=TODAY)


def test_progress_is_reported_every_n_rows_and_reaches_the_total():
    rows = [[f"居民{n}", id_number(n % 1000, born=f"19{60 + n // 1000}0101"), MARCH, "已就业", None, None]
            for n in range(250)]
    calls = []

    result = import_ledger(xlsx(rows), REEMPLOYMENT, today=TODAY, every=100,
                           progress=lambda done, total: calls.append((done, total)))

    assert calls == [(100, 250), (200, 250), (250, 250)]
    assert result.achieved == 250

    # a file that states no size (openpyxl's write-only mode): the total is known at the end
    unsized, calls = xlsx(rows[:150], write_only=True), []
    import_ledger(unsized, REEMPLOYMENT, today=TODAY, every=100, progress=lambda done, total: calls.append((done, total)))
    assert calls[-1] == (150, 150) and [done for done, _ in calls] == [100, 150]
    assert all(done <= total for done, total in calls)

    nobody_calls = []
    import_ledger(xlsx([]), REEMPLOYMENT, progress=lambda done, total: nobody_calls.append((done, total)))
    assert nobody_calls == [(0, 0)]


def test_the_facts_score_through_the_engine():
    rows = [[f"居民{n}", id_number(n), MARCH, "已就业" if n < 171 else "未就业", None, None] for n in range(190)]
    rows += [[f"剔除{n}", id_number(n, born="19700101"), MARCH, None, "移居境外", None] for n in range(10)]

    facts = imported(rows).facts()

    assert facts == {"achieved": 171, "total": 200, "excluded": 10}
    assert item_points(REEMPLOYMENT, facts) == Decimal(8)  # 171 ÷ (200 − 10) = 90 %: 「达90%得8分」
