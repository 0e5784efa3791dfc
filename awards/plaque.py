"""The plaque PDF (seed 000, last page): 540 × 380 mm, the name and title in 魏碑, the issuers and date in 黑体.

Fonts: the newest active `PlaqueFont` of each role, else the free Debian stand-ins (`STAND_INS`). Each render first
cuts the two fonts down with HarfBuzz (uharfbuzz) to the characters of this plaque and hands WeasyPrint those few-KB
files through @font-face. Why: WeasyPrint subsets keeping the glyph ids, which on CJK fonts of 30,000–65,000 glyphs
costs ~40 ms and ~60 KB of empty glyph tables per font; with the small fonts a plaque takes ~80 ms less and its PDF is
~20 KB. They are renamed (`FaceInfo.alias`) so that fontconfig never takes the installed full font of the same family
instead.
"""

import ctypes
import io
import logging
import math
import os
import unicodedata
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit
from urllib.request import url2pathname

import segno
from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _
from weasyprint import HTML
from weasyprint.text.ffi import ffi, pangoft2
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcherResponse

from awards.enums import FontRole
from awards.plaque_fonts import face_info, plaque_fonts, subset_font
from portal.files import process_folder
from portal.pdf import LocalFileFetcher, _render_lock  # one WeasyPrint render at a time per process, all PDFs

logger = logging.getLogger(__name__)

TEMPLATE = "awards/pdf/plaque.html"
# The template's geometry in mm (templates/awards/pdf/plaque.html): the text area inside the frame, the gold rules
# around the title with their gaps, and the issuers' block at the bottom right.
CONTENT_WIDTH_MM, CONTENT_HEIGHT_MM = 423.0, 293.0
RULES_MM = 2 * (0.8 + 9)
ISSUER_WIDTH_MM, ISSUER_MAX_MM = 290.0, 120.0
SLACK_MM = 3.0
PT_MM = 25.4 / 72
NAME_PT, TITLE_PT, ISSUER_PT, MIN_PT = 78, 95, 30, 20
NAME_LEADING, ISSUER_LEADING = 1.25, 1.45
FONT_CONFIG_RENDERS = 100
NO_LINE_START = "、。，．：；！？）》」』】〕〉”’"


@dataclass(frozen=True)
class PlaqueSpec:
    institution_name: str
    title: str
    issuers: tuple[str, ...]
    year_month: str
    plaque_number: str
    verify_url: str


# --- the files of a plaque being rendered -----------------------------------------------------------------------------


def _plaque_workdir() -> Path:
    """This process's folder for the files of the plaque being rendered (each render removes its own)."""
    return process_folder("plaque-")


class PlaqueFileFetcher(LocalFileFetcher):
    """LocalFileFetcher that also serves the files of the plaque being rendered (its fonts and QR code)."""

    def fetch(self, url, headers=None):
        parts = urlsplit(url)
        if parts.scheme == "file" and parts.netloc == "":
            path = Path(url2pathname(parts.path)).resolve()
            if path.parent == _plaque_workdir().resolve():
                content_type = "image/png" if path.suffix == ".png" else "font/sfnt"
                return URLFetcherResponse(path.as_uri(), body=path.read_bytes(), headers={"Content-Type": content_type})
        return super().fetch(url, headers)


# --- layout -----------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PlaqueLayout:
    """Font sizes in pt and the gap above and below the title in mm, from a width estimate (`text_em`)."""

    name_pt: int
    name_width_em: float
    title_pt: int
    issuer_pt: int
    issuer_width_mm: float
    gap_mm: float


