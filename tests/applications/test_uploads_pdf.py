"""PDFs with JavaScript or launch actions are refused (docs/security.md 13; applications/uploads_pdf.py).

The crafted files are real PDFs: poppler's pdfinfo reads every one of them (and finds the script where it looks).
"""

import shutil
import subprocess
import tracemalloc
import zlib

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from hypothesis import given
from hypothesis import settings as hyp_settings
from hypothesis import strategies as st

from applications import uploads_pdf
from applications.enums import AttachmentPurpose
from applications.uploads import MB, UploadLimits, inspect_upload
from applications.uploads_pdf import PdfEncrypted, PdfUninspectable, pdf_active_content
from tests.applications.factories import ApplicationFactory
from tests.portal.helpers import queued_messages

LIMITS = UploadLimits(max_file_bytes=20 * MB, max_total_bytes=100 * MB, max_files=30)
SCRIPT = "PDF 文件“{}”含有 JavaScript 脚本或自动执行动作，出于安全原因不予接收。请导出不含脚本的 PDF 后重新上传。"
UNINSPECTABLE = (
    "PDF 文件“{}”的内部压缩内容过大、过多或编码方式不受支持，无法完成安全检查，已拒绝上传。请重新导出 PDF 后再上传。"
)


# --- builders ----------------------------------------------------------------------------------------


def stream_object(dictionary: bytes, data: bytes) -> bytes:
    return b"<< %s /Length %d >>\nstream\n%s\nendstream" % (dictionary, len(data), data)


def object_stream(objects: dict[int, bytes], *, dictionary: bytes = b"/Type /ObjStm", encode=zlib.compress) -> bytes:
    """The body of an object stream holding *objects*, FlateDecode by default."""
    offsets, bodies = [], b""
    for number, body in objects.items():
        offsets.append(b"%d %d" % (number, len(bodies)))
        bodies += body + b"\n"
    head = b" ".join(offsets) + b"\n"
    filters = b"" if encode is None else b"/Filter /FlateDecode"
    data = head + bodies if encode is None else encode(head + bodies)
    return stream_object(b"%s /N %d /First %d %s" % (dictionary, len(objects), len(head), filters), data)


def pdf_bytes(objects: dict[int, bytes], *, compressed: tuple[int, ...] = (), trailer: bytes = b"") -> bytes:
    """A PDF of *objects* (number → what stands between ``obj`` and ``endobj``), 1 the catalog.

    The objects in *compressed* go into one object stream, found through a cross-reference stream (PDF 1.5, as
    Word, WPS and WeasyPrint write); without any, a classic cross-reference table.
    """
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets: dict[int, int] = {}
    plain = {n: body for n, body in objects.items() if n not in compressed}
    last = max(objects)
    if compressed:
        plain[last + 1] = object_stream({n: objects[n] for n in compressed})
    for number, body in sorted(plain.items()):
        offsets[number] = len(out)
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    if not compressed:
        xref = len(out)
        out += b"xref\n0 %d\n0000000000 65535 f \n" % (last + 1)
        for number in range(1, last + 1):
            out += b"%010d 00000 n \n" % offsets[number] if number in offsets else b"0000000000 65535 f \n"
        out += b"trailer\n<< /Size %d /Root 1 0 R %s>>\nstartxref\n%d\n%%%%EOF\n" % (last + 1, trailer, xref)
        return bytes(out)
    container, xref_number = last + 1, last + 2
    offsets[xref_number] = len(out)
    rows = b""
    for number in range(xref_number + 1):
        if number in compressed:
            rows += b"\x02" + container.to_bytes(4, "big") + compressed.index(number).to_bytes(2, "big")
        elif number in offsets:
            rows += b"\x01" + offsets[number].to_bytes(4, "big") + b"\x00\x00"
        else:
            rows += b"\x00\x00\x00\x00\x00\xff\xff"
    out += b"%d 0 obj\n%s\nendobj\n" % (
        xref_number,
        stream_object(b"/Type /XRef /Size %d /W [1 4 2] /Root 1 0 R %s" % (xref_number + 1, trailer), rows),
    )
    out += b"startxref\n%d\n%%%%EOF\n" % offsets[xref_number]
    return bytes(out)


PAGES = {
    2: b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    3: b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
}
ALERT = b"<< /S /JavaScript /JS (app.alert\\(1\\)) >>"


