"""The annex 2 application form as PDF (applications.pdf.application_pdf) and the shared renderer (portal.pdf)."""

import hashlib
import io
import math
import re
import subprocess
from datetime import date
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.test import override_settings
from PIL import Image, ImageChops, ImageDraw, ImageFont

from applications import pdf as application_pdf_module
from applications.enums import AttachmentPurpose, ConditionSection, IssuerLevel, PriorityKind, SelfCheck
from applications.models import Application, Attachment, Condition, ConditionAnswer, PriorityItem
from applications.pdf import application_pdf, opinion_box_title
from portal.enums import DepartmentKind, InstitutionKind, Level
from portal.models import ProgrammeDepartment
from portal.pdf import LocalFileFetcher
from review.enums import OpinionVerdict
from review.models import DepartmentOpinion
from tests.factories import (
    ApplicantFactory,
    DepartmentFactory,
    InstitutionFactory,
    ProgrammeFactory,
    RoundFactory,
    UserFactory,
)

pytestmark = pytest.mark.pdf

COMMITMENT = "本机构全部申报情况属实，如有不实，由本机构承担全部责任。"
SANS_BOLD = "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc"
SANS_BOLD_SC_INDEX = 2  # JP, KR, SC, TC, HK in Debian's collection

WORK_RECORD = "\n".join(
    [
        (
            "　　高青县鲁中人力资源服务有限公司成立于2016年，是经县人力资源社会保障局许可设立的经营性人力资源服务"
            "机构，注册资本500万元，现有专职员工36人，其中取得人力资源管理师职业资格的19人、本科以上学历的27"
            "人。公司在县城芦湖街道设有服务大厅600平方米，分设求职登记、招聘洽谈、政策咨询、档案托管、职业指导和零"
            "工驿站六个功能区，配备自助服务终端4台、电子显示屏，并在青城、高城、黑里寨等6个镇设立服务站点，形成了“"
            "1个中心+6个站点”的服务网络。"
        ),
        (
            "　　近三年来，公司坚持以服务就业为主要功能定位，主动对接县域重点企业用工需求，累计举办各类招聘会186场"
            "，其中“春风行动”“民营企业招聘月”等专场招聘会42场，参会企业3100余家次，提供就业岗位4.6万个，"
            "帮助1.2万名劳动者实现就业，其中高校毕业生2300余人、脱贫人口及就业困难人员860余人。公司建立县域"
            "企业用工监测台账，对全县210家规模以上企业实行“一企一专员”联系服务，及时解决企业季节性、结构性用工难"
            "题，2023年协助县化工产业园区企业招用技能人才620人。"
        ),
        (
            "　　在创新服务方面，公司开发“高青就业通”微信小程序，实现岗位发布、简历投递、视频面试、政策申领“一网通"
            "办”，注册用户达4.8万人，线上匹配成功率达到37%。针对灵活就业人员和农村富余劳动力，公司在县城建成零"
            "工驿站，推行“即时快招”服务模式，日均服务零工人员200余人次，累计对接零工岗位1.5万个。公司联合县职"
            "业中专开展订单式培训，围绕电工、焊工、养老护理员等工种开展培训班58期，培训3400余人次，培训后就业率"
            "达82%。"
        ),
        (
            "　　在规范管理方面，公司建立健全服务承诺、首问负责、限时办结、投诉处理等14项管理制度，服务窗口实行统一"
            "着装、挂牌上岗，设置老花镜、便民笔、休息座椅等便民设施，群众满意度测评连续三年保持在98%以上。公司及工"
            "作人员近三年无违法违纪行为，无诚信不良记录，无安全责任事故，2022年被评为全县人力资源服务诚信示范机构"
            "。"
        ),
        (
            "　　在典型经验方面，公司总结形成的“企业用工直通车”服务模式被县人力资源社会保障局在全县推广。公司先后获"
            "得县人力资源社会保障系统优质服务窗口、县就业创业工作先进集体等荣誉称号，打造了“鲁中就业管家”服务品牌，"
            "在全县同类型机构中处于领先水平。下一步，公司将以此次评定为契机，进一步提升服务能力，为促进全县高质量充分"
            "就业作出更大贡献。"
        ),
    ]
)

