"""Type the text columns of one file with Arrow compute and numpy, never a loop per row.

- Columns with few distinct values (codes, flags, times, numbers) are typed through their
  distinct values: each is read once in Python and the answers spread back by index.
- Datetimes written in full ISO form (``YYYY-MM-DD``, ``YYYY-MM-DD HH:MM:SS``, ``...T...``)
  are read with numpy straight from the Arrow string buffers (digits at fixed places; month,
  day, hour, minute and second checked, 2024-02-30 refused); the other accepted formats go
  through Arrow's ``strptime`` and pandas for the few values that need them.
- Outer spaces are looked for in the first and last byte of every cell (numpy over the same
  buffers) and trimmed only in columns that have some.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from oshakit import schema

_TIME = re.compile(r"^(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([AaPp][Mm])?$")
_THOUSANDS = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$")
_FLAG_NUMBER = re.compile(r"^[+]?([01])(\.0*)?$")
_SERIAL = re.compile(r"^\d{4,5}(\.\d+)?$")
#: Years a date may have: outside them a date is a typo (0202, 2204) or damage, and years
#: outside 1678-2261 cannot even be held (they would wrap around to another date).
YEARS = (1900, 2100)
FORMATS_TEXT = ("YYYY-MM-DD HH:MM:SS, YYYY-MM-DD, YYYY-MM-DDTHH:MM:SS, MM/DD/YYYY "
                f"[HH:MM[:SS]], or an Excel date serial number; years {YEARS[0]}-{YEARS[1]}")
#: Excel serial numbers read as dates: 10000 = 1927-05-18 ... 80000 = 2119-01-10.
SERIAL_RANGE = (10_000, 80_000)
_EXCEL_EPOCH = np.datetime64("1899-12-30", "ns")
_DAY_NS = 86_400 * 10**9
_DTYPES = {"flag": "boolean", "int": "Int64", "number": "Float64",
           "datetime": "datetime64[ns]"}
_DAYS_IN_MONTH = np.array([31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31], dtype=np.int64)
_NAT = np.datetime64("NaT", "ns")


@dataclass
class Typed:
    """A typed column, the cells that failed, and notes about cells that were recovered."""

    values: pd.Series
    failed: np.ndarray  # bool per row
    message: str = ""
    #: Recovered cells, for warnings: (rows, code, message per row or one text for all,
    #: one warning per cell or one for the column).
    notes: list[tuple[np.ndarray, str, object, bool]] = field(default_factory=list)
    time_known: np.ndarray | None = None  # incidents.inc_datetime only


def dtype(col_type: str) -> str:
    return _DTYPES.get(col_type, "str")


# --- Arrow string buffers as numpy --------------------------------------------------------


def _buffers(chunk: pa.Array) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(start offset per value, length per value, data bytes) of a string chunk."""
    bufs = chunk.buffers()
    width = np.int64 if pa.types.is_large_string(chunk.type) else np.int32
    offsets = np.frombuffer(bufs[1], dtype=width)[chunk.offset: chunk.offset + len(chunk) + 1]
    data = (np.frombuffer(bufs[2], dtype=np.uint8) if bufs[2] is not None
            else np.zeros(1, dtype=np.uint8))
    starts = offsets[:-1].astype(np.int64)
    return starts, np.diff(offsets).astype(np.int64), data


def _valid(chunk: pa.Array) -> np.ndarray:
    if chunk.null_count == 0:
        return np.ones(len(chunk), dtype=bool)
    return np.asarray(chunk.is_valid().to_numpy(zero_copy_only=False), dtype=bool)


def strip(col: pa.ChunkedArray) -> pa.ChunkedArray:
    """Outer spaces removed, blank cells null (only in a column where some cell needs it)."""
    if col.null_count == len(col):
        return col
    for chunk in col.chunks:
        bufs = chunk.buffers()
        if not len(chunk) or bufs[2] is None:
            continue
        width = np.int64 if pa.types.is_large_string(chunk.type) else np.int32
        offsets = np.frombuffer(bufs[1], dtype=width)[chunk.offset: chunk.offset + len(chunk)
                                                      + 1]
        data = np.frombuffer(bufs[2], dtype=np.uint8)
        if offsets[-1] == offsets[0]:
            continue
        # first and last byte of every cell (an empty cell shows its neighbour's, which is
        # looked at anyway)
        first = data[np.minimum(offsets[:-1], offsets[-1] - 1)]
        last = data[np.maximum(offsets[1:] - 1, offsets[0])]
        if ((first <= 32) | (last <= 32) | (first == 0xC2) | (last == 0xA0)).any():
            break
    else:
        return col
    col = pc.utf8_trim_whitespace(col)
    return pc.if_else(pc.equal(col, ""), pa.scalar(None, col.type), col)


