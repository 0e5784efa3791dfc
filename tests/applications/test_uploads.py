"""Upload inspection (docs/security.md item 13): limits, allow-list, magic bytes, archives, images, clamd."""

import hashlib
import io
import logging
import random
import socket
import struct
import threading
import zipfile
import zlib
from types import SimpleNamespace

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import HealthCheck, given
from hypothesis import settings as hyp_settings
from hypothesis import strategies as st
from PIL import Image

from applications import uploads
from applications.uploads import (
    DOCX_MIME,
    EVIDENCE_TYPES,
    IMAGE_TYPES,
    MB,
    XLSX_MIME,
    InspectedFile,
    UploadLimits,
    human_size,
    inspect_upload,
)

LIMITS = UploadLimits(max_file_bytes=1 * MB, max_total_bytes=3 * MB, max_files=3)
EICAR = rb"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"
PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + bytes(64) + b"This program cannot be run in DOS mode."

MISMATCH = "文件“{}”的内容与扩展名不符（扩展名为{}），请上传真实的文件。"
CORRUPT = "文件“{}”已损坏，无法打开，请检查后重新上传。"
ARCHIVE_TOO_LARGE = "文件“{}”解压后过大或内部条目过多，已拒绝上传。"
UNAVAILABLE = "暂时无法完成病毒扫描，请稍后再上传。"


# --- builders -------------------------------------------------------------------------------------


def image_bytes(fmt: str) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 6), (200, 30, 30)).save(buffer, fmt)
    return buffer.getvalue()


def xlsx_bytes() -> bytes:
    workbook = openpyxl.Workbook()
    workbook.active["A1"] = "服务人次"
    workbook.active["B1"] = 1234
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


CONTENT_TYPES = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    b'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    b'<Default Extension="xml" ContentType="application/xml"/>'
    b'<Override PartName="/word/document.xml" '
    b'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
    b"</Types>"
)
DOCX_PARTS = {
    "[Content_Types].xml": CONTENT_TYPES,
    "_rels/.rels": b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    b'<Relationship Id="rId1" Target="word/document.xml" '
    b'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"/>'
    b"</Relationships>",
    "word/document.xml": b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
    b"<w:body><w:p><w:r><w:t>\xe5\xb7\xa5\xe4\xbd\x9c\xe5\xae\x9e\xe7\xbb\xa9</w:t></w:r></w:p></w:body>"
    b"</w:document>",
}


def zip_bytes(parts: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def docx_bytes(**extra: bytes) -> bytes:
    return zip_bytes({**DOCX_PARTS, **extra})


def zip_bomb_bytes() -> bytes:
    """One 50 MB entry of zeros; deflated to about 50 KB, written 1 MB at a time."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        with archive.open("word/document.xml", "w") as entry:
            zeros = bytes(MB)
            for _ in range(50):
                entry.write(zeros)
    return buffer.getvalue()


def png_header(width: int, height: int) -> bytes:
    """A PNG that declares width x height but carries no pixels (Pillow reads the header only at open)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack("!L", len(data)) + kind + data + struct.pack("!L", zlib.crc32(kind + data))

    ihdr = struct.pack("!LLBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", b"") + chunk(b"IEND", b"")


@pytest.fixture(autouse=True)
def _no_clamd_unless_asked(settings):
    # settings.py reads CLAMD_ADDRESS from the environment; these tests choose their own.
    settings.CLAMD_ADDRESS = None


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


def inspect(uploaded, **overrides) -> InspectedFile:
    kwargs = {"limits": LIMITS, "existing_count": 0, "existing_bytes": 0, **overrides}
    return inspect_upload(uploaded, **kwargs)


def refusal(uploaded, **overrides) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        inspect(uploaded, **overrides)
    return caught.value


# --- a fake clamd -----------------------------------------------------------------------------------


class FakeClamd:
    """Speaks clamd's zINSTREAM on 127.0.0.1 (or a unix socket); flags data containing EICAR.

    mode: "scan" answers like clamd, "garbled" answers nonsense, "silent" never answers.
    """

    def __init__(self, mode: str = "scan", unix_path: str | None = None):
        self.mode = mode
        self.received: list[bytes] = []
        self._stop = threading.Event()
        if unix_path:
            self._server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            self._server.bind(unix_path)
            self.address = f"unix:{unix_path}"
        else:
            self._server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            self._server.bind(("127.0.0.1", 0))
            self.address = f"127.0.0.1:{self._server.getsockname()[1]}"
        self._server.listen()
        self._server.settimeout(0.05)
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                connection, _ = self._server.accept()
            except TimeoutError:
                continue
            with connection:
                connection.settimeout(5)
                self._handle(connection)

    def _handle(self, connection: socket.socket) -> None:
        stream = connection.makefile("rb")
        if stream.read(10) != b"zINSTREAM\0":
            return
        data = b""
        while (length := struct.unpack("!L", stream.read(4))[0]) != 0:
            data += stream.read(length)
        self.received.append(data)
        if self.mode == "silent":
            self._stop.wait(5)
        elif self.mode == "garbled":
            connection.sendall(b"hello there\0")
        elif EICAR in data:
            connection.sendall(b"stream: Eicar-Test-Signature FOUND\0")
        else:
            connection.sendall(b"stream: OK\0")

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=2)
        self._server.close()


