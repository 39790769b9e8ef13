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
from oshakit.cases.spans import AWAY, EMPLOYER, PHYSICIAN
from oshakit.cases.text import iso


def day_numbers(values) -> np.ndarray:
    """datetime-like -> int64 days since 1970-01-01 (NaT -> iNaT)."""
    arr = np.asarray(pd.to_datetime(pd.Series(values)).to_numpy(), dtype="datetime64[ns]")
    return arr.astype("datetime64[D]").astype("int64")


NAT = np.iinfo("int64").min


@dataclass
class Clock:
    """Per case: the injury day, the day open spans run to, the day every span stops, and
    the day the employee left for a reason unrelated to the injury (``NAT``: none)."""

    injury: np.ndarray  # int days
    open_end: np.ndarray  # int days: where a span with no end date stops (estimated)
    stop: np.ndarray  # int days: no span counts past this (the run date or as-of)
    term: np.ndarray | None = None  # int days: counting stops after it (1904.7(b)(3)(viii))


def clock(injury_day: pd.Series, years: np.ndarray, policy: Policy,
          term_day: np.ndarray | None = None) -> Clock:
    """The as-of arithmetic of a policy (see :class:`Policy`). ``term_day``: per case the
    day the employee left for a reason unrelated to the injury (NAT: none); used unless
    the policy says not to stop there (or reproduces EH's report)."""
    injury = day_numbers(injury_day)
    today_n = day_numbers([policy.today])[0]
    if policy.as_of is not None:  # Policy refuses an as-of after the run date
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
    term = np.full(len(injury), NAT, dtype="int64")
    if term_day is not None and policy.stop_at_termination and not policy.eh_compat:
        term = np.asarray(term_day, dtype="int64")
    return Clock(injury, open_end, stop, term)


#: Where each rule of 1904.7(b)(3) is cited in the span texts.
WHO_DECIDES = "1904.7(b)(3)(ii)-(iii)"
LEFT = "1904.7(b)(3)(viii)"