def plaque_layout(spec: PlaqueSpec) -> PlaqueLayout:
    """The sizes that keep everything on the page: the name wraps onto two lines at 78 pt before it gets smaller."""
    name_pt = fit_font_size(spec.institution_name, max_pt=NAME_PT, width_mm=CONTENT_WIDTH_MM, max_lines=2)
    title_pt = fit_font_size(spec.title, max_pt=TITLE_PT, width_mm=CONTENT_WIDTH_MM, max_lines=1)
    issuer_pt = _issuer_size(spec.issuers)
    lines_of_issuers = [*spec.issuers, spec.year_month]
    used = (
        _block_mm([spec.institution_name], name_pt, CONTENT_WIDTH_MM, NAME_LEADING)
        + _block_mm([spec.title], title_pt, CONTENT_WIDTH_MM, NAME_LEADING)
        + RULES_MM
        + _block_mm(lines_of_issuers, issuer_pt, ISSUER_WIDTH_MM, ISSUER_LEADING)
    )
    lines = _lines(spec.institution_name, name_pt, CONTENT_WIDTH_MM)
    # Equal lines, not a full line and a short tail; the extra 0.9 em absorbs the estimate's rounding.
    name_width_em = min(math.ceil(text_em(spec.institution_name) / lines) + 0.9, CONTENT_WIDTH_MM / (name_pt * PT_MM))
    return PlaqueLayout(
        name_pt=name_pt,
        name_width_em=round(name_width_em, 2),
        title_pt=title_pt,
        issuer_pt=issuer_pt,
        issuer_width_mm=round(min(ISSUER_WIDTH_MM, (max(map(text_em, lines_of_issuers)) + 1) * issuer_pt * PT_MM), 1),
        gap_mm=round(max(0.0, (CONTENT_HEIGHT_MM - used - SLACK_MM) / 2), 1),
    )


def text_em(text: str) -> float:
    """The width of `text` in em, estimated: a CJK or full-width character 1 em, anything else 0.6 em."""
    return sum(1.0 if unicodedata.east_asian_width(char) in "WF" else 0.6 for char in text)


def fit_font_size(text: str, *, max_pt: int, width_mm: float, max_lines: int, min_pt: int = MIN_PT) -> int:
    """The largest size, from `max_pt` down in 2 pt steps, at which `text` wraps onto at most `max_lines` lines."""
    size = max_pt
    while size > min_pt and _lines(text, size, width_mm) > max_lines:
        size -= 2
    return size


def _lines(text: str, size_pt: float, width_mm: float) -> int:
    per_line = math.floor(width_mm / (size_pt * PT_MM))
    if any(char in NO_LINE_START for char in text):
        per_line -= 1  # the line breaker may carry one more character down with a ） or 、
    return max(1, math.ceil(text_em(text) / max(per_line, 1)))


def _block_mm(paragraphs: list[str], size_pt: float, width_mm: float, leading: float) -> float:
    return sum(_lines(text, size_pt, width_mm) for text in paragraphs) * size_pt * leading * PT_MM


def _issuer_size(issuers: tuple[str, ...]) -> int:
    """30 pt, smaller only when a long list of departments would not fit its block's height."""
    size = ISSUER_PT
    while size > MIN_PT and _block_mm([*issuers, "2000年12月"], size, ISSUER_WIDTH_MM, ISSUER_LEADING) > ISSUER_MAX_MM:
        size -= 2
    return size


def _qr_png(url: str) -> bytes:
    """The QR code of `url` at one pixel per module (the template scales it up without smoothing)."""
    buffer = io.BytesIO()
    segno.make(url, error="m").save(buffer, kind="png", scale=1, border=0, dark="#1b1b1b")
    return buffer.getvalue()


