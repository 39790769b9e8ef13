"""A column profile of each file: type, nulls, distinct, range, top values.

GX 1.x has no profiler, so this is plain pandas.
"""

from __future__ import annotations

import pandas as pd

from oshakit.validate.findings import text

COLUMNS = ["file", "column", "type", "rows", "nulls", "null_pct", "distinct", "min", "max",
           "top_values"]
TOP = 5


def profile_frame(frame: pd.DataFrame, file: str) -> pd.DataFrame:
    """One row per column of ``frame`` (``_line`` and derived ``_`` columns left out)."""
    rows = []
    n = len(frame)
    for name in frame.columns:
        if name.startswith("_"):
            continue
        col = frame[name]
        values = col.dropna()
        ordered = (pd.api.types.is_numeric_dtype(col) and not pd.api.types.is_bool_dtype(col)
                   ) or pd.api.types.is_datetime64_any_dtype(col)
        counts = values.value_counts(sort=True)
        lo = hi = None
        if len(values):
            if ordered:
                lo, hi = values.min(), values.max()
            elif pd.api.types.is_string_dtype(col):
                lengths = values.str.len()
                lo, hi = f"len {lengths.min()}", f"len {lengths.max()}"
        rows.append({
            "file": file, "column": name, "type": str(col.dtype), "rows": n,
            "nulls": n - len(values),
            "null_pct": round(100 * (n - len(values)) / n, 2) if n else 0.0,
            "distinct": len(counts), "min": text(lo), "max": text(hi),
            "top_values": "all distinct" if len(counts) and counts.iloc[0] == 1 else "; ".join(
                f"{text(v)} ({c})" for v, c in counts.head(TOP).items()),
        })
    return pd.DataFrame(rows, columns=COLUMNS)


def profile_frames(frames: dict[str, pd.DataFrame], names: dict[str, str]) -> pd.DataFrame:
    """The profile of every file, stacked."""
    parts = [profile_frame(frame, names[kind]) for kind, frame in frames.items()]
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=COLUMNS)
