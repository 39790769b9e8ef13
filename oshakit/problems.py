"""The one shape of every table of problems: loader rejects, GX findings, reconciliation
exceptions and ITA checks.

Each of them starts with :data:`CORE` — ``file, line, column, case_number, code, severity,
message`` — and adds its own columns after, so an auditor can stack any of them with
``pd.concat`` (see :func:`stack`) and sort or filter by the same names.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import pandas as pd

#: Columns every problem table starts with, in this order.
CORE = ["file", "line", "column", "case_number", "code", "severity", "message"]
#: Severities, most serious first.
SEVERITIES = ("error", "warning", "info")
#: dtype of each core column.
DTYPES = {"line": "Int64"}


def empty(extra: Sequence[str] = (), dtypes: dict[str, str] | None = None) -> pd.DataFrame:
    """An empty problem table with the core columns and ``extra`` ones."""
    dtypes = {**DTYPES, **(dtypes or {})}
    return pd.DataFrame({c: pd.Series(dtype=dtypes.get(c, "str")) for c in [*CORE, *extra]})


def conform(frame: pd.DataFrame, extra: Sequence[str] = ()) -> pd.DataFrame:
    """``frame`` with the core columns first (missing ones blank), then ``extra``, then
    anything else it has; ``line`` as nullable integers."""
    out = frame.copy()
    for col in [*CORE, *extra]:
        if col not in out:
            out[col] = pd.Series(pd.NA, index=out.index, dtype=DTYPES.get(col, "str"))
    out["line"] = pd.to_numeric(out["line"], errors="coerce").astype("Int64")
    rest = [c for c in out.columns if c not in CORE and c not in extra]
    return out[[*CORE, *extra, *rest]]


def stack(tables: Iterable[pd.DataFrame]) -> pd.DataFrame:
    """Problem tables of any kind, one below the other (core columns first)."""
    frames = [conform(t) for t in tables if t is not None and len(t)]
    if not frames:
        return empty()
    return conform(pd.concat(frames, ignore_index=True))


def severity_order(severity: pd.Series) -> pd.Series:
    """0 for errors, 1 for warnings, 2 for info, 9 for anything else: a sort key."""
    order = {s: i for i, s in enumerate(SEVERITIES)}
    return severity.map(order).fillna(9).astype("int64")


def counts_by_severity(frame: pd.DataFrame) -> pd.DataFrame:
    """Counts of problems per severity and code, errors first, then by count."""
    counts = frame.groupby(["severity", "code"], dropna=False).size().rename("count")
    counts = counts.reset_index()
    counts = counts.assign(_o=severity_order(counts["severity"]))
    counts = counts.sort_values(["_o", "count"], ascending=[True, False], kind="stable")
    return counts.drop(columns="_o").reset_index(drop=True)
