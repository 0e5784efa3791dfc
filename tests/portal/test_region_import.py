"""The 行政区划 pages (issue 15 point 1, portal/region_views.py, portal/region_import.py): the tree for the system
administrator and for a programme admin within its jurisdiction, the Excel template, the import's preview (adds,
renames, moves, code corrections, refusals with their reasons), nothing written before the confirmation, a stale or
altered preview refused, and the confirmation applied with history and one audit record."""

import io
import re

import pytest
from django.core import signing
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from portal.enums import AuditEvent, Role
from portal.models import AuditRecord, Region
from portal.region_import import ADD, CHANGE, REFUSED, SAME, import_apply, import_plan, region_fingerprint
from portal.region_views import IMPORT_SALT
from tests.factories import ApplicantFactory, ReviewerFactory, UserFactory, ViewerFactory
from tests.portal.helpers import at, messages_of, text, visible_text
from tests.portal.regions_world import build_regions
from tests.worlds import module_world

pytestmark = pytest.mark.django_db

_world, world = module_world("world", build_regions, built_at=at(2026, 6, 1, 9))

HEADER = ["上级区划代码", "上级名称", "区划代码", "名称", "层级", "社区或村"]


def xlsx(*rows, header=HEADER) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def upload(client, content: bytes, name="区划.xlsx"):
    return client.post(reverse("region_import"), {"file": SimpleUploadedFile(name, content)})


def token_of(response) -> str:
    return re.search(r'name="token" value="([^"]+)"', text(response)).group(1)


def plan(user, *rows):
    return import_plan(user, [[number, *row] for number, row in enumerate(rows, start=2)])


# --- the plan ------------------------------------------------------------------------------------------------------------


def test_plan_adds_a_town_with_its_villages_by_parent_name_with_local_codes(world):
    result = plan(
        world.admin,
        ("370322", "", "", "花沟镇", "镇", ""),
        ("", "花沟镇", "", "某村", "村", ""),
        ("", "花沟镇", "", "某社区", "社区（村）", "社区"),
        ("", "花沟镇", "", "锦 村", "社区（村）", "村"),
    )

    assert [row.kind for row in result.rows] == [ADD] * 4
    assert [(row.region.name, row.region.code, row.region.settlement) for row in result.rows] == [
        ("花沟镇", "370322902000", ""), ("某村", "370322902901", "village"),
        ("某社区", "370322902902", "community"), ("锦村", "370322902903", "village"),
    ]
    assert all(row.region.code_is_local for row in result.rows)
    assert not Region.objects.filter(name="花沟镇").exists()  # a plan writes nothing


def test_plan_renames_moves_and_corrects_codes(world):
    result = plan(
        world.admin,
        ("370322", "", "370322001000", "田镇街道", "街道", ""),  # its real code: the villages follow
        ("370322901000", "", "370322901901", "甲新村", "村", "村"),  # renamed (named by the code the file knows)
        ("370322101000", "", "370322901902", "乙社区", "社区", ""),  # moved to 青城镇
    )

    assert [row.kind for row in result.rows] == [CHANGE, CHANGE, CHANGE]
    assert [(c.what, c.before, c.after) for row in result.rows for c in row.changes] == [
        ("recoded", "370322901000", "370322001000"), ("renamed", "甲村", "甲新村"), ("moved", "田镇街道", "青城镇"),
        ("code", "370322001902", "370322101901"),
    ]
    assert result.rows[1].region.code == "370322001901"  # the town's new prefix, in memory
    assert result.rows[2].region.code == "370322101901"  # a local code under its new parent
    assert result.summary() == {
        "added": 0, "renamed": 1, "moved": 1, "recoded": 1, "settlement": 0, "unchanged": 0, "refused": 0,
    }


