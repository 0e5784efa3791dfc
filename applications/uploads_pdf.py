"""Active content in an uploaded PDF (docs/security.md 13): JavaScript and launch actions, found without a PDF library.

A PDF runs script through an action whose type is /JavaScript (the code under /JS), reached from the catalog's
/OpenAction, an /AA (additional actions) entry, a link, a form field or the /Names /JavaScript tree; /Launch starts
a program. So :func:`pdf_active_content` reports the first of the names /JS, /JavaScript or /Launch that a reader
could take as syntax, compared after decoding #xx escapes (``/J#61vaScript`` is ``/JavaScript``). An /OpenAction
that only goes to a page (/GoTo, or a bare destination) carries none of them and passes.

Where a reader finds objects, and so where we look:

- the file's syntax, read by a small lexer that skips strings, comments and stream data (all three names);
- every byte of the file, stream data included, for the long names (/JavaScript, /Launch) in any spelling: an
  object can be hidden inside another stream's data and reached through the cross-reference table, and a name of
  six letters or more does not occur by chance in compressed data (``/JS`` would, so it is looked for in syntax
  only). Stream data holding what looks like a stream object of its own is lexed as well. The price: an
  uncompressed page that writes "/JavaScript" as text is refused too;
- object streams (PDF 1.5 /ObjStm, written by Word, WPS and WeasyPrint), where compression hides whole
  dictionaries: decoded (FlateDecode, ASCIIHexDecode, ASCII85Decode) and lexed. A stream counts as one when its
  dictionary names /ObjStm, /N or /First anywhere (pdf.js needs only /N and /First). Embedded files are decoded
  too and, when they are PDFs, inspected the same way.

Everything is bounded per file: ``PDF_MAX_INFLATED_BYTES`` decoded in all, inflated a slice at a time so a PDF bomb
stops at the bound; ``PDF_MAX_DECODED_STREAMS`` streams; ``PDF_MAX_TOKENS`` lexer steps; ``PDF_MAX_NESTING`` and
``PDF_MAX_DEPTH``. Past a bound, or when an object stream uses a filter or a predictor we do not decode,
:class:`PdfUninspectable` is raised and the upload refused, not passed unchecked; an encrypted file whose object
streams would have to be read raises :class:`PdfEncrypted`.
"""

from __future__ import annotations

import re

from applications.pdf_decoding import PDF_WHITESPACE, PdfUninspectable, decode_stream

MB = 1024 * 1024

PDF_MAX_INFLATED_BYTES = 64 * MB  # decoded object streams and embedded files, per uploaded file
PDF_MAX_DECODED_STREAMS = 5000
# Lexer steps per file, a second or two of work: a text-heavy PDF takes one per 14 bytes or so of syntax outside
# compressed streams (the 1.4 MB Valgrind manual: 101,000), so this is room for some 40 MB of it.
PDF_MAX_TOKENS = 3_000_000
STREAM_STEPS = 16  # a stream costs the lexer about as much as this many tokens
PDF_MAX_NESTING = 100  # << and [ inside each other; ordinary files stay under ten
PDF_MAX_DEPTH = 3  # PDFs inside PDFs (embedded files, objects hidden in stream data)

SCRIPT_NAMES = frozenset({b"JS", b"JavaScript", b"Launch"})
LONG_SCRIPT_NAMES = (b"JavaScript", b"Launch")

_REGULAR = rb"[^\x00\t\n\x0c\r ()<>\[\]{}/%]"
_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")


def _spelled(name: bytes) -> bytes:
    """A pattern for /name with any of its letters written as a #xx escape (either case of hex digit)."""
    def letter(code: int) -> bytes:
        hex_digits = b"".join(b"[%s%s]" % (digit, digit.lower()) for digit in re.findall(rb".", b"%02X" % code))
        return b"(?:%s|#%s)" % (re.escape(bytes([code])), hex_digits)

    letters = b"".join(letter(code) for code in name)
    return b"/" + letters + b"(?!" + _REGULAR + b")"


