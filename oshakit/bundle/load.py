"""``load_bundle``: every file of a bundle folder read, typed and accounted for."""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from oshakit import schema
from oshakit.bundle import header as H
from oshakit.bundle import parse as P
from oshakit.bundle import records as R
from oshakit.bundle import text as T
from oshakit.bundle import types as TY
from oshakit.bundle.model import (
    ACCOUNTING_COLUMNS,
    Bundle,
    Problems,
    empty_rejects,
    stack_rejects,
)
from oshakit.errors import BundleError, StrictModeError

#: Threads that type columns side by side (pyarrow's reader uses every core already).
THREADS = max(1, min(4, os.cpu_count() or 1))
#: Suffixes of files the loader looks at in a bundle folder.
DATA_SUFFIXES = {".csv", ".txt", ".tsv", ".psv"}
#: Files that live in a bundle folder but are not data (the sample generator's answer key).
NOT_DATA = {"defects.csv"}
#: The small sample bundle shipped inside the package (used when no bundle is given).
SAMPLE_BUNDLE = Path(__file__).resolve().parent.parent / "data" / "sample"
#: Up to this many characters of a rejected row are kept to tell which case it belonged to,
#: for up to ROWS_KEPT rejected rows per file (beyond, a row's case is unknown: fail closed).
TEXT_KEPT, ROWS_KEPT = 4000, 50_000
#: Prose columns: a quote inside one of their cells that neither opens nor closes a quoted
#: field (an inch mark: ``Dock 3 - 2" step``) is kept as a character, with a warning. In any
#: other column (ids, links, codes, dates, numbers, EIN, NAICS...) such a cell is emptied
#: and rejected: it may be the remains of damaged quoting and would change a join or a
#: number. Columns the kit does not know are passed through, so they count as prose.
FREE_TEXT = frozenset({
    "incidents.loc_description", "incidents.comment_activity", "incidents.comment_explanation",
    "incidents.comment_cause", "incidents.primary_physician", "incidents.hospital_name",
    "incidents.hospital_address", "incidents.hospital_city",
    "patient_conditions.description", "patient_conditions.status",
    "patient_conditions.severity",
    "patient_clinical_restriction.type_option", "patient_clinical_restriction.allowed_weight",
    "accommodations.comments",
    "incident_nibp.nature_injury", "incident_nibp.body_part", "incident_nibp.comment",
    "incident_nibp.size", "incident_nibp.manufacturer",
    "employees.first_name", "employees.last_name", "employees.job_title", "employees.street",
    "employees.city",
    "establishments.establishment_name", "establishments.company_name",
    "establishments.street_address", "establishments.city",
    "establishments.industry_description",
})


