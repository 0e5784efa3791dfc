"""The 540 × 380 mm plaque PDF (awards.plaque): page, text, fonts, size, long names, uploaded fonts, font checks."""

import dataclasses
import io
import re
import subprocess
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.core.files import File
from django.core.files.base import ContentFile
from django.utils import timezone
from fontTools.fontBuilder import FontBuilder
from fontTools.pens.ttGlyphPen import TTGlyphPen

from awards import plaque
from awards.enums import FontRole
from awards.models import PlaqueFont
from awards.plaque import PlaqueSpec, fit_font_size, render_plaque
from awards.plaque_fonts import PROBE_CHARS, STAND_INS, face_info, plaque_fonts, validate_font_file

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
SERIF_BOLD = Path("/usr/share/fonts/opentype/noto/NotoSerifCJK-Bold.ttc")
SPEC = PlaqueSpec(
    institution_name="高青县鲁中人力资源服务有限公司",
    title="县级就业服务质量标杆机构",
    issuers=("高青县人力资源和社会保障局", "高青县发展和改革局", "高青县民政局"),
    year_month="2022年12月",
    plaque_number="GQ-2022-001",
    verify_url="https://jyfw.example.gov.cn/awards/verify/GQ-2022-001/",
)
LONG_NAME = "山东省淄博市高青县鲁中人力资源服务有限公司芦湖街道零工驿站公共就业和人才服务中心"


def poppler(command: list[str], pdf: bytes, folder: Path, *args) -> str:
    path = folder / "plaque.pdf"
    path.write_bytes(pdf)
    return subprocess.run([*command, str(path), *args], capture_output=True, text=True, check=True).stdout


def squeezed(text: str) -> str:
    return re.sub(r"\s", "", text)


def font_names(pdf: bytes, folder: Path) -> list[tuple[str, str, str, str]]:
    """(name, emb, sub, uni) of each font pdffonts lists."""
    rows = [line.split() for line in poppler(["pdffonts"], pdf, folder).splitlines()[2:]]
    return [(row[0], row[-5], row[-4], row[-3]) for row in rows]


def subset_families(pdf: bytes, folder: Path) -> list[str]:
    """The families of the embedded fonts, from names like `ABCDEF+LXGW-WenKai-Plaque7-Bold` (subset tag, family,
    the renderer's alias suffix with its render number, style)."""
    names = [name for name, *_ in font_names(pdf, folder)]
    families = [re.fullmatch(r"[A-Z]{6}\+(.+)-Plaque\d+-Bold", name) for name in names]
    assert all(families), names
    return sorted(family[1] for family in families)


def save_png(pdf: bytes, name: str, folder: Path) -> None:
    """A small picture under test-artifacts/ for people to look at (kept out of git)."""
    ARTIFACTS.mkdir(exist_ok=True)
    (folder / "plaque.pdf").write_bytes(pdf)
    subprocess.run(
        ["pdftoppm", "-png", "-r", "20", "-singlefile", str(folder / "plaque.pdf"), str(ARTIFACTS / name)], check=True
    )


def tiny_font(chars: str, *, fs_type: int = 0) -> bytes:
    """A TrueType font of square glyphs for `chars` (quicker to build than to copy a real one)."""
    names = [".notdef", *(f"uni{ord(char):04X}" for char in chars)]
    builder = FontBuilder(1000, isTTF=True)
    builder.setupGlyphOrder(names)
    builder.setupCharacterMap({ord(char): f"uni{ord(char):04X}" for char in chars})
    glyphs = {}
    for name in names:
        pen = TTGlyphPen(None)
        pen.moveTo((100, 0))
        pen.lineTo((100, 800))
        pen.lineTo((900, 800))
        pen.closePath()
        glyphs[name] = pen.glyph()
    builder.setupGlyf(glyphs)
    builder.setupHorizontalMetrics({name: (1000, 100) for name in names})
    builder.setupHorizontalHeader(ascent=880, descent=-120)
    builder.setupNameTable({"familyName": "Plaque Test", "styleName": "Regular"})
    builder.setupOS2(fsType=fs_type)
    builder.setupPost()
    buffer = io.BytesIO()
    builder.save(buffer)
    return buffer.getvalue()