@pytest.fixture
def fake_clamd(settings):
    servers = []

    def start(mode: str = "scan", unix_path: str | None = None) -> FakeClamd:
        server = FakeClamd(mode, unix_path)
        servers.append(server)
        settings.CLAMD_ADDRESS = server.address
        return server

    yield start
    for server in servers:
        server.close()


def closed_port_address() -> str:
    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()
    return f"127.0.0.1:{port}"


# --- limits and sizes ---------------------------------------------------------------------------------


def test_limits_for_round_converts_megabytes():
    round_ = SimpleNamespace(max_file_mb=20, max_total_mb=100, max_files=30)

    limits = UploadLimits.for_round(round_)

    assert limits == UploadLimits(max_file_bytes=20 * MB, max_total_bytes=100 * MB, max_files=30)


@pytest.mark.parametrize(
    ("n", "expected"),
    [
        (0, "0 B"),
        (512, "512 B"),
        (1024, "1 KB"),
        (320 * 1024, "320 KB"),
        (320 * 1024 + 1, "321 KB"),
        (MB - 1, "1.0 MB"),
        (MB + MB // 2, "1.5 MB"),
        (MB + 1, "1.1 MB"),
        (20 * MB, "20.0 MB"),
        (3 * 1024 * MB, "3.0 GB"),
    ],
)
def test_human_size_rounds_up(n, expected):
    assert human_size(n) == expected


# --- accepted files -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content", "extension", "content_type"),
    [
        ("申报书.pdf", PDF, ".pdf", "application/pdf"),
        ("照片.png", image_bytes("PNG"), ".png", "image/png"),
        ("照片.jpg", image_bytes("JPEG"), ".jpg", "image/jpeg"),
        ("照片.JPEG", image_bytes("JPEG"), ".jpeg", "image/jpeg"),
        ("工作总结.docx", docx_bytes(), ".docx", DOCX_MIME),
        ("台账.xlsx", xlsx_bytes(), ".xlsx", XLSX_MIME),
    ],
)
def test_inspect_accepts_real_files(name, content, extension, content_type):
    uploaded = upload(name, content)

    found = inspect(uploaded)

    assert found == InspectedFile(
        extension=extension, content_type=content_type, size=len(content), sha256=hashlib.sha256(content).hexdigest()
    )
    assert uploaded.tell() == 0
    assert uploaded.read() == content


def test_inspect_accepts_file_filling_the_total_exactly():
    found = inspect(upload("a.pdf", PDF), existing_count=2, existing_bytes=3 * MB - len(PDF))

    assert found.size == len(PDF)


def test_inspect_image_types_accepts_png():
    found = inspect(upload("盖章页.png", image_bytes("PNG")), allowed=IMAGE_TYPES)

    assert found.content_type == "image/png"


# --- count and size limits ------------------------------------------------------------------------


def test_inspect_rejects_too_many_files_before_anything_else():
    err = refusal(upload("empty.exe", b""), existing_count=3)

    assert err.code == "too_many_files"
    assert err.messages == ["每份申报最多上传3个附件，已上传3个。"]


def test_inspect_rejects_empty_file():
    err = refusal(upload("empty.pdf", b""))

    assert err.code == "empty"
    assert err.messages == ["文件“empty.pdf”是空文件，请重新选择。"]


def test_inspect_rejects_file_over_limit_with_limit_in_message():
    err = refusal(upload("big.pdf", PDF + bytes(MB + 100 * 1024 - len(PDF))))

    assert err.code == "file_too_large"
    assert err.messages == ["文件“big.pdf”大小为1.1 MB，超过单个文件1MB的上限。"]


def test_inspect_rejects_file_over_round_limit_of_20mb():
    uploaded = upload("big.pdf", PDF)
    uploaded.size = 21 * MB  # the size check comes before any read, so the content need not be that big
    limits = UploadLimits.for_round(SimpleNamespace(max_file_mb=20, max_total_mb=100, max_files=30))

    err = refusal(uploaded, limits=limits)

    assert err.messages == ["文件“big.pdf”大小为21.0 MB，超过单个文件20MB的上限。"]


