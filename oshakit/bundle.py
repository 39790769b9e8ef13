"""Read a case bundle: find each file's kind, type every column, account for every row.

The loader is the only place that parses the input files. It works on the raw
bytes with numpy to find where each record starts (so every row keeps the line
number an auditor can look up, even with quoted newlines) and how many fields
it has, then hands the well-formed records to pandas' C parser in one call and
converts columns with vectorised pandas operations.

Nothing is lost: every input row is either in a frame or in ``Bundle.rejects``,
and ``Bundle.accounting`` shows rows read = accepted + rejected per file.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from oshakit import schema
from oshakit.errors import BundleError, InputError, StrictModeError

REJECT_COLUMNS = ["file", "line", "column", "value", "rule", "message"]
ACCOUNTING_COLUMNS = ["file", "kind", "rows_read", "accepted", "rejected", "cells_rejected"]
#: Suffixes of files the loader looks at in a bundle folder.
DATA_SUFFIXES = {".csv", ".txt", ".tsv", ".psv"}
#: Files that live in a bundle folder but are not data (the sample generator's answer key).
NOT_DATA = {"defects.csv"}

#: The small sample bundle shipped inside the package (used when no bundle is given).
SAMPLE_BUNDLE = Path(__file__).parent / "data" / "sample"

_NL, _QUOTE = 10, 34
_DELIMITERS = {",": ord(","), "|": ord("|"), "\t": ord("\t")}


@dataclass
class Bundle:
    """A loaded case bundle: typed frames per kind, plus what was rejected and why."""

    path: Path
    frames: dict[str, pd.DataFrame]
    files: dict[str, Path] = field(default_factory=dict)
    rejects: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=REJECT_COLUMNS))
    accounting: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(columns=ACCOUNTING_COLUMNS)
    )

    def __getitem__(self, kind: str) -> pd.DataFrame:
        return self.frames[kind]

    def __contains__(self, kind: object) -> bool:
        return kind in self.frames

    def get(self, kind: str) -> pd.DataFrame | None:
        return self.frames.get(kind)

    def file_name(self, kind: str) -> str:
        """The name of the file a kind was read from (its canonical name if none)."""
        path = self.files.get(kind)
        return path.name if path is not None else schema.KINDS[kind].filename

    def summary(self) -> str:
        """A short human-readable account of the bundle."""
        lines = [f"Bundle {self.path}"]
        for row in self.accounting.itertuples(index=False):
            lines.append(
                f"  {row.file:<36} {row.kind:<15} read {row.rows_read:>9,}  "
                f"accepted {row.accepted:>9,}  rejected {row.rejected:>6,}  "
                f"cells rejected {row.cells_rejected:>6,}"
            )
        if len(self.rejects):
            lines.append(f"  {len(self.rejects):,} problem(s):")
            counts = self.rejects.groupby(["file", "rule"]).size()
            for (file, rule), n in counts.items():
                lines.append(f"    {file}: {n:,} x {rule}")
        else:
            lines.append("  no problems found by the loader")
        return "\n".join(lines)


# --- public entry point -----------------------------------------------------------


def load_bundle(
    path: str | Path | None = None, *, strict: bool = False, concat: bool = False
) -> Bundle:
    """Load the case bundle in folder ``path`` (the shipped sample when None).

    ``strict=True`` raises one :class:`StrictModeError` listing every problem
    instead of rejecting rows and cells. ``concat=True`` concatenates several
    files of one kind instead of refusing them.
    """
    folder = SAMPLE_BUNDLE if path is None else Path(path)
    if not folder.exists():
        raise BundleError(f"bundle folder not found: {folder}")
    if not folder.is_dir():
        raise BundleError(f"a bundle is a folder of CSV files, not a file: {folder}")
    candidates = sorted(
        p for p in folder.iterdir()
        if p.is_file() and p.suffix.lower() in DATA_SUFFIXES and p.name not in NOT_DATA
        and not p.name.startswith(".")
    )
    parsed: dict[str, list[_Parsed]] = {}
    rejects: list[pd.DataFrame] = []
    accounting: list[dict] = []
    for file in candidates:
        result = _read_file(file)
        rejects.append(result.rejects)
        if result.kind is None:
            accounting.append(result.account("unknown"))
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
        found = ", ".join(p.name for p in candidates) or "no data files"
        raise BundleError(
            f"no encounters file in {folder} (found: {found}); the encounters file is the one "
            "whose header holds encounters.ext_id"
        )

    frames: dict[str, pd.DataFrame] = {}
    files: dict[str, Path] = {}
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
        frame, dup = _drop_duplicate_keys(frame, kind, results)
        rejects.append(dup)
        for r in results:
            r.rejected_rows += int((dup["file"] == r.file.name).sum()) if len(dup) else 0
            accounting.append(r.account(kind_name))
        frames[kind_name] = frame.drop(columns=["_file"], errors="ignore").reset_index(drop=True)
        files[kind_name] = results[0].file

    rejects_df = pd.concat([r for r in rejects if len(r)], ignore_index=True) if any(
        len(r) for r in rejects
    ) else pd.DataFrame({c: pd.Series(dtype="int64" if c == "line" else "str")
                         for c in REJECT_COLUMNS})
    rejects_df = rejects_df.sort_values(["file", "line"], kind="stable").reset_index(drop=True)
    order = {name: i for i, name in enumerate(schema.KINDS)}
    acc = pd.DataFrame(accounting, columns=ACCOUNTING_COLUMNS)
    acc = acc.sort_values("kind", key=lambda s: s.map(order).fillna(99), kind="stable")
    bundle = Bundle(folder, frames, files, rejects_df, acc.reset_index(drop=True))
    if strict and len(rejects_df):
        raise StrictModeError(rejects_df["message"].tolist())
    return bundle


# --- one file ---------------------------------------------------------------------


@dataclass
class _Parsed:
    file: Path
    kind: schema.Kind | None
    frame: pd.DataFrame
    rejects: pd.DataFrame
    rows_read: int
    rejected_rows: int
    cells_rejected: int

    def account(self, kind_name: str) -> dict:
        return {
            "file": self.file.name,
            "kind": kind_name,
            "rows_read": self.rows_read,
            "accepted": self.rows_read - self.rejected_rows,
            "rejected": self.rejected_rows,
            "cells_rejected": self.cells_rejected,
        }


class _Problems:
    """Collects reject rows for one file, vectorised where it matters."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.parts: list[pd.DataFrame] = []

    def add(self, line: int, column: str, value: str, rule: str, message: str) -> None:
        self.parts.append(pd.DataFrame(
            {"file": [self.file], "line": [line], "column": [column], "value": [value],
             "rule": [rule], "message": [f"{self.file}:{line} [{column}]: {message}"
                                          if column else f"{self.file}:{line}: {message}"]}))

    def add_many(self, lines: np.ndarray | pd.Series, column: str, values: pd.Series,
                 rule: str, message: str, *, show_value: bool = True) -> None:
        if not len(lines):
            return
        lines = np.asarray(lines, dtype="int64")
        vals = pd.Series(values, dtype="str").reset_index(drop=True)
        prefix = pd.Series([f"{self.file}:{n} [{column}]: " for n in lines], dtype="str")
        text = prefix + ("'" + vals.fillna("") + "' " if show_value else "") + message
        self.parts.append(pd.DataFrame({
            "file": self.file, "line": lines, "column": column, "value": vals,
            "rule": rule, "message": text}))

    def frame(self) -> pd.DataFrame:
        if not self.parts:
            return pd.DataFrame(columns=REJECT_COLUMNS)
        return pd.concat(self.parts, ignore_index=True)[REJECT_COLUMNS]


