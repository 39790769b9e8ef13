"""Where each record of a CSV body starts and ends, on which line, and whether it can be read.

Quoting is read the way spreadsheets and pyarrow read it (RFC 4180, leniently): a quote
opens a quoted field only at the start of a field; inside a quoted field ``""`` is a quote
and a quote followed by the delimiter or the end of the line closes the field. Damage is
told from that reading:

- a quote in the middle of an unquoted field (``Dock 3 - 2" step``) is a character; the
  record is read, with a warning;
- a lone quote inside a quoted field that is not followed by the delimiter or the end of
  the line (``"Dock 3 - 2" step"``) is a character too when the record ends on its line;
  the record is read, with a warning;
- a quote that is never closed would swallow the records after it. A record that spans
  several lines is trusted only if it closes, and if none of the lines it swallowed is a
  complete record on its own, and it has no lone quote inside; otherwise its first line is
  rejected (``quote_unclosed``) and reading starts again on the next line, outside quotes;
- a record whose field count differs from the header's is rejected (``field_count``).

Two paths give the same answer. The fast one works on the positions of quotes and
newlines only (numpy), and is taken when every quote is where RFC 4180 allows it; the
careful one walks the lines in Python and is taken otherwise (damaged files only).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

NL, CR, QUOTE = 10, 13, 34
#: Record status.
OK, OK_LENIENT, FIELD_COUNT, UNCLOSED, BAD_BYTES, CONTROL = range(6)
#: Signals found while scanning a line.
LITERAL, QUOTE_IN_QUOTED = 1, 2
#: A record spanning more lines than this sends the file down the careful path.
FAST_MAX_LINES = 20
#: A record is never longer than this many lines (a quote left open swallows the rest).
MAX_RECORD_LINES = 10_000
_SPACE = frozenset(b" \t\r\x0b\x0c")
_SPACE_BYTES = np.frombuffer(bytes(sorted(_SPACE)), dtype=np.uint8)


@dataclass
class Records:
    """The non-blank records of a body, in file order."""

    starts: np.ndarray  # byte offset of each record (in the whole buffer)
    ends: np.ndarray  # offset of its terminating newline (or the end of the buffer)
    lines: np.ndarray  # 1-based line where it starts
    last_lines: np.ndarray  # 1-based line where it ends
    status: np.ndarray  # OK, OK_LENIENT, FIELD_COUNT, UNCLOSED, BAD_BYTES, CONTROL
    fields: np.ndarray  # its field count (FIELD_COUNT records), else the header's
    signals: np.ndarray  # LITERAL | QUOTE_IN_QUOTED per record
    fast: bool  # taken by the fast path (the whole body is one clean run)

    @property
    def max_length(self) -> int:
        return int((self.ends - self.starts).max()) if len(self.starts) else 0


def scan(data: bytes, offset: int, first_line: int, delimiter: str, ncols: int,
         bad_bytes: list[int] | None = None, *, careful: bool = False) -> Records:
    """The records of ``data[offset:]``, whose first line is line ``first_line``.

    ``careful=True`` skips the fast path (the caller found that pyarrow disagrees)."""
    arr = np.frombuffer(data, dtype=np.uint8)
    delim = ord(delimiter)
    qpos, nl, control = positions(arr, offset)
    if not bad_bytes and not careful and not len(control):
        fast = _fast(arr, data, offset, first_line, delim, ncols, qpos, nl)
        if fast is not None:
            return fast
    return _careful(arr, data, offset, first_line, delim, ncols, qpos, nl, bad_bytes or [],
                    control)


def positions(arr: np.ndarray, offset: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Offsets, in ``arr[offset:]``, of quotes, of newlines and of control bytes (0x00-0x1F
    other than tab, LF and CR: no text holds them, so a record that does is binary damage),
    chunk by chunk with one scratch buffer."""
    chunk = 1 << 22
    scratch = np.empty(min(chunk, max(len(arr) - offset, 0)), dtype=bool)
    quotes, newlines, controls = [], [], []
    for a in range(offset, len(arr), chunk):
        part = arr[a: a + chunk]
        hit = scratch[: len(part)]
        np.equal(part, QUOTE, out=hit)
        quotes.append(np.flatnonzero(hit) + a)
        np.equal(part, NL, out=hit)
        nl = np.flatnonzero(hit)
        newlines.append(nl + a)
        np.less(part, 32, out=hit)
        if int(np.count_nonzero(hit)) > len(nl):  # CR, tab or control bytes
            pos = np.flatnonzero(hit)
            byte = part[pos]
            odd = pos[(byte != 9) & (byte != NL) & (byte != CR)]
            if len(odd):
                controls.append(odd + a)
    empty = np.zeros(0, dtype=np.int64)
    return tuple(np.concatenate(f) if f else empty for f in (quotes, newlines, controls))


