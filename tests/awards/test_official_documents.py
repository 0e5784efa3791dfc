"""Official documents as GB/T 9704-2012 lays them out (awards.documents, templates/documents/official.html), read
back with poppler: A4, fonts embedded as subsets, the elements in order, the 版记 at the foot of the last page, page
numbers right on odd pages and left on even ones, a licensed 仿宋 used once uploaded; the layout rules without a
render; the announcement on the base."""

import re
import subprocess
from pathlib import Path

import pytest
from django.core.files import File
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from awards import documents
from awards.documents import OfficialDocument, official_pdf, paragraph_block, split_annex_note, title_lines
from awards.enums import FontRole
from awards.models import PlaqueFont
from awards.plaque_fonts import STAND_INS, document_fonts
from tests.awards.results_builders import ISSUED_AT, closed_round, issue
from tests.factories import SystemAdminFactory

WENKAI_MONO = Path("/usr/share/fonts/truetype/lxgw-wenkai/LXGWWenKaiMono-Regular.ttf")
A4_HEIGHT_PT = 841.89
TYPE_AREA_BOTTOM_PT = A4_HEIGHT_PT - 35 / 25.4 * 72  # 天头 37 mm + 版心 225 mm: 35 mm below it
ISSUERS = ["高青县人力资源和社会保障局", "高青县发展和改革局", "高青县民政局"]
PARAGRAPHS = [
    "为进一步提升全县就业服务质量，经研究，决定开展就业服务质量标杆机构评定工作。现将有关事项通知如下。",
    "一、评定范围",
    "全县范围内依法设立、正常运营一年以上的公共就业服务机构和经营性人力资源服务机构。" * 3,
    "（一）服务规范。服务流程公开透明，服务台账完整，近三年未发生违法违规违纪问题。" * 3,
    "1.公共就业服务机构重点考察政策落实、失业登记和就业援助情况。" * 3,
    "二、工作要求",
    "各有关单位要高度重视，精心组织，确保评定工作公开、公平、公正，末段为证。",
]


def sample(**fields) -> OfficialDocument:
    """A joint document of four pages: headings of three levels, an annex note, the 版记."""
    values = {
        "issuers": ISSUERS,
        "document_number": "高人社字〔2026〕12号",
        "title": "关于开展2026年度县级就业服务质量标杆机构评定工作的通知",
        "written": "2026年9月15日",
        "paragraphs": PARAGRAPHS[:2] + PARAGRAPHS[2:5] * 3 + PARAGRAPHS[5:],
        "addressee": "各镇人民政府、街道办事处，县直有关部门",
        "annexes": ["评定申报表"],
        "copy_to": "淄博市人力资源和社会保障局。",
        "printed_by": "高青县人力资源和社会保障局办公室",
        "printed_on": "2026年9月16日",
        "public_note": "（此件主动公开）",
        **fields,
    }
    return OfficialDocument(**values)


def poppler(command: list[str], pdf: bytes, folder: Path, *args) -> str:
    path = folder / "document.pdf"
    path.write_bytes(pdf)
    return subprocess.run([*command, str(path), *args], capture_output=True, text=True, check=True).stdout


def squeezed(value: str) -> str:
    return re.sub(r"\s", "", value)


def page_count(pdf: bytes, folder: Path) -> int:
    return int(re.search(r"^Pages:\s+(\d+)", poppler(["pdfinfo"], pdf, folder), re.MULTILINE)[1])


def words(pdf: bytes, folder: Path, page: int) -> list[tuple[str, float, float, float]]:
    """(text, xMin, yMin, yMax) of each word pdftotext finds on `page`."""
    found = poppler(["pdftotext", "-f", str(page), "-l", str(page), "-bbox"], pdf, folder, "-")
    pattern = r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">([^<]*)</word>'
    return [(text, float(x), float(top), float(bottom)) for x, top, bottom, text in re.findall(pattern, found)]


def page_text(pdf: bytes, folder: Path, page: int) -> str:
    return squeezed(poppler(["pdftotext", "-f", str(page), "-l", str(page)], pdf, folder, "-"))


# --- the rendered document --------------------------------------------------------------------------------------