def document(catalog: bytes = b"", **objects: bytes) -> dict[int, bytes]:
    """Catalog, pages and one page; *catalog* goes into the catalog, ``o4=...`` adds object 4 and so on."""
    return {1: b"<< /Type /Catalog /Pages 2 0 R %s >>" % catalog, **PAGES, **{int(k[1:]): v for k, v in objects.items()}}


NAMES_TREE = document(b"/Names << /JavaScript 4 0 R >>", o4=b"<< /Names [(init) 5 0 R] >>", o5=ALERT)
CLEAN = pdf_bytes(document())
SCRIPTED = {  # id → (file, the name found)
    "javascript-in-catalog": (pdf_bytes(NAMES_TREE), "JavaScript"),
    "openaction-javascript": (pdf_bytes(document(b"/OpenAction " + ALERT)), "JavaScript"),
    "openaction-indirect": (pdf_bytes(document(b"/OpenAction 4 0 R", o4=ALERT)), "JavaScript"),
    "hex-escaped-names": (
        pdf_bytes(document(b"/OpenAction << /S /J#61vaScript /#4A#53 (app.alert\\(1\\)) >>")),
        "JavaScript",
    ),
    "escaped-js-key-only": (pdf_bytes(document(b"/OpenAction << /#4AS (app.alert\\(1\\)) >>")), "JS"),
    "javascript-in-object-stream": (pdf_bytes(NAMES_TREE, compressed=(1, 4, 5)), "JavaScript"),
    "launch": (pdf_bytes(document(b"/OpenAction << /S /Launch /F (cmd.exe) >>")), "Launch"),
    "page-additional-action": (
        pdf_bytes({**document(), 3: b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /AA << /O 4 0 R >> >>",
                   4: ALERT}),
        "JavaScript",
    ),
}
ALLOWED = {
    "clean": CLEAN,
    "clean-object-stream": pdf_bytes(document(), compressed=(1, 2, 3)),
    "openaction-goto": pdf_bytes(document(b"/OpenAction << /S /GoTo /D [3 0 R /Fit] >>")),
    "openaction-destination": pdf_bytes(document(b"/OpenAction [3 0 R /XYZ 0 842 0]")),
    "js-in-page-text-and-title": pdf_bytes(
        {**document(o4=stream_object(b"", b"BT /F1 12 Tf (the /JS key) Tj ET")), 3: PAGES[3].replace(b">>", b"/Contents 4 0 R >>")},
        trailer=b"/Info << /Title (/JS) >>",
    ),
}


def inspect(name: str, content: bytes):
    return inspect_upload(SimpleUploadedFile(name, content), limits=LIMITS, existing_count=0, existing_bytes=0)


def refusal(name: str, content: bytes) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        inspect(name, content)
    return caught.value


# --- refused and accepted ------------------------------------------------------------------------------


@pytest.mark.parametrize(("content", "name"), list(SCRIPTED.values()), ids=list(SCRIPTED))
def test_pdf_with_script_or_launch_is_refused_with_the_reason(content, name):
    err = refusal("申报书.pdf", content)

    assert pdf_active_content(content) == name
    assert (err.code, err.messages) == ("pdf_script", [SCRIPT.format("申报书.pdf")])


def test_long_name_in_uncompressed_page_text_is_refused_too():
    # Conservative on purpose: /JavaScript and /Launch are looked for in every byte, since a reader can be sent into
    # stream data; an uncompressed page that writes the name itself is refused (a re-export compresses it).
    content = pdf_bytes(document(o4=stream_object(b"", b"BT /F1 12 Tf (the /JavaScript action) Tj ET")))

    assert pdf_active_content(content) == "JavaScript"


def test_script_in_the_object_stream_is_not_in_the_raw_bytes():
    content, _name = SCRIPTED["javascript-in-object-stream"]

    assert b"JavaScript" not in content and b"/JS" not in content
    assert pdf_active_content(content) == "JavaScript"


@pytest.mark.parametrize("content", list(ALLOWED.values()), ids=list(ALLOWED))
def test_pdf_without_script_is_accepted(content):
    found = inspect("申报书.pdf", content)

    assert (found.content_type, found.size) == ("application/pdf", len(content))


@pytest.mark.pdf
def test_pdf_rendered_by_weasyprint_is_accepted():
    from weasyprint import HTML

    content = HTML(string="<h1>就业服务质量标杆机构</h1><p><a href='#x'>目录</a></p><p id='x'>工作实绩</p>").write_pdf()

    assert b"/ObjStm" in content or b"/XRef" in content or b"xref" in content
    assert inspect("申报书.pdf", content).size == len(content)


