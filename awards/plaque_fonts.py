"""The fonts of the plaque and of official documents: which file each role uses (the newest active upload, else a free
Debian stand-in), the checks an uploaded font passes, and the subset of each font a PDF embeds (HarfBuzz through
uharfbuzz). The stand-ins and why they were chosen: docs/documents.md."""

import hashlib
import logging
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import uharfbuzz as hb
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.utils.translation import gettext as _
from fontTools.ttLib import TTCollection, TTFont

from awards.enums import FontRole
from awards.models import PlaqueFont
from portal.files import local_copy

logger = logging.getLogger(__name__)

NOTO = Path("/usr/share/fonts/opentype/noto")
WENKAI = Path("/usr/share/fonts/truetype/lxgw-wenkai")
# Debian packages fonts-noto-cjk and fonts-lxgw-wenkai (the Makefile's RUNTIME_PACKAGES). Debian has no free 仿宋 with
# simplified characters (fonts-cwtex-fs draws traditional ones only): 仿宋 is a 宋体 cut, so Noto Serif (思源宋体)
# stands in, which keeps the text apart from the 楷体 headings.
STAND_INS = {
    FontRole.WEIBEI: WENKAI / "LXGWWenKai-Bold.ttf",
    FontRole.HEITI: NOTO / "NotoSansCJK-Bold.ttc",
    FontRole.BIAOSONG: NOTO / "NotoSerifCJK-Bold.ttc",
    FontRole.FANGSONG: NOTO / "NotoSerifCJK-Regular.ttc",
    FontRole.KAITI: WENKAI / "LXGWWenKai-Regular.ttf",
}
PLAQUE_ROLES = (FontRole.WEIBEI, FontRole.HEITI)
DOCUMENT_ROLES = (FontRole.BIAOSONG, FontRole.FANGSONG, FontRole.KAITI, FontRole.HEITI)
# A font must draw these to be of any use on a plaque or a document (validate_font_file, face choice in a collection).
PROBE_CHARS = "就业服务质量标杆机构"
SFNT_MAGIC = (b"\x00\x01\x00\x00", b"OTTO", b"true", b"ttcf")


@dataclass(frozen=True)
class FaceInfo:
    """The face of a font file a PDF uses (a collection holds several), its family, and the family's ASCII letters:
    WeasyPrint writes the CSS family into the PDF font name without escaping, so the aliases are made of these."""

    index: int
    family: str
    ascii_family: str

    @property
    def alias(self) -> str:
        """The plaque's family name for the face."""
        return f"{self.ascii_family} Plaque"


# --- fonts ------------------------------------------------------------------------------------------------------------


def plaque_fonts() -> dict[str, Path]:
    """The font file of each role of the plaque (`PLAQUE_ROLES`); see `role_fonts`."""
    return role_fonts(
        PLAQUE_ROLES, missing=_("没有可用的奖牌字体（%(role)s）：请上传字体文件，或安装系统字体 %(path)s。")
    )


def document_fonts() -> dict[str, Path]:
    """The font file of each role of an official document (`DOCUMENT_ROLES`); see `role_fonts`."""
    return role_fonts(
        DOCUMENT_ROLES, missing=_("没有可用的公文字体（%(role)s）：请上传字体文件，或安装系统字体 %(path)s。")
    )


def role_fonts(roles, *, missing: str) -> dict[str, Path]:
    """The font file of each of `roles`: the newest active upload whose file exists (a local copy of it when the
    uploads are in an object store), else the Debian stand-in.

    Raises ImproperlyConfigured with `missing` when a role has neither (the stand-in packages are in the Makefile's
    RUNTIME_PACKAGES).
    """
    fonts: dict[str, Path] = {}
    for font in PlaqueFont.objects.filter(active=True, role__in=roles).order_by("-uploaded_at", "-pk"):
        if font.role in fonts:
            continue
        path = local_copy(font.file)  # HarfBuzz and fontTools read a file on the local disk
        if path is not None:
            fonts[font.role] = path
        else:
            logger.warning("Font %s (%s) has no file %s; using an older one or the stand-in", font.pk, font, font.file.name)
    for role in roles:
        if role not in fonts:
            if not STAND_INS[role].is_file():
                raise ImproperlyConfigured(missing % {"role": FontRole(role).label, "path": STAND_INS[role]})
            fonts[role] = STAND_INS[role]
    return {role: fonts[role] for role in roles}


def face_info(path: Path) -> FaceInfo:
    """The face a PDF uses in `path`: in a collection the Simplified Chinese one (Noto CJK: SC, not JP)."""
    stat = path.stat()
    return _face_info(str(path), stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=16)