# --- the fast path ------------------------------------------------------------------------


def _fast(arr, data, offset, first_line, delim, ncols, qpos, nl) -> Records | None:
    n = len(arr)
    if len(qpos) % 2:
        return None
    if len(qpos):
        prev = arr[qpos - 1]  # qpos >= offset >= 0; a quote at offset 0 has prev = its own byte
        prev = np.where(qpos == offset, NL, prev)
        nxt = arr[np.minimum(qpos + 1, n - 1)]
        nxt = np.where(qpos + 1 >= n, NL, nxt)
        opener = (np.arange(len(qpos)) & 1) == 0
        open_ok = (prev == delim) | (prev == NL) | (prev == QUOTE)
        close_ok = (nxt == delim) | (nxt == NL) | (nxt == CR) | (nxt == QUOTE)
        if np.any(np.where(opener, ~open_ok, ~close_ok)):
            return None
        outside = (np.searchsorted(qpos, nl) & 1) == 0
        term_idx = np.flatnonzero(outside)
    else:
        term_idx = np.arange(len(nl))
    term = nl[term_idx]
    starts = np.concatenate(([offset], term + 1))
    ends = np.concatenate((term, [n]))
    first_idx = np.concatenate(([0], term_idx + 1))  # index (in nl) of each record's 1st line
    last_idx = np.concatenate((term_idx, [len(nl)]))
    if starts[-1] >= n:  # the body ends with a newline: nothing after it
        starts, ends, first_idx, last_idx = starts[:-1], ends[:-1], first_idx[:-1], last_idx[:-1]
    span = last_idx - first_idx + 1
    if len(span) and span.max() > FAST_MAX_LINES:
        return None
    if len(span) and span.max() >= 3 and _swallows(data, nl, first_idx, last_idx, span, delim,
                                                   ncols, qpos):
        return None
    length = ends - starts
    first = arr[np.minimum(starts, n - 1)]
    blank = length == 0
    # a line of white space only is blank, as on the careful path (_Lines.blank)
    last = arr[np.maximum(ends - 1, 0)]
    spaced = np.flatnonzero(~blank & np.isin(first, _SPACE_BYTES) & np.isin(last, _SPACE_BYTES))
    for r in spaced.tolist():
        blank[r] = not data[int(starts[r]): int(ends[r])].strip()
    keep = ~blank
    starts, ends = starts[keep], ends[keep]
    lines = first_line + first_idx[keep]
    last_lines = first_line + last_idx[keep]
    count = len(starts)
    return Records(starts, ends, lines, last_lines, np.full(count, OK, dtype=np.int8),
                   np.full(count, ncols, dtype=np.int64), np.zeros(count, dtype=np.int8), True)


def _swallows(data, nl, first_idx, last_idx, span, delim, ncols, qpos) -> bool:
    """Does a record of three lines or more hold a middle line that is a record by itself?"""
    d = bytes([delim])
    for r in np.flatnonzero(span >= 3):
        for j in range(int(first_idx[r]) + 1, int(last_idx[r])):
            a, b = int(nl[j - 1]) + 1, int(nl[j])
            qa, qb = np.searchsorted(qpos, [a, b])
            if qa == qb and data.count(d, a, b) + 1 == ncols:
                return True
    return False


# --- the careful path ---------------------------------------------------------------------


class _Lines:
    """Physical lines of the body and a lenient scanner for one line at a time."""

    def __init__(self, arr, data: bytes, offset: int, delim: int, qpos, nl) -> None:
        n = len(arr)
        starts = np.concatenate(([offset], nl + 1))
        ends = np.concatenate((nl, [n]))
        if starts[-1] >= n:
            starts, ends = starts[:-1], ends[:-1]
        self.starts, self.ends = starts.tolist(), ends.tolist()
        self.qlo = np.searchsorted(qpos, starts).tolist()
        self.qhi = np.searchsorted(qpos, ends).tolist()
        self.qpos = qpos.tolist()
        self.data, self.delim, self.d = data, delim, bytes([delim])
        self.count = len(self.starts)

    def blank(self, j: int) -> bool:
        a, b = self.starts[j], self.ends[j]
        if a == b:
            return True
        if self.data[a] not in _SPACE:
            return False
        return not self.data[a:b].strip()

    def scan(self, j: int, inside: bool) -> tuple[bool, int, int]:
        """(inside at the end, delimiters outside quotes, signals) of line ``j``."""
        a, b = self.starts[j], self.ends[j]
        data, d, delim = self.data, self.d, self.delim
        qlo, qhi = self.qlo[j], self.qhi[j]
        if qlo == qhi:
            return inside, (0 if inside else data.count(d, a, b)), 0
        n_delims, signals, p, closed_at = 0, 0, a, -2
        qpos = self.qpos
        for t in range(qlo, qhi):
            q = qpos[t]
            if not inside:
                n_delims += data.count(d, p, q)
                if q == closed_at + 1 or q == a or data[q - 1] == delim:
                    inside = True  # opens a field, or the second quote of ""
                else:
                    signals |= LITERAL
                p = q + 1
            else:
                nxt = data[q + 1] if q + 1 < b else NL
                if nxt in (delim, NL, CR, QUOTE):
                    inside, closed_at, p = False, q, q + 1
                else:
                    signals |= QUOTE_IN_QUOTED
        if not inside:
            n_delims += data.count(d, p, b)
        return inside, n_delims, signals