@pytest.fixture(scope="module")
def plaque_pdf(django_db_setup, django_db_blocker, tmp_path_factory):
    """The seed's example plaque with the Debian stand-in fonts, rendered once for the read-only checks."""
    with django_db_blocker.unblock():
        pdf = render_plaque(SPEC)
    save_png(pdf, "plaque", tmp_path_factory.mktemp("png"))
    return pdf


@pytest.fixture(scope="module")
def long_name_pdf(django_db_setup, django_db_blocker, tmp_path_factory):
    with django_db_blocker.unblock():
        pdf = render_plaque(dataclasses.replace(SPEC, institution_name=LONG_NAME))
    save_png(pdf, "plaque-long-name", tmp_path_factory.mktemp("png"))
    return pdf


# --- the page ------------------------------------------------------------------------------------------------


@pytest.mark.pdf
def test_plaque_is_one_page_of_540_by_380_mm(plaque_pdf, tmp_path):
    info = poppler(["pdfinfo"], plaque_pdf, tmp_path)

    assert re.search(r"^Pages:\s+1$", info, re.MULTILINE), info
    assert re.search(r"^Page size:\s+1530\.7\d x 1077\.1\d pts", info, re.MULTILINE), info


@pytest.mark.pdf
def test_plaque_text_holds_name_title_issuers_date_and_number(plaque_pdf, tmp_path):
    text = poppler(["pdftotext", "-raw"], plaque_pdf, tmp_path, "-")

    lines = [line.strip() for line in text.splitlines() if line.strip()]
    assert lines == [
        "高青县鲁中人力资源服务有限公司",
        "县级就业服务质量标杆机构",
        "高青县人力资源和社会保障局",
        "高青县发展和改革局",
        "高青县民政局",
        "2022年12月",
        "扫码核验",
        "编号：GQ-2022-001",
    ]


@pytest.mark.pdf
def test_plaque_embeds_only_subsets_of_the_two_role_fonts(plaque_pdf, tmp_path):
    fonts = font_names(plaque_pdf, tmp_path)

    assert [flags for _name, *flags in fonts] == [["yes", "yes", "yes"]] * 2
    assert subset_families(plaque_pdf, tmp_path) == ["LXGW-WenKai", "Noto-Sans-CJK-SC"]


@pytest.mark.pdf
def test_plaque_pdf_is_at_most_100_kb(plaque_pdf, long_name_pdf):
    assert len(plaque_pdf) <= 100 * 1024
    assert len(long_name_pdf) <= 100 * 1024


@pytest.mark.pdf
def test_plaque_long_name_wraps_whole_onto_the_one_page(long_name_pdf, tmp_path):
    info = poppler(["pdfinfo"], long_name_pdf, tmp_path)
    text = poppler(["pdftotext", "-raw"], long_name_pdf, tmp_path, "-")

    assert len(LONG_NAME) == 40
    assert re.search(r"^Pages:\s+1$", info, re.MULTILINE), info
    assert squeezed(text).startswith(LONG_NAME + "县级就业服务质量标杆机构"), text
    assert [len(line) for line in text.splitlines()[:2]] == [20, 20]
    assert subset_families(long_name_pdf, tmp_path) == ["LXGW-WenKai", "Noto-Sans-CJK-SC"]  # no fallback font


@pytest.mark.pdf
@pytest.mark.django_db
def test_render_plaque_drops_the_space_around_the_title_if_a_page_would_overflow(monkeypatch, caplog, tmp_path):
    monkeypatch.setattr(plaque, "SLACK_MM", -300.0)  # an estimate 300 mm short: the gaps would push a second page

    pdf = render_plaque(SPEC)

    assert re.search(r"^Pages:\s+1$", poppler(["pdfinfo"], pdf, tmp_path), re.MULTILINE)
    assert "GQ-2022-001 ran onto 2 pages" in caplog.text


# --- sizes ---------------------------------------------------------------------------------------------------


def test_fit_font_size_keeps_78pt_while_two_lines_hold_the_name():
    assert fit_font_size("高" * 15, max_pt=78, width_mm=423, max_lines=2) == 78
    assert fit_font_size("高" * 30, max_pt=78, width_mm=423, max_lines=2) == 78