# The long names in any spelling, found by the regex engine alone (no Python loop over the file's bytes).
_LONG_NAMES = re.compile(b"|".join(_spelled(name) for name in LONG_SCRIPT_NAMES))
# One step of the lexer: whitespace and comments skipped, then one token, told apart by its group:
# 1 "(" string, 2 name, 3 "<<" or "[", 4 ">>" or "]", 5 hex string, 6 number or keyword, 7 stray character.
_TOKEN = re.compile(
    rb"(?:[\x00\t\n\x0c\r ]++|%[^\r\n]*+)*+"
    rb"(?:(\()|(/" + _REGULAR + rb"*)|(<<|\[)|(>>|\])|(<[^<>]*>?)|(" + _REGULAR + rb"+)|(.))",
    re.DOTALL,
)
_STRING, _NAME, _OPEN, _CLOSE, _HEX, _WORD = 1, 2, 3, 4, 5, 6
_SIMPLE_STRING = re.compile(rb"\([^()\\]*(?:\\.[^()\\]*)*\)", re.DOTALL)
_STRING_SPECIAL = re.compile(rb"[()\\]")
_INTEGER = re.compile(rb"[+-]?\d+")
_OBJECT_STREAM_HEAD = re.compile(rb"(?:[\x00\t\n\x0c\r ]++|%[^\r\n]*+)*+[+-]?\d")
_NESTED_STREAM = re.compile(rb"(?<![^\x00\t\n\x0c\r >])stream[\r\n]")


class PdfEncrypted(PdfUninspectable):
    """The file is encrypted and its object streams (or embedded files) cannot be read without the key."""


class _Name(bytes):
    """A PDF name, escapes decoded (distinct from a string value)."""


class _Dict(dict):
    """A dictionary, with every name among its keys and values (a misaligned entry cannot hide /N from us)."""

    names: frozenset = frozenset()


class _Found(Exception):
    def __init__(self, name: bytes):
        super().__init__(name)
        self.name = name.decode("latin-1")


def pdf_active_content(data: bytes) -> str | None:
    """The first script or launch name in *data* (``"JavaScript"``, ``"JS"``, ``"Launch"``), or ``None``.

    Raises ``PdfUninspectable`` (or its subclass ``PdfEncrypted``) when the file cannot be inspected fully.
    """
    try:
        _inspect(data, _Budget(), depth=0)
    except _Found as found:
        return found.name
    return None


class _Budget:
    def __init__(self) -> None:
        self.bytes = PDF_MAX_INFLATED_BYTES
        self.streams = PDF_MAX_DECODED_STREAMS
        self.tokens = PDF_MAX_TOKENS

    def step(self) -> None:
        self.tokens -= 1
        if self.tokens < 0:
            raise PdfUninspectable("too much syntax")

    def take_stream(self) -> None:
        self.streams -= 1
        if self.streams < 0:
            raise PdfUninspectable("too many streams to decode")

    def take_bytes(self, n: int) -> None:
        self.bytes -= n
        if self.bytes < 0:
            raise PdfUninspectable("decoded content over the limit")


def _unescape(match: re.Match) -> bytes:
    return bytes([int(match.group(1), 16)])


def _decode_name(raw: bytes) -> _Name:
    return _Name(_ESCAPE.sub(_unescape, raw) if b"#" in raw else raw)


def _search_long_names(data: bytes) -> None:
    match = _LONG_NAMES.search(data)
    if match:
        raise _Found(_decode_name(match.group()[1:]))


