"""Inspection of an uploaded evidence file before it is stored (docs/security.md item 13, ASVS L2 uploads).

``inspect_upload`` runs every check in a fixed order and raises the first failure as a
:class:`~django.core.exceptions.ValidationError` with a Chinese message and a ``code``
(see ``MESSAGES``): file count, empty file, per-file size, per-application total,
extension allow-list, magic bytes against the extension, the inside of DOCX/XLSX
archives (read from the central directory, nothing is extracted), of images, or of PDFs
(no JavaScript or launch actions: ``applications/uploads_pdf.py``), and finally the
antivirus hook (clamd, when ``settings.CLAMD_ADDRESS`` is set).

The file is read in chunks (SHA-256 is computed on the way) and always left at
position 0, so the caller can save it straight after. Storing it (random name, outside
any URL: item 14) is the caller's job.

clamd: its ``StreamMaxLength`` must be at least the largest ``Round.max_file_mb``, or
clamd answers "size limit exceeded" and the upload is refused (fail closed).
"""

from __future__ import annotations

import hashlib
import logging
import posixpath
import re
import zipfile
from dataclasses import dataclass
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from PIL import Image

from applications.clamd import ClamdError, clamd_instream
from applications.uploads_pdf import PdfEncrypted, PdfUninspectable, pdf_active_content

logger = logging.getLogger(__name__)

MB = 1024 * 1024

PDF_MIME = "application/pdf"
JPEG_MIME = "image/jpeg"
PNG_MIME = "image/png"
DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

EVIDENCE_TYPES: dict[str, str] = {
    ".pdf": PDF_MIME,
    ".jpg": JPEG_MIME,
    ".jpeg": JPEG_MIME,
    ".png": PNG_MIME,
    ".docx": DOCX_MIME,
    ".xlsx": XLSX_MIME,
}
#: Seal / signature pages: images only.
IMAGE_TYPES: dict[str, str] = {".jpg": JPEG_MIME, ".jpeg": JPEG_MIME, ".png": PNG_MIME}

# What the first bytes of each type must be. Every MIME type an allow-list may name
# needs an entry here: a type we cannot check must not be accepted.
SIGNATURES: dict[str, bytes] = {
    PDF_MIME: b"%PDF-",
    PNG_MIME: b"\x89PNG\r\n\x1a\n",
    JPEG_MIME: b"\xff\xd8\xff",
    DOCX_MIME: b"PK\x03\x04",
    XLSX_MIME: b"PK\x03\x04",
}
# The main part an Office file of that type cannot do without.
OOXML_MAIN_PART = {DOCX_MIME: "word/document.xml", XLSX_MIME: "xl/workbook.xml"}
PILLOW_FORMAT = {PNG_MIME: "PNG", JPEG_MIME: "JPEG"}

# Zip-bomb limits, applied to the central directory before anything is decompressed.
ZIP_MAX_ENTRIES = 2000
ZIP_MAX_UNCOMPRESSED = 200 * MB
ZIP_MAX_RATIO = 100
CONTENT_TYPES_MAX_BYTES = 1 * MB
# Decompression-bomb limit for images, checked on the header before any pixel is decoded
# (lower than Pillow's own MAX_IMAGE_PIXELS, so we never depend on its warning).
IMAGE_MAX_PIXELS = 40_000_000