def text(col: pa.ChunkedArray | pa.Array) -> pd.Series:
    series = col.to_pandas()
    return series if str(series.dtype) == "str" else series.astype("str")


# --- one column ---------------------------------------------------------------------------


def convert(col: pa.ChunkedArray, column: schema.Column) -> Typed:
    """Type one stripped column by its schema type."""
    t = column.type
    if t == "text":
        return Typed(text(col), np.zeros(len(col), dtype=bool))
    if t == "code":
        codes = column.codes
        mapping = ({k.lower(): v for k, v in codes.items()} if isinstance(codes, dict)
                   else {c.lower(): c for c in codes or ()})
        allowed = ", ".join(dict.fromkeys(mapping.values()))
        values, failed = _strings_by_value(col, lambda v: mapping.get(v.lower()))
        return Typed(text(values), failed, f"is not one of the accepted codes: {allowed}")
    if t == "time":
        values, failed = _strings_by_value(col, _time)
        return Typed(text(values), failed,
                     "is not a time of day (accepted: HH:MM, HH:MM:SS, with optional AM/PM)")
    if t == "flag":
        codes, failed = _numbers_by_value(col, _flag)
        mask = np.isnan(codes)
        values = pd.arrays.BooleanArray(np.where(mask, 0, codes) == 1, mask)
        return Typed(pd.Series(values), failed,
                     "is not a flag (accepted: 0/1, Y/N, Yes/No, true/false, 1.0/0.0)")
    if t in ("int", "number"):
        numbers, failed = _numbers_by_value(col, _int if t == "int" else _number)
        mask = np.isnan(numbers)
        if t == "int":
            values = pd.arrays.IntegerArray(np.where(mask, 0, numbers).astype("int64"), mask)
            return Typed(pd.Series(values), failed, "is not a whole number")
        values = pd.arrays.FloatingArray(np.where(mask, 0.0, numbers), mask)
        return Typed(pd.Series(values), failed, "is not a number")
    if t == "datetime":
        return datetimes(col, injury=column.name == INJURY)
    raise ValueError(f"unknown column type {t!r}")


INJURY = "incidents.inc_datetime"


def _distinct(col: pa.ChunkedArray) -> tuple[list, np.ndarray]:
    """The distinct values (nulls left out) and, per row, the position of its value
    (``len(values)`` for a null)."""
    uniques = pc.unique(col).drop_null()
    index = pc.index_in(col, value_set=uniques)
    index = pc.fill_null(index, len(uniques)).to_numpy(zero_copy_only=False)
    return uniques.to_pylist(), np.asarray(index, dtype=np.int64)


def _strings_by_value(col: pa.ChunkedArray, read) -> tuple[pa.ChunkedArray, np.ndarray]:
    values, index = _distinct(col)
    answers = [read(v) for v in values]
    bad = np.array([a is None for a in answers] + [False], dtype=bool)
    failed = bad[index]
    if all(a == v or a is None for a, v in zip(answers, values, strict=True)):
        if not failed.any():
            return col, failed  # every value is already written the canonical way
        return pc.if_else(pa.array(failed), pa.scalar(None, pa.large_string()), col), failed
    table = pa.array([*answers, None], type=pa.large_string())
    return pa.chunked_array([table.take(pa.array(index))]), failed


def _numbers_by_value(col: pa.ChunkedArray, read) -> tuple[np.ndarray, np.ndarray]:
    """float per row (NaN for null or unreadable), failed per row."""
    values, index = _distinct(col)
    answers = [read(v) for v in values]
    numbers = np.array([np.nan if a is None else float(a) for a in answers] + [np.nan])
    bad = np.array([a is None for a in answers] + [False], dtype=bool)
    return numbers[index], bad[index]


def _flag(value: str) -> float | None:
    low = value.lower()
    if low in schema.FLAG_TRUE:
        return 1.0
    if low in schema.FLAG_FALSE:
        return 0.0
    m = _FLAG_NUMBER.match(low)
    return None if m is None else float(m.group(1))


def _time(value: str) -> str | None:
    m = _TIME.match(value)
    if m is None:
        return None
    hour, minute, second, ampm = int(m[1]), int(m[2]), int(m[3] or 0), m[4]
    if minute >= 60 or second >= 60:
        return None
    if ampm:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if ampm.upper() == "PM" else 0)
    elif hour >= 24:
        return None
    return f"{hour:02d}:{minute:02d}"