def _inspect(data: bytes, budget: _Budget, *, depth: int) -> None:
    if depth > PDF_MAX_DEPTH:
        raise PdfUninspectable("PDFs nested too deeply")
    _search_long_names(data)
    streams, encrypted = _lex(data, budget, depth=depth)
    for stream_dict, body in streams:
        kind = _container_kind(stream_dict)
        if kind is None:
            continue
        if encrypted:
            raise PdfEncrypted("encrypted object stream")
        budget.take_stream()
        decoded = decode_stream(body, stream_dict, budget)
        if kind == "objects":
            # Every reader starts an object stream with its table of numbers: without one (an ICC colour profile has
            # /N too) nothing in it is read as objects.
            if _OBJECT_STREAM_HEAD.match(decoded):
                _lex(decoded, budget, depth=depth + 1)  # objects only: a stream in an object stream is not read
        elif decoded.lstrip(PDF_WHITESPACE).startswith(b"%PDF"):
            _inspect(decoded, budget, depth=depth + 1)
        else:
            _search_long_names(decoded)


def _container_kind(stream_dict: _Dict) -> str | None:
    """"objects" for an object stream, "file" for an embedded file, None for anything else (pages, images, fonts)."""
    if stream_dict.names & {b"ObjStm", b"N", b"First"}:
        return "objects"
    if b"EmbeddedFile" in stream_dict.names:
        return "file"
    return None


# --- The lexer ------------------------------------------------------------------------------------------


def _string_end(data: bytes, pos: int, budget: _Budget) -> int:
    """The position after the literal string opening at *pos* (balanced parentheses, backslash escapes)."""
    simple = _SIMPLE_STRING.match(data, pos)
    if simple:
        return simple.end()
    depth = 0
    while match := _STRING_SPECIAL.search(data, pos):
        budget.step()
        char = match.group()
        pos = match.end()
        if char == b"\\":
            pos += 1
        elif char == b"(":
            depth += 1
        else:
            depth -= 1
            if depth == 0:
                return pos
    return len(data)


def _stream_end(data: bytes, start: int, length) -> int:
    """Where the data of a stream starting at *start* ends: at /Length when ``endstream`` follows it, else at the
    first ``endstream`` (never later than a reader's end, so nothing can hide behind a wrong length)."""
    if isinstance(length, int) and 0 <= length <= len(data) - start:
        if data[start + length : start + length + 64].lstrip(PDF_WHITESPACE).startswith(b"endstream"):
            return start + length
    end = data.find(b"endstream", start)
    return len(data) if end < 0 else end


def _lex(data: bytes, budget: _Budget, *, depth: int) -> tuple[list[tuple[_Dict, bytes]], bool]:
    """Walk the syntax of *data*: raise ``_Found`` on a script name, return the streams and whether /Encrypt occurs."""
    lexer = _Lexer(data, budget, depth)
    pos, size = 0, len(data)
    while pos < size:
        pos = lexer.walk(pos)
    return lexer.streams, lexer.encrypted