@pytest.mark.pdf
@pytest.mark.django_db
def test_official_pdf_is_a4_with_every_font_embedded_as_a_subset(tmp_path):
    pdf = official_pdf("documents/official.html", {"doc": sample()})

    info = poppler(["pdfinfo"], pdf, tmp_path)
    assert re.search(r"^Page size:\s+595\.2\d* x 841\.8\d* pts \(A4\)", info, re.MULTILINE), info
    assert page_count(pdf, tmp_path) == 4
    rows = [line.split() for line in poppler(["pdffonts"], pdf, tmp_path).splitlines()[2:]]
    assert {(row[-5], row[-4]) for row in rows} == {("yes", "yes")}  # emb, sub
    roles = sorted(re.fullmatch(r"[A-Z]{6}\+.+-(\w+?)\d+(-Bold)?", row[0])[1] for row in rows)
    assert roles == ["Biaosong", "Fangsong", "Heiti", "Kaiti"]
    assert list(documents._workdir().iterdir()) == []  # the font cuts are gone


@pytest.mark.pdf
@pytest.mark.django_db
def test_official_pdf_reads_masthead_number_title_text_signature_then_banji(tmp_path):
    pdf = official_pdf("documents/official.html", {"doc": sample()})

    # pdftotext reads a page number into the line beside it: left out.
    text = re.sub(r"—\d+—", "", squeezed(poppler(["pdftotext"], pdf, tmp_path, "-")))
    order = [
        "高青县人力资源和社会保障局",
        "文件",
        "高人社字〔2026〕12号",
        "关于开展2026年度县级",
        "就业服务质量标杆机构评定工作的通知",
        "各镇人民政府、街道办事处，县直有关部门：",
        "一、评定范围",
        "末段为证。",
        "附件：评定申报表",
        "高青县人力资源和社会保障局高青县发展和改革局高青县民政局2026年9月15日",
        "（此件主动公开）",
        "抄送：淄博市人力资源和社会保障局。",
        "高青县人力资源和社会保障局办公室2026年9月16日印发",
    ]
    positions = [text.find(squeezed(value)) for value in order]
    assert -1 not in positions, dict(zip(order, positions, strict=True))
    assert positions == sorted(positions)


@pytest.mark.pdf
@pytest.mark.django_db
def test_a_full_page_has_22_lines_of_28_characters(tmp_path):
    doc = sample(paragraphs=["就业服务质量提升工程" * 40] * 4, annexes=[], addressee="")

    pdf = official_pdf("documents/official.html", {"doc": doc})

    lines = [word for word in words(pdf, tmp_path, 2) if word[3] < TYPE_AREA_BOTTOM_PT]
    assert len(lines) == 22
    assert max(len(text) for text, *_ in lines) == 28


@pytest.mark.pdf
@pytest.mark.django_db
def test_the_banji_is_at_the_foot_of_the_last_page_only(tmp_path):
    pdf = official_pdf("documents/official.html", {"doc": sample()})

    last = page_count(pdf, tmp_path)
    printed = [word for word in words(pdf, tmp_path, last) if word[0].endswith("印发")]
    assert len(printed) == 1
    assert TYPE_AREA_BOTTOM_PT - 12 < printed[0][3] < TYPE_AREA_BOTTOM_PT  # its line ends on the 版心's lower edge
    assert all("抄送" not in page_text(pdf, tmp_path, page) for page in range(1, last))


@pytest.mark.pdf
@pytest.mark.django_db
def test_page_numbers_are_right_on_odd_pages_and_left_on_even_ones(tmp_path):
    pdf = official_pdf("documents/official.html", {"doc": sample()})

    sides = {}
    for page in (1, 2, 3, 4):
        footer = [word for word in words(pdf, tmp_path, page) if word[2] > TYPE_AREA_BOTTOM_PT]
        assert [word[0] for word in footer] == ["—", str(page), "—"]
        assert 0 < footer[0][2] - TYPE_AREA_BOTTOM_PT < 25  # the 一字线 about 7 mm under the 版心
        sides[page] = "right" if footer[0][1] > 595.28 / 2 else "left"
    assert sides == {1: "right", 2: "left", 3: "right", 4: "left"}


@pytest.mark.pdf
@pytest.mark.django_db
def test_an_uploaded_fangsong_is_used_by_the_next_document(login, tmp_path):
    client = login(SystemAdminFactory())
    upload = SimpleUploadedFile("fangsong.ttf", WENKAI_MONO.read_bytes(), content_type="font/ttf")

    response = client.post(
        "/admin/awards/plaquefont/add/",
        {"role": FontRole.FANGSONG, "name": "方正仿宋（授权）", "file": upload, "active": "on"},
    )
    pdf = official_pdf("documents/official.html", {"doc": sample()})

    assert response.status_code == 302
    assert PlaqueFont.objects.get().role == FontRole.FANGSONG
    names = [line.split()[0] for line in poppler(["pdffonts"], pdf, tmp_path).splitlines()[2:]]
    assert any(re.fullmatch(r"[A-Z]{6}\+LXGW-WenKai-Mono-Fangsong\d+", name) for name in names), names
    assert not any("Noto-Serif-CJK-SC-Fangsong" in name for name in names)