def load_bundle(
    path: str | Path | None = None, *, strict: bool = False, concat: bool = False
) -> Bundle:
    """Load the case bundle in folder ``path`` (the shipped sample when None).

    ``strict=True`` raises one :class:`StrictModeError` listing every error and warning
    instead of rejecting rows and cells. ``concat=True`` concatenates several files of one
    kind instead of refusing them.
    """
    folder = SAMPLE_BUNDLE if path is None else Path(path)
    if not folder.exists():
        raise BundleError(f"bundle folder not found: {folder}")
    if not folder.is_dir():
        raise BundleError(f"a bundle is a folder of CSV files, not a file: {folder}")
    parsed: dict[str, list[_Parsed]] = {}
    rejects: list[pd.DataFrame] = []
    accounting: list[dict] = []
    texts: dict[tuple[str, int], str] = {}
    seen: list[str] = []
    memory = pa.default_memory_pool()
    files = data_files(folder)
    with ThreadPoolExecutor(max_workers=THREADS) as workers:
        read = _read_files(files, workers, memory)
    for result in read:
        file = result.file
        rejects.append(result.rejects)
        texts.update(result.texts)
        seen.append(f"{file.name} ({result.status})")
        if result.kind is None or result.frame is None:
            accounting.append(result.account(result.kind.name if result.kind else "unknown"))
            continue
        parsed.setdefault(result.kind.name, []).append(result)

    for kind_name, results in parsed.items():
        if len(results) > 1 and not concat:
            names = ", ".join(r.file.name for r in results)
            raise BundleError(
                f"{len(results)} files hold {kind_name} data ({names}); keep one, or load "
                "with concat=True to concatenate them"
            )
    if "encounters" not in parsed:
        found = ", ".join(seen) or "no data files"
        raise BundleError(
            f"no encounters file in {folder} (found: {found}); the encounters file is the one "
            "whose header holds encounters.ext_id"
        )

    frames: dict[str, pd.DataFrame] = {}
    files: dict[str, Path] = {}
    dropped: dict[str, pd.DataFrame] = {}
    row_files: dict[str, np.ndarray] = {}
    for kind_name in schema.KINDS:
        results = parsed.get(kind_name)
        if not results:
            continue
        kind = schema.KINDS[kind_name]
        frame = results[0].frame if len(results) == 1 else pd.concat(
            [r.frame for r in results], ignore_index=True
        )
        if len(results) > 1:
            frame["_file"] = np.repeat([r.file.name for r in results],
                                       [len(r.frame) for r in results])
        frame, dup, dup_rows = _drop_duplicate_keys(frame, kind, results)
        rejects.append(dup)
        if len(dup_rows):
            if "_file" in dup_rows:
                row_files["dropped " + kind_name] = dup_rows["_file"].to_numpy()
            dropped[kind_name] = dup_rows.drop(columns=["_file"], errors="ignore")
        if "_file" in frame:
            row_files[kind_name] = frame["_file"].to_numpy()
        for r in results:
            r.rejected_rows += int((dup["file"] == r.file.name).sum()) if len(dup) else 0
            accounting.append(r.account(kind_name))
        frames[kind_name] = frame.drop(columns=["_file"], errors="ignore").reset_index(drop=True)
        files[kind_name] = results[0].file

    rejects_df = stack_rejects(rejects)
    order = {name: i for i, name in enumerate(schema.KINDS)}
    acc = pd.DataFrame(accounting, columns=ACCOUNTING_COLUMNS)
    acc = acc.sort_values("kind", key=lambda s: s.map(order).fillna(99), kind="stable")
    bundle = Bundle(folder, frames, files, rejects_df, acc.reset_index(drop=True))
    bundle.rejected_text = texts
    bundle.dropped = dropped
    bundle.row_files = row_files
    if strict:
        serious = rejects_df[rejects_df["severity"].isin(["error", "warning"])]
        if len(serious):
            raise StrictModeError(serious["message"].tolist())
    return bundle


def _read_files(files: list[Path], workers: ThreadPoolExecutor,
                memory: pa.MemoryPool) -> list[_Parsed]:
    """Every file read, in the order given, two files at a time, largest first: the largest
    (most of the work, and of the memory) alongside the small ones one after another, so
    their fixed costs overlap and the peak stays the largest file's plus a small one's."""
    by_size = sorted(files, key=_size, reverse=True)
    with ThreadPoolExecutor(max_workers=2) as side_by_side:
        done = dict(zip(by_size, side_by_side.map(lambda f: _read_file(f, workers), by_size),
                        strict=True))
    _give_back(memory)  # the files' scratch memory goes back before typing the frames
    return [done[f] for f in files]


def _size(file: Path) -> int:
    try:
        return file.stat().st_size
    except OSError:  # unreadable: read (and reported) like any other
        return 0


def _give_back(pool: pa.MemoryPool) -> None:
    """Return freed memory to the system: Arrow's pool, and glibc's heap where there is one
    (numpy's scratch arrays of a million rows would otherwise stay in the process)."""
    pool.release_unused()
    if _TRIM is not None:
        _TRIM(0)


def _malloc_trim():
    try:
        import ctypes
        import ctypes.util

        name = ctypes.util.find_library("c")
        return ctypes.CDLL(name).malloc_trim if name else None
    except (OSError, AttributeError):
        return None


_TRIM = _malloc_trim()


def data_files(folder: Path) -> list[Path]:
    """The entries of a bundle folder the loader reads (by their suffix; not hidden files,
    not the sample generator's answer key), in name order. A folder whose entries cannot be
    listed raises :class:`BundleError`."""
    try:
        entries = sorted(folder.iterdir())
    except OSError as exc:
        raise BundleError(f"the bundle folder {folder} cannot be read: "
                          f"{exc.strerror or exc}") from exc
    out = []
    for p in entries:
        if p.name.startswith(".") or p.name in NOT_DATA:
            continue
        if p.suffix.lower() not in DATA_SUFFIXES:
            continue
        out.append(p)
    return out