@pytest.mark.history
def test_applying_a_code_correction_a_rename_and_a_move_writes_them_in_order(world):
    rows = [
        [2, "370322", "", "370322001000", "田镇街道", "街道", ""],
        [3, "370322901000", "", "370322901901", "甲新村", "村", "村"],
        [4, "370322101000", "", "370322901902", "乙社区", "社区", ""],
        [5, "", "田镇街道", "", "丙村", "村", ""],
    ]

    import_apply(user=world.admin, rows=rows, fingerprint=region_fingerprint(world.admin), file_name="区划.xlsx",
                 sha256="0" * 64)

    found = {r.name: (r.code, r.parent.name, r.code_is_local) for r in Region.objects.filter(level="community")}
    assert found == {
        "甲新村": ("370322001901", "田镇街道", True), "乙社区": ("370322101901", "青城镇", True),
        "丙村": ("370322001903", "田镇街道", True),  # not 902, which 乙社区 held in this very import
    }
    assert Region.objects.get(name="田镇街道").code_is_local is False
    assert Region.objects.get(name="乙社区").history.first().history_change_reason == "Excel导入：迁移"


@pytest.mark.parametrize(
    ("row", "reason"),
    [
        (("370399", "", "", "某镇", "镇", ""), "找不到上级区划代码370399：须是已有的区划，或本表中此行以上新增的区划。"),
        (("", "无此镇", "", "某村", "村", ""), "找不到名为“无此镇”的上级区划：须是已有的区划，或本表中此行以上新增的区划。"),
        (("370322", "", "370323102000", "某镇", "镇", ""), "代码370323102000不在上级“高青县”之内：应以370322开头。"),
        (("370322", "", "370322102001", "某镇", "镇", ""), "街道（镇）代码的后3位应为000，第7至9位不能是000。"),
        (("370322", "", "370322905000", "某镇", "镇", ""), "代码370322905000落在本地编码段"),
        (("370322", "", "", "某村", "村", ""), "社区（村）的上级应为街道（镇）一级，“高青县”是县（市、区）一级。"),
        (("370322", "", "", "某镇", "村镇", ""), "层级“村镇”无法识别，应为省、市、县（市、区）、街道（镇）或社区（村）。"),
        (("370322901000", "", "", "某村", "社区（村）", ""), "社区（村）须注明是社区还是村。"),
        (("370322901000", "", "", "某村", "村", "社区"), "层级“村”与社区或村“社区”不一致。"),
        (("370322", "", "", "某镇", "镇", "村"), "只有社区（村）一级填写“社区或村”。"),
        (("370322", "淄博市", "", "某镇", "镇", ""), "上级区划代码370322是“高青县”，与上级名称“淄博市”不一致。"),
        (("370322", "", "370322101000", "青城镇", "村", "村"), "“青城镇”（370322101000）是街道（镇）一级，与表中的层级不符。"),
        (("370322", "", "370322103000", "青城镇", "镇", ""), "“青城镇”已有代码370322101000，与表中的代码370322103000不同。"),
        (("370322", "", "370322101000", "田镇街道", "镇", ""), "“高青县”下已有名为“田镇街道”的区划。"),
        (("370322", "", "370322101000", "青城镇", "镇", ""), None),
        (("370102", "", "", "某街道", "街道", ""), "找不到上级区划代码370102"),  # 历下区: not the admin's
        (("", "", "", "某镇", "镇", ""), "请填写上级区划代码或上级名称。"),
        (("", "", "", "山东省", "省", ""), "只有系统管理员可以新增省级区划。"),
    ],
)
def test_plan_refuses_a_row_with_its_reason(world, row, reason):
    result = plan(world.admin, row).rows[0]

    if reason is None:
        assert (result.kind, result.reason) == (SAME, "")
    else:
        assert result.kind == REFUSED
        assert result.reason.startswith(reason)


def test_plan_refuses_duplicates_and_the_rows_under_a_refused_one(world):
    result = plan(
        world.admin,
        ("370322", "", "", "花沟镇", "镇", ""),
        ("370322", "", "", "花沟镇", "镇", ""),
        ("370322", "", "", "木李镇", "县", ""),
        ("", "木李镇", "", "某村", "村", ""),
    )

    assert [row.kind for row in result.rows] == [ADD, REFUSED, REFUSED, REFUSED]
    assert result.rows[1].reason == "与第2行是同一个区划。"
    assert result.rows[3].reason == "上级“木李镇”（第4行）不予导入，本行也不能导入。"


def test_plan_refuses_a_code_correction_after_a_row_changing_its_village(world):
    result = plan(
        world.admin,
        ("370322901000", "", "370322901901", "甲新村", "村", "村"),
        ("370322", "", "370322001000", "田镇街道", "街道", ""),
    )

    assert result.rows[1].reason == "下级“甲新村”在第2行已有修改：请把改变本区划代码的行放在其下级各行之前。"