@contextmanager
def plaque_html(spec: PlaqueSpec, *, number: int = 0, tight: bool = False) -> Iterator[str]:
    """The plaque's HTML, while the files it names exist (its two small fonts and the QR code; removed on leaving).

    `number` goes into the fonts' family names, which must differ between renders sharing a FontConfiguration.
    `tight` drops the space around the title: the fallback should the width estimate ever let a page overflow.
    """
    fonts = plaque_fonts()
    with translation.override(settings.LANGUAGE_CODE):  # a plaque is Chinese, whatever the request's language
        labels = {"verify": _("扫码核验"), "number": _("编号：%(number)s") % {"number": spec.plaque_number}}
    texts = {
        FontRole.WEIBEI: spec.institution_name + spec.title,
        FontRole.HEITI: "".join(spec.issuers) + spec.year_month + "".join(labels.values()),
    }
    written: list[Path] = []

    def write(data: bytes, suffix: str) -> str:
        path = _plaque_workdir() / f"{uuid.uuid4().hex}{suffix}"
        path.write_bytes(data)
        written.append(path)
        return path.as_uri()

    try:
        faces = {}
        for role, path in fonts.items():
            info = face_info(path)
            data = subset_font(path, info.index, texts[role] + " ")
            faces[role] = {
                "family": f"{info.alias}{number}",
                "url": write(data, ".otf" if data[:4] == b"OTTO" else ".ttf"),
            }
        layout = plaque_layout(spec)
        context = {
            "spec": spec,
            "labels": labels,
            "weibei": faces[FontRole.WEIBEI],
            "heiti": faces[FontRole.HEITI],
            "layout": layout,
            "gap_mm": 0 if tight else layout.gap_mm,
            "qr_url": write(_qr_png(spec.verify_url), ".png"),
        }
        yield render_to_string(TEMPLATE, context)
    finally:
        for path in written:
            path.unlink(missing_ok=True)


def render_plaque(spec: PlaqueSpec) -> bytes:
    """The plaque as PDF bytes: one 540 × 380 mm page, fonts embedded as subsets. No side effects."""
    with _render_lock:
        font_config, number = _font_configuration()
        document = _render_document(spec, font_config, number=number, tight=False)
        if len(document.pages) > 1:
            logger.error(
                "Plaque %s ran onto %d pages; rendered again without the space around the title",
                spec.plaque_number,
                len(document.pages),
            )
            font_config, number = _font_configuration()
            document = _render_document(spec, font_config, number=number, tight=True)
        return document.write_pdf()


def _render_document(spec: PlaqueSpec, font_config: FontConfiguration, *, number: int, tight: bool):
    with plaque_html(spec, number=number, tight=tight) as html:
        return HTML(string=html, url_fetcher=PlaqueFileFetcher()).render(font_config=font_config)


@dataclass
class _SharedFontConfig:
    pid: int
    config: FontConfiguration
    renders: int = 0


_font_config: _SharedFontConfig | None = None
_inherited: list[FontConfiguration] = []  # a parent's, kept: dropping it would delete its font folder for all
_fontconfig = ctypes.CDLL("libfontconfig.so.1")
_fontconfig.FcConfigAppFontClear.argtypes = [ctypes.c_void_p]


def _font_configuration() -> tuple[FontConfiguration, int]:
    """The process's FontConfiguration for plaques, cleared of the last plaque's fonts, and this render's number.

    Why shared: every FontConfiguration leaks ~200 KB inside Pango (1,110 fresh ones: +220 MB). Why cleared: fontconfig
    checks every font it holds on every match, so each plaque's fonts left in would slow all later renders (~0.5 ms
    each). Their match rules stay, which is cheaper but still adds up: hence a new one every FONT_CONFIG_RENDERS.
    """
    global _font_config
    if _font_config is not None and _font_config.pid != os.getpid():
        _inherited.append(_font_config.config)
        _font_config = None
    if _font_config is None or _font_config.renders >= FONT_CONFIG_RENDERS:
        _font_config = _SharedFontConfig(pid=os.getpid(), config=FontConfiguration())
    shared = _font_config
    if shared.renders and (config := getattr(shared.config, "_config", None)) is not None:  # WeasyPrint's FcConfig
        _fontconfig.FcConfigAppFontClear(int(ffi.cast("uintptr_t", config)))
        pangoft2.pango_fc_font_map_config_changed(ffi.cast("PangoFcFontMap *", shared.config.font_map))
    shared.renders += 1
    return shared.config, shared.renders