# --- one file -----------------------------------------------------------------------------


@dataclass
class _Parsed:
    file: Path
    kind: schema.Kind | None
    frame: pd.DataFrame | None
    rejects: pd.DataFrame
    rows_read: int = 0
    rejected_rows: int = 0
    cells_rejected: int = 0
    status: str = "read"
    texts: dict[tuple[str, int], str] = field(default_factory=dict)
    #: False when the file's (text) keys are known to be unique.
    maybe_duplicates: bool = True

    def account(self, kind_name: str) -> dict:
        return {
            "file": self.file.name,
            "kind": kind_name,
            "rows_read": self.rows_read,
            "accepted": self.rows_read - self.rejected_rows,
            "rejected": self.rejected_rows,
            "cells_rejected": self.cells_rejected,
        }


def _kind_by_name(name: str) -> schema.Kind | None:
    for kind in schema.KINDS.values():
        if kind.filename == name:
            return kind
    return None


def _read_file(file: Path, workers: ThreadPoolExecutor) -> _Parsed:
    name = file.name
    problems = Problems(name)

    def give_up(code: str, message: str, severity: str = "error", status: str = "unreadable",
                kind: schema.Kind | None = None) -> _Parsed:
        problems.add(None, "", None, code, message, severity=severity)
        return _Parsed(file, kind, None, problems.frame(), status=status)

    if file.is_symlink() and not file.exists():
        return give_up("file_unreadable", f"is a link to {file.readlink()}, which does not "
                       "exist: the file cannot be read")
    if file.is_dir():
        return give_up("file_unreadable", "is a folder, not a file")
    if not file.is_file():
        return give_up("file_unreadable", "is not a regular file: not read")
    try:
        raw = file.read_bytes()
    except OSError as exc:
        return give_up("file_unreadable", f"cannot be read ({exc.strerror or exc})")
    except MemoryError:
        return give_up("file_unreadable", "is too large to read into memory")
    if _blank(raw):
        kind = _kind_by_name(name)
        what = f"the {kind.name} file" if kind else "a file"
        return give_up("file_empty", f"is empty ({len(raw)} bytes): {what} with no header and "
                       "no rows, not read", severity="warning", status="empty", kind=kind)
    try:
        text = T.decode(raw)
    except T.NotText as exc:
        return give_up(exc.code, exc.message, status="not text")
    del raw
    for severity, code, message in text.notes:
        problems.add(None, "", None, code, message, severity=severity)
    return _read_text(file, text, problems, workers)


def _blank(raw: bytes) -> bool:
    """Nothing but white space, zero bytes and byte-order marks."""
    junk = b" \t\r\n\x00\xef\xbb\xbf\xff\xfe"
    return not raw[:65536].strip(junk) and not raw.strip(junk)


