"""Find a file's header, its delimiter, its column names and its kind.

The header is the first line, among the first :data:`SEARCH_LINES`, whose cells name the
key column(s) of one kind (``encounters.ext_id``...) once each cell is made canonical:
byte-order marks, non-breaking and outer spaces removed, spaces around the dot removed
(``employees. first_name``), MIE processing prefixes dropped (``DELETE_BLANK UPDATE``),
letter case ignored for the kit's own columns, known aliases applied. Lines above it are
title rows (skipped, with a warning) or, when they look like data, rejected rows. The
delimiter is whichever of comma, semicolon, tab and pipe makes the most known columns.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field

from oshakit import schema
from oshakit.bundle.records import split

#: How many lines from the top of a file are searched for the header.
SEARCH_LINES = 50
DELIMITERS = (",", ";", "\t", "|")
DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}

#: Every column name the kit knows (canonical, lower case), and the aliases.
KNOWN = frozenset(
    {c.name for k in schema.KINDS.values() for c in k.columns} | set(schema.ALIASES))
_DOT = re.compile(r"\s*\.\s*")


@dataclass
class Header:
    """Where the header is and what it says."""

    line: int  # 1-based line of the header
    end: int  # byte offset just past the header line's newline (where the body starts)
    delimiter: str
    cells: list[str]  # as written (unquoted)
    names: list[str]  # canonical; '' for an empty cell
    kind: schema.Kind | None
    #: (line, cells) of non-blank lines above the header.
    above: list[tuple[int, list[str]]] = field(default_factory=list)
    #: Why no kind was recognised (None when one was).
    unknown_reason: str | None = None


def canonical(cell: str) -> str:
    """A header cell -> the canonical column name (or the cell, tidied, if not a known one)."""
    # spaces around a quoted name leave its quotes in the cell (` "a.b" `): they go too
    text = cell.replace("\ufeff", "").replace("\xa0", " ").strip().strip('"').strip()
    text = _DOT.sub(".", text)
    tokens = text.split()
    while len(tokens) > 1 and tokens[0].upper() in schema.HEADER_PREFIXES:
        tokens.pop(0)
    if not tokens:
        return ""
    known = _known(tokens)
    # another word in capitals (a processing option the kit does not list) goes only when a
    # known column name follows it: EMPLOYEE ID and SUPERVISOR ID stay two columns
    rest = tokens
    while known is None and len(rest) > 1 and rest[0].isupper() and "." not in rest[0]:
        rest = rest[1:]
        known = _known(rest)
    if known is not None:
        return known
    name = " ".join(tokens)
    return schema.ALIASES.get(name, name)


def _known(tokens: list[str]) -> str | None:
    """The kit's column the words name (spaces read as nothing or underscores), or None."""
    for candidate in (" ".join(tokens), "_".join(tokens), "".join(tokens)):
        low = candidate.lower()
        if low in KNOWN:
            return schema.ALIASES.get(low, low)
    return None


def find(data: bytes, file_name: str) -> Header | None:
    """The header of ``data`` (UTF-8, LF or CRLF); None when the file has no non-blank line."""
    pos, line_no = 0, 0
    candidates: list[tuple[int, int, str, list[str], list[str]]] = []
    above: list[tuple[int, list[str]]] = []
    while pos < len(data) and line_no < SEARCH_LINES:
        end = data.find(b"\n", pos)
        end = len(data) if end < 0 else end
        line_no += 1
        raw = data[pos:end].decode("utf-8", "replace").rstrip("\r")
        nxt = end + 1
        if raw.strip().strip(",;\t|").strip():
            delim, cells, names = _best_split(raw)
            kind = schema.kind_of_header(names)
            if kind is not None:
                return Header(line_no, min(nxt, len(data)), delim, cells, names, kind, above)
            candidates.append((line_no, nxt, delim, cells, names))
            above.append((line_no, cells))
        pos = nxt
    if not candidates:
        return None
    # No line names a kind: explain with the line that looks most like a header.
    best = max(candidates, key=lambda c: (sum(n in KNOWN for n in c[4]),
                                          sum("." in n for n in c[4]), -c[0]))
    line_no, nxt, delim, cells, names = best
    above_best = [a for a in above if a[0] < line_no]
    return Header(line_no, min(nxt, len(data)), delim, cells, names, None, above_best,
                  unknown_reason=_why_unknown(names, line_no))


def _best_split(raw: str) -> tuple[str, list[str], list[str]]:
    best = None
    for delim in DELIMITERS:
        if delim not in raw and delim != ",":
            continue
        cells = split(raw, delim)  # the records' own splitter: one reading of quotes
        names = [canonical(c) for c in cells]
        score = (schema.kind_of_header(names) is not None, sum(n in KNOWN for n in names),
                 len(cells) if len(cells) > 1 else 0)
        if best is None or score > best[0]:
            best = (score, delim, cells, names)
    assert best is not None
    return best[1], best[2], best[3]


def _why_unknown(names: list[str], line_no: int) -> str:
    found = [n for n in names if n]
    shown = ", ".join(found[:6]) + (f" and {len(found) - 6} more" if len(found) > 6 else "")
    keys = "; ".join(f"{' + '.join(k.key)} ({k.name})" for k in schema.KINDS.values())
    text = (f"cannot tell what kind of file this is: its header (line {line_no}) has "
            f"{len(found)} column(s) ({shown or 'none'}); each kind is recognised by its key "
            f"column(s): {keys}")
    cols = set(found)
    matches = [k for k in schema.KINDS.values() if set(k.key) <= cols]
    if len(matches) > 1:
        return text + "; this header holds the keys of " + ", ".join(k.name for k in matches)
    scores = sorted(((len(cols & set(k.column_names)), -i, k)
                     for i, k in enumerate(schema.KINDS.values())), reverse=True)
    overlap, _, closest = scores[0]
    if overlap == 0:
        # Perhaps misspelt names: compare spellings.
        near = {k.name: sum(bool(difflib.get_close_matches(c, found, 1, 0.8))
                            for c in k.column_names) for k in schema.KINDS.values()}
        name = max(near, key=near.get)
        if near[name] == 0:
            return text
        closest, overlap = schema.KINDS[name], 0
    missing = [k for k in closest.key if k not in cols]
    hints = []
    for key in missing:
        close = difflib.get_close_matches(key, found, 1, 0.75)
        hints.append(f"{key} (closest: '{close[0]}')" if close else key)
    return (text + f"; closest kind: {closest.name} ({overlap} of its "
            f"{len(closest.columns)} columns found), missing its key " + ", ".join(hints))
