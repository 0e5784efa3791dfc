"""Official documents (公文) laid out as GB/T 9704-2012 prescribes: the departments' announcement and the upward
report render through `official_pdf` on templates that extend `documents/official.html` (docs/documents.md).

The context a template gets (and the base reads):
- `doc`: an `OfficialDocument` (issuers, document number, title, addressee, paragraphs, annexes, written date, seals,
  copy-to, printing office and date, public note, draft), with the layout worked out from it (`masthead`, `blocks`,
  `signers`, `seal_rows`);
- `fonts`: added by `official_pdf`, the CSS family and file of each role (`biaosong`, `fangsong`, `kaiti`, `heiti`);
- whatever the extending template adds for its own blocks (`annex`).

Fonts: the newest active licensed font of each role, else a free Debian stand-in (awards.plaque_fonts). As for the
plaque, each render cuts every font down with HarfBuzz to the characters of this document and names the cut under an
alias numbered by the render, so fontconfig never takes the installed full font of the same family instead.
"""

import re
import string
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit
from urllib.request import url2pathname

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _
from weasyprint import HTML
from weasyprint.urls import URLFetcherResponse

from awards.plaque import _font_configuration as shared_font_configuration  # one FontConfiguration per process
from awards.plaque import text_em
from awards.plaque_fonts import document_fonts, face_info, subset_font
from portal.files import process_folder
from portal.pdf import LocalFileFetcher, _render_lock  # one WeasyPrint render at a time per process, all PDFs

PT_MM = 25.4 / 72
TYPE_AREA_WIDTH_MM = 156.0  # 版心 156 × 225 mm (GB/T 9704 5.2.1)
# 发文机关标志 (7.2.4): no size is set; a single issuer up to 42 pt (about the 1999 edition's 15 mm a character), the
# names of a joint document up to 36 pt with 「文件」 1.8 times their size, all within the 版心's width.
MASTHEAD_MAX_PT, JOINT_MAX_PT, WENJIAN_SCALE, WENJIAN_GAP_EM = 42.0, 36.0, 1.8, 0.5
TEXT_CHAR_MM = TYPE_AREA_WIDTH_MM / 28  # 3号 with the grid's letter-spacing: 28 characters a line (5.2.3)
SEAL_CELL_MARGIN_MM = 4.0
TITLE_CHARS = 20  # 2号 (22 pt) characters on a line of the 版心
# Where a title may break (7.3.1: 「回行时，要做到词意完整」): after these words.
TITLE_BREAKS = ("关于", "年度", "县级", "市级", "省级", "机构", "名单", "工作", "方案", "的", "、", "和", "及")
# Headings (7.3.3): 「一、」 黑体, 「（一）」 楷体, 「1.」 and 「（1）」 仿宋, like the text.
HEADING_LEVELS = (
    (1, re.compile(r"[一二三四五六七八九十]+、")),
    (2, re.compile(r"[（(][一二三四五六七八九十]+[）)]")),
    (3, re.compile(r"[0-9]+[.．]")),
    (4, re.compile(r"[（(][0-9]+[）)]")),
)
ANNEX_NOTE = re.compile(r"附件[：:]\s*(.*)")
ANNEX_NUMBER = re.compile(r"[0-9]+[.．]\s*")
PAGE_NUMBER_CHARS = "— 0123456789"


@dataclass(frozen=True)
class Paragraph:
    """A paragraph of the text: `level` 0 for plain text, else the heading level its marker gives; `heading` is the
    marker's sentence (to the first 。, or the whole paragraph), `text` what follows it in the text's font."""

    level: int
    heading: str
    text: str


@dataclass(frozen=True)
class MastheadLine:
    text: str
    spacing_pt: float  # letter-spacing that stretches a shorter name to the longest one (分散对齐)

    @property
    def head(self) -> str:
        return self.text[:-1]

    @property
    def last(self) -> str:
        return self.text[-1:]


@dataclass(frozen=True)
class Masthead:
    """发文机关标志: one line 「<issuer>文件」, or the issuers' names one a line with 「文件」 centred to their right."""

    lines: tuple[MastheadLine, ...]
    size_pt: float
    wenjian_pt: float  # 0 when 「文件」 is part of the single line

    @property
    def joint(self) -> bool:
        return self.wenjian_pt > 0

    @property
    def gap_pt(self) -> float:
        """The space between the names and 「文件」."""
        return round(self.size_pt * WENJIAN_GAP_EM, 2)