def _read_text(file: Path, text: T.Text, problems: Problems, workers: ThreadPoolExecutor
               ) -> _Parsed:
    name, data = file.name, text.data
    head = H.find(data, name)
    if head is None:
        problems.add(None, "", None, "file_empty", "holds only blank lines: no header, no rows",
                     severity="warning")
        return _Parsed(file, _kind_by_name(name), None, problems.frame(), status="empty")
    if head.delimiter != ",":
        problems.add(head.line, "", None, "delimiter",
                     f"read as {H.DELIMITER_NAMES[head.delimiter]}-delimited", severity="info")
    ncols = len(head.cells)
    above_rows, above_texts = _above_header(head, ncols, problems)
    bad_header = [b for b in text.bad_bytes if b < head.end]
    bad_body = [b for b in text.bad_bytes if b >= head.end]
    recs = R.scan(data, head.end, head.line + 1, head.delimiter, ncols, bad_body)
    if head.kind is None:
        n = len(recs.starts) + above_rows
        problems.add(head.line, "", None, "unknown_kind", head.unknown_reason or "")
        out = _Parsed(file, None, None, problems.frame(), n, n, status="unknown kind")
        return out
    kind = head.kind
    names = _column_names(head, problems, bad_header)
    known = set(kind.column_names)
    free = [n in FREE_TEXT or n not in known for n in names]
    got = P.parse(data, recs, head.delimiter, ncols, free)
    if got is None and recs.fast:  # pyarrow saw a bad row: find it line by line
        recs = R.scan(data, head.end, head.line + 1, head.delimiter, ncols, careful=True)
        got = P.parse(data, recs, head.delimiter, ncols, free)
    if got is None:  # pyarrow still disagrees: read every record by the lenient rules
        recs.status[recs.status == R.OK] = R.OK_LENIENT
        recs.fast = False
        got = P.parse(data, recs, head.delimiter, ncols, free)
    assert got is not None
    table, order, quoted = got
    texts = dict(above_texts)
    rejected = above_rows + _record_problems(data, recs, kind, ncols, head, names, problems,
                                             texts)
    quote_cells, quote_rows = _quoted_cells(recs, quoted, names, kind, problems)
    lines = recs.lines[order]
    rows_read = len(recs.starts) + above_rows
    # a row left empty by emptying its quote-bearing cells was not empty: it is kept, to be
    # rejected (and counted) like any row whose quoting is damaged
    emptied = np.fromiter({c.record for c in quoted if not c.kept}, dtype=np.int64)
    table, lines, order, n_empty = _drop_empty_rows(table, lines, order, emptied)
    rows_read -= n_empty
    if n_empty:
        problems.add(head.line, "", None, "empty_rows",
                     f"{n_empty:,} row(s) hold no value at all (only delimiters): not counted "
                     "as rows", severity="info")
    table = table.rename_columns(names)
    if text.encoding in T.SINGLE_BYTE:
        table, guessed, guessed_rows = _guessed_letters(table, kind, lines, text.encoding,
                                                        problems)
        quote_cells += guessed
        quote_rows |= guessed_rows
    # The raw bytes are done with: let them go before the columns are typed (a big file's
    # bytes would otherwise add to the peak while its typed columns are built).
    text.data = b""
    del data
    frame, key_rejected, cells, unique = _type(table, kind, lines, problems, texts, name,
                                               workers, quote_rows)
    rejected += key_rejected
    cells += quote_cells
    _unnamed_columns(frame, head, names, problems)
    if not len(frame) and rows_read == 0:
        problems.add(head.line, "", None, "file_header_only",
                     f"has a header and no rows: no {kind.name} data"
                     + (" (the bundle has no encounters: every log is empty)"
                        if kind.name == "encounters" else ""), severity="warning")
    for col in kind.columns:
        if col.required and col.name not in frame.columns:
            problems.add(head.line, col.name, None, "missing_column",
                         f"required column {col.name} is missing from the header")
            frame[col.name] = pd.Series(pd.NA, index=frame.index, dtype=TY.dtype(col.type))
    return _Parsed(file, kind, frame, problems.frame(), rows_read, rejected, cells,
                   texts=texts, maybe_duplicates=not unique)


def _keys_unique(columns: dict[str, pa.ChunkedArray], kind: schema.Kind) -> bool:
    """True when the (stripped) key columns hold no key twice; False when not sure."""
    cols = []
    for k in kind.key:
        col = kind.column(k)
        if k not in columns or col.type not in ("text", "code") or isinstance(col.codes, dict):
            return False
        # codes are read case-insensitively: compare them in lower case
        cols.append(pc.utf8_lower(columns[k]) if col.type == "code" else columns[k])
    # a second key column with one value (pat_id_type: id:ext_id) adds nothing
    cols = cols[:1] + [c for c in cols[1:] if len(pc.unique(c)) > 1]
    key = cols[0] if len(cols) == 1 else pc.binary_join_element_wise(
        *cols, pa.scalar("\x1f", type=cols[0].type))
    key = key.drop_null()
    # an export sorted by its key: strictly increasing means unique, with no hash table
    if len(key) > 1 and pc.all(pc.greater(key[1:], key[:-1])).as_py():
        return True
    return len(pc.unique(key)) == len(key)