MESSAGES = {
    "too_many_files": _("每份申报最多上传%(max)d个附件，已上传%(count)d个。"),
    "empty": _("文件“%(name)s”是空文件，请重新选择。"),
    "file_too_large": _("文件“%(name)s”大小为%(size)s，超过单个文件%(limit)sMB的上限。"),
    "total_too_large": _("上传文件“%(name)s”后附件总大小为%(total)s，超过每份申报%(limit)sMB的上限。"),
    "extension_not_allowed": _("只能上传 %(types)s 格式的文件。"),
    "incomplete": _("文件“%(name)s”上传不完整，请重新上传。"),
    "content_mismatch": _("文件“%(name)s”的内容与扩展名不符（扩展名为%(ext)s），请上传真实的文件。"),
    "corrupt": _("文件“%(name)s”已损坏，无法打开，请检查后重新上传。"),
    "archive_too_large": _("文件“%(name)s”解压后过大或内部条目过多，已拒绝上传。"),
    "archive_unsafe_path": _("文件“%(name)s”包含不安全的内部路径，已拒绝上传。"),
    "encrypted": _("文件“%(name)s”已加密，请上传未加密的文件。"),
    "macro": _("文件“%(name)s”包含宏，请另存为不含宏的文件后再上传。"),
    "image_too_large": _("图片“%(name)s”超过%(limit)d万像素，请缩小后再上传。"),
    "pdf_script": _(
        "PDF 文件“%(name)s”含有 JavaScript 脚本或自动执行动作，出于安全原因不予接收。请导出不含脚本的 PDF 后重新上传。"
    ),
    "pdf_uninspectable": _(
        "PDF 文件“%(name)s”的内部压缩内容过大、过多或编码方式不受支持，无法完成安全检查，已拒绝上传。"
        "请重新导出 PDF 后再上传。"
    ),
    "virus_found": _("文件“%(name)s”未通过病毒扫描，已拒绝上传。"),
    "virus_scan_unavailable": _("暂时无法完成病毒扫描，请稍后再上传。"),
}


@dataclass(frozen=True)
class UploadLimits:
    max_file_bytes: int
    max_total_bytes: int  # per application, all files together
    max_files: int  # per application

    @classmethod
    def for_round(cls, round) -> UploadLimits:  # noqa: A002 (the public name callers use)
        return cls(
            max_file_bytes=round.max_file_mb * MB,
            max_total_bytes=round.max_total_mb * MB,
            max_files=round.max_files,
        )


@dataclass(frozen=True)
class InspectedFile:
    extension: str  # ".pdf"
    content_type: str  # "application/pdf"
    size: int
    sha256: str


