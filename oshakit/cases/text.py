"""Small vectorised text helpers shared by the column and explanation builders."""

from __future__ import annotations

import numpy as np
import pandas as pd


def per_unique(s: pd.Series, fn) -> pd.Series:
    """Apply a vectorised string function to the distinct values only, then map back.

    Input columns repeat a lot (catalog codes, types, body parts): factorizing first
    makes regex and strip work proportional to the distinct values, not the rows.
    """
    codes, uniques = pd.factorize(s.astype("str"), use_na_sentinel=True)
    done = fn(pd.Series(uniques, dtype="str")).to_numpy()
    out = np.take(done, codes) if len(done) else np.full(len(codes), None, dtype=object)
    if len(done) and out.dtype.kind == "b":
        return pd.Series(np.where(codes >= 0, out, False), index=s.index)
    out = np.asarray(out, dtype=object)
    out[codes < 0] = None
    return pd.Series(out, index=s.index)


def _strip(u: pd.Series) -> pd.Series:
    u = u.str.strip()
    return u.where(u != "")


def column(frame: pd.DataFrame, name: str, dtype: str = "str") -> pd.Series:
    """A column of ``frame``, or an all-NA one when the file did not have it."""
    if name in frame:
        return frame[name]
    return pd.Series(pd.NA if dtype != "str" else None, index=frame.index, dtype=dtype)


def clean(s: pd.Series) -> pd.Series:
    """Stripped text, blanks as NA."""
    return per_unique(s, _strip).astype("str")


def obj(s, na: str = "") -> np.ndarray:
    """A column as an object array of str, NA -> ``na``."""
    if isinstance(s, np.ndarray):
        s = pd.Series(s)
    return s.astype("str").fillna(na).to_numpy(dtype=object)


def iso(values) -> np.ndarray:
    """Dates as 'YYYY-MM-DD' object strings ('' for missing)."""
    arr = np.asarray(pd.to_datetime(pd.Series(values)).to_numpy(), dtype="datetime64[ns]")
    codes, uniques = pd.factorize(arr.astype("datetime64[D]"), use_na_sentinel=True)
    text = np.asarray(uniques, dtype="datetime64[D]").astype(str).astype(object)
    out = np.take(text, codes) if len(text) else np.full(len(codes), "", dtype=object)
    out[codes < 0] = ""
    return out


def num(values) -> np.ndarray:
    return np.asarray(values).astype("int64").astype(str).astype(object)


def join_per_case(case: np.ndarray, values: pd.Series, n: int, sep: str = "; ") -> np.ndarray:
    """Unique non-blank values per case, in row order, joined -> object array of length n."""
    frame = pd.DataFrame({"c": case, "v": clean(values).to_numpy(dtype=object)})
    frame = frame[(frame["c"] >= 0) & frame["v"].notna()].drop_duplicates()
    return concat_per_case(frame["c"].to_numpy(), frame["v"].to_numpy(dtype=object), n, sep)


def concat_per_case(case: np.ndarray, values: np.ndarray, n: int, sep: str) -> np.ndarray:
    """Join ``values`` per case in row order: one vectorised pass per rank within a case."""
    out = np.full(n, "", dtype=object)
    if len(case) == 0:
        return out
    order = np.argsort(case, kind="stable")
    case, values = case[order], values[order]
    rank = pd.Series(case).groupby(case).cumcount().to_numpy()
    for k in range(int(rank.max()) + 1):
        at = rank == k
        c = case[at]
        out[c] = values[at] if k == 0 else out[c] + sep + values[at]
    return out


def lines(*parts: np.ndarray) -> np.ndarray:
    """Join per-case lines with newlines, skipping empty ones."""
    out = parts[0].copy()
    for p in parts[1:]:
        nonempty = p != ""
        out = np.where(nonempty & (out != ""), out + "\n", out)
        out = np.where(nonempty, out + p, out)
    return out


def when(cond: np.ndarray, a, b="") -> np.ndarray:
    """Vectorised ``a if cond else b`` on object arrays."""
    return np.where(np.asarray(cond, dtype=bool), a, b).astype(object)


def shown(values: pd.Series) -> np.ndarray:
    """Values as text for a message, a missing one as "(blank)" (never a float NaN, which
    would break the string arithmetic of a vectorised message)."""
    return values.astype("str").fillna("(blank)").to_numpy(dtype=object)
