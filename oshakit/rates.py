"""Injury and illness rates per establishment-year (BLS and OSHA formulas).

Rate = N x 200,000 / hours worked, 200,000 being 100 full-time workers x 40 hours x 50 weeks
(recordkeeping.md section 8; BLS, "How to compute a firm's incidence rate for safety
management"). No rate when hours are missing or zero. Columns (see :data:`RATE_LABELS`):

- ``tcr``: total recordable case rate as BLS computes it, N = H + I + J (BLS's instructions
  count the 300A's columns H, I and J; deaths are left out, as in OSHA's published ITA data).
- ``tcr_with_deaths``: the same with deaths, N = G + H + I + J (OSHA's forms package).
- ``dart``: N = H + I. ``dafw``: days-away case rate, N = H.
- ``dart_days_rate``: severity, N = K + L, the days away plus the days of job transfer or
  restriction (the 300A's totals K and L) per 200,000 hours. Neither OSHA nor BLS publishes a
  "severity rate" for the post-2002 forms; this is the old BLS "lost workdays" incidence rate
  (days away from work plus days of restricted work activity, Form 200 era) on today's forms.
  ``dafw_days_rate`` (N = K) is the days-away-only variant many safety programs call severity.
- ``ttm_*``: the trailing 12 months. The window ends on the as-of date when it falls inside
  the log year, else on December 31 of that year (so for a closed year it is the calendar year
  and equals ``tcr``/``dart``), and starts the day after the same date a year earlier. Cases
  count by date of injury (log column D). employment.csv gives hours per calendar year only,
  so each year's hours are spread evenly over its days (365 or 366) and the window takes the
  share of each year it covers: hours = sum over years of hours(y) x days of y in window /
  days in y. A year still running should carry its expected full-year hours. No trailing rate
  (and ``ttm_note`` says why) when a year the window touches has no hours, or when the log
  given does not cover that year.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

import pandas as pd

BASE_HOURS = 200_000
KEYS = ["establishment_code", "year"]
#: Calendar-year rates -> the 300A totals counted in N.
NUMERATORS = {
    "tcr": ["total_dafw_cases", "total_djtr_cases", "total_other_cases"],  # H + I + J
    "tcr_with_deaths": [
        "total_deaths",
        "total_dafw_cases",
        "total_djtr_cases",
        "total_other_cases",
    ],  # G + H + I + J
    "dart": ["total_dafw_cases", "total_djtr_cases"],  # H + I
    "dafw": ["total_dafw_cases"],  # H
    "dart_days_rate": ["total_dafw_days", "total_djtr_days"],  # K + L
    "dafw_days_rate": ["total_dafw_days"],  # K
}
#: Trailing-12-month rates -> the log outcomes (columns G..J) counted in N.
TTM_OUTCOMES = {"ttm_tcr": ("H", "I", "J"), "ttm_dart": ("H", "I")}
#: Every rate column -> what it is, for tables, charts and docs.
RATE_LABELS = {
    "tcr": "TCR (BLS): (H+I+J) x 200,000 / hours; deaths excluded",
    "tcr_with_deaths": "TCR (OSHA forms package): (G+H+I+J) x 200,000 / hours",
    "dart": "DART: (H+I) x 200,000 / hours",
    "dafw": "DAFW case rate: H x 200,000 / hours",
    "dart_days_rate": "Severity, DART days: (K+L) x 200,000 / hours",
    "dafw_days_rate": "Severity, days away only: K x 200,000 / hours",
    "ttm_tcr": "Trailing 12 months TCR (BLS): (H+I+J) x 200,000 / hours in the window",
    "ttm_dart": "Trailing 12 months DART: (H+I) x 200,000 / hours in the window",
}
RATE_COLUMNS = [
    *KEYS,
    "total_hours_worked",
    *NUMERATORS,
    "ttm_start",
    "ttm_end",
    "ttm_hours",
    "ttm_cases",
    "ttm_dart_cases",
    *TTM_OUTCOMES,
    "ttm_note",
]


def rates(
    summaries: pd.DataFrame,
    log: pd.DataFrame | None = None,
    *,
    hours: pd.DataFrame | None = None,
    as_of: dt.date | str | None = None,
    log_years: Iterable[int] | None = None,
) -> pd.DataFrame:
    """Every rate of :data:`RATE_COLUMNS` for every row of ``summaries``.

    ``log`` (``rec.log``: ``establishment_code``, ``date_of_injury``, ``outcome``) gives the
    trailing-12-month figures; without it they are empty and ``ttm_note`` says so.
    ``hours``: hours worked per establishment-year for every year a window may reach (the
    bundle's employment table, prefixed or not; default: the hours in ``summaries``).
    ``as_of``: the date the trailing window ends on (default: December 31 of each row's year).
    ``log_years``: the years ``log`` holds completely (default: the years of ``summaries``,
    which come from the same reconciliation); a window reaching another year gets no rate."""
    hours_col = summaries["total_hours_worked"].astype("Float64")
    hours_col = hours_col.where(hours_col > 0)  # zero hours: no rate, like missing hours
    out = summaries[[*KEYS, "total_hours_worked"]].copy()
    for rate, cols in NUMERATORS.items():
        n = summaries[cols].astype("Float64").sum(axis=1)
        out[rate] = n * BASE_HOURS / hours_col
    ttm = trailing(summaries, log, hours=hours, as_of=as_of, log_years=log_years)
    out = out.merge(ttm, on=KEYS, how="left", validate="one_to_one")
    return out[RATE_COLUMNS].reset_index(drop=True)


def trailing(
    summaries: pd.DataFrame,
    log: pd.DataFrame | None,
    *,
    hours: pd.DataFrame | None = None,
    as_of: dt.date | str | None = None,
    log_years: Iterable[int] | None = None,
) -> pd.DataFrame:
    """The ``ttm_*`` columns of :func:`rates`, keyed by establishment and year."""
    as_of_date = None if as_of is None else pd.Timestamp(as_of).date()
    by_year = _hours_by_year(summaries, hours)
    covered = set(int(y) for y in (log_years if log_years is not None else summaries["year"]))
    cases = _cases(log)
    rows = []
    for code, year in summaries[KEYS].itertuples(index=False):
        row: dict[str, Any] = {"establishment_code": code, "year": int(year)}
        start, end = window(int(year), as_of_date)
        if end is None:
            row["ttm_note"] = f"the as-of date {as_of_date} is before {int(year)}: no window"
            rows.append(row)
            continue
        row["ttm_start"], row["ttm_end"] = pd.Timestamp(start), pd.Timestamp(end)
        h, note = apportioned_hours(by_year.get(code, {}), start, end)
        row["ttm_hours"] = h
        missing_log = sorted(set(range(start.year, end.year + 1)) - covered)
        if log is None:
            note = note or "no log given: trailing figures need the log's dates of injury"
        elif missing_log:
            shown = ", ".join(str(y) for y in missing_log)
            note = note or f"the log given does not cover {shown}, which the window reaches"
        else:
            mine = cases[
                (cases["establishment_code"] == code)
                & (cases["date_of_injury"] >= pd.Timestamp(start))
                & (cases["date_of_injury"] <= pd.Timestamp(end))
            ]
            row["ttm_cases"] = int(mine["outcome"].isin(TTM_OUTCOMES["ttm_tcr"]).sum())
            row["ttm_dart_cases"] = int(mine["outcome"].isin(TTM_OUTCOMES["ttm_dart"]).sum())
            if h is not None:
                row["ttm_tcr"] = row["ttm_cases"] * BASE_HOURS / h
                row["ttm_dart"] = row["ttm_dart_cases"] * BASE_HOURS / h
        row["ttm_note"] = note
        rows.append(row)
    cols = [*KEYS, "ttm_start", "ttm_end", "ttm_hours", "ttm_cases", "ttm_dart_cases",
            *TTM_OUTCOMES, "ttm_note"]
    out = pd.DataFrame(rows).reindex(columns=cols)
    out["establishment_code"] = out["establishment_code"].astype(
        summaries["establishment_code"].dtype
    )
    out["year"] = out["year"].astype(summaries["year"].dtype)
    for col in ("ttm_start", "ttm_end"):
        out[col] = pd.to_datetime(out[col]).astype("datetime64[ns]")
    for col in ("ttm_cases", "ttm_dart_cases"):
        out[col] = out[col].astype("Int64")
    for col in ("ttm_hours", *TTM_OUTCOMES):
        out[col] = out[col].astype("Float64")
    out["ttm_note"] = out["ttm_note"].astype("str")
    return out


def window(year: int, as_of: dt.date | None) -> tuple[dt.date, dt.date | None]:
    """(first day, last day) of the trailing 12 months for log year ``year``: ending on
    ``as_of`` when it falls inside the year, else on December 31; last day None when
    ``as_of`` is before the year began."""
    end = dt.date(year, 12, 31)
    if as_of is not None:
        if as_of < dt.date(year, 1, 1):
            return dt.date(year, 1, 1), None
        end = min(end, as_of)
    start = (pd.Timestamp(end) + pd.Timedelta(days=1) - pd.DateOffset(years=1)).date()
    return start, end


def apportioned_hours(
    hours_by_year: Mapping[int, float | None], start: dt.date, end: dt.date
) -> tuple[float | None, str | None]:
    """Hours worked in [start, end]: each calendar year's hours spread evenly over its days.
    (None, why) when a year the window touches has no hours."""
    total = 0.0
    for y in range(start.year, end.year + 1):
        first, last = max(start, dt.date(y, 1, 1)), min(end, dt.date(y, 12, 31))
        h = hours_by_year.get(y)
        if h is None or pd.isna(h) or h <= 0:
            return None, f"no hours worked for {y}, which the window {start} to {end} reaches"
        days_in_year = (dt.date(y, 12, 31) - dt.date(y, 1, 1)).days + 1
        total += float(h) * ((last - first).days + 1) / days_in_year
    return total, None


def _hours_by_year(
    summaries: pd.DataFrame, hours: pd.DataFrame | None
) -> dict[str, dict[int, float | None]]:
    parts = [summaries[[*KEYS, "total_hours_worked"]]]
    if hours is not None:
        h = hours.rename(
            columns=lambda c: c.split(".", 1)[1] if c.startswith("employment.") else c
        )
        parts.insert(0, h[[*KEYS, "total_hours_worked"]])
    frame = pd.concat(parts, ignore_index=True)
    frame["year"] = pd.to_numeric(frame["year"], errors="coerce")
    frame["total_hours_worked"] = pd.to_numeric(frame["total_hours_worked"], errors="coerce")
    frame = frame.dropna(subset=["year"]).drop_duplicates(KEYS, keep="first")
    out: dict[str, dict[int, float | None]] = {}
    for code, year, h in frame.itertuples(index=False):
        out.setdefault(code, {})[int(year)] = None if pd.isna(h) else float(h)
    return out


def _cases(log: pd.DataFrame | None) -> pd.DataFrame:
    if log is None:
        return pd.DataFrame({"establishment_code": [], "date_of_injury": [], "outcome": []})
    cases = log[["establishment_code", "date_of_injury", "outcome"]].copy()
    cases["date_of_injury"] = pd.to_datetime(cases["date_of_injury"])
    return cases