def test_system_admin_plans_anywhere_and_the_top_of_a_jurisdiction_stays_read_only_for_its_admin(world):
    rename_county = ("370300", "", "370322", "高青", "县", "")

    assert plan(world.sysadmin, rename_county).rows[0].kind == CHANGE
    assert plan(world.admin, rename_county).rows[0].reason == "“高青县”是您管辖区划的最上级或不在其内，不能在这里修改。"
    assert plan(world.admin, ("370300", "", "370322", "高青县", "县", "")).rows[0].kind == SAME


# --- the pages: preview, confirmation ------------------------------------------------------------------------------------


@pytest.mark.history
def test_upload_previews_then_the_confirmation_writes_with_history_and_one_audit_record(login, world):
    client = login(world.admin)
    content = xlsx(
        ("370322", "", "", "花沟镇", "镇", ""),
        ("", "花沟镇", "", "某村", "村", ""),
        ("370322901000", "", "370322901901", "甲新村", "村", "村"),
        ("370399", "", "", "某镇", "镇", ""),
        ("370322", "", "370322101000", "青城镇", "镇", ""),
    )

    preview = upload(client, content)

    page = visible_text(preview)
    assert preview.status_code == 200
    assert "2 新增 1 更名 0 迁移 0 更正代码 1 无变化 1 不予导入" in page
    assert "第5行 某镇 370399 找不到上级区划代码370399" in page
    assert "370322902000 本地编码" in page and "更名：甲村 → 甲新村" in page
    assert not Region.objects.filter(name="花沟镇").exists()
    assert not AuditRecord.objects.filter(event=AuditEvent.ADMIN_CHANGE).exists()

    applied = client.post(reverse("region_import_apply"), {"token": token_of(preview)})

    assert applied.status_code == 302
    assert messages_of(applied) == ["已导入“区划.xlsx”：新增2个，更名1个，迁移0个，更正代码0个，更改社区或村0个。"]
    village = Region.objects.get(name="某村")
    assert (village.code, village.parent.name, village.code_is_local) == ("370322902901", "花沟镇", True)
    assert village.history.get().history_change_reason == "Excel导入：新增"
    assert Region.objects.get(pk=world.village.pk).history.first().history_user == world.admin
    record = AuditRecord.objects.get(event=AuditEvent.ADMIN_CHANGE)
    assert (record.event, record.user_id) == (AuditEvent.ADMIN_CHANGE, world.admin.pk)
    assert record.detail.startswith("region import «区划.xlsx» sha256=") and "added=2 renamed=1" in record.detail


def test_a_preview_is_refused_once_the_regions_changed(login, world):
    client = login(world.admin)
    preview = upload(client, xlsx(("370322", "", "", "花沟镇", "镇", "")))
    Region.objects.filter(pk=world.village.pk).update(name="甲新村")  # someone else, meanwhile

    applied = client.post(reverse("region_import_apply"), {"token": token_of(preview)})

    assert messages_of(applied) == ["预览之后区划已有变化（可能有人同时修改），没有导入任何内容，请重新上传Excel文件。"]
    assert not Region.objects.filter(name="花沟镇").exists()
    assert not AuditRecord.objects.filter(event=AuditEvent.ADMIN_CHANGE).exists()


def test_an_altered_or_anothers_preview_is_refused(login, world):
    client = login(world.admin)
    token = token_of(upload(client, xlsx(("370322", "", "", "花沟镇", "镇", ""))))
    data = signing.loads(token, salt=IMPORT_SALT)
    forged = token[:-3] + ("AAA" if not token.endswith("AAA") else "BBB")
    others = signing.dumps(data | {"u": world.sysadmin.pk}, salt=IMPORT_SALT, compress=True)

    for bad in (forged, others, ""):
        response = client.post(reverse("region_import_apply"), {"token": bad})
        assert messages_of(response) == ["预览已失效（超过1小时，或不是您的预览），没有导入任何内容，请重新上传Excel文件。"]
    assert not Region.objects.filter(name="花沟镇").exists()