def test_inspect_rejects_total_over_application_limit():
    err = refusal(upload("a.pdf", PDF), existing_count=2, existing_bytes=3 * MB - 10)

    assert err.code == "total_too_large"
    assert err.messages == ["上传文件“a.pdf”后附件总大小为3.1 MB，超过每份申报3MB的上限。"]


def test_inspect_rejects_file_shorter_than_declared():
    uploaded = upload("a.pdf", PDF)
    uploaded.size = len(PDF) + 10

    err = refusal(uploaded)

    assert err.code == "incomplete"
    assert err.messages == ["文件“a.pdf”上传不完整，请重新上传。"]


# --- extension and content --------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["notes.txt", "setup.exe", "申报书.pdf.exe", "noextension", ".pdf", "a.docm"])
def test_inspect_rejects_extension_not_allowed(name):
    err = refusal(upload(name, PDF))

    assert err.code == "extension_not_allowed"
    assert err.messages == ["只能上传 PDF、JPG、PNG、DOCX、XLSX 格式的文件。"]


def test_inspect_image_types_lists_only_images():
    err = refusal(upload("盖章页.pdf", PDF), allowed=IMAGE_TYPES)

    assert err.messages == ["只能上传 JPG、PNG 格式的文件。"]


def test_inspect_rejects_exe_renamed_pdf():
    err = refusal(upload("setup.pdf", EXE))

    assert err.code == "content_mismatch"
    assert err.messages == [MISMATCH.format("setup.pdf", ".pdf")]


@pytest.mark.parametrize(
    ("name", "content", "ext"),
    [
        ("readme.png", "这不是图片，只是文字。".encode(), ".png"),
        ("photo.jpg", image_bytes("PNG"), ".jpg"),
        ("report.docx", PDF, ".docx"),
        ("table.docx", xlsx_bytes(), ".docx"),  # a zip, but not a Word document
        ("letter.xlsx", docx_bytes(), ".xlsx"),
        ("report.pdf", docx_bytes(), ".pdf"),
    ],
)
def test_inspect_rejects_content_not_matching_extension(name, content, ext):
    err = refusal(upload(name, content))

    assert err.code == "content_mismatch"
    assert err.messages == [MISMATCH.format(name, ext)]


def test_inspect_accepts_no_type_without_a_content_check():
    with pytest.raises(ValueError):
        inspect(upload("a.gif", b"GIF89a"), allowed={".gif": "image/gif"})


# --- archives (docx / xlsx) -------------------------------------------------------------------------


def test_inspect_rejects_zip_bomb_renamed_docx():
    err = refusal(upload("bomb.docx", zip_bomb_bytes()))

    assert err.code == "archive_too_large"
    assert err.messages == [ARCHIVE_TOO_LARGE.format("bomb.docx")]


def test_inspect_rejects_archive_with_too_many_entries():
    content = docx_bytes(**{f"word/media/p{i}.xml": b"" for i in range(2000)})

    err = refusal(upload("many.docx", content))

    assert err.messages == [ARCHIVE_TOO_LARGE.format("many.docx")]


def test_inspect_rejects_archive_over_uncompressed_total(monkeypatch):
    monkeypatch.setattr(uploads, "ZIP_MAX_UNCOMPRESSED", 64 * 1024)
    noise = random.Random(0).randbytes(100 * 1024)  # incompressible, so only the total trips

    err = refusal(upload("large.docx", docx_bytes(**{"word/media/image1.bin": noise})))

    assert err.messages == [ARCHIVE_TOO_LARGE.format("large.docx")]


@pytest.mark.parametrize("member", ["../evil.txt", "word/../../evil.txt", "/etc/passwd", "C:/evil.txt", "..\\evil.txt"])
def test_inspect_rejects_archive_path_traversal(member):
    err = refusal(upload("trav.docx", docx_bytes(**{member: b"x"})))

    assert err.code == "archive_unsafe_path"
    assert err.messages == ["文件“trav.docx”包含不安全的内部路径，已拒绝上传。"]


def test_inspect_rejects_encrypted_entry():
    content = bytearray(docx_bytes())
    central_entry = content.rfind(b"PK\x01\x02")
    content[central_entry + 8] |= 0x01  # general-purpose flag, bit 0: encrypted

    err = refusal(upload("secret.docx", bytes(content)))

    assert err.code == "encrypted"
    assert err.messages == ["文件“secret.docx”已加密，请上传未加密的文件。"]


@pytest.mark.parametrize(
    "extra",
    [
        {"word/vbaProject.bin": b"\xd0\xcf\x11\xe0macro"},
        {  # the macro part renamed, but declared as a VBA project
            "[Content_Types].xml": CONTENT_TYPES.replace(
                b"</Types>", b'<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/></Types>'
            ),
            "word/code.bin": b"\xd0\xcf\x11\xe0macro",
        },
    ],
)
def test_inspect_rejects_docx_with_macros(extra):
    err = refusal(upload("macro.docx", docx_bytes(**extra)))

    assert err.code == "macro"
    assert err.messages == ["文件“macro.docx”包含宏，请另存为不含宏的文件后再上传。"]


