"""Counting columns K and L: calendar days, injury day excluded, union per kind, cap.

All arithmetic is on integer day numbers with numpy: each span is clipped to
``[injury + 1, min(end, as-of)]``; spans of one kind are merged per case by sorting on
``case * OFFSET + day`` and a running maximum of ends (so cases never merge); the days
that are both away and restricted are found with a cumulative "days away up to x"
function evaluated at the restricted intervals' bounds (recordkeeping.md §3).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from oshakit.cases.policy import CAP_DAYS, Policy
from oshakit.cases.spans import AWAY


def day_numbers(values) -> np.ndarray:
    """datetime-like -> int64 days since 1970-01-01 (NaT -> iNaT)."""
    arr = np.asarray(pd.to_datetime(pd.Series(values)).to_numpy(), dtype="datetime64[ns]")
    return arr.astype("datetime64[D]").astype("int64")


NAT = np.iinfo("int64").min


@dataclass
class Clock:
    """Per case: the injury day, the day open spans run to, the day every span stops."""

    injury: np.ndarray  # int days
    open_end: np.ndarray  # int days: where a span with no end date stops (estimated)
    stop: np.ndarray  # int days: no span counts past this (the run date or as-of)


def clock(injury_day: pd.Series, years: np.ndarray, policy: Policy) -> Clock:
    """The as-of arithmetic of a policy (see :class:`Policy`)."""
    injury = day_numbers(injury_day)
    today_n = day_numbers([policy.today])[0]
    if policy.as_of is not None:
        fixed = day_numbers([policy.as_of])[0]
        open_end = np.full(len(injury), fixed)
        stop = open_end.copy()
    elif policy.eh_compat:  # EH counts to the run date
        open_end = np.full(len(injury), today_n)
        stop = open_end.copy()
    else:  # open spans to the end of the log year (or today); no day after today counts
        ends = pd.Series(years, dtype="int64").astype(str) + "-12-31"
        year_end = day_numbers(pd.to_datetime(ends))
        open_end = np.minimum(year_end, today_n)
        stop = np.full(len(injury), today_n)
    return Clock(injury, open_end, stop)


def count(spans: pd.DataFrame, clk: Clock, policy: Policy, *,
          died: np.ndarray, legacy_away: np.ndarray, legacy_restricted: np.ndarray
          ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Count K and L for every case.

    ``spans``: columns ``_case, kind, start, end, permanent, drop`` (drop NA = a span).
    ``policy`` gives the cap and the EH-compatible reading.
    ``legacy_*``: the legacy totals, negative when absent. Returns the spans with the
    counted part (``count_start``, ``count_end``, ``counted``, ``estimated``, ``why``)
    and a per-case frame (see :data:`CASE_COLUMNS`; ``*_total`` are before the cap).
    """
    n = len(clk.injury)
    sp = spans.reset_index(drop=True)
    case = sp["_case"].to_numpy(dtype="int64")
    valid = sp["drop"].isna().to_numpy()
    start = day_numbers(sp["start"])
    end = day_numbers(sp["end"])
    is_open = end == NAT
    away = sp["kind"].to_numpy(dtype=object) == AWAY
    perm = sp["permanent"].to_numpy(dtype=bool) & is_open & ~away
    c = np.where(valid, case, 0)
    first = clk.injury[c] + 1
    cs = np.maximum(start, first)
    raw_end = np.where(is_open, clk.open_end[c], end)
    limit = np.minimum(clk.open_end[c], clk.stop[c])
    ce = np.where(perm, np.where(cs <= limit, cs, cs - 1), np.minimum(raw_end, clk.stop[c]))
    counted = valid & (ce >= cs)
    clipped = ~is_open & (end > clk.stop[c])
    estimated = counted & ((is_open & ~perm) | clipped)
    why = np.select(
        [~valid, counted & perm, counted & is_open, counted & clipped, counted,
         valid & ~is_open & (end == clk.injury[c]),
         valid & ~is_open & (end < clk.injury[c]),
         valid],
        ["dropped", "permanent restriction: first countable day only",
         "no end date: runs to the as-of date (estimated)",
         "stops at the as-of date (estimated)", "counted",
         "lasts only the injury day, which is never counted",
         "ends before the injury", "falls after the as-of date"],
        default="dropped",
    )
    out = sp.assign(
        count_start=_dates(np.where(counted, cs, NAT)),
        count_end=_dates(np.where(counted, ce, NAT)),
        counted=counted, estimated=estimated, why=why,
    )

    a = counted & away
    r = counted & ~away
    away_union = _union_days(case[a], cs[a], ce[a], n)
    away_days = away_union
    restricted_union = _union_days(case[r], cs[r], ce[r], n)
    overlap = _overlap_days(case[r], cs[r], ce[r], case[a], cs[a], ce[a], n)
    restricted_days = restricted_union - overlap

    has_spans = np.bincount(case[valid], minlength=n) > 0
    est = np.bincount(case[estimated], minlength=n) > 0
    use_legacy = ~has_spans
    la = np.where(legacy_away >= 0, legacy_away, 0)
    lr = np.where(legacy_restricted >= 0, legacy_restricted, 0)
    away_days = np.where(use_legacy, la, away_days)
    restricted_days = np.where(use_legacy, lr, restricted_days)
    dropped_for_eh = np.zeros(n, dtype="int64")
    if policy.eh_compat:
        dropped_for_eh = np.where(away_days > 0, restricted_days, 0)
        restricted_days = np.where(away_days > 0, 0, restricted_days)
    k, l_ = cap_days(away_days, restricted_days, policy.effective_cap)
    died = np.asarray(died, dtype=bool)
    k, l_ = np.where(died, 0, k), np.where(died, 0, l_)
    source = np.where(has_spans, "spans", np.where(
        (legacy_away >= 0) | (legacy_restricted >= 0), "legacy", "none"))
    per_case = pd.DataFrame({
        "away_union": np.where(use_legacy, 0, away_union),
        "restricted_union": np.where(use_legacy, 0, restricted_union),
        "overlap": np.where(use_legacy, 0, overlap),
        "away_total": away_days,
        "restricted_total": restricted_days,
        "eh_dropped_restricted": dropped_for_eh,
        "days_away": k,
        "days_restricted": l_,
        "days_estimated": est & ~died,
        "day_source": source,
        "has_spans": has_spans,
        "open_end": _dates(clk.open_end),
    })
    return out, per_case