# --- hiding places ----------------------------------------------------------------------------------------


def test_object_stream_without_type_is_still_decoded():
    objects = {**NAMES_TREE}
    hidden = object_stream({4: objects.pop(4), 5: objects.pop(5)}, dictionary=b"")  # only /N and /First

    assert pdf_active_content(pdf_bytes({**objects, 6: hidden})) == "JavaScript"


def test_object_stream_opening_with_a_comment_is_read():
    hidden = stream_object(b"/N 1 /First 0 /Filter /FlateDecode", zlib.compress(b"% table\n4 0\n<< /#4AS (x) >>"))

    assert pdf_active_content(pdf_bytes({**document(), 6: hidden})) == "JS"


def test_colour_profile_is_not_read_as_objects():
    # ICC profiles have /N too, but start with their binary size: no reader takes them for an object stream.
    profile = stream_object(b"/N 3 /Filter /FlateDecode", zlib.compress(b"\x00\x00\x0cHlcms /JS " + bytes(100)))

    assert pdf_active_content(pdf_bytes({**document(), 4: b"[/ICCBased 5 0 R]", 5: profile})) is None


def test_object_stream_in_hex_then_flate_is_decoded():
    hidden = object_stream({4: ALERT}, encode=lambda data: zlib.compress(data).hex().encode() + b">")
    hidden = hidden.replace(b"/Filter /FlateDecode", b"/Filter [/ASCIIHexDecode /FlateDecode]")

    assert pdf_active_content(pdf_bytes({**document(), 4: hidden})) == "JavaScript"


def test_script_hidden_inside_another_streams_data_is_found():
    # A reader sent to the inner object by the cross-reference table reads it; the outer stream is just data.
    inner = b"9 0 obj\n" + object_stream({4: ALERT}) + b"\nendobj\n"
    outer = stream_object(b"", b"q Q\n" + inner)

    assert pdf_active_content(pdf_bytes({**document(), 6: outer})) == "JavaScript"


def test_unbalanced_dictionary_does_not_hide_the_objects_after_it():
    content = pdf_bytes({**document(), 6: b"<< /Broken <<", 7: object_stream({4: ALERT})})

    assert pdf_active_content(content) == "JavaScript"


def test_stream_length_pointing_past_endstream_hides_nothing():
    hidden = object_stream({4: ALERT}).replace(b"/Length ", b"/Length 99999 /Old ")

    assert pdf_active_content(pdf_bytes({**document(), 6: hidden})) == "JavaScript"


def test_script_in_an_embedded_pdf_is_found():
    embedded = stream_object(b"/Type /EmbeddedFile /Filter /FlateDecode", zlib.compress(SCRIPTED["launch"][0]))

    assert pdf_active_content(pdf_bytes({**document(), 4: embedded})) == "Launch"


# --- what cannot be inspected is refused ---------------------------------------------------------------


def test_object_stream_bomb_is_refused_without_inflating_it_whole():
    deflater = zlib.compressobj(9)
    bomb = b"".join(deflater.compress(bytes(MB)) for _ in range(80)) + deflater.flush()  # 80 MB of zeros in 80 KB
    content = pdf_bytes({**document(), 4: stream_object(b"/Type /ObjStm /N 1 /First 0 /Filter /FlateDecode", bomb)})

    tracemalloc.start()
    try:
        err = refusal("炸弹.pdf", content)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()

    assert (err.code, err.messages) == ("pdf_uninspectable", [UNINSPECTABLE.format("炸弹.pdf")])
    assert peak < uploads_pdf.PDF_MAX_INFLATED_BYTES + 16 * MB


def test_too_many_object_streams_are_refused(monkeypatch):
    monkeypatch.setattr(uploads_pdf, "PDF_MAX_DECODED_STREAMS", 2)
    content = pdf_bytes({**document(), **{n: object_stream({10 + n: b"<< >>"}) for n in (4, 5, 6)}})

    err = refusal("多流.pdf", content)

    assert err.code == "pdf_uninspectable"


def test_inflated_total_over_the_bound_is_refused(monkeypatch):
    monkeypatch.setattr(uploads_pdf, "PDF_MAX_INFLATED_BYTES", 64 * 1024)
    streams = {n: object_stream({10 + n: b"<< /Padding (%s) >>" % (b"x" * 40_000)}) for n in (4, 5)}

    with pytest.raises(PdfUninspectable):
        pdf_active_content(pdf_bytes({**document(), **streams}))