def _number(value: str) -> float | None:
    text = value.replace(",", "") if _THOUSANDS.match(value) else value
    if "," in text or "_" in text:
        return None  # a decimal comma or a misplaced separator: not guessed
    try:
        number = float(text)
    except ValueError:
        return None
    return number if np.isfinite(number) else None


def _int(value: str) -> float | None:
    number = _number(value)
    return number if number is not None and float(number).is_integer() else None


# --- datetimes ----------------------------------------------------------------------------


def datetimes(col: pa.ChunkedArray, injury: bool = False) -> Typed:
    """Parse a datetime column with every accepted format; Excel serials converted."""
    n = len(col)
    result, done = _iso(col)
    todo = np.asarray(col.is_valid().to_numpy(zero_copy_only=False), dtype=bool) & ~done
    if todo.any():  # other formats, only for the values the ISO reading left
        rows = np.flatnonzero(todo)
        sub = col.take(pa.array(rows))
        null = np.asarray(pc.is_in(sub, value_set=pa.array(sorted(schema.NULL_DATES)))
                          .to_numpy(zero_copy_only=False), dtype=bool)
        todo[rows[null]] = False
        rows, sub = rows[~null], sub.filter(pa.array(~null))
        sub_result = np.full(len(rows), _NAT)
        sub_todo = np.ones(len(rows), dtype=bool)
        for fmt in _formats_for(sub) if len(rows) else ():
            parsed = _parse(sub.filter(pa.array(sub_todo)), fmt)
            ok = np.zeros(len(rows), dtype=bool)
            ok[np.flatnonzero(sub_todo)] = ~np.isnat(parsed)
            sub_result[ok] = parsed[~np.isnat(parsed)]
            sub_todo &= ~ok
            if not sub_todo.any():
                break
        result[rows] = sub_result
        todo[rows] = sub_todo
    notes = []
    serial = np.zeros(n, dtype=bool)
    if todo.any():
        idx = np.flatnonzero(todo)
        raw = col.take(pa.array(idx)).to_pylist()
        days = np.array([float(v) if _SERIAL.match(v) else np.nan for v in raw])
        good = (days >= SERIAL_RANGE[0]) & (days <= SERIAL_RANGE[1])
        if good.any():
            rows = idx[good]
            ns = np.round(days[good] * 86400).astype("int64") * 1_000_000_000
            result[rows] = _EXCEL_EPOCH + ns.astype("timedelta64[ns]")
            serial[rows] = True
            todo[rows] = False
            shown = pd.Series(result[rows]).dt.strftime("%Y-%m-%d %H:%M:%S").str.replace(
                " 00:00:00", "", regex=False)
            notes.append((rows, "excel_serial_date",
                          ["is an Excel date serial number: read as " + s for s in shown],
                          True))
    typed = Typed(pd.Series(result), todo,
                  f"is not a date or datetime (accepted: {FORMATS_TEXT})", notes)
    if injury:
        typed.time_known = _time_known(col, result, serial, typed)
    return typed


def _iso(col: pa.ChunkedArray) -> tuple[np.ndarray, np.ndarray]:
    """(datetime64[ns], read) for values written ``YYYY-MM-DD[( |T)HH:MM:SS]`` in full."""
    results, reads = [], []
    for chunk in col.chunks:
        out = np.full(len(chunk), _NAT)
        read = np.zeros(len(chunk), dtype=bool)
        if len(chunk) and chunk.null_count < len(chunk):
            starts, lengths, data = _buffers(chunk)
            rows = np.flatnonzero(_valid(chunk))
            widths = lengths[rows]
            width = int(widths[0])
            first = int(starts[rows[0]])
            if width in (10, 19) and (widths == width).all() and (
                    starts[rows] == first + width * np.arange(len(rows))).all():
                # every value has the same width and they follow each other in the data
                # buffer: read them through a (values x width) view of it, no gather
                block = data[first: first + width * len(rows)].reshape(len(rows), width)
                groups = [(rows, block, width)]
            else:
                groups = []
                for width in (10, 19):
                    sub = rows[widths == width]
                    if len(sub):
                        groups.append((sub, data[starts[sub][:, None] + np.arange(width)],
                                       width))
            for sub, block, width in groups:
                stamp, ok = _iso_block(block, width)
                out[sub[ok]] = stamp[ok]
                read[sub[ok]] = True
        results.append(out)
        reads.append(read)
    if not results:
        return np.zeros(0, dtype="datetime64[ns]"), np.zeros(0, dtype=bool)
    return np.concatenate(results), np.concatenate(reads)