def count(spans: pd.DataFrame, clk: Clock, policy: Policy, *,
          died: np.ndarray, legacy_away: np.ndarray, legacy_restricted: np.ndarray
          ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Count K and L for every case.

    ``spans``: columns ``_case, kind, start, end, permanent, drop`` (drop NA = a span) and,
    from :func:`spans.collect`, ``source``, ``est_end``, ``recommendation``.
    ``policy`` gives the cap and the EH-compatible reading.
    ``legacy_*``: the legacy totals, negative when absent. Returns the spans with the
    counted part (``count_start``, ``count_end``, ``counted``, ``estimated``, ``why``,
    ``expected``, ``decided_from``, ``pre_end``, ``first_day``) and a per-case frame (see
    :data:`CASE_COLUMNS`; ``*_total`` are before the cap).

    Beyond the calendar arithmetic, three rules of 1904.7(b)(3) apply (not under
    ``eh_compat``): a span still running at the as-of date runs to its expected end when the
    data gives one (ix); the employer's absence records count only before the first
    physician's recommendation of the case, which decides the days away from then on, so
    days the employee stayed home after a release are dropped and recommended days count
    even if the employee came in (ii)-(iii); no day after the employee left for an
    unrelated reason counts (viii).
    """
    n = len(clk.injury)
    sp = spans.reset_index(drop=True)
    m = len(sp)
    case = sp["_case"].to_numpy(dtype="int64")
    valid = sp["drop"].isna().to_numpy()
    start = day_numbers(sp["start"])
    end = day_numbers(sp["end"])
    is_open = end == NAT
    away = sp["kind"].to_numpy(dtype=object) == AWAY
    source = (sp["source"].to_numpy(dtype=object) if "source" in sp
              else np.full(m, "", dtype=object))
    est = day_numbers(sp["est_end"]) if "est_end" in sp else np.full(m, NAT, dtype="int64")
    recommends = (sp["recommendation"].to_numpy(dtype=bool) if "recommendation" in sp
                  else np.zeros(m, bool))
    rules = not policy.eh_compat
    perm = sp["permanent"].to_numpy(dtype=bool) & is_open & ~away
    c = np.clip(case, 0, max(n - 1, 0))
    stop = clk.stop[c] if n else np.zeros(m, "int64")
    injury = clk.injury[c] if n else np.zeros(m, "int64")
    known = (start != NAT) & (start <= stop)  # spans starting after the as-of date: unknown
    first = injury + 1
    cs = np.maximum(start, first)
    running = is_open | (end > stop)  # still running at the as-of (or run) date
    expect = rules & running & (est != NAT) & ~perm
    open_end = clk.open_end[c] if n else np.zeros(m, "int64")
    # an open span known by the run date but starting after the log year's end (1904.7(b)
    # (3)(ix): its days stay on this case) runs to the run date, never to before its start
    late_open = is_open & (cs > open_end)
    raw_end = np.where(late_open, stop, np.where(is_open, open_end, end))
    limit = np.minimum(open_end, stop)  # the as-of day
    # a recorded end still in the future is the plan: an expected end never extends it
    expected_end = np.where(is_open, est, np.minimum(est, end))
    ce = np.where(perm, np.where(cs <= stop, cs, cs - 1),
                  np.where(expect, expected_end, np.minimum(raw_end, stop)))
    # (viii) the employee left for a reason unrelated to the injury
    term = clk.term[c] if (clk.term is not None and n) else np.full(m, NAT, dtype="int64")
    has_term = rules & (term != NAT)
    pre_term = ce
    ce = np.where(has_term, np.minimum(ce, term), ce)
    cut_term = has_term & (pre_term > term)
    # (ii)-(iii) the physician's recommendations decide the days away where they cover
    rec_rows = rules & recommends & known
    cover = np.full(n, np.iinfo("int64").max, dtype="int64")
    if rec_rows.any():
        np.minimum.at(cover, case[rec_rows], start[rec_rows])
    has_cover = cover < np.iinfo("int64").max
    cov = np.where(has_cover[c], cover[c], NAT) if n else np.full(m, NAT, dtype="int64")
    employer_absence = rules & valid & known & away & (source == EMPLOYER)
    decided = employer_absence & (cov != NAT) & (ce >= np.maximum(cs, cov))
    pre_end = ce
    ce = np.where(decided, np.minimum(ce, cov - 1), ce)

    counted = valid & known & (ce >= cs)
    clipped = ~is_open & (end > stop) & ~expect
    estimated = counted & ((is_open & ~perm) | clipped | expect) & ~cut_term & ~decided
    why = _why([
        (~valid, "dropped"),
        (counted & perm, "permanent restriction: first countable day only"),
        (counted & decided, lambda r: "counted up to the day before " + _iso(cov[r])
         + ": from then on the physician's recommendations decide the days away ("
         + WHO_DECIDES + ")"),
        (counted & cut_term, lambda r: "stops on " + _iso(term[r]) + ", when the employee "
         "left for a reason unrelated to the injury (" + LEFT + ")"),
        (counted & expect, lambda r: "still running at the as-of date: counted to its "
         "expected end " + _iso(expected_end[r]) + " (est_end_date; estimated)"),
        (counted & late_open, "no end date, starts after the log year: runs to the run "
         "date (estimated)"),
        (counted & is_open, "no end date: runs to the as-of date (estimated)"),
        (counted & clipped, "stops at the as-of date (estimated)"),
        (counted, "counted"),
        (valid & decided, lambda r: "not days away: from " + _iso(cov[r]) + " the "
         "physician's recommendations decide the days away (" + WHO_DECIDES + ")"),
        (valid & known & has_term & (cs > term), lambda r: "starts after the employee left "
         "on " + _iso(term[r]) + " (" + LEFT + ")"),
        (valid & ~is_open & (end == injury), "lasts only the injury day, which is never counted"),
        (valid & ~is_open & (end < injury), "ends before the injury"),
        (valid & known & expect & (est < cs), lambda r: "expected end " + _iso(est[r])
         + " (est_end_date) is before its first countable day"),
        (valid, "falls after the as-of date"),
    ], m, default="dropped")
    out = sp.assign(
        count_start=_dates(np.where(counted, cs, NAT)),
        count_end=_dates(np.where(counted, ce, NAT)),
        counted=counted, estimated=estimated, why=why,
        expected=counted & expect,
        decided_from=_dates(np.where(decided, cov, NAT)),
        pre_end=_dates(np.where(decided, pre_end, NAT)),
        first_day=_dates(np.where(valid & known, cs, NAT)),
    )

    a = counted & away
    r = counted & ~away
    away_union = _union_days(case[a], cs[a], ce[a], n)
    away_days = away_union
    restricted_union = _union_days(case[r], cs[r], ce[r], n)
    overlap = _overlap_days(case[r], cs[r], ce[r], case[a], cs[a], ce[a], n)
    restricted_days = restricted_union - overlap

    # what the rules changed, for the explanation and the EH comparison
    doc_away = a & (source == PHYSICIAN)
    lost = decided & (pre_end >= np.maximum(cs, cov))
    lost_start = np.maximum(cs, cov)
    employer_dropped = (_union_days(case[lost], lost_start[lost], pre_end[lost], n)
                        - _overlap_days(case[lost], lost_start[lost], pre_end[lost],
                                        case[doc_away], cs[doc_away], ce[doc_away], n))
    # days away on the physician's word the employer's records show the employee at work:
    # outside its absence records when it keeps some for the case, else on a transfer
    said_away = employer_absence & (pre_end >= cs)
    has_absence = np.bincount(case[said_away], minlength=n) > 0
    transfer = counted & ~away & (source == EMPLOYER)
    doc_days = _union_days(case[doc_away], cs[doc_away], ce[doc_away], n)
    physician_added = np.where(
        has_absence,
        doc_days - _overlap_days(case[doc_away], cs[doc_away], ce[doc_away], case[said_away],
                                 cs[said_away], pre_end[said_away], n),
        _overlap_days(case[doc_away], cs[doc_away], ce[doc_away], case[transfer],
                      cs[transfer], ce[transfer], n))
    ahead = counted & expect & (ce > limit)  # the expected days past the as-of date
    expected_days = _union_days(case[ahead], np.maximum(cs, limit + 1)[ahead], ce[ahead], n)
    after = valid & known & cut_term & (pre_term >= np.maximum(cs, term + 1))
    term_dropped = _union_days(case[after], np.maximum(cs, term + 1)[after], pre_term[after], n)

    has_spans = np.bincount(case[valid], minlength=n) > 0
    est_case = np.bincount(case[estimated], minlength=n) > 0
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
    source_case = np.where(has_spans, "spans", np.where(
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
        "days_estimated": est_case & ~died,
        "day_source": source_case,
        "has_spans": has_spans,
        "open_end": _dates(clk.open_end),
        "stop": _dates(clk.stop),
        "employer_dropped": employer_dropped.astype("int64"),
        "physician_added": physician_added.astype("int64"),
        "term_dropped": term_dropped.astype("int64"),
        "expected": np.bincount(case[counted & expect], minlength=n) > 0,
        "expected_days": expected_days.astype("int64"),
        "cover_from": _dates(np.where(has_cover, cover, NAT)),
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


def _why(rules, m: int, default: str) -> np.ndarray:
    """Like ``np.select`` over (condition, text or function of the rows -> texts), the first
    true condition winning, but building the texts only for the rows that get them."""
    out = np.full(m, default, dtype=object)
    taken = np.zeros(m, bool)
    for cond, text in rules:
        rows = np.flatnonzero(cond & ~taken)
        if len(rows):
            out[rows] = text(rows) if callable(text) else text
            taken[rows] = True
    return out


def _iso(days: np.ndarray) -> np.ndarray:
    """Day numbers as 'YYYY-MM-DD' object strings ('' for NAT)."""
    return iso(_dates(days))


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
                "day_source", "has_spans", "open_end", "stop", "employer_dropped",
                "physician_added", "term_dropped", "expected", "expected_days", "cover_from"]
