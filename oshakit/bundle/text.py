"""Bytes of a file -> UTF-8 bytes with LF or CRLF line ends, and what was done to get there.

Decided per file, in this order:

- a byte-order mark names the encoding (UTF-8, UTF-16 LE/BE, UTF-32);
- a file whose first bytes are a known binary signature (PNG, PDF, ZIP/XLSX, XLS, ...) or
  that is mostly control bytes is not text;
- UTF-16 without a byte-order mark shows as a zero byte in every other position of its
  ASCII header;
- otherwise UTF-8 when every byte sequence is valid UTF-8; Windows-1252 (or Latin-1 when
  the file uses a byte Windows-1252 leaves undefined) when the file has bytes that are not
  valid UTF-8 and not one valid multi-byte UTF-8 sequence (a single-byte export, such as
  Excel's "CSV" on Windows); a file that mixes valid UTF-8 sequences with invalid bytes
  stays UTF-8 and the records holding the invalid bytes are rejected (they are damage,
  not an encoding);
- CR-only and mixed CR / LF / CRLF line ends become LF (each CR, LF or CRLF is one line
  break, so line numbers stay those an editor shows); CRLF-only files are left as they are.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa

#: (signature, what it is) of binary files that get saved with a .csv name.
SIGNATURES = (
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"%PDF", "a PDF document"),
    (b"PK\x03\x04", "a ZIP archive (an Excel .xlsx workbook is one)"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an Office document (an Excel .xls workbook?)"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"II*\x00", "a TIFF image"),
    (b"MM\x00*", "a TIFF image"),
    (b"BM", None),  # too short to trust alone; checked with the control-byte ratio
)
_CHUNK = 1 << 24
#: Encodings the loader guesses (``Text.encoding`` of a file that was not UTF-8).
SINGLE_BYTE = ("Windows-1252", "Latin-1 (ISO-8859-1)")
_CONTROL = bytes(b for b in range(32) if b not in (9, 10, 13, 12))
_VALID_MULTIBYTE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")


@dataclass
class Text:
    """A file as UTF-8 bytes, and how it was read."""

    data: bytes
    encoding: str
    #: Notes for the problems table: (severity, code, message).
    notes: list[tuple[str, str, str]] = field(default_factory=list)
    #: Byte offsets (in ``data``) of bytes that are not valid UTF-8.
    bad_bytes: list[int] = field(default_factory=list)


class NotText(Exception):
    """The file is not a text file (or not in any encoding the loader reads)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code, self.message = code, message


def decode(raw: bytes) -> Text:
    """``raw`` as UTF-8 bytes without a BOM; raise :class:`NotText` for binary files."""
    if raw.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        return _transcode(raw, "utf-32", "UTF-32 (byte-order mark)", None)
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return _transcode(raw, "utf-16", "UTF-16 (byte-order mark)", None)
    bom = raw.startswith(b"\xef\xbb\xbf")
    body = raw[3:] if bom else raw
    _refuse_binary(body)
    utf16 = _utf16_without_bom(body)
    if utf16:
        return _transcode(body, utf16, f"UTF-16 {utf16[-2:].upper()} without a byte-order mark",
                          f"read as UTF-16 ({'little' if utf16.endswith('le') else 'big'}-"
                          "endian, no byte-order mark)")
    if body.isascii():
        return _line_ends(Text(body, "UTF-8"))
    bad = [] if _valid_utf8(body) else _invalid_utf8(body)
    if not bad:
        return _line_ends(Text(body, "UTF-8 (BOM)" if bom else "UTF-8"))
    if bom or _VALID_MULTIBYTE.search(body):
        # Valid UTF-8 around a few invalid bytes: damage, not an encoding.
        text = _line_ends(Text(body, "UTF-8"))
        text.bad_bytes = _invalid_utf8(text.data, every=True)
        return text
    return _single_byte(body)


def _transcode(raw: bytes, codec: str, name: str, note: str | None) -> Text:
    try:
        text = raw.decode(codec)
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].decode(codec, "replace").count("\n") + 1
        raise NotText("encoding_file",
                      f"is not valid {name.split(' (')[0]} (byte {exc.start}, about line "
                      f"{line}); save it again as UTF-8") from None
    text = text.lstrip("\ufeff")
    notes = [("warning", "encoding_guess", note)] if note else []
    return _line_ends(Text(_normalise_str(text, notes).encode("utf-8"), name, notes))


def _normalise_str(text: str, notes: list) -> str:
    if "\r" in text:
        n_cr, n_crlf = text.count("\r"), text.count("\r\n")
        if n_cr != n_crlf:
            notes.append(("info", "line_endings", _line_end_note(n_cr - n_crlf, n_crlf)))
            text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text