def _iso_block(block: np.ndarray, width: int) -> tuple[np.ndarray, np.ndarray]:
    """Read the rows of a (values x width) array of bytes as ISO dates or datetimes."""
    digits = block - np.uint8(48)  # uint8: anything that is not a digit wraps above 9
    places = [0, 1, 2, 3, 5, 6, 8, 9] + ([11, 12, 14, 15, 17, 18] if width == 19 else [])
    ok = (digits[:, places] <= 9).all(axis=1)
    ok &= (block[:, 4] == 45) & (block[:, 7] == 45)  # '-'

    def pair(k: int) -> np.ndarray:
        return digits[:, k].astype(np.int64) * 10 + digits[:, k + 1]

    year, month, day = pair(0) * 100 + pair(2), pair(5), pair(8)
    ok &= (month >= 1) & (month <= 12) & (day >= 1) & (year >= YEARS[0]) & (year <= YEARS[1])
    m = np.clip(month, 1, 12) - 1
    leap = ((year % 4 == 0) & (year % 100 != 0)) | (year % 400 == 0)
    ok &= day <= _DAYS_IN_MONTH[m] + ((m == 1) & leap)
    months = (np.where(ok, year, 1970) - 1970) * 12 + m
    stamp = (months.astype("datetime64[M]").astype("datetime64[ns]")
             + ((np.where(ok, day, 1) - 1) * _DAY_NS).astype("timedelta64[ns]"))
    if width == 19:
        sep = block[:, 10]
        ok &= ((sep == 32) | (sep == 84)) & (block[:, 13] == 58) & (block[:, 16] == 58)
        hour, minute, second = pair(11), pair(14), pair(17)
        ok &= (hour < 24) & (minute < 60) & (second < 60)
        secs = np.where(ok, hour * 3600 + minute * 60 + second, 0)
        stamp = stamp + (secs * 10**9).astype("timedelta64[ns]")
    return stamp, ok


def _formats_for(col: pa.ChunkedArray | pa.Array) -> list[str]:
    """The accepted formats, the one the first value matches first."""
    formats = list(schema.DATETIME_FORMATS)
    valid = col.drop_null()
    if len(valid):
        first = pa.array([valid[0].as_py()], type=pa.large_string())
        for fmt in formats:
            if not np.isnat(_parse(first, fmt)[0]):
                formats.remove(fmt)
                return [fmt, *formats]
    return formats


def _parse(values: pa.ChunkedArray | pa.Array, fmt: str) -> np.ndarray:
    """datetime64[ns] per value, NaT where ``fmt`` does not read it (pandas: strict) or its
    year is outside :data:`YEARS` (checked before the cast to nanoseconds, where it would
    wrap around)."""
    series = pd.Series(values.to_pylist(), dtype="str")
    parsed = pd.to_datetime(series, format=fmt, errors="coerce")
    year = parsed.dt.year
    parsed = parsed.where(year.isna() | ((year >= YEARS[0]) & (year <= YEARS[1])))
    return parsed.to_numpy(dtype="datetime64[ns]")


def _time_known(col: pa.ChunkedArray, result: np.ndarray, serial: np.ndarray,
                typed: Typed) -> np.ndarray:
    """Whether each injury datetime carries a time of day.

    A bare date has none. ``YYYY-MM-DD 00:00:00`` is an export artefact (the time of a date
    column filled in as midnight) when no value of the column is a bare date: then midnight
    means "time unknown" too, and a warning says so.
    """
    has_value = ~np.isnat(result)
    colon = np.asarray(pc.fill_null(pc.match_substring(col, ":"), False).to_numpy(
        zero_copy_only=False), dtype=bool)
    frac = np.zeros(len(result), dtype=bool)
    if serial.any():
        since = (result - _EXCEL_EPOCH).astype("int64")
        frac = serial & (since % _DAY_NS != 0)
    has_time = has_value & ((colon & ~serial) | frac)
    bare = has_value & ~has_time
    midnight = has_time & ((result.astype("int64") % _DAY_NS) == 0)
    if midnight.any() and not bare.any():
        rows = np.flatnonzero(midnight)
        typed.notes.append((rows, "midnight_time_unknown",
                            f"{len(rows):,} injury datetime(s) are written with the time "
                            "00:00:00 and none of this file is written without a time: "
                            "midnight read as 'time unknown' (an export that adds 00:00:00 "
                            "to dates), not as 12:00 AM", False))
        has_time = has_time & ~midnight
    return has_time