@pytest.mark.pdf
@pytest.mark.django_db
def test_the_announcement_carries_the_leads_office_the_issue_date_and_the_public_note(client, time_machine, tmp_path):
    time_machine.move_to(ISSUED_AT, tick=False)
    listed = closed_round()
    announcement = issue(listed, doc_year=2026, doc_serial=12)

    response = client.get(reverse("awards:result_pdf", args=[announcement.pk]))

    last = page_count(response.content, tmp_path)
    assert last >= 2  # the list is an annex on its own page
    assert f"{listed.programme.lead_department.name}办公室2026年9月15日印发" in page_text(response.content, tmp_path, last)
    first_pages = squeezed(poppler(["pdftotext", "-l", str(last - 1)], response.content, tmp_path, "-"))
    assert "（此件主动公开）" in first_pages
    assert f"附件：{listed.round.name}县级就业服务质量标杆机构名单" in first_pages


# --- the layout rules, without a render -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "level", "heading"),
    [
        ("一、评定范围", 1, "一、评定范围"),
        ("（二）强化资金保障。落实就业促进法要求。", 2, "（二）强化资金保障。"),
        ("3.组建就业服务志愿团队。广泛招募。", 3, "3.组建就业服务志愿团队。"),
        ("（1）按时报送", 4, "（1）按时报送"),
        ("现将有关事项通知如下。", 0, ""),
    ],
)
def test_paragraph_block_takes_the_heading_level_from_its_marker(text, level, heading):
    block = paragraph_block(text)

    assert (block.level, block.heading, block.heading + block.text) == (level, heading, text)


def test_split_annex_note_moves_the_closing_annex_lines_out_of_the_text():
    assert split_annex_note(["正文。", "附件：1.申报表", "2.名单"]) == (["正文。"], ["申报表", "名单"])
    assert split_annex_note(["正文。", "附件：名单"]) == (["正文。"], ["名单"])
    assert split_annex_note(["附件：名单", "正文在后。"]) == (["附件：名单", "正文在后。"], [])


def test_title_lines_breaks_a_long_title_at_a_word_into_even_lines():
    assert title_lines("关于公布高青县2026年度县级就业服务质量标杆机构名单的通知") == [
        "关于公布高青县2026年度县级",
        "就业服务质量标杆机构名单的通知",
    ]
    assert title_lines("关于印发实施方案的通知") == ["关于印发实施方案的通知"]


def test_the_masthead_of_a_joint_document_fits_the_type_area():
    masthead = sample(issuers=["山东省人力资源和社会保障厅", "山东省发展和改革委员会", "山东省民政厅"]).masthead

    width_mm = (13 * masthead.size_pt + masthead.gap_pt + 2 * masthead.wenjian_pt) * 25.4 / 72
    assert masthead.joint and width_mm <= 156
    assert masthead.lines[2].spacing_pt == pytest.approx((13 - 6) * masthead.size_pt / 5, abs=0.01)


def test_sealed_signers_sit_in_rows_the_last_one_kept_to_the_right():
    doc = sample(issuers=["甲局", "乙局", "丙局", "丁局", "戊局"], seals=["file:///a.png"] * 4)

    rows = [[signer and signer.name for signer in row] for row in doc.seal_rows]

    assert rows == [["甲局", "乙局", "丙局"], [None, "丁局", "戊局"]]
    assert [signer.seal for signer in doc.signers][-2:] == ["file:///a.png", ""]
    assert sample(seals=["file:///a.png"], draft=True).sealed is False


@pytest.mark.django_db
def test_document_fonts_without_uploads_are_the_debian_stand_ins():
    assert document_fonts() == {role: STAND_INS[role] for role in ("biaosong", "fangsong", "kaiti", "heiti")}


@pytest.mark.django_db
def test_document_fonts_take_an_active_upload_of_the_role(tmp_path):
    font = PlaqueFont(role=FontRole.KAITI, name="楷体（授权）")
    with WENKAI_MONO.open("rb") as file:
        font.file.save(WENKAI_MONO.name, File(file), save=True)

    assert document_fonts()[FontRole.KAITI] == Path(font.file.path)