# Seed 000 四(一) and 四(二), the county programme's 6 basic and 5 level conditions.
BASIC_CONDITIONS = [
    "坚持以习近平新时代中国特色社会主义思想为指导，认真贯彻落实党中央、国务院决策部署，落实省市工作要求，遵纪守法，诚信服务。",
    "机构健全，符合就业服务机构设立标准条件，以服务就业为主要功能定位，有固定的服务场所、稳定专业的服务团队，功能分区及窗口设置布局合理、标识明显。",
    "设施配套，配备计算机、打印机、档案橱柜等办公设施，以及复印机、休息座椅（或排椅）、便民笔、老花镜等便民服务设施。街道（镇）及以上公共就业服务机构，应接入省公共就业和人才服务信息系统，满足线上线下就业服务需要。",
    "功能完善，能够以就业为导向，提供符合自身机构定位和企业群众需求的服务项目，常规服务有特色，创新服务有亮点。",
    "管理规范，制度健全，工作人员职责明确、衣着整洁、服务规范、业务熟练、热情耐心，企业群众办事便捷高效、满意度高。机构及人员近三年内无违法违纪行为，无诚信不良记录，无重大安全责任事故，有良好的机构形象和行业口碑。",
    "促进就业作用明显，在稳就业保就业方面主动作为、积极探索、成效突出，工作有创新、有特色、有亮点、有品牌、有影响。",
]
LEVEL_CONDITIONS = [
    "县公共就业和人才服务机构人员编制应符合《关于印发<市县两级公共就业和人才服务机构编制标准指导意见>的通知》（鲁编办发〔2019〕5号）要求，其他机构不作要求。",
    "服务制度更加规范，服务方式更加便捷，服务手段更加智能，就业服务能力水平在全县同类型机构中处于领先。",
    "勇于创新，创造出可复制、可推广、在全县有影响的典型经验做法，或者拥有特色鲜明、标识度强、有较大影响力的就业服务品牌。",
    "稳就业保就业作用发挥显著，受到县级以上（含县级）表彰或肯定。",
    "近3年内所做工作受到县级以上（含县级）主要领导同志批示肯定，或被授予县级以上（含县级）人力资源社会保障系统优质服务窗口、"
    "就业创业工作先进集体等荣誉称号的，优先评定。经营性人力资源服务机构获得县级以上（含县级）人力资源服务机构促就业项目奖励的，优先评定。",
]
STATEMENT = "已对照条件逐项自查，相关制度文件、场所照片和服务台账已作为佐证材料上传。"


def seal_png(name: str) -> bytes:
    """A transparent red round seal: a ring, the name along the top arc and a star, like an institution's 公章."""
    size, red = 480, (210, 20, 20, 235)
    image = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.ellipse((10, 10, size - 10, size - 10), outline=red, width=14)
    centre, star = size / 2, []
    for i in range(10):
        radius = 78 if i % 2 == 0 else 30
        angle = math.radians(-90 + i * 36)
        star.append((centre + radius * math.cos(angle), centre + radius * math.sin(angle)))
    draw.polygon(star, fill=red)
    font = ImageFont.truetype(SANS_BOLD, 50, index=SANS_BOLD_SC_INDEX)
    spread = 250
    for i, char in enumerate(name):
        angle = -90 - spread / 2 + spread * (i + 0.5) / len(name)
        glyph = Image.new("RGBA", (64, 64), (0, 0, 0, 0))
        ImageDraw.Draw(glyph).text((32, 32), char, font=font, fill=red, anchor="mm")
        glyph = glyph.rotate(-(angle + 90), resample=Image.BICUBIC)
        x = centre + 172 * math.cos(math.radians(angle)) - 32
        y = centre + 172 * math.sin(math.radians(angle)) - 32
        image.alpha_composite(glyph, (round(x), round(y)))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def _three_department_programme(**kwargs):
    programme = ProgrammeFactory(**kwargs)
    others = [(DepartmentKind.DRC, "高青县发展和改革局"), (DepartmentKind.CIVIL_AFFAIRS, "高青县民政局")]
    for order, (kind, name) in enumerate(others, 1):
        department = DepartmentFactory(kind=kind, name=name, short_name="")
        ProgrammeDepartment.objects.create(programme=programme, department=department, order=order)
    return programme


def _conditions(programme):
    rows = [(ConditionSection.BASIC, n, text) for n, text in enumerate(BASIC_CONDITIONS, 1)]
    rows += [(ConditionSection.LEVEL, n, text) for n, text in enumerate(LEVEL_CONDITIONS, 1)]
    return [
        Condition.objects.create(
            programme=programme,
            section=section,
            number=number,
            text=text,
            # As in the seed: level condition 1 binds county public agencies only, level condition 5 gives priority.
            applies_to_kinds=[InstitutionKind.PUBLIC_AGENCY] if (section, number) == ("level", 1) else [],
            is_priority_clause=(section, number) == ("level", 5),
        )
        for section, number, text in rows
    ]