def _face_info(path: str, mtime_ns: int, size: int) -> FaceInfo:
    faces = _open_faces(path)
    try:
        index = _plaque_face(faces)
        family = _family_name(faces[0 if index is None else index])
    finally:
        for face in faces:
            face.close()
    ascii_family = (
        re.sub(r"[^A-Za-z0-9 ]+", "", family).strip() or f"Font {hashlib.sha1(path.encode(), usedforsecurity=False).hexdigest()[:8]}"
    )
    return FaceInfo(index=index or 0, family=family, ascii_family=ascii_family)


def _plaque_face(faces: list[TTFont]) -> int | None:
    """The first face drawing PROBE_CHARS, Simplified Chinese faces tried first; None if none does."""
    simplified_first = sorted(
        range(len(faces)), key=lambda index: not re.search(r"\b(SC|CN|GB|Hans|PRC)\b", _family_name(faces[index]))
    )
    return next((index for index in simplified_first if _covers(faces[index], PROBE_CHARS)), None)


def _open_faces(source) -> list[TTFont]:
    """Every face of a TTF/OTF/TTC, read lazily (only the tables asked for are parsed)."""
    if isinstance(source, str):
        with open(source, "rb") as file:
            magic = file.read(4)
    else:
        magic = source.read(4)
        source.seek(0)
    if magic == b"ttcf":
        return list(TTCollection(source, lazy=True).fonts)
    return [TTFont(source, lazy=True)]


def _family_name(face: TTFont) -> str:
    name = face["name"]
    return str(name.getDebugName(16) or name.getDebugName(1) or "")


def _covers(face: TTFont, chars: str) -> bool:
    cmap = face.getBestCmap() or {}
    return all(ord(char) in cmap for char in chars)


def validate_font_file(fileobj) -> None:
    """Refuse an upload that is not a TTF/OTF/TTC font drawing common Chinese characters, or may not be embedded."""
    fileobj.seek(0)
    if fileobj.read(4) not in SFNT_MAGIC:
        raise ValidationError(_("请上传 TTF、OTF 或 TTC 格式的字体文件。"), code="font_format")
    fileobj.seek(0)
    try:
        faces = _open_faces(fileobj)
        if not all(_is_complete(face) for face in faces):
            raise ValueError("a face lacks tables every font has")
        index = _plaque_face(faces)
        restricted = index is not None and _embedding_restricted(faces[index])
    except Exception:  # fontTools raises many kinds of errors on a damaged file
        raise ValidationError(_("无法读取该字体文件，文件可能已损坏。"), code="font_unreadable")
    finally:
        fileobj.seek(0)
    if index is None:
        raise ValidationError(
            _("该字体缺少常用汉字（如“%(chars)s”）的字形，不能用于奖牌或公文。") % {"chars": PROBE_CHARS},
            code="font_no_cjk",
        )
    if restricted:
        raise ValidationError(
            _("该字体的授权不允许嵌入 PDF 文件，请向字体厂商取得可嵌入的授权。"), code="font_not_embeddable"
        )


def _is_complete(face: TTFont) -> bool:
    required = ("cmap", "head", "hhea", "hmtx", "maxp", "name", "OS/2")
    return all(tag in face for tag in required) and any(tag in face for tag in ("glyf", "CFF ", "CFF2"))


def _embedding_restricted(face: TTFont) -> bool:
    # OS/2 fsType: 0x0002 restricted licence, 0x0100 no subsetting, 0x0200 bitmap only; the plaque embeds subsets.
    fs_type = face["OS/2"].fsType
    return bool(fs_type & 0x0302) and not fs_type & 0x000C


# --- subsetting (HarfBuzz's subsetter through uharfbuzz) --------------------------------------------------------------

# Why not fontTools' subsetter: it parses the whole font again for every subset (it prunes the font in place, and a
# copy of a parsed font costs more than a parse): ~0.5 s of CPU per plaque on the stand-ins, 15 × a bare render,
# against ~1.5 ms here. The uharfbuzz wheel brings its own HarfBuzz; only bytes pass between it and Pango's.
GSUB = int.from_bytes(b"GSUB", "big")


def subset_font(path: Path, index: int, chars: str) -> bytes:
    """A font of only `chars`, glyph ids renumbered from 1.

    GSUB goes: its closure is three quarters of the time on Noto CJK, and horizontal Chinese text from a Simplified
    Chinese face needs none of its substitutions (WeasyPrint drops GSUB from the PDF anyway). GPOS stays (kerning).
    """
    stat = path.stat()
    subset_input = hb.SubsetInput()
    subset_input.unicode_set.update(ord(char) for char in set(chars))
    subset_input.flags = hb.SubsetFlags.NO_HINTING
    subset_input.drop_table_tag_set.add(GSUB)
    return hb.subset(_source_face(str(path), index, stat.st_mtime_ns, stat.st_size), subset_input).blob.data


@lru_cache(maxsize=8)
def _source_face(path: str, index: int, mtime_ns: int, size: int) -> hb.Face:
    """The face, opened once per process: HarfBuzz maps the file, and every later subset of it reads the mapping."""
    return hb.Face(hb.Blob.from_file_path(path), index)