def _above_header(head: H.Header, ncols: int, problems: Problems
                  ) -> tuple[int, dict[tuple[str, int], str]]:
    """Title rows above the header are skipped; rows that may be data are rejected.

    A title row is a line with at most one value (``Injury export,,,``), or a few values on
    a line whose field count is not the header's (``Run by,J. Doe``). A line with the
    header's field count and two values or more may be a sparse data row (an encounter with
    most of its cells empty): it is rejected, so it counts as unread; so is a line of another
    field count with values in half the header's columns or more.
    """
    rows, texts = 0, {}
    for line, cells in head.above:
        filled = [c for c in (c.strip() for c in cells) if c]
        shown = head.delimiter.join(cells).strip(head.delimiter + " ")
        many = len(cells) >= max(2, ncols // 2) and len(filled) >= max(2, ncols // 2)
        if len(filled) >= 2 and (len(cells) == ncols or many):
            rows += 1
            texts[(problems.file, line)] = shown[:TEXT_KEPT]
            problems.add(line, "", shown, "above_header",
                         f"looks like a data row but is above the header (line {head.line}): "
                         "rejected")
        else:
            problems.add(line, "", shown, "title_row",
                         f"is above the header (line {head.line}): skipped as a title row",
                         severity="warning")
    return rows, texts


def _column_names(head: H.Header, problems: Problems, bad_header: list[int]) -> list[str]:
    names = list(head.names)
    seen: dict[str, int] = {}
    renamed = []
    for i, (cell, nm) in enumerate(zip(head.cells, names, strict=True)):
        if not nm:
            names[i] = f"unnamed_{i + 1}"
            continue
        if nm in seen:
            names[i] = f"{nm}~{i + 1}"
            # which of two copies is right is a guess only for a column the kit reads
            read = head.kind is not None and nm in head.kind.column_names
            problems.add(head.line, nm, cell, "duplicate_column",
                         f"appears twice in the header (columns {seen[nm] + 1} and {i + 1}); "
                         f"the first is read, the second is kept as {names[i]}"
                         + ("" if read else " (the kit does not read this column)"),
                         severity="error" if read else "warning")
            continue
        seen[nm] = i
        tidy = cell.strip()
        if nm != tidy and nm in H.KNOWN:
            renamed.append(f"'{tidy}' as {nm}")
    if renamed:
        problems.add(head.line, "", None, "header_renamed",
                     f"header cell(s) read as the kit's column names: {'; '.join(renamed[:8])}"
                     + (f" and {len(renamed) - 8} more" if len(renamed) > 8 else ""),
                     severity="info")
    if bad_header:
        problems.add(head.line, "", None, "header_encoding",
                     "the header holds bytes that are not valid UTF-8: a column name may be "
                     "wrong, so every row may be misread; save the file as UTF-8")
    return names


def _record_problems(data: bytes, recs: R.Records, kind: schema.Kind, ncols: int,
                     head: H.Header, names: list[str], problems: Problems,
                     texts: dict) -> int:
    """Problems of rejected and leniently read records; the number of rows rejected."""
    rejected = 0
    for r in np.flatnonzero(recs.status >= R.FIELD_COUNT):
        status, line = int(recs.status[r]), int(recs.lines[r])
        raw = data[recs.starts[r]: min(int(recs.ends[r]), int(recs.starts[r]) + TEXT_KEPT)
                   ].decode("utf-8", "replace")
        if len(texts) < ROWS_KEPT:
            texts[(problems.file, line)] = raw
        first = raw.split("\n", 1)[0].rstrip("\r")
        rejected += 1
        if status == R.FIELD_COUNT and recs.signals[r] & R.QUOTE_IN_QUOTED:
            status = R.UNCLOSED  # a quote inside a quoted field, then a wrong count
        if status == R.FIELD_COUNT:
            span = (f" (the record runs to line {int(recs.last_lines[r])})"
                    if recs.last_lines[r] > recs.lines[r] else "")
            hint = (" (a quote inside a field is not doubled, or a quoted field is not "
                    "closed: check the quoting)" if recs.signals[r] else "")
            problems.add(line, "", first, "field_count",
                         f"has {int(recs.fields[r])} fields, the header has {ncols}{span}"
                         f"{hint}: rejected")
        elif status == R.UNCLOSED:
            col = _open_quote_column(first, head.delimiter)
            column = names[col] if col is not None and col < len(names) else ""
            problems.add(line, column, first, "quote_unclosed",
                         "a quote opened on this line is not closed where a field can end "
                         "(it would swallow the lines after it): this row is rejected and "
                         "reading goes on with the next line")
        elif status == R.CONTROL:
            problems.add(line, "", first.encode("unicode_escape").decode("ascii"),
                         "control_chars",
                         "holds control characters (bytes 0x00-0x1F other than tab and line "
                         "ends), which no text has: binary damage, rejected")
        else:
            problems.add(line, "", first, "encoding",
                         "holds bytes that are not valid UTF-8 while the rest of the file is "
                         "UTF-8: rejected (save the file as UTF-8)")
    return rejected


def _quoted_cells(recs: R.Records, quoted: list, names: list[str], kind: schema.Kind,
                  problems: Problems) -> tuple[int, set[int]]:
    """Problems of cells holding a quote read as a character: (cells emptied, lines of the
    rows rejected because the cell is a key or a required column)."""
    emptied, rows = 0, set()
    required = {c.name for c in kind.columns if c.required} | set(kind.key)
    for cell in quoted:
        line, column = int(recs.lines[cell.record]), names[cell.column]
        if cell.kept:
            problems.add(line, column, cell.value, "quote_in_field",
                         "holds a quote that neither opens nor closes a quoted field: read as "
                         "a character (an inch mark?); check the value", severity="warning")
            continue
        whole = column in required
        if whole:
            rows.add(line)
        else:
            emptied += 1
        problems.add(line, column, cell.value, "quote_in_field",
                     "holds a quote that neither opens nor closes a quoted field (damaged "
                     "quoting?); a quote has no place in this column: "
                     + ("the row is rejected" if whole else "the cell is emptied"))
    return emptied, rows


def _guessed_letters(table: pa.Table, kind: schema.Kind, lines: np.ndarray, encoding: str,
                     problems: Problems) -> tuple[pa.Table, int, set[int]]:
    """In a file read by the single-byte guess, letters outside ASCII are trusted in prose
    only: in an id, a link, a code or a number they depend on the guess (and may be damage),
    so the cell is emptied, or the row rejected for a key or required column."""
    required = {c.name for c in kind.columns if c.required} | set(kind.key)
    known = set(kind.column_names)
    emptied, rows = 0, set()
    for name in table.column_names:
        if name in FREE_TEXT or name not in known:
            continue
        col = table.column(name)
        odd = pc.fill_null(pc.invert(pc.string_is_ascii(col)), False)
        mask = np.asarray(odd.to_numpy(zero_copy_only=False), dtype=bool)
        if not mask.any():
            continue
        hit = np.flatnonzero(mask)
        whole = name in required
        if whole:
            rows.update(int(x) for x in lines[hit])
        else:
            emptied += len(hit)
        problems.add_many(lines[hit], name, col.take(pa.array(hit)).to_pylist(), "encoding",
                          f"has letters outside ASCII, read by the {encoding} guess, in a "
                          "column that is matched or coded (not prose): not trusted, "
                          + ("the row is rejected" if whole else "the cell is emptied"))
        index = table.column_names.index(name)
        table = table.set_column(index, name, pc.if_else(pa.array(mask), pa.scalar(
            None, col.type), col))
    return table, emptied, rows


def _open_quote_column(line: str, delimiter: str) -> int | None:
    """The field whose quote is not closed where a field can end: the one still open at the
    end of ``line``, or the one holding a lone quote not followed by the delimiter."""
    inside, field_no, opened, closed_at = False, 0, None, -2
    at_start = True
    for i, ch in enumerate(line):
        if inside:
            if ch == '"':
                nxt = line[i + 1] if i + 1 < len(line) else "\n"
                if nxt in (delimiter, "\n", "\r", '"'):
                    inside, closed_at = False, i
                else:
                    return opened
        elif ch == '"':
            if i == closed_at + 1 or at_start:
                inside, opened = True, field_no
        elif ch == delimiter:
            field_no += 1
            at_start = True
            continue
        at_start = False
    return opened if inside else None


def _drop_empty_rows(table: pa.Table, lines: np.ndarray, order: np.ndarray,
                     emptied: np.ndarray | None = None):
    """Rows with no value at all dropped (not rows), except those of the records
    ``emptied`` (a cell was emptied by the loader, so the row did hold something)."""
    if not table.num_rows or not table.num_columns:
        return table, lines, order, 0
    if all(c.null_count == 0 for c in table.columns[:1]):
        return table, lines, order, 0
    empty = None
    for col in table.columns:
        nulls = col.is_null()
        empty = nulls if empty is None else pc.and_(empty, nulls)
    mask = np.asarray(empty.to_numpy(zero_copy_only=False), dtype=bool)
    if emptied is not None and len(emptied):
        mask &= ~np.isin(order, emptied)
    if not mask.any():
        return table, lines, order, 0
    keep = ~mask
    return (table.filter(pa.array(keep)), lines[keep], order[keep], int(mask.sum()))


def _unnamed_columns(frame: pd.DataFrame, head: H.Header, names: list[str],
                     problems: Problems) -> None:
    """Columns with an empty header cell: dropped when empty, else kept and reported."""
    for i, nm in enumerate(names):
        if not nm.startswith("unnamed_") or head.names[i] or nm not in frame.columns:
            continue
        filled = int(frame[nm].notna().sum())
        if filled == 0:
            del frame[nm]
        else:
            problems.add(head.line, nm, None, "unnamed_column",
                         f"column {i + 1} has no name in the header but holds values on "
                         f"{filled:,} row(s): kept as {nm}, not read as any of the kit's "
                         "columns", severity="warning")
    dropped = [i + 1 for i, nm in enumerate(names)
               if nm.startswith("unnamed_") and not head.names[i] and nm not in frame.columns]
    if dropped:
        problems.add(head.line, "", None, "empty_columns",
                     f"{len(dropped)} column(s) with no name and no value (an Excel export's "
                     "trailing columns) were dropped", severity="info")


# --- keys and types -----------------------------------------------------------------------


def _type(table: pa.Table, kind: schema.Kind, lines: np.ndarray, problems: Problems,
          texts: dict, file_name: str, workers: ThreadPoolExecutor,
          reject_lines: set[int] = frozenset()) -> tuple[pd.DataFrame, int, int, bool]:
    """Typed frame, rows rejected for their key, cells rejected, keys known unique."""
    # Arrow and numpy let go of the GIL: columns are stripped and typed side by side
    stripped = workers.map(TY.strip, table.columns)
    columns = dict(zip(table.column_names, stripped, strict=True))
    n = table.num_rows
    known = {c.name: c for c in kind.columns}
    # Rows without a key, or whose key cannot be read, are rejected whole.
    drop = np.zeros(n, dtype=bool)
    key_cols = [k for k in kind.key if k in columns]
    for k in key_cols:
        missing = columns[k].is_null().to_numpy(zero_copy_only=False)
        drop |= np.asarray(missing, dtype=bool)
    quoted = np.isin(lines, np.fromiter(reject_lines, dtype=np.int64)) if reject_lines else (
        np.zeros(n, dtype=bool))
    drop &= ~quoted  # already reported (a quote in the key)
    if drop.any():
        rows = np.flatnonzero(drop)
        _keep_texts(texts, file_name, columns, rows, lines)
        problems.add_many(lines[rows], key_cols[0], [None] * len(rows), "key_missing",
                          f"the row has no {' + '.join(kind.key)}; a row without its key "
                          "cannot be used: rejected", show_value=False)
    if quoted.any():
        _keep_texts(texts, file_name, columns, np.flatnonzero(quoted), lines)
        drop |= quoted
    typed: dict[str, TY.Typed] = {}
    for k in key_cols:
        col = known[k]
        if col.type != "text":
            t = TY.convert(columns[k], col)
            bad = t.failed & ~drop
            if bad.any():
                rows = np.flatnonzero(bad)
                _keep_texts(texts, file_name, columns, rows, lines)
                problems.add_many(lines[rows], k, _values(columns[k], rows), col.type,
                                  t.message + "; the row has no usable key: rejected")
                drop |= bad
            typed[k] = t
    n_key = int(drop.sum())
    if drop.any():
        keep = ~drop
        mask = pa.array(keep)
        columns = {name: c.filter(mask) for name, c in columns.items()}
        typed = {k: TY.Typed(t.values[keep].reset_index(drop=True), t.failed[keep])
                 for k, t in typed.items()}
        lines = lines[keep]
    unique = workers.submit(_keys_unique, columns, kind)  # alongside the typing below
    out: dict[str, pd.Series] = {schema.LINE: pd.Series(lines, dtype="int64")}
    cells = 0
    case_col = "incidents.case_number" if kind.name == "encounters" else None
    case_numbers = columns.get(case_col) if case_col else None
    todo = [n for n in columns if n in known and n not in typed]
    typed.update(zip(todo, workers.map(lambda n: TY.convert(columns[n], known[n]), todo),
                     strict=True))
    for name, arr in columns.items():
        col = known.get(name)
        if col is None:
            out[name] = TY.text(arr)
            continue
        t = typed[name]
        if t.time_known is not None:
            has = t.values.notna().to_numpy()
            out[schema.INC_TIME_KNOWN] = pd.Series(
                pd.array(np.where(has, t.time_known, False), dtype="boolean")).where(has)
        if t.failed.any():
            rows = np.flatnonzero(t.failed)
            cells += len(rows)
            problems.add_many(lines[rows], name, _values(arr, rows), col.type, t.message,
                              case_numbers=_values(case_numbers, rows)
                              if case_numbers is not None else None)
        for rows, code, message, per_cell in t.notes:
            if per_cell:
                problems.add_many(lines[rows], name, _values(arr, rows), code,
                                  pd.Series(message), severity="warning",
                                  case_numbers=_values(case_numbers, rows)
                                  if case_numbers is not None else None)
            else:
                problems.add(int(lines[rows[0]]), name, _values(arr, rows[:1])[0], code,
                             message + f" (first on line {int(lines[rows[0]])})",
                             severity="warning")
        out[name] = t.values
    ordered = [c.name for c in kind.columns if c.name in out]
    extra = [c for c in out if c not in ordered and c != schema.LINE]
    columns = [schema.LINE, *ordered, *extra]
    # copy=False: one block per column, no copy into 2-D blocks (a million rows of dates)
    frame = pd.DataFrame({c: out[c] for c in columns}, copy=False)
    return frame, n_key, cells, unique.result()


def _values(col: pa.ChunkedArray | None, rows: np.ndarray) -> list:
    if col is None:
        return [None] * len(rows)
    return col.take(pa.array(rows, type=pa.int64())).to_pylist()


def _keep_texts(texts: dict, file_name: str, columns: dict[str, pa.ChunkedArray],
                rows: np.ndarray, lines: np.ndarray) -> None:
    """The fields of rows about to be rejected, joined, to tell later whose rows they were."""
    rows = rows[: max(ROWS_KEPT - len(texts), 0)]
    if not len(rows):
        return
    take = pa.array(rows, type=pa.int64())
    values = [c.take(take).to_pylist() for c in columns.values()]
    for i, row in enumerate(rows):
        joined = ",".join(v[i] or "" for v in values)
        texts[(file_name, int(lines[row]))] = joined[:TEXT_KEPT]


def _drop_duplicate_keys(frame: pd.DataFrame, kind: schema.Kind, results: list[_Parsed]
                         ) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Rows whose key was already used are rejected (the first is kept)."""
    key_cols = [k for k in kind.key if k in frame.columns]
    if not key_cols or not len(frame) or (
            len(results) == 1 and not results[0].maybe_duplicates):
        return frame, empty_rejects(), frame.iloc[:0]
    dup = frame.duplicated(key_cols, keep="first").to_numpy()
    if not dup.any():
        return frame, empty_rejects(), frame.iloc[:0]
    sub = frame.loc[dup]
    first = frame.loc[~dup].drop_duplicates(key_cols).set_index(key_cols)[schema.LINE]
    first_line = first.reindex(pd.MultiIndex.from_frame(sub[key_cols]) if len(key_cols) > 1
                               else sub[key_cols[0]]).to_numpy()
    files = (sub["_file"].to_numpy() if "_file" in sub
             else np.repeat(results[0].file.name, len(sub)))
    values = sub[key_cols[0]].astype("str").to_numpy()
    parts = []
    for file in pd.unique(files):
        here = files == file
        p = Problems(str(file))
        p.add_many(sub[schema.LINE].to_numpy()[here], key_cols[0], values[here],
                   "key_duplicate",
                   pd.Series([f"is already used on line {fl}" +
                              (f" (key {' + '.join(key_cols)})" if len(key_cols) > 1 else "")
                              + "; this later row is rejected"
                              for fl in first_line[here]]))
        parts.append(p.frame())
    return frame.loc[~dup], pd.concat(parts, ignore_index=True), sub