def _attachment(application, *, purpose, name, content=b"%PDF-1.7 evidence", content_type="application/pdf"):
    attachment = Attachment(
        application=application,
        purpose=purpose,
        original_name=name,
        size=len(content),
        content_type=content_type,
        sha256=hashlib.sha256(content).hexdigest(),
        uploaded_by=application.created_by,
    )
    attachment.file.save(name, ContentFile(content), save=False)
    attachment.save()
    return attachment


def make_application(*, seal=True, commitment_date=date(2026, 11, 23)):
    """A complete county application: 1000-character record, 11 answers, 2 priority items, evidence and a seal."""
    programme = _three_department_programme(name="高青县就业服务质量县级标杆机构评定")
    institution = InstitutionFactory(name="高青县鲁中人力资源服务有限公司")
    applicant = ApplicantFactory(institution=institution)
    application = Application.objects.create(
        round=RoundFactory(programme=programme),
        institution=institution,
        institution_name=institution.name,
        principal_name="王建国",
        principal_title="总经理",
        principal_phone="0533-6961234",
        work_record=WORK_RECORD,
        commitment_accepted=commitment_date is not None,
        commitment_date=commitment_date,
        created_by=applicant,
    )
    for condition in _conditions(programme):
        answer = SelfCheck.MET if condition.applies_to(institution.kind) else SelfCheck.NOT_APPLICABLE
        ConditionAnswer.objects.create(application=application, condition=condition, answer=answer, statement=STATEMENT)
    PriorityItem.objects.create(
        application=application,
        kind=PriorityKind.HONOUR,
        title="县人力资源社会保障系统优质服务窗口",
        issuer="高青县人力资源和社会保障局",
        issuer_level=IssuerLevel.COUNTY,
        issued_on=date(2024, 12, 18),
    )
    PriorityItem.objects.create(
        application=application,
        kind=PriorityKind.PROMOTION_AWARD,
        title="人力资源服务机构促就业项目奖励",
        issuer="淄博市人力资源和社会保障局",
        issuer_level=IssuerLevel.CITY,
        issued_on=date(2025, 6, 30),
    )
    for name in ("营业执照及人力资源服务许可证.pdf", "服务大厅功能分区照片.jpg", "近三年服务台账汇总表.xlsx"):
        _attachment(application, purpose=AttachmentPurpose.EVIDENCE, name=name)
    if seal:
        png = seal_png(institution.name)
        _attachment(application, purpose=AttachmentPurpose.SEAL, name="公章.png", content=png, content_type="image/png")
    return application


def pdf_text(pdf: bytes, folder) -> str:
    """The text in drawing order (-raw: table cells do not interleave), without the page footers."""
    text = poppler(["pdftotext", "-raw"], pdf, folder, "-")
    return re.sub(r"^第 \d+ 页 共 \d+ 页$", "", text, flags=re.MULTILINE)


def squeezed(text: str) -> str:
    """Text without any whitespace: line breaks from wrapping and ideographic spaces do not count."""
    return re.sub(r"\s", "", text)


def poppler(command: list[str], pdf: bytes, folder, *args) -> str:
    path = folder / "form.pdf"
    path.write_bytes(pdf)
    return subprocess.run([*command, str(path), *args], capture_output=True, text=True, check=True).stdout


@pytest.fixture(scope="module")
def filled_form(django_db_setup, django_db_blocker, tmp_path_factory):
    """The PDF of `make_application()`, rendered once for the read-only checks (a render takes about a second).

    The rows are rolled back afterwards, so no other test sees them.
    """
    media = tmp_path_factory.mktemp("media")
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=media), transaction.atomic():
        pdf = application_pdf(make_application())
        transaction.set_rollback(True)
    return pdf


@pytest.fixture(scope="module")
def filled_form_text(filled_form, tmp_path_factory):
    return squeezed(pdf_text(filled_form, tmp_path_factory.mktemp("text")))


# --- the form's content --------------------------------------------------------------------------------