def test_fit_font_size_shrinks_in_2pt_steps_past_two_lines():
    size = fit_font_size("高" * 40, max_pt=78, width_mm=423, max_lines=2)

    assert size == 58  # 20 characters of 58 pt (20.5 mm) take 409 mm of 423
    assert fit_font_size("高" * 100, max_pt=78, width_mm=423, max_lines=2) == 22


# --- fonts ---------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_plaque_fonts_without_uploads_are_the_debian_stand_ins():
    assert plaque_fonts() == {"weibei": STAND_INS[FontRole.WEIBEI], "heiti": STAND_INS[FontRole.HEITI]}


@pytest.mark.django_db
def test_plaque_fonts_takes_the_newest_active_upload_of_each_role():
    now = timezone.now()
    fonts = {}
    for key, active, age in (("old", True, 3), ("new", True, 2), ("off", False, 1)):
        font = PlaqueFont(role=FontRole.WEIBEI, name=key, active=active)
        font.file.save(f"{key}.ttf", ContentFile(b"font"), save=True)
        PlaqueFont.objects.filter(pk=font.pk).update(uploaded_at=now - timedelta(days=age))
        fonts[key] = font

    chosen = plaque_fonts()

    assert chosen == {"weibei": Path(fonts["new"].file.path), "heiti": STAND_INS[FontRole.HEITI]}


@pytest.mark.django_db
def test_plaque_fonts_without_upload_or_stand_in_raises(monkeypatch, tmp_path):
    monkeypatch.setitem(STAND_INS, FontRole.HEITI, tmp_path / "missing.ttc")

    with pytest.raises(ImproperlyConfigured, match="没有可用的奖牌字体"):
        plaque_fonts()


@pytest.mark.pdf
@pytest.mark.django_db
def test_plaque_next_render_uses_an_uploaded_font(tmp_path):
    font = PlaqueFont(role=FontRole.WEIBEI, name="思源宋体（测试）")
    with SERIF_BOLD.open("rb") as file:
        font.file.save(SERIF_BOLD.name, File(file), save=True)

    pdf = render_plaque(SPEC)

    assert subset_families(pdf, tmp_path) == ["Noto-Sans-CJK-SC", "Noto-Serif-CJK-SC"]


def test_face_info_picks_the_simplified_chinese_face_of_a_collection():
    info = face_info(STAND_INS[FontRole.HEITI])

    assert (info.index, info.family, info.alias) == (2, "Noto Sans CJK SC", "Noto Sans CJK SC Plaque")


@pytest.mark.pdf
@pytest.mark.django_db
def test_render_plaque_leaves_no_files_behind():
    render_plaque(SPEC)

    assert list(plaque._plaque_workdir().iterdir()) == []


# --- validate_font_file --------------------------------------------------------------------------------------


def test_validate_font_file_accepts_a_chinese_font():
    with STAND_INS[FontRole.WEIBEI].open("rb") as file:
        validate_font_file(file)

        assert file.tell() == 0


def test_validate_font_file_accepts_a_collection_with_a_chinese_face():
    with SERIF_BOLD.open("rb") as file:
        validate_font_file(file)


@pytest.mark.parametrize(
    ("content", "code"),
    [
        (b"%PDF-1.7 not a font at all", "font_format"),
        (b"wOF2" + bytes(64), "font_format"),
        (b"OTTO" + bytes(64), "font_unreadable"),
        (tiny_font("ABC"), "font_no_cjk"),
        (tiny_font(PROBE_CHARS, fs_type=0x0002), "font_not_embeddable"),
    ],
    ids=["pdf", "woff2", "damaged", "latin-only", "restricted-licence"],
)
def test_validate_font_file_refuses(content, code):
    with pytest.raises(ValidationError) as refused:
        validate_font_file(io.BytesIO(content))

    assert refused.value.code == code


def test_validate_font_file_accepts_an_installable_font():
    validate_font_file(io.BytesIO(tiny_font(PROBE_CHARS, fs_type=0x0008)))