def human_size(n: int) -> str:
    """``"1.5 MB"``, ``"320 KB"``, ``"512 B"``; rounded up, so a file over a limit never reads as equal to it."""
    if n < 1024:
        return f"{n} B"
    kb = -(-n // 1024)
    if kb < 1024:
        return f"{kb} KB"
    tenths = -(-n * 10 // MB)
    if tenths < 10240:
        return f"{tenths // 10}.{tenths % 10} MB"
    tenths = -(-n * 10 // (1024 * MB))
    return f"{tenths // 10}.{tenths % 10} GB"


def _limit_mb(n: int) -> str:
    return str(n // MB) if n % MB == 0 else f"{n / MB:.1f}"


def _fail(code: str, **params) -> ValidationError:
    return ValidationError(MESSAGES[code], code=code, params=params)


def _types_label(allowed: dict[str, str]) -> str:
    """"PDF、JPG、PNG、DOCX、XLSX": one extension per MIME type (.jpeg is shown as JPG)."""
    first_ext: dict[str, str] = {}
    for ext, mime in allowed.items():
        first_ext.setdefault(mime, ext.lstrip(".").upper())
    return "、".join(first_ext.values())


def inspect_upload(
    uploaded,
    *,
    limits: UploadLimits,
    existing_count: int,
    existing_bytes: int,
    allowed: dict[str, str] = EVIDENCE_TYPES,
) -> InspectedFile:
    """Check *uploaded* (a Django ``UploadedFile``) before it is stored; return what was found.

    Raises ``ValidationError`` (first failing check, in the order of the module docstring).
    Side effects: reads the file (left at position 0 whatever happens), may stream it to
    clamd, logs scanner failures and detections (hash and size only, never content or name).
    """
    unknown = set(allowed.values()) - SIGNATURES.keys()
    if unknown:
        raise ValueError(f"no content check for {sorted(unknown)}; add a signature before allowing it")
    name = PurePath(uploaded.name or "").name
    try:
        size = _check_sizes(uploaded, name, limits, existing_count, existing_bytes)
        ext = PurePath(name).suffix.lower()
        if ext not in allowed:
            raise _fail("extension_not_allowed", types=_types_label(allowed))
        content_type = allowed[ext]
        head, sha256 = _hash(uploaded, name, size)
        if not head.startswith(SIGNATURES[content_type]):
            raise _fail("content_mismatch", name=name, ext=ext)
        if content_type in OOXML_MAIN_PART:
            _check_ooxml(uploaded, name, ext, OOXML_MAIN_PART[content_type])
        elif content_type in PILLOW_FORMAT:
            _check_image(uploaded, name, PILLOW_FORMAT[content_type])
        elif content_type == PDF_MIME:
            _check_pdf(uploaded, name)
        _scan_for_viruses(uploaded, name, size, sha256)
    finally:
        uploaded.seek(0)
    return InspectedFile(extension=ext, content_type=content_type, size=size, sha256=sha256)


def inspect_uploads(files, *, limits: UploadLimits) -> list[tuple[object, InspectedFile]]:
    """Each of several files uploaded together (an empty multiple-file field cleans to [None]: skipped) with what
    inspect_upload found, counting the ones before it against the limits of count and total size."""
    inspected: list[tuple[object, InspectedFile]] = []
    for uploaded in (f for f in files if f):
        found = inspect_upload(
            uploaded, limits=limits, existing_count=len(inspected), existing_bytes=sum(i.size for _u, i in inspected)
        )
        inspected.append((uploaded, found))
    return inspected


def store_inspected(model, inspected: list[tuple[object, InspectedFile]], **owner) -> None:
    """One row of `model` (an evidence model: file, original_name, size, content_type, sha256) per file that
    inspect_uploads passed, with what it found, for `owner` (e.g. objection=…)."""
    for uploaded, found in inspected:
        model.objects.create(
            **owner, file=uploaded, original_name=uploaded.name[:200], size=found.size,
            content_type=found.content_type, sha256=found.sha256,
        )


def check_totals(uploaded, *, limits: UploadLimits, existing_count: int, existing_bytes: int) -> int:
    """The count and size limits alone: callers repeat them under a lock after the slower inspection."""
    return _check_sizes(uploaded, PurePath(uploaded.name or "").name, limits, existing_count, existing_bytes)


def _check_sizes(uploaded, name: str, limits: UploadLimits, existing_count: int, existing_bytes: int) -> int:
    if existing_count >= limits.max_files:
        raise _fail("too_many_files", max=limits.max_files, count=existing_count)
    size = uploaded.size or 0
    if size <= 0:
        raise _fail("empty", name=name)
    if size > limits.max_file_bytes:
        raise _fail("file_too_large", name=name, size=human_size(size), limit=_limit_mb(limits.max_file_bytes))
    if existing_bytes + size > limits.max_total_bytes:
        raise _fail(
            "total_too_large",
            name=name,
            total=human_size(existing_bytes + size),
            limit=_limit_mb(limits.max_total_bytes),
        )
    return size


def _hash(uploaded, name: str, size: int) -> tuple[bytes, str]:
    """SHA-256 and the first bytes, in one chunked pass; the bytes read must match the declared size."""
    digest = hashlib.sha256()
    head = b""
    read = 0
    uploaded.seek(0)
    for chunk in uploaded.chunks():
        if len(head) < 16:
            head += chunk[: 16 - len(head)]
        read += len(chunk)
        if read > size:
            break
        digest.update(chunk)
    if read != size:
        raise _fail("incomplete", name=name)
    return head, digest.hexdigest()


def _unsafe_member(filename: str) -> bool:
    path = filename.replace("\\", "/")
    return path.startswith("/") or bool(re.match(r"[A-Za-z]:", path)) or ".." in path.split("/")


def _check_ooxml(uploaded, name: str, ext: str, main_part: str) -> None:
    """Zip-bomb, path, encryption, structure and macro checks on a DOCX/XLSX, without extracting it."""
    uploaded.seek(0)
    try:
        archive = zipfile.ZipFile(uploaded)
        infos = archive.infolist()
    except Exception as exc:  # hostile archives raise a zoo of exceptions; any of them means refuse
        logger.info("upload refused: unreadable archive (%s)", type(exc).__name__)
        raise _fail("corrupt", name=name) from None
    if len(infos) > ZIP_MAX_ENTRIES:
        raise _fail("archive_too_large", name=name)
    if any(_unsafe_member(info.filename) for info in infos):
        raise _fail("archive_unsafe_path", name=name)
    if any(info.flag_bits & 0x41 for info in infos):  # bit 0: encrypted, bit 6: strong encryption
        raise _fail("encrypted", name=name)
    if sum(info.file_size for info in infos) > ZIP_MAX_UNCOMPRESSED or any(
        info.file_size > ZIP_MAX_RATIO * info.compress_size for info in infos
    ):
        raise _fail("archive_too_large", name=name)
    members = {info.filename.lower(): info for info in infos}
    if len(members) != len(infos):  # duplicate names: two readers could see two different files
        raise _fail("archive_unsafe_path", name=name)
    content_types = members.get("[content_types].xml")
    if content_types is None or main_part not in members:
        raise _fail("content_mismatch", name=name, ext=ext)
    if any(posixpath.basename(member) == "vbaproject.bin" for member in members):
        raise _fail("macro", name=name)
    # A macro project may be renamed; its content type (or a macro-enabled main part) still shows.
    if content_types.file_size > CONTENT_TYPES_MAX_BYTES:
        raise _fail("archive_too_large", name=name)
    try:
        declared = archive.read(content_types).lower()
    except Exception as exc:  # bad CRC, bad deflate stream, ...
        logger.info("upload refused: unreadable [Content_Types].xml (%s)", type(exc).__name__)
        raise _fail("corrupt", name=name) from None
    if b"vbaproject" in declared or b"macroenabled" in declared:
        raise _fail("macro", name=name)


def _check_image(uploaded, name: str, pillow_format: str) -> None:
    """Header-level pixel limit first, then Pillow's verify (and a reduced decode for JPEG, whose verify is a no-op)."""
    uploaded.seek(0)
    try:
        image = Image.open(uploaded, formats=[pillow_format])
        width, height = image.size
        if width * height > IMAGE_MAX_PIXELS:
            raise _fail("image_too_large", name=name, limit=IMAGE_MAX_PIXELS // 10_000)
        image.verify()
        if pillow_format == "JPEG":
            uploaded.seek(0)
            image = Image.open(uploaded, formats=[pillow_format])
            image.draft("RGB", (max(1, width // 8), max(1, height // 8)))
            image.load()
    except ValidationError:
        raise
    except Image.DecompressionBombError:
        raise _fail("image_too_large", name=name, limit=IMAGE_MAX_PIXELS // 10_000) from None
    except Exception as exc:  # Pillow on hostile input raises many types (OSError, SyntaxError, struct.error, ...)
        logger.info("upload refused: unreadable image (%s)", type(exc).__name__)
        raise _fail("corrupt", name=name) from None


def _check_pdf(uploaded, name: str) -> None:
    """No JavaScript, no launch action; a file we cannot inspect within the bounds is refused, not passed."""
    uploaded.seek(0)
    try:
        found = pdf_active_content(uploaded.read())
    except PdfEncrypted:
        raise _fail("encrypted", name=name) from None
    except PdfUninspectable as exc:
        logger.info("upload refused: PDF not inspectable (%s)", exc)
        raise _fail("pdf_uninspectable", name=name) from None
    if found:
        logger.info("upload refused: PDF with /%s", found)
        raise _fail("pdf_script", name=name)


# --- Antivirus (clamd INSTREAM) --------------------------------------------------------------------


def _scan_for_viruses(uploaded, name: str, size: int, sha256: str) -> None:
    address = getattr(settings, "CLAMD_ADDRESS", None)
    if not address:
        return
    try:
        reply = clamd_instream(uploaded, address=address, timeout=getattr(settings, "CLAMD_TIMEOUT", 10))
    except ClamdError as exc:
        # Fail closed: an unscanned file is not accepted.
        logger.error("virus scan unavailable (sha256=%s, size=%d): %s", sha256, size, exc)
        raise _fail("virus_scan_unavailable") from None
    if reply == "stream: OK":
        return
    if reply.startswith("stream: ") and reply.endswith(" FOUND"):
        logger.warning("virus scan refused an upload: %s (sha256=%s, size=%d)", reply[8:-6], sha256, size)
        raise _fail("virus_found", name=name)
    logger.error("virus scan unavailable (sha256=%s, size=%d): unexpected reply %r", sha256, size, reply[:200])
    raise _fail("virus_scan_unavailable")