def test_annex2_pdf_prints_the_filled_in_form(filled_form_text):
    text = filled_form_text

    assert text.startswith("附件2就业服务质量县级标杆机构评定申报表申报机构高青县鲁中人力资源服务有限公司")
    assert "主要负责人王建国（总经理，0533-6961234）" in text
    assert f"申报机构承诺{COMMITMENT}（盖章）2026年11月23日" in text
    assert text.endswith("县人力资源社会保障部门意见：（盖章）年月日县发改部门意见：（盖章）年月日县民政部门意见：（盖章）年月日")


def test_annex2_pdf_prints_a_1000_character_work_record_in_full(filled_form_text):
    text = filled_form_text

    assert len(WORK_RECORD) == 1000
    assert f"字数在1000字以内）{squeezed(WORK_RECORD)}评定条件自查情况" in text


def test_annex2_pdf_prints_every_self_check_row(filled_form_text):
    rows = [("1", BASIC_CONDITIONS[0], "符合"), ("5", BASIC_CONDITIONS[4], "符合"), ("1", LEVEL_CONDITIONS[0], "不适用")]
    rows += [("5", LEVEL_CONDITIONS[4] + "（优先评定条款）", "符合")]

    text = filled_form_text

    assert text.count(STATEMENT) == 11
    for number, condition, result in rows:
        assert f"{number}{squeezed(condition)}{result}{STATEMENT}" in text


def test_annex2_pdf_prints_priority_items_and_evidence_files(filled_form_text):
    text = filled_form_text

    first = "1荣誉称号（优质服务窗口、就业创业工作先进集体等）县人力资源社会保障系统优质服务窗口高青县人力资源和社会保障局"
    second = "2人力资源服务机构促就业项目奖励人力资源服务机构促就业项目奖励淄博市人力资源和社会保障局"
    assert f"{first}县级2024年12月18日{second}市级2025年6月30日" in text
    assert "3近三年服务台账汇总表.xlsx佐证材料17字节" in text
    assert "公章.png" not in text


def test_annex2_pdf_stamps_the_seal_image(filled_form, tmp_path):
    listing = poppler(["pdfimages", "-list"], filled_form, tmp_path).splitlines()[2:]

    images = [line.split()[2:5] for line in listing]
    assert images == [["image", "480", "480"], ["smask", "480", "480"]]  # the seal, with its transparency mask


@pytest.mark.django_db
def test_annex2_pdf_without_commitment_date_or_seal_leaves_both_blank(tmp_path):
    application = make_application(seal=False, commitment_date=None)
    pdf = application_pdf(application)

    text = squeezed(pdf_text(pdf, tmp_path))

    assert f"申报机构承诺{COMMITMENT}（盖章）年月日县人力资源社会保障部门意见：" in text
    assert "2026年11月23日" not in text
    assert poppler(["pdfimages", "-list"], pdf, tmp_path).splitlines()[2:] == []


@pytest.mark.django_db
def test_annex2_pdf_prints_department_opinion_when_present(tmp_path, monkeypatch):
    application = make_application(seal=False)
    lead = application.round.programme.lead_department
    opinion = SimpleNamespace(get_verdict_display="同意", text="经审核，推荐。", signed_on=date(2026, 12, 4))
    monkeypatch.setattr(application_pdf_module, "department_opinions_for", lambda application: {lead.pk: opinion})

    text = squeezed(pdf_text(application_pdf(application), tmp_path))

    assert "县人力资源社会保障部门意见：同意。经审核，推荐。（盖章）2026年12月4日县发改部门意见：（盖章）年月日" in text


# --- layout: seals and pages ----------------------------------------------------------------------------

DPI = 144
PAGE_MARGIN_PT = 2.5 / 2.54 * 72
# A distinct hue for each seal (PIL's HSV scale, 0-255), so the rendered page shows whose seal each red pixel is. The
# applicant's seal (seal_png) is red.
APPLICANT_HUE = 0
DEPARTMENT_SEALS = [  # (colour, image size): round, tall and narrow, wide and short, round
    ((0, 150, 0, 235), (480, 480)),
    ((0, 0, 210, 235), (120, 600)),
    ((0, 160, 160, 235), (700, 140)),
    ((190, 0, 190, 235), (400, 400)),
]
OPINION_TEXT = "经审核，该机构符合评定条件，同意推荐。" * 3


def framed_seal_png(size: tuple[int, int], colour: tuple) -> bytes:
    """A seal whose ink reaches all four edges of the image (a frame and a dot), so the ink's extent is the image's."""
    width, height = size
    image = Image.new("RGBA", size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, width - 1, height - 1), outline=colour, width=12)
    radius = min(width, height) / 4
    draw.ellipse((width / 2 - radius, height / 2 - radius, width / 2 + radius, height / 2 + radius), fill=colour)
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def hue(rgb: tuple) -> int:
    return Image.new("RGB", (1, 1), rgb[:3]).convert("HSV").getpixel((0, 0))[0]


