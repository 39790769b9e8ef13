"""Records -> an Arrow table of text columns (empty cells null), one call to pyarrow's reader.

The records that read cleanly go to pyarrow's multi-threaded CSV reader in one call (the
whole body when the file is clean, else the runs of clean records joined); the few records
read leniently (a quote read as a character) are split in Python by the same rules as the
record scan and put back in file order. pyarrow must find exactly the records the scan
found: if it does not, the caller reads the file again down the careful path.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa
from pyarrow import csv as pacsv

from oshakit.bundle import records as R

#: pyarrow reads in blocks of this size (bigger for a bigger record).
BLOCK_SIZE = 1 << 22


def names(ncols: int) -> list[str]:
    return [f"c{i}" for i in range(ncols)]


@dataclass
class QuotedCell:
    """A cell of a leniently read record that holds a quote read as a character."""

    record: int
    column: int
    value: str
    kept: bool  # False: the cell was emptied (its column is not free text)


def parse(data: bytes, recs: R.Records, delimiter: str, ncols: int,
          free_text: list[bool] | None = None
          ) -> tuple[pa.Table, np.ndarray, list[QuotedCell]] | None:
    """(table, index of the record of each row, cells with a quote read as a character);
    None if pyarrow disagrees with the scan. ``free_text[i]``: column ``i`` is prose, where
    such a quote is kept (an inch mark); elsewhere the cell is emptied."""
    clean = np.flatnonzero(recs.status == R.OK)
    lenient = np.flatnonzero(recs.status == R.OK_LENIENT)
    cols = names(ncols)
    table = _arrow(data, recs, clean, delimiter, cols)
    if table is None:
        return None
    order = clean
    quoted: list[QuotedCell] = []
    if len(lenient):
        rows = []
        for r in lenient:
            row = R.split(data[recs.starts[r]: recs.ends[r]].decode("utf-8"), delimiter)
            row = (row + [""] * ncols)[:ncols]
            for i, value in enumerate(row):
                if '"' in value:
                    kept = bool(free_text[i]) if free_text else True
                    quoted.append(QuotedCell(int(r), i, value, kept))
                    if not kept:
                        row[i] = ""
            rows.append(row)
        extra = pa.table({c: pa.array([row[i] or None for row in rows],
                                      type=pa.large_string())
                          for i, c in enumerate(cols)})
        table = pa.concat_tables([table, extra])
        order = np.concatenate((clean, lenient))
        sort = np.argsort(order, kind="stable")
        table, order = table.take(pa.array(sort)), order[sort]
    return table, order, quoted


def _arrow(data: bytes, recs: R.Records, which: np.ndarray, delimiter: str,
           cols: list[str]) -> pa.Table | None:
    if not len(which):
        return pa.table({c: pa.array([], type=pa.large_string()) for c in cols})
    if recs.fast:
        body = pa.py_buffer(memoryview(data)[int(recs.starts[0]):])
    else:
        body = pa.py_buffer(_join(data, recs, which))
    invalid: list = []

    def handler(row) -> str:
        invalid.append(row)
        return "skip"

    block = max(BLOCK_SIZE, 2 * recs.max_length + 1024)
    try:
        table = pacsv.read_csv(
            pa.BufferReader(body),
            read_options=pacsv.ReadOptions(column_names=cols, block_size=block),
            parse_options=pacsv.ParseOptions(delimiter=delimiter, newlines_in_values=True,
                                             invalid_row_handler=handler),
            convert_options=pacsv.ConvertOptions(
                column_types={c: pa.large_string() for c in cols}, null_values=[""],
                strings_can_be_null=True, quoted_strings_can_be_null=True),
        )
    except (pa.ArrowInvalid, UnicodeDecodeError):
        return None
    if invalid or table.num_rows != len(which):
        return None
    return table


def _join(data: bytes, recs: R.Records, which: np.ndarray) -> bytes:
    """The records ``which`` as one buffer, each ending with a newline."""
    starts, ends = recs.starts[which], recs.ends[which]
    # consecutive records whose bytes touch form one run
    breaks = np.flatnonzero(starts[1:] != ends[:-1] + 1) + 1
    first = np.concatenate(([0], breaks))
    last = np.concatenate((breaks - 1, [len(which) - 1]))
    view = memoryview(data)
    parts = []
    for a, b in zip(starts[first].tolist(), ends[last].tolist(), strict=True):
        parts.append(view[a:b])
        parts.append(b"\n")
    return b"".join(parts)