def cap_days(away: np.ndarray, restricted: np.ndarray, cap: str) -> tuple[np.ndarray, np.ndarray]:
    """Apply the 180-day cap policy: ``combined``, ``per_column`` or ``none``."""
    if cap == "none":
        return away, restricted
    k = np.minimum(away, CAP_DAYS)
    if cap == "combined":
        return k, np.minimum(restricted, CAP_DAYS - k)
    return k, np.minimum(restricted, CAP_DAYS)


def _dates(days: np.ndarray) -> np.ndarray:
    days = np.asarray(days, dtype="int64")
    out = days.astype("datetime64[D]").astype("datetime64[ns]")
    out[days == NAT] = np.datetime64("NaT")
    return out


def _keys(case, start, end, base, offset):
    return case * offset + (start - base), case * offset + (end - base)


def _merge(case: np.ndarray, start: np.ndarray, end: np.ndarray):
    """Merge overlapping or adjacent intervals per case -> (case, start, end), sorted."""
    if len(case) == 0:
        e = np.array([], dtype="int64")
        return e, e, e
    base = start.min()
    offset = int(end.max() - base) + 2
    ks, ke = _keys(case, start, end, base, offset)
    order = np.argsort(ks, kind="stable")
    ks, ke = ks[order], ke[order]
    run_end = np.maximum.accumulate(ke)
    new = np.ones(len(ks), bool)
    new[1:] = ks[1:] > run_end[:-1] + 1
    heads = np.flatnonzero(new)
    ms = ks[heads]
    me = np.maximum.reduceat(ke, heads)
    mc = ms // offset
    return mc, ms - mc * offset + base, me - mc * offset + base


def _union_days(case, start, end, n: int) -> np.ndarray:
    mc, ms, me = _merge(case, start, end)
    return np.bincount(mc, weights=me - ms + 1, minlength=n).astype("int64")


def _overlap_days(rc, rs, re, ac, as_, ae, n: int) -> np.ndarray:
    """Per case: days of the restricted spans' union that are also in the away union."""
    rc, rs, re = _merge(rc, rs, re)
    ac, as_, ae = _merge(ac, as_, ae)
    if len(rc) == 0 or len(ac) == 0:
        return np.zeros(n, dtype="int64")
    base = min(rs.min(), as_.min()) - 1
    offset = int(max(re.max(), ae.max()) - base) + 2
    aks, ake = _keys(ac, as_, ae, base, offset)  # sorted and disjoint
    length = ake - aks + 1
    before = np.concatenate([[0], np.cumsum(length)])

    def covered(x: np.ndarray) -> np.ndarray:  # away days with key <= x
        i = np.searchsorted(aks, x, side="right") - 1
        j = np.maximum(i, 0)
        inside = np.clip(x - aks[j] + 1, 0, length[j])
        return np.where(i >= 0, before[j] + inside, 0)

    rks, rke = _keys(rc, rs, re, base, offset)
    days = covered(rke) - covered(rks - 1)
    return np.bincount(rc, weights=days, minlength=n).astype("int64")


CASE_COLUMNS = ["away_union", "restricted_union", "overlap", "away_total", "restricted_total",
                "eh_dropped_restricted", "days_away", "days_restricted", "days_estimated",
                "day_source", "has_spans", "open_end"]
