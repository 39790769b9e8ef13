"""Which restriction and accommodation rows are day spans, of which kind, and why not.

Days away: accommodations whose type starts with ``Lost Time`` and restrictions whose
type starts with ``Lost Time`` (except the non-occupational types). Restricted or
transferred: every other active restriction that affects work, and the job-transfer
accommodations. Deleted/revised rows, inactive restrictions and ``affect_work`` = 0 do
not count (recordkeeping.md §3). Vectorised: one ``np.select`` per file.

Each row also says who made it — ``source`` ``physician`` (the restrictions file: a
physician's or other licensed health care professional's recommendation) or ``employer``
(accommodations: the employer's own absence and transfer records) — because a
recommendation decides the days away where it covers the case (1904.7(b)(3)(ii)-(iii));
``recommendation`` marks the restriction rows that are a recommendation in force (counted,
or ``affect_work`` = 0: "may do every routine function"); ``est_end`` is the expected end
of an open restriction (``est_end_date``; accommodations have none).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from oshakit.cases import exceptions as X
from oshakit.cases import names as N
from oshakit.cases.text import clean, column, per_unique, shown
from oshakit.schema import LOST_TIME_PREFIX, NOT_WORK_RELATED_LOST_TIME, TRANSFER_ACCOM_TYPES

AWAY, RESTRICTED = "away", "restricted"
PHYSICIAN, EMPLOYER = "physician", "employer"
NO_START = "no start date"
END_BEFORE = "end date before start date"
NO_EFFECT = ("affect_work=0: does not keep the employee from a routine job function, so not "
             "restricted work")
LATE = "recorded at a follow-up encounter served after the as-of date (not known yet)"


def collect(children: dict[str, pd.DataFrame], files: dict[str, str],
            parts: list[pd.DataFrame]) -> pd.DataFrame:
    """Every restriction/accommodation row attached to a case, classified."""
    frames = []
    r = children.get("restrictions")
    if r is not None:
        frames.append(_restrictions(r[r["_case"] >= 0], files["restrictions"]))
    a = children.get("accommodations")
    if a is not None:
        frames.append(_accommodations(a[a["_case"] >= 0], files["accommodations"]))
    if not frames:
        return empty()
    spans = pd.concat(frames, ignore_index=True)
    for code, reason in (("SPAN_NO_START", NO_START), ("SPAN_END_BEFORE_START", END_BEFORE)):
        rows = spans.index[spans["drop"].to_numpy() == reason]
        if len(rows):
            sub = spans.loc[rows]
            for file, block in sub.groupby("_file", sort=False):
                parts.append(X.part(
                    code, file=file, line=block["_line"].to_numpy(),
                    column=None, case=block["_case"].to_numpy(),
                    message=shown(block["label"]) + " row "
                    + shown(block["ext_id"]) + ": " + reason
                    + " (not counted)",
                ))
    return spans


def empty() -> pd.DataFrame:
    return pd.DataFrame({
        "_case": pd.Series(dtype="int64"), "_file": pd.Series(dtype="str"),
        "_line": pd.Series(dtype="int64"), "ext_id": pd.Series(dtype="str"),
        "label": pd.Series(dtype="str"), "kind": pd.Series(dtype="str"),
        "start": pd.Series(dtype="datetime64[ns]"), "end": pd.Series(dtype="datetime64[ns]"),
        "permanent": pd.Series(dtype=bool), "drop": pd.Series(dtype="str"),
        "source": pd.Series(dtype="str"), "est_end": pd.Series(dtype="datetime64[ns]"),
        "recommendation": pd.Series(dtype=bool),
    })


def _dates(s: pd.Series) -> pd.Series:
    return pd.to_datetime(s).dt.normalize().astype("datetime64[ns]")


def _finish(df, file, ext_id, label, kind, drop, start, end, permanent, source,
            est_end=None) -> pd.DataFrame:
    start, end = _dates(start), _dates(end)
    bad_start = start.isna().to_numpy()
    backwards = (end < start).fillna(False).to_numpy()
    late = df["_late"].to_numpy(dtype=bool) if "_late" in df else np.zeros(len(df), bool)
    drop = np.where(drop != "", drop, np.where(bad_start, NO_START,
                    np.where(backwards, END_BEFORE, np.where(late, LATE, ""))))
    # a recommendation in force: counted, or "may do every routine function"
    recommendation = (source == PHYSICIAN) & ~late & ((drop == "") | (drop == NO_EFFECT))
    if est_end is None:
        est_end = pd.Series(pd.NaT, index=df.index, dtype="datetime64[ns]")
    out = pd.DataFrame({
        "_case": df["_case"].to_numpy(dtype="int64"),
        "_file": file,
        "_line": df["_line"].to_numpy(dtype="int64"),
        "ext_id": ext_id.astype("str").to_numpy(dtype=object),
        "label": label.to_numpy(dtype=object),
        "kind": kind,
        "start": start.to_numpy(),
        "end": end.to_numpy(),
        "permanent": permanent,
        "drop": drop,
        "source": source,
        "est_end": _dates(est_end).to_numpy(),
        "recommendation": recommendation,
    })
    out["drop"] = out["drop"].astype("str").replace("", pd.NA).astype("str")
    out["label"] = out["label"].astype("str")
    return out


def _flag(df: pd.DataFrame, col: str) -> np.ndarray:
    """A flag column as a bool array; missing column or cell means False."""
    if col not in df:
        return np.zeros(len(df), bool)
    return df[col].astype("boolean").fillna(False).to_numpy(dtype=bool)


def _label(what: str, kind_text: pd.Series) -> pd.Series:
    return per_unique(kind_text.fillna(""), lambda u: what + " '" + u + "'")


def _restrictions(df: pd.DataFrame, file: str) -> pd.DataFrame:
    kind_text = clean(df[N.R_TYPE])
    active = clean(column(df, N.R_ACTIVE))
    lost = kind_text.str.startswith(LOST_TIME_PREFIX).fillna(False).to_numpy()
    non_occ = kind_text.isin(NOT_WORK_RELATED_LOST_TIME).to_numpy()
    no_effect = (
        df[N.R_AFFECT].astype("boolean").eq(False).fillna(False).to_numpy()
        if N.R_AFFECT in df else np.zeros(len(df), bool)
    )
    drop = np.select(
        [active.eq("0").to_numpy(), active.eq("2").to_numpy(), kind_text.isna().to_numpy(),
         non_occ, ~lost & no_effect],
        ["inactive (active=0)", "revised (active=2)", "no restriction type",
         "non-occupational lost time", NO_EFFECT],
        default="",
    )
    kind = np.where(lost, AWAY, RESTRICTED)
    est_end = df.get(N.R_EST_END)
    return _finish(df, file, df[N.R_ID], _label("restriction", kind_text), kind, drop,
                   df[N.R_START], df[N.R_END], _flag(df, N.R_PERMANENT), PHYSICIAN, est_end)


def _accommodations(df: pd.DataFrame, file: str) -> pd.DataFrame:
    kind_text = clean(df[N.A_TYPE])
    status = clean(column(df, N.A_STATUS))
    lost = kind_text.str.startswith(LOST_TIME_PREFIX).fillna(False).to_numpy()
    transfer = kind_text.isin(TRANSFER_ACCOM_TYPES).to_numpy()
    drop = np.select(
        [status.eq("0").to_numpy(), status.eq("2").to_numpy(),
         kind_text.isin(NOT_WORK_RELATED_LOST_TIME).to_numpy(), ~lost & ~transfer],
        ["deleted (status=0)", "revised (status=2)", "non-occupational lost time",
         "not days away nor a job transfer"],
        default="",
    )
    kind = np.where(lost, AWAY, RESTRICTED)
    return _finish(df, file, df[N.A_ID], _label("accommodation", kind_text), kind,
                   drop, df[N.A_START], df[N.A_END], np.zeros(len(df), bool), EMPLOYER)