@dataclass(frozen=True)
class Signer:
    name: str
    seal: str  # file:// URI of the seal image, "" for none


@dataclass
class OfficialDocument:
    issuers: list[str]  # 发文机关 (the lead first): the 版头's 发文机关标志 and the signatures
    document_number: str  # 发文字号: 高人社字〔2022〕12号
    title: str  # 标题
    written: str  # 成文日期, as printed: 2022年12月20日
    paragraphs: list[str] = field(default_factory=list)  # 正文, one string per paragraph
    addressee: str = ""  # 主送机关
    seals: list[str] = field(default_factory=list)  # file:// URIs of the issuers' seal images, in their order ("" none)
    copy_to: str = ""  # 版记: 抄送
    printed_by: str = ""  # 版记: 印发机关
    printed_on: str = ""  # 版记: 印发日期
    public_note: str = ""  # 附注: （此件主动公开）
    draft: bool = False  # a draft says so and bears no seal
    annexes: list[str] = field(default_factory=list)  # 附件说明: the annexes' names, in order

    @property
    def masthead(self) -> Masthead:
        return masthead_layout(self.issuers)

    @property
    def title_lines(self) -> list[str]:
        return title_lines(self.title)

    @property
    def blocks(self) -> list[Paragraph]:
        return [paragraph_block(text) for text in self.paragraphs]

    @property
    def signers(self) -> list[Signer]:
        """The issuers with their seals (none on a draft)."""
        seals = [] if self.draft else self.seals
        return [Signer(name, seals[i] if i < len(seals) else "") for i, name in enumerate(self.issuers)]

    @property
    def sealed(self) -> bool:
        """Whether the signature is laid out as 7.3.5.1 has it for sealed documents (else 7.3.5.2)."""
        return any(signer.seal for signer in self.signers)

    @property
    def seal_rows(self) -> list[list[Signer | None]]:
        """A joint sealed document's signers in rows of equal cells (7.3.5.1: 「按照发文机关顺序整齐横向排列」, the
        seals within the 版心): three a row when the names fit a third of the width on one line, else two (two for
        four issuers: two even rows); a short last row keeps to the right, over the date."""
        signers = self.signers
        longest_mm = max((text_em(signer.name) for signer in signers), default=0) * TEXT_CHAR_MM
        per_row = 1
        for columns in (3, 2):
            if len(signers) >= columns and longest_mm <= TYPE_AREA_WIDTH_MM / columns - SEAL_CELL_MARGIN_MM:
                per_row = 2 if columns == 3 and len(signers) == 4 else columns
                break
        rows: list[list[Signer | None]] = [signers[i : i + per_row] for i in range(0, len(signers), per_row)]
        if rows and len(rows[-1]) < per_row:
            rows[-1] = [None] * (per_row - len(rows[-1])) + rows[-1]
        return rows


def paragraph_block(text: str) -> Paragraph:
    """The paragraph with its heading level, from the marker it starts with (「一、」「（一）」「1.」「（1）」)."""
    for level, marker in HEADING_LEVELS:
        if marker.match(text):
            end = text.find("。") + 1 or len(text)
            return Paragraph(level=level, heading=text[:end], text=text[end:])
    return Paragraph(level=0, heading="", text=text)


def title_lines(title: str) -> list[str]:
    """The title as one line, or two at a word boundary (`TITLE_BREAKS`) with lines as even as can be (7.3.1: 「排列
    对称，长短适宜」); [title] when no such break fits, for the renderer to wrap."""
    total = text_em(title)
    if total <= TITLE_CHARS:
        return [title]
    splits = [
        (abs(text_em(title[:end]) - text_em(title[end:])), end)
        for word in TITLE_BREAKS
        for end in (match.end() for match in re.finditer(re.escape(word), title))
        if 0 < end < len(title) and max(text_em(title[:end]), text_em(title[end:])) <= TITLE_CHARS
    ]
    if not splits:
        return [title]
    end = min(splits)[1]
    return [title[:end], title[end:]]


