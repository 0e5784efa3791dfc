"""Decoding the data of a PDF stream for applications/uploads_pdf.py: FlateDecode (a slice at a time, so a PDF bomb
stops at the budget), ASCIIHexDecode and ASCII85Decode; any other filter, or a predictor, cannot be inspected."""

import base64
import re
import zlib
from collections.abc import Iterator

PDF_WHITESPACE = b"\x00\t\n\x0c\r "
_INFLATE_SLICE = 64 * 1024


class PdfUninspectable(Exception):
    """The file could not be inspected within the bounds, or uses an encoding we do not decode."""


def _as_list(value) -> list:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def decode_stream(body: bytes, stream_dict: dict, budget) -> bytes:
    """A stream's data through its /Filter chain, counted against `budget` (take_bytes; an inflate stops at its
    `bytes` left)."""
    filters = _as_list(stream_dict.get(b"Filter"))
    parameters = _as_list(stream_dict.get(b"DecodeParms", stream_dict.get(b"DP")))
    data = body
    for index, name in enumerate(filters):
        params = parameters[index] if index < len(parameters) and isinstance(parameters[index], dict) else {}
        if name in (b"FlateDecode", b"Fl"):
            data = _inflate(data, budget)
            if params.get(b"Predictor", 1) not in (1, None):  # no object stream needs one; we do not undo them
                raise PdfUninspectable("predictor on an object stream")
        elif name in (b"ASCIIHexDecode", b"AHx"):
            data = _hex_decode(data)
        elif name in (b"ASCII85Decode", b"A85"):
            data = _ascii85_decode(data)
        else:
            raise PdfUninspectable("a filter we do not decode")  # its name is the file's content: not logged
    if not filters:
        budget.take_bytes(len(data))
    return data


def _inflate(data: bytes, budget) -> bytes:
    """Inflate *data* within the budget, a slice at a time (a bomb stops at the budget, never held whole past it);
    corrupt data yields what came before the damage, as readers show it."""
    for wbits in (zlib.MAX_WBITS, -zlib.MAX_WBITS):  # with the zlib header, then raw deflate
        inflater = zlib.decompressobj(wbits)
        chunks: list[bytes] = []
        size = 0
        try:
            for chunk in _inflate_slices(inflater, data):
                size += len(chunk)
                if size > budget.bytes:
                    raise PdfUninspectable("decoded content over the limit")
                chunks.append(chunk)
        except zlib.error:
            if not size and wbits > 0:
                continue
        budget.take_bytes(size)
        return b"".join(chunks)
    return b""


def _inflate_slices(inflater, data: bytes) -> Iterator[bytes]:
    for offset in range(0, len(data), _INFLATE_SLICE):
        pending = data[offset : offset + _INFLATE_SLICE]
        while True:  # a full slice of output may leave more behind, even with no input left
            chunk = inflater.decompress(pending, _INFLATE_SLICE)
            yield chunk
            pending = inflater.unconsumed_tail
            if not pending and len(chunk) < _INFLATE_SLICE:
                break
        if inflater.eof:
            return


def _hex_decode(data: bytes) -> bytes:
    digits = re.sub(rb"[^0-9A-Fa-f]", b"", data.split(b">", 1)[0])
    return bytes.fromhex((digits + b"0" if len(digits) % 2 else digits).decode("ascii"))


def _ascii85_decode(data: bytes) -> bytes:
    text = data.split(b"~>", 1)[0].lstrip(PDF_WHITESPACE)
    if text.startswith(b"<~"):
        text = text[2:]
    try:
        return base64.a85decode(text, ignorechars=PDF_WHITESPACE)
    except ValueError:
        raise PdfUninspectable("bad ASCII85 data") from None