def _read_file(file: Path) -> _Parsed:
    name = file.name
    problems = _Problems(name)
    data = _decode(file.read_bytes(), name)
    if not data.strip():
        raise InputError("the file is empty", file=name, line=1)
    records = _Records(data)
    delim = _delimiter(data[records.starts[0]: records.ends[0]])
    header_raw = next(csv.reader([data[records.starts[0]: records.ends[0]].decode("utf-8")],
                                 delimiter=delim))
    header = [_canonical(h) for h in header_raw]
    kind = schema.kind_of_header(header)
    n_records = len(records.starts) - 1
    blank = records.blank[1:]
    rows_read = int((~blank).sum())
    if kind is None:
        keys = "; ".join(" + ".join(k.key) for k in schema.KINDS.values())
        problems.add(1, "", "", "unknown_kind",
                     f"cannot tell what kind of file this is from its header; a bundle file's "
                     f"header must hold one of these key columns: {keys}")
        return _Parsed(file, None, pd.DataFrame(), problems.frame(), rows_read, rows_read, 0)

    seen: set[str] = set()
    for i, h in enumerate(header):
        if h in seen:
            raise InputError(f"column {h!r} appears twice in the header", file=name, line=1,
                             column=h, rule="duplicate_column")
        seen.add(h)
        if not h:
            header[i] = f"unnamed_{i + 1}"

    # Field counts per record, outside quotes.
    counts = records.field_counts(ord(delim))
    lines = records.lines
    bad = (counts[1:] != len(header)) & ~blank
    for idx in np.flatnonzero(bad):
        rec = idx + 1
        snippet = data[records.starts[rec]: records.ends[rec]][:80].decode("utf-8", "replace")
        problems.add(int(lines[rec]), "", snippet, "field_count",
                     f"has {int(counts[rec])} fields, the header has {len(header)}"
                     + (" (a quote is never closed)" if records.unterminated and rec == n_records
                        else ""))
    for rec, pos in records.bad_bytes:
        if rec > 0 and not bad[rec - 1]:
            bad[rec - 1] = True
            problems.add(int(lines[rec]), "", "", "encoding",
                         f"byte {pos} is not valid UTF-8 (save the file as UTF-8)")
    keep = ~bad & ~blank
    body = records.select(data, keep)
    frame = _parse(body, header, delim, int(keep.sum()), name)
    if frame is None:  # pandas and the quote scanner disagree: slow, exact path
        frame = _parse_python(data, header, delim, records, keep)
    frame.insert(0, schema.LINE, lines[1:][keep])
    rejected_rows = int(bad.sum())

    frame, n_key_rejects = _check_keys(frame, kind, problems)
    rejected_rows += n_key_rejects
    frame, cells, n_unparsed_keys = _type_columns(frame, kind, problems)
    rejected_rows += n_unparsed_keys
    missing = [c for c in kind.columns if c.required and c.name not in frame.columns]
    for col in missing:
        problems.add(1, col.name, "", "missing_column",
                     f"required column {col.name} is missing from the header")
        frame[col.name] = pd.Series(pd.NA, index=frame.index, dtype=_dtype(col.type))
    return _Parsed(file, kind, frame, problems.frame(), rows_read, rejected_rows, cells)