def split_annex_note(paragraphs: list[str]) -> tuple[list[str], list[str]]:
    """The text without its closing 附件说明 (「附件：1.… / 2.…」), and the annexes' names it gives.

    Why: a 附件说明 typed as the last paragraphs of the text is laid out as 7.3.4 has it (after the text, 「附件」 two
    characters in, names aligned), not as a paragraph of it.
    """
    for start in range(len(paragraphs) - 1, -1, -1):
        if match := ANNEX_NOTE.fullmatch(paragraphs[start].strip()):
            tail = [match[1], *paragraphs[start + 1 :]]
            if all(ANNEX_NUMBER.match(line.strip()) for line in tail[1:]):
                names = [ANNEX_NUMBER.sub("", line.strip(), count=1).rstrip("。") for line in tail]
                return paragraphs[:start], [name for name in names if name]
            break
    return paragraphs, []


def masthead_layout(issuers: list[str]) -> Masthead:
    """The 发文机关标志's sizes in pt: the largest that keep it within the 版心's width (7.2.4). Called while the
    document renders, in Chinese (`document_html`)."""
    width_pt = TYPE_AREA_WIDTH_MM / PT_MM
    if len(issuers) <= 1:
        text = (issuers[0] if issuers else "") + _("文件")
        size = min(MASTHEAD_MAX_PT, width_pt / max(text_em(text), 1))
        return Masthead(lines=(MastheadLine(text, 0.0),), size_pt=_floor_half(size), wenjian_pt=0.0)
    longest = max(text_em(name) for name in issuers)
    size = _floor_half(min(JOINT_MAX_PT, width_pt / (longest + WENJIAN_GAP_EM + 2 * WENJIAN_SCALE)))
    lines = tuple(
        MastheadLine(name, round((longest - text_em(name)) * size / (len(name) - 1), 2) if len(name) > 1 else 0.0)
        for name in issuers
    )
    return Masthead(lines=lines, size_pt=size, wenjian_pt=_floor_half(size * WENJIAN_SCALE))


def _floor_half(value: float) -> float:
    return int(value * 2) / 2


# --- rendering --------------------------------------------------------------------------------------------------------


def _workdir() -> Path:
    """This process's folder for the font cuts of the document being rendered (each render removes its own)."""
    return process_folder("document-")


class DocumentFileFetcher(LocalFileFetcher):
    """LocalFileFetcher that also serves the font cuts of the document being rendered."""

    def fetch(self, url, headers=None):
        parts = urlsplit(url)
        if parts.scheme == "file" and parts.netloc == "":
            path = Path(url2pathname(parts.path)).resolve()
            if path.parent == _workdir().resolve():
                return URLFetcherResponse(path.as_uri(), body=path.read_bytes(), headers={"Content-Type": "font/sfnt"})
        return super().fetch(url, headers)


@contextmanager
def document_html(template_name: str, context: dict, *, fonts: dict[str, Path], number: int) -> Iterator[str]:
    """The document's HTML, while the font cuts it names exist (removed on leaving).

    Each font is cut to every character of the HTML (a superset of the text: markup and style are ASCII) and the page
    numbers; `number` goes into the families' names, which must differ between renders sharing a FontConfiguration.
    """
    faces = {role: face_info(path) for role, path in fonts.items()}
    files = {role: _workdir() / f"{uuid.uuid4().hex}.sfnt" for role in fonts}
    css_fonts = {
        role: {"family": f"{faces[role].ascii_family} {role.title()}{number}", "url": files[role].as_uri()}
        for role in fonts
    }
    with translation.override(settings.LANGUAGE_CODE):  # a 公文 is Chinese, whatever the request's language
        html = render_to_string(template_name, {**context, "fonts": css_fonts})
    chars = "".join(set(html) | set(string.printable) | set(PAGE_NUMBER_CHARS))
    try:
        for role, path in fonts.items():
            files[role].write_bytes(subset_font(path, faces[role].index, chars))
        yield html
    finally:
        for path in files.values():
            path.unlink(missing_ok=True)


def official_pdf(template_name: str, context: dict) -> bytes:
    """The PDF of a template extending documents/official.html, `context["doc"]` an OfficialDocument: A4, fonts of
    `awards.plaque_fonts.document_fonts` embedded as subsets. No side effects (the font cuts are removed)."""
    fonts = document_fonts()
    base_url = (Path(settings.BASE_DIR) / "static").resolve().as_uri() + "/"
    with _render_lock:
        font_config, number = shared_font_configuration()
        with document_html(template_name, context, fonts=fonts, number=number) as html:
            document = HTML(string=html, base_url=base_url, url_fetcher=DocumentFileFetcher()).render(
                font_config=font_config
            )
            return document.write_pdf()