class _Lexer:
    """Dictionaries and arrays are built on a stack, just far enough to read a stream's /Type, /Filter, /DecodeParms,
    /Length, /N and /First; string contents are skipped (their values read as empty). Each ``obj`` starts with an
    empty stack, so an unbalanced ``<<`` between objects (which a reader, jumping by offsets, never sees) cannot
    swallow the objects after it."""

    def __init__(self, data: bytes, budget: _Budget, depth: int):
        self.data, self.budget, self.depth = data, budget, depth
        self.streams: list[tuple[_Dict, bytes]] = []
        self.encrypted = False
        self.stack: list[list] = []

    def walk(self, pos: int) -> int:
        """Tokens from *pos* until a string or a stream's data moves the position on; where to go on from."""
        stack, closed, steps, allowed = self.stack, None, 0, self.budget.tokens
        try:
            for match in _TOKEN.finditer(self.data, pos):
                steps += 1
                if steps > allowed:
                    raise PdfUninspectable("too much syntax")
                kind, just_closed, closed = match.lastindex, closed, None
                if kind == _NAME:
                    self.name(match.group(_NAME)[1:])
                elif kind == _WORD:
                    word = match.group(_WORD)
                    if word == b"stream":
                        self.budget.tokens, steps = self.budget.tokens - steps, 0  # before the data is lexed in turn
                        return self.stream(match.end(), just_closed)
                    if word in (b"obj", b"endobj"):
                        stack.clear()
                    elif stack:
                        _push_word(stack[-1], word)
                elif kind == _OPEN:
                    if len(stack) >= PDF_MAX_NESTING:
                        raise PdfUninspectable("nested too deeply")
                    stack.append([match.group(_OPEN)])
                elif kind == _CLOSE:
                    closed = _close(stack, match.group(_CLOSE))
                elif kind == _STRING:
                    if stack:
                        stack[-1].append(b"")
                    self.budget.tokens, steps = self.budget.tokens - steps, 0
                    return _string_end(self.data, match.start(), self.budget)
                elif kind == _HEX and stack:
                    stack[-1].append(b"")
            return len(self.data)
        finally:
            self.budget.tokens -= steps

    def name(self, raw: bytes) -> None:
        name = _ESCAPE.sub(_unescape, raw) if b"#" in raw else raw
        if name in SCRIPT_NAMES:
            raise _Found(name)
        if name == b"Encrypt":
            self.encrypted = True
        if self.stack:
            self.stack[-1].append(_Name(name))

    def stream(self, pos: int, stream_dict: _Dict | None) -> int:
        """Record the stream whose keyword ends at *pos*; lex its data too when it holds stream objects of its own
        (a reader may be sent there by the cross-reference table). Returns where its data ends."""
        self.budget.tokens -= STREAM_STEPS
        if self.budget.tokens < 0:
            raise PdfUninspectable("too much syntax")
        if stream_dict is None:
            stream_dict = _salvage(self.stack)
        self.stack.clear()
        pos, body = _stream_body(self.data, pos, stream_dict)
        self.streams.append((stream_dict, body))
        if _NESTED_STREAM.search(body):
            if self.depth >= PDF_MAX_DEPTH:
                raise PdfUninspectable("streams nested too deeply")
            nested, encrypted = _lex(body, self.budget, depth=self.depth + 1)
            self.streams.extend(nested)
            self.encrypted = self.encrypted or encrypted
        return pos


def _stream_body(data: bytes, pos: int, stream_dict: _Dict) -> tuple[int, bytes]:
    """The data of the stream whose keyword ends at *pos*, and where the lexer goes on."""
    if data.startswith(b"\r\n", pos):
        pos += 2
    elif data[pos : pos + 1] in (b"\n", b"\r"):
        pos += 1
    end = _stream_end(data, pos, stream_dict.get(b"Length"))
    return end, data[pos:end]


def _push_word(items: list, word: bytes) -> None:
    """A number, an indirect reference (``12 0 R``) or another keyword, into the open container *items*."""
    if _INTEGER.fullmatch(word):
        items.append(int(word))
    elif word == b"R" and len(items) >= 3 and type(items[-1]) is int and type(items[-2]) is int:
        items[-2:] = [("ref",)]
    else:
        items.append(word)


def _make_dict(items: list) -> _Dict:
    pairs = _Dict((items[i], items[i + 1]) for i in range(0, len(items) - 1, 2) if isinstance(items[i], _Name))
    pairs.names = frozenset(item for item in items if isinstance(item, _Name))
    return pairs


def _close(stack: list[list], token: bytes) -> _Dict | None:
    """Close the innermost container when *token* matches its opening (a stray closer is ignored); return the
    dictionary when it was one at the top level (a stream may follow), else put the value into its container."""
    opening = b"<<" if token == b">>" else b"["
    if not stack or stack[-1][0] != opening:
        return None
    items = stack.pop()[1:]
    value = items if opening == b"[" else _make_dict(items)
    if stack:
        stack[-1].append(value)
        return None
    return value if opening == b"<<" else None


def _salvage(stack: list[list]) -> _Dict:
    """The dictionary of a stream whose ``<<`` was never closed: the outermost one still open, as far as it got."""
    for container in stack:
        if container[0] == b"<<":
            return _make_dict(container[1:])
    return _make_dict([])
