"""The loaded bundle and the table of problems the loader found."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from oshakit import problems, schema

#: Columns of ``Bundle.rejects``: the kit's core problem columns, then the cell's value.
REJECT_COLUMNS = [*problems.CORE, "value"]
ACCOUNTING_COLUMNS = ["file", "kind", "rows_read", "accepted", "rejected", "cells_rejected"]

#: Codes of problems that concern a whole file (``line`` may be empty).
FILE_CODES = frozenset({
    "file_unreadable", "file_binary", "file_empty", "file_header_only", "unknown_kind",
    "encoding_file",
})
#: Codes of problems about a header column (line 1 or the header's line).
COLUMN_CODES = frozenset({"missing_column", "duplicate_column", "header_encoding"})
#: How long a value may be in a problem row before it is cut (huge cells stay readable).
VALUE_WIDTH = 120


_EMPTY: list[pd.DataFrame] = []


def empty_rejects() -> pd.DataFrame:
    """An empty rejects table (built once: a frame of string columns is not free)."""
    if not _EMPTY:
        _EMPTY.append(problems.empty(["value"]))
    return _EMPTY[0].copy()


@dataclass
class Bundle:
    """A loaded case bundle: typed frames per kind, plus what was rejected and why.

    ``rejects`` holds every problem the loader found, one row each, in the kit's core
    problem columns (``file, line, column, case_number, code, severity, message``) plus
    ``value``. ``severity`` is ``error`` when a row or a cell could not be read (the row is
    in no frame, or the cell is empty in its frame), ``warning`` when the loader recovered
    something by a rule a person should know about (a file read as Windows-1252, an Excel
    serial date converted), ``info`` for notes (line endings normalised, a header cell
    renamed). ``notes`` is the warning and info part; ``errors`` the error part.
    """

    path: Path
    frames: dict[str, pd.DataFrame]
    files: dict[str, Path] = field(default_factory=dict)
    rejects: pd.DataFrame = field(default_factory=empty_rejects)
    accounting: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(columns=ACCOUNTING_COLUMNS)
    )
    #: (file, line) -> text of each row the loader rejected whole (its first few thousand
    #: characters), so that :func:`oshakit.completeness.unread` can tell whose it was.
    rejected_text: dict[tuple[str, int], str] = field(default_factory=dict, repr=False)
    #: kind -> the typed rows rejected because their key was used before (``_line`` kept).
    dropped: dict[str, pd.DataFrame] = field(default_factory=dict, repr=False)
    #: For a kind read from several files (``concat=True``): the file each row of its frame,
    #: and of its ``dropped`` rows, was read from, under the keys ``kind`` and
    #: ``"dropped " + kind`` (a line number alone does not place a row then).
    row_files: dict[str, np.ndarray] = field(default_factory=dict, repr=False)

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

    @property
    def errors(self) -> pd.DataFrame:
        """Rows and cells that could not be read (severity ``error``)."""
        return self.rejects[self.rejects["severity"] == "error"].reset_index(drop=True)

    @property
    def notes(self) -> pd.DataFrame:
        """What the loader recovered or noted (severity ``warning`` and ``info``)."""
        return self.rejects[self.rejects["severity"] != "error"].reset_index(drop=True)

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
            counts = self.rejects.groupby(["file", "severity", "code"], sort=False).size()
            for (file, severity, code), n in counts.items():
                lines.append(f"    {file}: {n:,} x {code} ({severity})")
        else:
            lines.append("  no problems found by the loader")
        return "\n".join(lines)


class Problems:
    """Collects problem rows for one file: single rows go to lists (cheap to append, one
    frame at the end), many rows at once as vectorised frames."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.parts: list[pd.DataFrame] = []
        self.rows: dict[str, list] = {c: [] for c in REJECT_COLUMNS}

    def add(self, line: int | None, column: str, value: str | None, code: str, message: str,
            *, severity: str = "error", case_number: str | None = None) -> None:
        value = _cut(value)
        where = self.file if line is None else f"{self.file}:{line}"
        if column:
            where += f" [{column}]"
        row = {"file": self.file, "line": line, "column": column, "case_number": case_number,
               "code": code, "severity": severity, "message": f"{where}: {message}",
               "value": value}
        for key, item in row.items():
            self.rows[key].append(item)

    def add_many(self, lines, column: str, values, code: str, message: str | pd.Series, *,
                 severity: str = "error", show_value: bool = True,
                 case_numbers=None) -> None:
        lines = np.asarray(lines, dtype="int64")
        if not len(lines):
            return
        vals = pd.Series(values, dtype="str").reset_index(drop=True)
        vals = vals.where(vals.str.len() <= VALUE_WIDTH,
                          vals.str.slice(0, VALUE_WIDTH - 1) + "…")
        prefix = pd.Series([f"{self.file}:{n} [{column}]: " if column else f"{self.file}:{n}: "
                            for n in lines], dtype="str")
        if isinstance(message, pd.Series):
            message = message.reset_index(drop=True)
        text = prefix + ("'" + vals.fillna("") + "' " if show_value else "") + message
        cases = (pd.Series(pd.NA, index=range(len(lines)), dtype="str") if case_numbers is None
                 else pd.Series(case_numbers, dtype="str").reset_index(drop=True))
        self.parts.append(pd.DataFrame({
            "file": self.file, "line": pd.array(lines, dtype="Int64"), "column": column,
            "case_number": cases, "code": code, "severity": severity, "message": text,
            "value": vals}))

    def frame(self) -> pd.DataFrame:
        parts = list(self.parts)
        if self.rows["file"]:
            single = pd.DataFrame(self.rows)
            single["line"] = pd.array(single["line"].tolist(), dtype="Int64")
            parts.insert(0, single)
        if not parts:
            return empty_rejects()
        return problems.conform(pd.concat(parts, ignore_index=True), ["value"])


def _cut(value: str | None) -> str | None:
    if value is None:
        return None
    value = str(value)
    return value if len(value) <= VALUE_WIDTH else value[: VALUE_WIDTH - 1] + "…"


def stack_rejects(parts: list[pd.DataFrame]) -> pd.DataFrame:
    """Problem tables of several files, one below the other, by file and line."""
    parts = [p for p in parts if p is not None and len(p)]
    if not parts:
        return empty_rejects()
    out = problems.conform(pd.concat(parts, ignore_index=True), ["value"])
    order = problems.severity_order(out["severity"])
    out = out.assign(_o=order).sort_values(["file", "line", "_o"], kind="stable",
                                           na_position="first")
    return out.drop(columns="_o").reset_index(drop=True)