def _decode(raw: bytes, name: str) -> bytes:
    """Return the file as UTF-8 bytes with no BOM."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return raw.decode("utf-16").encode("utf-8")
        except UnicodeDecodeError as exc:
            line = raw[: exc.start].decode("utf-16", "replace").count("\n") + 1
            raise InputError("is not valid UTF-16 (it starts with a UTF-16 byte-order mark)",
                             file=name, line=line, rule="encoding") from None
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    return raw


class _Records:
    """Record boundaries, line numbers and field counts of a CSV buffer, via numpy.

    A newline or delimiter is outside quotes when an even number of quote
    characters precedes it (RFC 4180: quotes inside a quoted field are doubled, so
    they pair up); a running XOR over the quote bytes gives that parity per byte.
    """

    def __init__(self, data: bytes) -> None:
        arr = np.frombuffer(data, dtype=np.uint8)
        self.arr = arr
        quote = arr == _QUOTE
        self.unterminated = bool(np.count_nonzero(quote) % 2)
        #: 1 for the bytes inside a quoted field, 0 outside.
        self.inside = np.bitwise_xor.accumulate(quote.view(np.uint8))
        del quote
        newlines = np.flatnonzero(arr == _NL)
        seps = newlines[self.inside[newlines] == 0]
        starts = np.concatenate(([0], seps + 1))
        ends = np.concatenate((seps, [len(arr)]))
        if starts[-1] >= len(arr):  # trailing newline: no record after it
            starts, ends = starts[:-1], ends[:-1]
        self.starts, self.ends = starts, ends
        self.lines = np.searchsorted(newlines, starts) + 1
        length = ends - starts
        cr_only = (length == 1) & (arr[np.minimum(starts, len(arr) - 1)] == 13)
        self.blank = (length == 0) | cr_only
        self.bad_bytes = self._invalid_utf8(data)

    def _invalid_utf8(self, data: bytes) -> list[tuple[int, int]]:
        out: list[tuple[int, int]] = []
        pos = 0
        while True:
            try:
                data[pos:].decode("utf-8")
                return out
            except UnicodeDecodeError as exc:
                bad = pos + exc.start
                rec = int(np.searchsorted(self.starts, bad, side="right") - 1)
                out.append((rec, bad))
                pos = int(self.ends[rec]) + 1 if rec >= 0 else bad + 1
                if pos >= len(data):
                    return out

    def field_counts(self, delim: int) -> np.ndarray:
        positions = np.flatnonzero((self.arr == delim) & (self.inside == 0))
        bounds = np.append(self.starts, len(self.arr))
        # delimiters of record i = those between its start and the next record's start
        return np.diff(np.searchsorted(positions, bounds)) + 1

    def select(self, data: bytes, keep: np.ndarray) -> bytes:
        """The header plus the kept records, as one buffer."""
        if keep.all():
            return data
        mask = np.ones(len(self.starts), dtype=bool)
        mask[1:] = keep
        # Each record owns [start, next start): drop the spans of the records not kept.
        bounds = np.concatenate((self.starts, [len(self.arr)]))
        delta = np.zeros(len(self.arr) + 1, dtype=np.int8)
        np.add.at(delta, bounds[:-1][~mask], 1)
        np.add.at(delta, bounds[1:][~mask], -1)
        drop = np.cumsum(delta[:-1]) > 0
        out = self.arr[~drop].tobytes()
        return out if out.endswith(b"\n") else out + b"\n"


def _delimiter(header: bytes) -> str:
    text = header.decode("utf-8", "replace")
    counts = {d: text.count(d) for d in _DELIMITERS}
    if counts[","]:
        return ","
    best = max(("|", "\t"), key=lambda d: counts[d])
    return best if counts[best] else ","


def _canonical(cell: str) -> str:
    """Header cell -> canonical column name: strip MIE prefixes, apply aliases."""
    tokens = cell.strip().lstrip("\ufeff").split()
    name = tokens[-1] if tokens else ""
    if len(tokens) > 1 and not all(t.upper() in schema.HEADER_PREFIXES or t.isupper()
                                   for t in tokens[:-1]):
        name = " ".join(tokens)
    return schema.ALIASES.get(name, name)


def _parse(body: bytes, header: list[str], delim: str, expected: int, name: str
           ) -> pd.DataFrame | None:
    """Parse well-formed records with pyarrow's multi-threaded CSV reader, all as text.

    Returns None when the reader disagrees with the record scanner (a stray
    quote inside an unquoted field), so the caller can take the exact slow path.
    """
    import pyarrow as pa
    from pyarrow import csv as pacsv

    try:
        table = pacsv.read_csv(
            io.BytesIO(body),
            read_options=pacsv.ReadOptions(column_names=header, skip_rows=1),
            parse_options=pacsv.ParseOptions(delimiter=delim, newlines_in_values=True),
            convert_options=pacsv.ConvertOptions(
                column_types={h: pa.string() for h in header},
                strings_can_be_null=False, quoted_strings_can_be_null=False),
        )
    except (pa.ArrowInvalid, UnicodeDecodeError):
        return None
    if table.num_rows != expected:
        return None
    return table.to_pandas().astype("str")


def _parse_python(data: bytes, header: list[str], delim: str, records: _Records,
                  keep: np.ndarray) -> pd.DataFrame:
    rows = []
    for rec in np.flatnonzero(keep) + 1:
        text = data[records.starts[rec]: records.ends[rec]].decode("utf-8", "replace")
        fields = next(csv.reader([text], delimiter=delim), [])
        rows.append((fields + [""] * len(header))[: len(header)])
    return pd.DataFrame(rows, columns=header, dtype=str)


# --- keys and types ---------------------------------------------------------------


def _check_keys(frame: pd.DataFrame, kind: schema.Kind, problems: _Problems
                ) -> tuple[pd.DataFrame, int]:
    key_cols = [k for k in kind.key if k in frame.columns]
    missing = np.zeros(len(frame), dtype=bool)
    for col in key_cols:
        missing |= (frame[col].str.strip() == "").to_numpy()
    if missing.any():
        key = " + ".join(kind.key)
        sub = frame.loc[missing]
        problems.add_many(sub[schema.LINE], key_cols[0], sub[key_cols[0]], "key_missing",
                          f"the row has no {key}; a row without its key cannot be used",
                          show_value=False)
    return frame.loc[~missing], int(missing.sum())


def _drop_duplicate_keys(frame: pd.DataFrame, kind: schema.Kind, results: list[_Parsed]
                         ) -> tuple[pd.DataFrame, pd.DataFrame]:
    key_cols = list(kind.key)
    dup = frame.duplicated(key_cols, keep="first").to_numpy()
    if not dup.any():
        return frame, pd.DataFrame(columns=REJECT_COLUMNS)
    sub = frame.loc[dup]
    first = frame.loc[~dup].drop_duplicates(key_cols).set_index(key_cols)[schema.LINE]
    first_line = first.reindex(pd.MultiIndex.from_frame(sub[key_cols]) if len(key_cols) > 1
                               else sub[key_cols[0]]).to_numpy()
    files = sub["_file"] if "_file" in sub else pd.Series(results[0].file.name, index=sub.index)
    out = pd.DataFrame({
        "file": files.to_numpy(), "line": sub[schema.LINE].to_numpy(),
        "column": key_cols[0], "value": sub[key_cols[0]].astype("str").to_numpy(),
        "rule": "key_duplicate"})
    out["message"] = [
        f"{f}:{ln} [{' + '.join(key_cols)}]: '{v}' is already used on line {fl}; "
        "this later row is rejected"
        for f, ln, v, fl in zip(out["file"], out["line"], out["value"], first_line, strict=True)
    ]
    return frame.loc[~dup], out[REJECT_COLUMNS]


def _dtype(kind: str) -> str:
    return {"flag": "boolean", "int": "Int64", "number": "Float64",
            "datetime": "datetime64[ns]"}.get(kind, "str")


_TIME = re.compile(r"^\s*(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([AaPp][Mm])?\s*$")
_FORMATS_TEXT = "YYYY-MM-DD HH:MM:SS, YYYY-MM-DD, YYYY-MM-DDTHH:MM:SS, MM/DD/YYYY [HH:MM[:SS]]"


def _type_columns(frame: pd.DataFrame, kind: schema.Kind, problems: _Problems
                  ) -> tuple[pd.DataFrame, int, int]:
    """Convert every known column to its type; a cell that fails is NA and rejected.

    Returns the typed frame, the number of rejected cells and the number of rows
    rejected because a key column could not be parsed.
    """
    out: dict[str, pd.Series] = {schema.LINE: frame[schema.LINE]}
    lines = frame[schema.LINE].to_numpy()
    rejected_cells = 0
    key_fail = np.zeros(len(frame), dtype=bool)
    for name in frame.columns:
        if name == schema.LINE:
            continue
        raw = frame[name].str.strip()
        empty = (raw == "").to_numpy()
        try:
            col = kind.column(name)
        except KeyError:
            out[name] = raw.where(~empty)
            continue
        values, failed, message = _convert(raw, empty, col)
        if name == "incidents.inc_datetime":
            has_time = _has_time(raw).where(values.notna())
            out[schema.INC_TIME_KNOWN] = has_time.astype("boolean")
        if failed.any():
            rejected_cells += int(failed.sum())
            problems.add_many(lines[failed], name, frame[name][failed], _rule(col.type),
                              message)
            if name in kind.key:
                key_fail |= failed
        out[name] = values
    typed = pd.DataFrame(out, index=frame.index)
    if key_fail.any():
        typed = typed.loc[~key_fail]
        rejected_cells -= int(key_fail.sum())
    # Keep the schema's column order first, then unknown columns as they came.
    known = [c for c in kind.column_names if c in typed.columns]
    extra = [c for c in typed.columns if c not in known and c != schema.LINE]
    typed = typed[[schema.LINE, *known, *extra]].reset_index(drop=True)
    return typed, rejected_cells, int(key_fail.sum())


def _rule(col_type: str) -> str:
    return {"datetime": "datetime", "flag": "flag", "code": "code", "int": "int",
            "number": "number", "time": "time"}.get(col_type, col_type)


def _convert(raw: pd.Series, empty: np.ndarray, col: schema.Column
             ) -> tuple[pd.Series, np.ndarray, str]:
    t = col.type
    none = np.zeros(len(raw), dtype=bool)
    if t == "text":
        return raw.where(~empty), none, ""
    if t == "code":
        codes = col.codes
        mapping = ({k.lower(): v for k, v in codes.items()} if isinstance(codes, dict)
                   else {c.lower(): c for c in codes or ()})
        values = raw.str.lower().map(mapping)
        failed = values.isna().to_numpy() & ~empty
        allowed = ", ".join(dict.fromkeys(mapping.values()))
        return values.astype("str"), failed, f"is not one of the accepted codes: {allowed}"
    if t == "flag":
        low = raw.str.lower()
        values = pd.Series(pd.NA, index=raw.index, dtype="boolean")
        values[low.isin(schema.FLAG_TRUE).to_numpy()] = True
        values[low.isin(schema.FLAG_FALSE).to_numpy()] = False
        failed = values.isna().to_numpy() & ~empty
        return values, failed, "is not a flag (accepted: 0/1, Y/N, Yes/No, true/false)"
    if t == "datetime":
        values, failed = _parse_datetimes(raw, empty)
        return values, failed, f"is not a date or datetime (accepted: {_FORMATS_TEXT})"
    if t == "time":
        parts = raw.str.extract(_TIME)
        hour = pd.to_numeric(parts[0], errors="coerce")
        minute = pd.to_numeric(parts[1], errors="coerce")
        second = pd.to_numeric(parts[2], errors="coerce").fillna(0)
        ampm = parts[3].str.upper()
        is_ampm = ampm.notna()
        ok = hour.notna() & (minute < 60) & (second < 60) & (
            (~is_ampm & (hour < 24)) | (is_ampm & hour.between(1, 12)))
        hour = hour.where(~is_ampm, hour % 12 + np.where(ampm == "PM", 12, 0))
        text = hour.astype("Int64").astype("str").str.zfill(2) + ":" + parts[1]
        failed = ~ok.to_numpy() & ~empty
        return text.where(ok & ~pd.Series(empty, index=raw.index)).astype("str"), failed, (
            "is not a time of day (accepted: HH:MM, HH:MM:SS, with optional AM/PM)")
    if t in ("int", "number"):
        cleaned = raw.str.replace(",", "", regex=False)
        num = pd.to_numeric(cleaned.where(~empty), errors="coerce")
        failed = num.isna().to_numpy() & ~empty
        if t == "int":
            frac = num.notna() & (num % 1 != 0)
            failed |= frac.to_numpy()
            return num.where(~frac).astype("Int64"), failed, "is not a whole number"
        return num.astype("Float64"), failed, "is not a number"
    raise ValueError(f"unknown column type {t!r}")


def _has_time(raw: pd.Series) -> pd.Series:
    """True where a datetime text carries a time of day (``HH:MM``)."""
    return raw.str.contains(":", regex=False)


def _parse_datetimes(raw: pd.Series, empty: np.ndarray) -> tuple[pd.Series, np.ndarray]:
    """Parse with every accepted format in turn; return the values and the failures.

    A column is usually written in one format: the one its first value matches is
    tried first, so most columns parse in a single vectorised pass.
    """
    empty = empty | raw.isin(schema.NULL_DATES).to_numpy()
    values = pd.Series(pd.NaT, index=raw.index, dtype="datetime64[ns]")
    todo = ~empty
    for fmt in _formats_for(raw[todo]):
        if not todo.any():
            break
        parsed = pd.to_datetime(raw[todo], format=fmt, errors="coerce")
        ok = parsed.notna().to_numpy()
        idx = np.flatnonzero(todo)[ok]
        values.iloc[idx] = parsed[ok].astype("datetime64[ns]").to_numpy()
        todo[idx] = False
    return values, todo


def _formats_for(values: pd.Series) -> list[str]:
    """The accepted datetime formats, the one the first value matches first."""
    formats = list(schema.DATETIME_FORMATS)
    if len(values):
        first = values.iloc[0]
        for fmt in formats:
            try:
                dt.datetime.strptime(first, fmt)
            except ValueError:
                continue
            formats.remove(fmt)
            return [fmt, *formats]
    return formats