def page_images(pdf: bytes, folder) -> list[Image.Image]:
    poppler(["pdftoppm", "-r", str(DPI), "-png"], pdf, folder, str(folder / "page"))
    files = sorted(folder.glob("page-*.png"), key=lambda path: int(path.stem.rsplit("-", 1)[1]))
    return [Image.open(path).convert("RGB") for path in files]


def words_by_page(pdf: bytes, folder) -> list[list[tuple[str, float]]]:
    """Each page's words with the top of each, in pixels at DPI."""
    html = poppler(["pdftotext", "-bbox"], pdf, folder, "-")
    pages = []
    for page in re.findall(r"<page .*?</page>", html, flags=re.DOTALL):
        words = re.findall(r'<word xMin="[\d.]+" yMin="([\d.]+)" xMax="[\d.]+" yMax="[\d.]+">([^<]*)</word>', page)
        pages.append([(word, float(top) * DPI / 72) for top, word in words])
    return pages


def ink_box(page: Image.Image, seal_hue: int) -> tuple[int, int, int, int] | None:
    """(left, top, right, bottom) of the page's coloured pixels of this hue (a seal's ink); black text and rules have
    no colour. None if there are none."""
    hues, saturation, value = page.convert("HSV").split()
    coloured = saturation.point(lambda s: 255 if s > 90 else 0)
    lit = value.point(lambda v: 255 if v > 60 else 0)
    near = hues.point(lambda h: 255 if min(abs(h - seal_hue), 256 - abs(h - seal_hue)) < 20 else 0)
    return ImageChops.multiply(ImageChops.multiply(coloured, lit), near).getbbox()


def ruled_box(page: Image.Image, y: float) -> tuple[int, int, int, int]:
    """(left, top, right, bottom) of the table row at height y: the rules around it, found as dark lines (or rows and
    columns of pixels dark for at least 90% of the table's width or the row's height)."""
    dark = page.convert("L").point(lambda v: 255 if v < 160 else 0)
    width, height = page.size
    margin = round(PAGE_MARGIN_PT * DPI / 72)
    across = dark.crop((margin, 0, width - margin, height)).resize((1, height), Image.Resampling.BOX)
    rules = [row for row in range(height) if across.getpixel((0, row)) > 0.9 * 255]
    top = max(row for row in rules if row < y)
    bottom = min(row for row in rules if row > y)
    down = dark.crop((0, top, width, bottom)).resize((width, 1), Image.Resampling.BOX)
    columns = [x for x in range(width) if down.getpixel((x, 0)) > 0.9 * 255]
    return min(columns), top, max(columns), bottom


@pytest.mark.django_db
def test_annex2_pdf_keeps_each_seal_inside_its_own_box(tmp_path):
    """Four departments sign, with seals of different shapes: each seal is drawn inside its own box, clear of the
    rules around it (before, each seal hung over the next box and the table's bottom edge)."""
    application = make_application()
    programme = application.round.programme
    finance = DepartmentFactory(kind=DepartmentKind.FINANCE, name="高青县财政局", short_name="")
    ProgrammeDepartment.objects.create(programme=programme, department=finance, order=3)
    signer = UserFactory()
    links = programme.programme_departments.select_related("department").order_by("order", "pk")
    assert len(links) == len(DEPARTMENT_SEALS)
    for link, (colour, size) in zip(links, DEPARTMENT_SEALS, strict=True):
        opinion = DepartmentOpinion(
            application=application,
            department=link.department,
            verdict=OpinionVerdict.AGREE,
            text=OPINION_TEXT,
            signed_by=signer,
            signed_on=date(2026, 12, 4),
        )
        opinion.seal.save("seal.png", ContentFile(framed_seal_png(size, colour)), save=False)
        opinion.save()
    boxes = [("申报机构承诺", APPLICANT_HUE)]
    for link, (colour, _) in zip(links, DEPARTMENT_SEALS, strict=True):
        boxes.append((opinion_box_title(programme, link.department), hue(colour)))

    pdf = application_pdf(application)

    pages = page_images(pdf, tmp_path)
    words = words_by_page(pdf, tmp_path)
    for title, seal_hue in boxes:
        [number] = [n for n, page_words in enumerate(words) if any(title in word for word, _ in page_words)]
        title_top = next(top for word, top in words[number] if title in word)
        left, top, right, bottom = ruled_box(pages[number], title_top + 5)
        ink = ink_box(pages[number], seal_hue)
        assert ink is not None, title
        # getbbox() ends one past the last inked pixel; the rules are the first dark rows and columns outside.
        inside = left < ink[0] and top < ink[1] and ink[2] <= right and ink[3] <= bottom
        assert inside, (title, ink, (left, top, right, bottom))
        assert [n for n, page in enumerate(pages) if ink_box(page, seal_hue)] == [number], title