def test_inspect_rejects_broken_zip():
    err = refusal(upload("broken.docx", b"PK\x03\x04" + bytes(200)))

    assert err.code == "corrupt"
    assert err.messages == [CORRUPT.format("broken.docx")]


# --- images -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("cut.png", image_bytes("PNG")[:-20]),
        ("crc.png", image_bytes("PNG")[:40] + b"\x00" + image_bytes("PNG")[41:]),
        ("garbage.jpg", b"\xff\xd8\xff\xe0" + bytes(300)),
        ("cut.jpg", image_bytes("JPEG")[:200]),
    ],
)
def test_inspect_rejects_corrupt_image(name, content):
    err = refusal(upload(name, content))

    assert err.code == "corrupt"
    assert err.messages == [CORRUPT.format(name)]


@pytest.mark.parametrize(("width", "height"), [(8000, 5001), (20000, 20000)])
def test_inspect_rejects_image_over_40_megapixels(width, height):
    err = refusal(upload("huge.png", png_header(width, height)))

    assert err.code == "image_too_large"
    assert err.messages == ["图片“huge.png”超过4000万像素，请缩小后再上传。"]


# --- antivirus --------------------------------------------------------------------------------------


def test_clamd_refuses_eicar(fake_clamd, caplog):
    fake_clamd()
    content = b"%PDF-1.4\n" + EICAR + b"\n%%EOF\n"

    with caplog.at_level(logging.INFO, logger="applications.uploads"):
        err = refusal(upload("eicar.pdf", content))

    assert err.code == "virus_found"
    assert err.messages == ["文件“eicar.pdf”未通过病毒扫描，已拒绝上传。"]
    assert "Eicar-Test-Signature" in caplog.text
    assert "EICAR-STANDARD" not in caplog.text
    assert "eicar.pdf" not in caplog.text


def test_clamd_passes_clean_file_and_receives_it_whole(fake_clamd):
    server = fake_clamd()
    content = PDF + random.Random(1).randbytes(200 * 1024)  # several 64 KB INSTREAM chunks

    found = inspect(upload("clean.pdf", content))

    assert found.sha256 == hashlib.sha256(content).hexdigest()
    assert server.received == [content]


def test_clamd_over_unix_socket(fake_clamd, tmp_path):
    server = fake_clamd(unix_path=str(tmp_path / "clamd.sock"))

    inspect(upload("clean.pdf", PDF))

    assert server.received == [PDF]


def test_clamd_not_contacted_for_refused_type(fake_clamd):
    server = fake_clamd()

    refusal(upload("eicar.exe", EICAR))

    assert server.received == []


@pytest.mark.parametrize(
    "address", ["closed-port", "unix:/nonexistent/clamd.ctl", "no-port-here", "256.256.256.256:3310"]
)
def test_clamd_unreachable_fails_closed(settings, caplog, address):
    settings.CLAMD_ADDRESS = closed_port_address() if address == "closed-port" else address
    settings.CLAMD_TIMEOUT = 0.5

    with caplog.at_level(logging.INFO, logger="applications.uploads"):
        err = refusal(upload("申报书.pdf", PDF))

    assert err.code == "virus_scan_unavailable"
    assert err.messages == [UNAVAILABLE]
    assert [record.levelname for record in caplog.records] == ["ERROR"]
    assert "申报书" not in caplog.text
    assert "%PDF" not in caplog.text


@pytest.mark.parametrize("mode", ["garbled", "silent"])
def test_clamd_garbled_or_silent_fails_closed(fake_clamd, settings, mode):
    fake_clamd(mode)
    settings.CLAMD_TIMEOUT = 0.2

    err = refusal(upload("a.pdf", PDF))

    assert err.code == "virus_scan_unavailable"
    assert err.messages == [UNAVAILABLE]


# --- fuzz -------------------------------------------------------------------------------------------


@hyp_settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    ext=st.sampled_from(sorted(EVIDENCE_TYPES)),
    prefix=st.sampled_from([b"", b"%PDF-", b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"PK\x03\x04", b"MZ"]),
    body=st.binary(max_size=2048),
)
def test_inspect_random_bytes_only_raise_validation_error(ext, prefix, body):
    content = prefix + body
    uploaded = upload("f" + ext, content)

    try:
        found = inspect(uploaded)
    except ValidationError:
        pass
    else:
        assert found.size == len(content)

    assert uploaded.tell() == 0
