"""Compare the kit's numbers with Enterprise Health's own OSHA 300 report (``eh_compat``).

EH's report drops restricted days once a case has any lost time, caps each column at
180 on its own, and counts days to the run date; it knows none of the rules the kit
applies from 1904.7(b)(3) beyond the calendar (the physician's recommendation over the
employer's absence records, expected ends, the stop at an unrelated termination).
``diff`` lists every case whose K, L or outcome differs between the two readings, with the
reason in words.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from oshakit.cases.text import iso, num, when

COLUMNS = ["case_key", "case_number", "establishment_code", "year", "on_log", "outcome",
           "days_away", "days_restricted", "eh_outcome", "eh_days_away", "eh_days_restricted",
           "reason"]


def _col(frame: pd.DataFrame, name: str) -> np.ndarray:
    """A per-case column of the day counter (zeros for frames from before it existed)."""
    if name in frame:
        return frame[name].to_numpy()
    return np.zeros(len(frame), dtype="int64")


def diff(cases: pd.DataFrame, kit: pd.DataFrame, eh: pd.DataFrame, kit_outcome: pd.Series,
         eh_outcome: pd.Series, kit_cap: str) -> pd.DataFrame:
    """``kit``/``eh``: per-case day frames from :func:`days.count` under each reading."""
    k_o, e_o = kit_outcome.fillna("").to_numpy(object), eh_outcome.fillna("").to_numpy(object)
    changed = ((kit["days_away"].to_numpy() != eh["days_away"].to_numpy())
               | (kit["days_restricted"].to_numpy() != eh["days_restricted"].to_numpy())
               | (k_o != e_o))
    rows = np.flatnonzero(changed)
    k, e = kit.iloc[rows], eh.iloc[rows]
    lost = e["eh_dropped_restricted"].to_numpy() > 0
    totals = ((k["away_total"].to_numpy() != e["away_total"].to_numpy())
              | (k["restricted_total"].to_numpy() + 0 != e["restricted_total"].to_numpy()
                 + e["eh_dropped_restricted"].to_numpy()))
    doctor = _col(k, "employer_dropped") > 0
    expected = _col(k, "expected").astype(bool)
    left = _col(k, "term_dropped") > 0
    dates = totals & (k["open_end"].to_numpy() != e["open_end"].to_numpy())
    runs = dates | (totals & ~doctor & ~expected & ~left)
    capped = ~lost & ~totals
    reason = (
        when(lost, "; EH drops restricted days once a case has lost time ("
             + num(e["eh_dropped_restricted"]) + " restricted day(s) not counted)")
        + when(runs, "; EH counts days to the run date " + iso(e["open_end"])
               + " (the kit: open spans to " + iso(k["open_end"]) + ")")
        + when(doctor, "; EH counts the employer's absence records the physician's "
               "recommendations overrule (the kit drops " + num(_col(k, "employer_dropped"))
               + " day(s), 1904.7(b)(3)(ii)-(iii))")
        + when(expected, "; EH ignores the expected end of an open restriction (the kit "
               "counts to est_end_date, 1904.7(b)(3)(ix))")
        + when(left, "; EH counts past the employee's termination for an unrelated reason "
               "(the kit stops there: " + num(_col(k, "term_dropped"))
               + " day(s), 1904.7(b)(3)(viii))")
        + when(capped, "; EH caps days away and restricted days at 180 each (the kit's cap: "
               + kit_cap + ")")
    )
    reason = np.array([r[2:] for r in reason], dtype=object)
    sub = cases.iloc[rows]
    out = pd.DataFrame({
        "case_key": sub["case_key"].to_numpy(),
        "case_number": sub["case_number"].to_numpy(),
        "establishment_code": sub["establishment_code"].to_numpy(),
        "year": sub["year"].to_numpy(),
        "on_log": sub["on_log"].to_numpy(),
        "outcome": kit_outcome.iloc[rows].to_numpy(),
        "days_away": k["days_away"].to_numpy(),
        "days_restricted": k["days_restricted"].to_numpy(),
        "eh_outcome": eh_outcome.iloc[rows].to_numpy(),
        "eh_days_away": e["days_away"].to_numpy(),
        "eh_days_restricted": e["days_restricted"].to_numpy(),
        "reason": reason,
    })
    for col in ("case_key", "case_number", "establishment_code", "outcome", "eh_outcome",
                "reason"):
        out[col] = out[col].astype("str")
    for col in ("days_away", "days_restricted", "eh_days_away", "eh_days_restricted"):
        out[col] = out[col].astype("Int64")
    return out.reset_index(drop=True)