def _careful(arr, data, offset, first_line, delim, ncols, qpos, nl, bad_bytes,
             control=()) -> Records:
    lines = _Lines(arr, data, offset, delim, qpos, nl)
    out_start: list[int] = []
    out_end: list[int] = []
    out_first: list[int] = []
    out_last: list[int] = []
    out_status: list[int] = []
    out_fields: list[int] = []
    out_signals: list[int] = []

    def emit(j: int, k: int, status: int, fields: int, signals: int) -> None:
        out_start.append(lines.starts[j])
        out_end.append(lines.ends[k])
        out_first.append(j)
        out_last.append(k)
        out_status.append(status)
        out_fields.append(fields)
        out_signals.append(signals)

    j, count = 0, lines.count
    while j < count:
        if lines.blank(j):
            j += 1
            continue
        inside, n_delims, signals = lines.scan(j, False)
        fields, k, suspicious = n_delims + 1, j, False
        while inside:
            k += 1
            if k >= count or k - j >= MAX_RECORD_LINES:
                break
            alone = lines.scan(k, False)
            if not alone[0] and alone[1] + 1 == ncols and not alone[2] and not lines.blank(k):
                suspicious = True  # a line swallowed by the quote is a record by itself
                break
            inside, more, sig = lines.scan(k, True)
            fields += more
            signals |= sig
        if inside or suspicious or (k > j and signals & QUOTE_IN_QUOTED):
            emit(j, j, UNCLOSED, fields, signals)
            j += 1
            continue
        if fields != ncols:
            emit(j, k, FIELD_COUNT, fields, signals)
        else:
            emit(j, k, OK_LENIENT if signals else OK, fields, signals)
        j = k + 1

    starts = np.asarray(out_start, dtype=np.int64)
    ends = np.asarray(out_end, dtype=np.int64)
    status = np.asarray(out_status, dtype=np.int8)
    for positions_, code in ((bad_bytes, BAD_BYTES), (control, CONTROL)):
        if not len(positions_) or not len(starts):
            continue
        bad = np.asarray(positions_, dtype=np.int64)
        rec = np.searchsorted(starts, bad, side="right") - 1
        hit = rec >= 0
        hit[hit] &= bad[hit] <= ends[rec[hit]]
        rec = rec[hit]
        status[rec] = np.where(status[rec] == UNCLOSED, UNCLOSED, code)
    return Records(starts, ends, first_line + np.asarray(out_first, dtype=np.int64),
                   first_line + np.asarray(out_last, dtype=np.int64), status,
                   np.asarray(out_fields, dtype=np.int64),
                   np.asarray(out_signals, dtype=np.int8), False)


# --- splitting one record (lenient records, and the check of pyarrow's reading) -----------


def split(text: str, delimiter: str) -> list[str]:
    """The fields of one record, read by the same lenient rules as :func:`scan`."""
    fields: list[str] = []
    cell: list[str] = []
    inside = False
    field_start = True
    closed_at = -2
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if inside:
            if ch == '"':
                nxt = text[i + 1] if i + 1 < n else "\n"
                if nxt in (delimiter, "\n", "\r", '"'):
                    inside, closed_at = False, i
                else:
                    cell.append(ch)  # a lone quote inside a quoted field
            else:
                cell.append(ch)
        elif ch == '"':
            if i == closed_at + 1:
                cell.append('"')  # the second quote of ""
                inside = True
            elif field_start:
                inside = True
            else:
                cell.append(ch)  # a quote in the middle of an unquoted field
        elif ch == delimiter:
            fields.append("".join(cell))
            cell, field_start = [], True
            i += 1
            continue
        elif ch == "\r" and (i + 1 == n or text[i + 1] == "\n") and not inside:
            pass  # the CR of a CRLF line end
        else:
            cell.append(ch)
        field_start = False
        i += 1
    fields.append("".join(cell))
    return fields