def test_annex2_pdf_leaves_no_page_mostly_empty(filled_form, tmp_path):
    """Every page but the last is filled at least two-thirds down: nothing pushes a long block to the next page
    (before, the commitment and opinion boxes moved as one block and left most of page 4 empty)."""
    pages = page_images(filled_form, tmp_path)
    margin = PAGE_MARGIN_PT * DPI / 72

    assert len(pages) > 1
    for number, page in enumerate(pages[:-1], 1):
        grey = page.convert("L")
        width, height = page.size
        body = grey.crop((0, 0, width, round(height - margin)))  # without the footer, which is in the bottom margin
        lowest = body.point(lambda value: 255 if value < 200 else 0).getbbox()[3]
        assert (lowest - margin) / (height - 2 * margin) > 2 / 3, f"page {number}"


# --- fonts and paper -------------------------------------------------------------------------------------


def test_annex2_pdf_embeds_every_font_as_a_subset(filled_form, tmp_path):
    listing = poppler(["pdffonts"], filled_form, tmp_path).splitlines()[2:]

    fonts = [line.split() for line in listing]
    for font in fonts:
        name, emb, sub, uni = font[0], font[-5], font[-4], font[-3]
        assert (emb, sub, uni) == ("yes", "yes", "yes"), font
        assert re.fullmatch(r"[A-Z]{6}\+\S+", name), name
    # Only the two families the form names: no glyph fell back to a Latin system font.
    assert sorted(name.split("+", 1)[1] for name, *_ in fonts) == ["Noto-Sans-CJK-SC-Bold", "Noto-Serif-CJK-SC"]


def test_annex2_pdf_is_a4_portrait(filled_form, tmp_path):
    info = poppler(["pdfinfo"], filled_form, tmp_path)

    assert re.search(r"^Page size:\s+595\.\d+ x 841\.\d+ pts", info, re.MULTILINE), info


# --- box titles ------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_opinion_box_title_follows_programme_level_and_department_kind():
    programme = ProgrammeFactory(level=Level.CITY)
    hr = DepartmentFactory(kind=DepartmentKind.HR)
    finance = DepartmentFactory(kind=DepartmentKind.FINANCE)

    assert opinion_box_title(programme, hr) == "市人力资源社会保障部门意见："
    assert opinion_box_title(programme, finance) == "市财政部门意见："


@pytest.mark.django_db
def test_opinion_box_title_other_department_uses_short_name_once():
    programme = ProgrammeFactory(level=Level.COUNTY)
    education = DepartmentFactory(kind=DepartmentKind.OTHER, short_name="县教体局")
    bureau = DepartmentFactory(kind=DepartmentKind.OTHER, short_name="退役军人事务局")

    assert opinion_box_title(programme, education) == "县教体局意见："
    assert opinion_box_title(programme, bureau) == "县退役军人事务局意见："


# --- the URL fetcher ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "http://example.com/seal.png",
        "https://example.com/font.woff2",
        "ftp://example.com/x.png",
        "data:image/png;base64,iVBORw0KGgo=",
        "file:///etc/passwd",
        "file://otherhost/usr/share/fonts/x.ttf",
    ],
)
def test_fetcher_refuses_network_and_files_outside_allowed_folders(url):
    with pytest.raises(ValueError):
        LocalFileFetcher().fetch(url)


def test_fetcher_refuses_climbing_out_of_static_folder():
    url = (settings.BASE_DIR / "static").as_uri() + "/../config/settings.py"

    with pytest.raises(ValueError):
        LocalFileFetcher().fetch(url)


def test_fetcher_reads_static_file():
    path = settings.BASE_DIR / "static" / "img" / "mark.svg"

    response = LocalFileFetcher().fetch(path.as_uri())

    assert response.read() == path.read_bytes()
    assert response.content_type == "image/svg+xml"