@pytest.mark.parametrize(
    ("content", "name", "problem"),
    [
        (b"not a workbook", "区划.xlsx", "的内容与扩展名不符（扩展名为.xlsx）"),
        (xlsx(("370322", "", "", "花沟镇", "镇", "")), "区划.csv", "只能上传 XLSX 格式的文件。"),
        (xlsx(header=["名称", "备注"]), "区划.xlsx", "第1行应为表头（可下载模板对照），缺少：层级、上级区划代码或上级名称。"),
        (xlsx(), "区划.xlsx", "表中没有数据行：请在表头下逐行填写区划。"),
    ],
)
def test_a_file_that_is_not_a_list_of_regions_is_refused_with_the_reason(login, world, content, name, problem):
    response = upload(login(world.admin), content, name=name)

    assert response.status_code == 400
    assert problem in visible_text(response)
    assert "没有做任何修改" in visible_text(response)


def test_the_template_lists_the_admins_regions_and_comes_back_unchanged(login, world):
    client = login(world.admin)
    response = client.get(reverse("region_template"))

    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[0] == (*HEADER, "说明")
    assert ("370322901000", "田镇街道", "370322901901", "甲村", "社区（村）", "村", "本地编码") in rows
    assert not any(row[3] in ("历下区", "淄博市") for row in rows[1:])  # only the admin's jurisdiction
    preview = upload(client, response.content)
    assert "0 新增 0 更名 0 迁移 0 更正代码 5 无变化 0 不予导入" in visible_text(preview)
    assert "没有需要写入的修改" in visible_text(preview)
    town = client.get(reverse("region_template"), {"at": world.local_town.pk})
    assert [row[3] for row in load_workbook(io.BytesIO(town.content)).active.iter_rows(min_row=2, values_only=True)] == [
        "田镇街道", "甲村", "乙社区",
    ]


# --- the tree and who may open it ----------------------------------------------------------------------------------------


def test_admin_sees_its_jurisdiction_as_a_tree_with_local_codes_marked(login, world):
    client = login(world.admin)

    tops = visible_text(client.get(reverse("region_tree")))
    town = visible_text(client.get(reverse("region_tree"), {"at": world.local_town.pk}))

    assert "您管理的评定项目的辖区：高青县" in tops
    assert "高青县 县（市、区） 370322 下级 2 个" in tops and "田镇街道 街道（镇） 370322901000 本地编码" in tops
    assert "历下区" not in tops and "山东省" not in tops.split("行政区划", 2)[-1].split("从Excel导入")[0]
    assert "行政区划 › 山东省 › 淄博市 › 高青县 › 田镇街道" in town
    assert "甲村 村 370322901901 本地编码" in town


def test_system_admin_sees_every_province_and_searches(login, world):
    client = login(world.sysadmin)

    assert "山东省 省 370000" in visible_text(client.get(reverse("region_tree")))
    found = visible_text(client.get(reverse("region_tree"), {"q": "甲村"}))
    assert "甲村" in found and "（上级：田镇街道）" in found
    assert "没有找到符合条件的区划" in visible_text(client.get(reverse("region_tree"), {"q": "无此村"}))


def test_a_region_outside_the_jurisdiction_is_a_404_and_other_roles_a_403(login, world, client):
    assert login(world.admin).get(reverse("region_tree"), {"at": world.other_county.pk}).status_code == 404
    assert client.get(reverse("region_tree"), {"at": "x"}).status_code == 404
    town_staff = UserFactory(role=Role.TOWN_STAFF, region=world.local_town)
    for outsider in (ViewerFactory(), ReviewerFactory(), ApplicantFactory(), town_staff):
        outsider_client = login(outsider)
        assert outsider_client.get(reverse("region_tree")).status_code == 403
        assert outsider_client.get(reverse("region_template")).status_code == 403
        assert outsider_client.post(reverse("region_import_apply"), {"token": ""}).status_code == 403


def test_an_admin_without_programmes_has_an_empty_page_and_imports_nothing(login, world):
    client = login(UserFactory())

    page = visible_text(client.get(reverse("region_tree")))
    preview = visible_text(upload(client, xlsx(("370322", "", "", "花沟镇", "镇", ""))))

    assert "您还没有可维护的区划" in page
    assert "找不到上级区划代码370322" in preview