@pytest.mark.parametrize(
    "body",
    [b"[" + b"0 " * 2000 + b"]", b"[" * 101 + b"]" * 101, b"".join(stream_object(b"", b"x") for _ in range(100))],
    ids=["tokens", "nesting", "streams"],
)
def test_syntax_past_the_lexer_bounds_is_refused(monkeypatch, body):
    monkeypatch.setattr(uploads_pdf, "PDF_MAX_TOKENS", 1000)

    err = refusal("申报书.pdf", pdf_bytes({**document(), 4: body}))

    assert err.code == "pdf_uninspectable"


@pytest.mark.parametrize(
    "filters", [b"/Filter /LZWDecode", b"/Filter /FlateDecode /DecodeParms << /Predictor 12 /Columns 4 >>"]
)
def test_object_stream_we_cannot_decode_is_refused(filters):
    hidden = object_stream({4: ALERT}).replace(b"/Filter /FlateDecode", filters)

    err = refusal("申报书.pdf", pdf_bytes({**document(), 6: hidden}))

    assert (err.code, err.messages) == ("pdf_uninspectable", [UNINSPECTABLE.format("申报书.pdf")])


def test_encrypted_pdf_with_object_streams_is_refused_as_encrypted():
    content = pdf_bytes(document(), compressed=(1, 2, 3), trailer=b"/Encrypt 9 0 R")

    with pytest.raises(PdfEncrypted):
        pdf_active_content(content)
    assert refusal("加密.pdf", content).messages == ["文件“加密.pdf”已加密，请上传未加密的文件。"]


def test_encrypted_pdf_without_object_streams_is_inspected():
    assert pdf_active_content(pdf_bytes(document(), trailer=b"/Encrypt 9 0 R")) is None


# --- fuzz -----------------------------------------------------------------------------------------------

PIECES = [b"(", b")", b"\\", b"<<", b">>", b"[", b"]", b"<", b">", b"%", b"#", b"/", b"stream\n", b"endstream", b"obj",
          b"endobj", b"R", b"/N 1 /First 0", b"/Filter /FlateDecode", b"/Encrypt", b"~>", b"\x00", b"\xff"]


@hyp_settings(max_examples=200, deadline=None)
@given(
    seed=st.sampled_from([content for content, _name in SCRIPTED.values()] + list(ALLOWED.values())),
    edits=st.lists(st.tuples(st.floats(0, 1), st.sampled_from(PIECES), st.integers(0, 40)), max_size=6),
)
def test_mutated_pdfs_only_raise_validation_error(seed, edits):
    content = bytearray(seed)
    for where, piece, cut in edits:
        at = 5 + int(where * (len(content) - 5))
        content[at : at + cut] = piece

    try:
        inspect("f.pdf", bytes(content))
    except ValidationError as err:
        assert err.code in {"pdf_script", "pdf_uninspectable", "encrypted"}


# --- a real reader agrees ------------------------------------------------------------------------------


@pytest.mark.skipif(shutil.which("pdfinfo") is None, reason="poppler-utils (pdfinfo) is not installed")
@pytest.mark.parametrize(
    ("content", "script"),
    [(SCRIPTED[key][0], key in {"javascript-in-catalog", "javascript-in-object-stream", "page-additional-action"})
     for key in SCRIPTED]
    + [(content, False) for content in ALLOWED.values()],
    ids=[*SCRIPTED, *ALLOWED],
)
def test_poppler_reads_the_crafted_files(tmp_path, content, script):
    path = tmp_path / "f.pdf"
    path.write_bytes(content)

    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True, timeout=30).stdout

    assert "Pages:           1" in info
    if script:  # pdfinfo reports the name tree and page actions; it does not look at /OpenAction
        assert "JavaScript:      yes" in info


# --- the page ------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_applicant_upload_of_a_pdf_with_javascript_says_why_and_stores_nothing(login):
    application = ApplicationFactory()
    client = login(application.created_by)
    scripted = SimpleUploadedFile("服务台账.pdf", SCRIPTED["openaction-javascript"][0])

    response = client.post(
        reverse("applications:upload", args=[application.pk]),
        {"purpose": AttachmentPurpose.EVIDENCE, "condition": "", "files": [scripted]},
    )

    assert queued_messages(response) == [SCRIPT.format("服务台账.pdf")]
    assert application.attachments.count() == 0