def _line_ends(text: Text) -> Text:
    data = text.data
    if b"\r" not in data:
        return text
    n_cr, n_crlf = data.count(b"\r"), data.count(b"\r\n")
    if n_cr != n_crlf:
        text.notes.append(("info", "line_endings", _line_end_note(n_cr - n_crlf, n_crlf)))
        text.data = data.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
    return text


def _line_end_note(cr_only: int, crlf: int) -> str:
    mixed = " and CRLF" if crlf else ""
    return (f"{cr_only:,} line break(s) are a lone CR (classic Mac / Excel for Mac){mixed}: "
            "each CR, LF or CRLF was read as one line break")


def _refuse_binary(body: bytes) -> None:
    head = body[:8192]
    for sig, what in SIGNATURES:
        if what and head.startswith(sig):
            raise NotText("file_binary", f"is not a text file: it is {what}; export the data "
                          "as CSV (UTF-8) instead")
    if not head:
        return
    controls = sum(head.count(bytes([b])) for b in _CONTROL)
    zeros = head.count(b"\x00")
    # UTF-16 text has zeros in every other byte: leave that to the UTF-16 check.
    if zeros and _utf16_without_bom(body):
        return
    if controls > max(8, len(head) // 20):
        raise NotText("file_binary", f"is not a text file ({controls} control bytes in its "
                      f"first {len(head):,}); export the data as CSV (UTF-8) instead")


def _utf16_without_bom(body: bytes) -> str | None:
    head = body[:2000]
    if len(head) < 4 or b"\x00" not in head:
        return None
    even, odd = head[0::2], head[1::2]
    z_even, z_odd = even.count(0) / len(even), odd.count(0) / len(odd)
    if z_odd > 0.3 and z_even < 0.05:
        return "utf-16-le"
    if z_even > 0.3 and z_odd < 0.05:
        return "utf-16-be"
    return None


def _valid_utf8(data: bytes) -> bool:
    """Is all of ``data`` valid UTF-8? (Arrow's validation: fast, but says not where.)"""
    offsets = pa.py_buffer(np.array([0, len(data)], dtype=np.int64).tobytes())
    whole = pa.Array.from_buffers(pa.large_binary(), 1, [None, offsets, pa.py_buffer(data)])
    try:
        whole.cast(pa.large_string())
    except pa.ArrowInvalid:
        return False
    return True


def _invalid_utf8(data: bytes, every: bool = False) -> list[int]:
    """Offsets of invalid UTF-8 sequences (the first only, unless ``every``), by chunks."""
    out: list[int] = []
    decoder = codecs.getincrementaldecoder("utf-8")()
    view = memoryview(data)
    pos = 0
    while pos < len(data):
        chunk = view[pos: pos + _CHUNK]
        if bytes(chunk).isascii():
            pos += len(chunk)
            continue
        try:
            decoder.decode(chunk, final=pos + len(chunk) >= len(data))
            pos += len(chunk)
        except UnicodeDecodeError as exc:
            # exc.start is relative to the decoder's buffer (pending bytes + chunk)
            pending = len(decoder.getstate()[0])
            bad = pos + exc.start - pending
            out.append(bad)
            if not every:
                return out
            decoder.reset()
            pos = max(bad + 1, pos)
            # resume at the next byte that can start a character
            while pos < len(data) and 0x80 <= data[pos] < 0xC0:
                pos += 1
    if decoder.getstate()[0] and (not out or every):
        out.append(len(data) - len(decoder.getstate()[0]))
    return out


def _single_byte(body: bytes) -> Text:
    try:
        text, name = body.decode("cp1252"), "Windows-1252"
    except UnicodeDecodeError:
        text, name = body.decode("latin-1"), "Latin-1 (ISO-8859-1)"
    notes: list = []
    text = _normalise_str(text, notes)
    example = _example(text)
    notes.insert(0, ("warning", "encoding_guess",
                     f"read as {name}: the file is not valid UTF-8 and holds no UTF-8 "
                     f"multi-byte character{example}; if letters look wrong, save it as "
                     "UTF-8"))
    return Text(text.encode("utf-8"), name, notes)


def _example(text: str) -> str:
    """`` (line 5: 'José')`` for the first line with a non-ASCII letter."""
    for number, line in enumerate(text.split("\n", 5000), start=1):
        if not line.isascii():
            for word in re.split(r"[,;\t|\"]", line):
                if not word.isascii():
                    return f" (line {number}: '{word.strip()[:40]}')"
    return ""
