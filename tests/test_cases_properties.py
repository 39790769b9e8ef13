"""Properties of the day counter (hypothesis), checked against a plain set-of-days oracle."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from oshakit.cases import Policy, days

EPOCH = np.datetime64("2024-01-01", "D")
N_CASES = 3
INJURY = np.array([0, 10, 100], dtype="int64") + (EPOCH - np.datetime64("1970-01-01", "D")).astype(
    "int64")
AS_OF = INJURY + 400
#: The run date: no day after it counts; an open span that starts after the as-of day (the
#: log year's end) but by the run date runs to the run date.
STOP = INJURY + 430

span = st.tuples(
    st.integers(0, N_CASES - 1),          # case
    st.sampled_from(["away", "restricted"]),
    st.integers(-5, 420),                 # start, days after 2024-01-01
    st.one_of(st.none(), st.integers(0, 60)),  # length - 1, or open
)


def _frame(rows) -> pd.DataFrame:
    start = [EPOCH + s for _, _, s, _ in rows]
    end = [np.datetime64("NaT") if n is None else EPOCH + s + n for _, _, s, n in rows]
    return pd.DataFrame({
        "_case": np.array([c for c, *_ in rows], dtype="int64"),
        "kind": [k for _, k, _, _ in rows],
        "start": pd.Series(start, dtype="datetime64[ns]"),
        "end": pd.Series(end, dtype="datetime64[ns]"),
        "permanent": np.zeros(len(rows), bool),
        "drop": pd.Series([None] * len(rows), dtype="str"),
    })


def _count(rows, cap="combined"):
    clk = days.Clock(INJURY.copy(), AS_OF.copy(), STOP.copy())
    none = np.full(N_CASES, -1, dtype="int64")
    _, per_case = days.count(_frame(rows), clk, Policy(cap=cap),
                             died=np.zeros(N_CASES, bool), legacy_away=none,
                             legacy_restricted=none)
    return per_case


def _last(c, first, n):
    """The last day a span of case ``c`` counts to: its end, never past the run date; an
    open span to the as-of day, or to the run date when it starts after the as-of day."""
    if first > STOP[c]:
        return first - 1  # not known by the run date: nothing
    if n is None:
        return STOP[c] if first > AS_OF[c] else AS_OF[c]
    return min(first + n, STOP[c])


def _oracle(rows):
    """Days away / restricted per case, by listing every day (the rule, spelled out)."""
    epoch = int((EPOCH - np.datetime64("1970-01-01", "D")).astype("int64"))
    out = []
    for c in range(N_CASES):
        away, restricted = set(), set()
        for case, kind, s, n in rows:
            if case != c:
                continue
            first, last = epoch + s, _last(c, epoch + s, n)
            dayset = {d for d in range(first, last + 1) if INJURY[c] < d}
            (away if kind == "away" else restricted).update(dayset)
        out.append((len(away), len(restricted - away)))
    return out


@settings(max_examples=150, deadline=None)
@given(st.lists(span, max_size=12))
def test_counts_match_listing_every_day(rows):
    per_case = _count(rows, cap="none")
    got = list(zip(per_case["days_away"], per_case["days_restricted"], strict=True))
    assert got == _oracle(rows)


@settings(max_examples=150, deadline=None)
@given(st.lists(span, max_size=12), st.sampled_from(["combined", "per_column", "none"]))
def test_never_negative_and_combined_cap_holds(rows, cap):
    per_case = _count(rows, cap=cap)
    k, l_ = per_case["days_away"].to_numpy(), per_case["days_restricted"].to_numpy()
    assert (k >= 0).all() and (l_ >= 0).all()
    if cap == "combined":
        assert (k + l_ <= 180).all()
    if cap == "per_column":
        assert (k <= 180).all() and (l_ <= 180).all()


@settings(max_examples=100, deadline=None)
@given(st.lists(span, max_size=12), st.randoms(use_true_random=False))
def test_row_order_does_not_matter(rows, rnd):
    shuffled = list(rows)
    rnd.shuffle(shuffled)
    a, b = _count(rows), _count(shuffled)
    assert a[["days_away", "days_restricted", "days_estimated"]].equals(
        b[["days_away", "days_restricted", "days_estimated"]])


@settings(max_examples=100, deadline=None)
@given(st.lists(span, min_size=1, max_size=12), st.data())
def test_splitting_a_span_into_adjacent_pieces_changes_nothing(rows, data):
    i = data.draw(st.integers(0, len(rows) - 1))
    case, kind, s, n = rows[i]
    if n is None or n == 0:
        return
    cut = data.draw(st.integers(0, n - 1))  # pieces [s, s+cut] and [s+cut+1, s+n]
    split = rows[:i] + [(case, kind, s, cut), (case, kind, s + cut + 1, n - cut - 1)] + rows[i + 1:]
    a, b = _count(rows), _count(split)
    assert a[["days_away", "days_restricted"]].equals(b[["days_away", "days_restricted"]])


# --- who decides the days away (1904.7(b)(3)(ii)-(iii)) against the same kind of oracle -----

sourced = st.tuples(span, st.sampled_from(["physician", "employer"]))


def _sourced_frame(rows) -> pd.DataFrame:
    frame = _frame([r for r, _ in rows])
    source = np.array([s for _, s in rows], dtype=object)
    return frame.assign(source=source, recommendation=source == "physician",
                        est_end=pd.Series(pd.NaT, index=frame.index, dtype="datetime64[ns]"))


def _sourced_oracle(rows):
    """From the first physician row of a case on, the physician's rows alone say which days
    are away; the employer's absence counts only before it; transfers always count."""
    epoch = int((EPOCH - np.datetime64("1970-01-01", "D")).astype("int64"))
    out = []
    for c in range(N_CASES):
        mine = [(k, s, n, src) for (case, k, s, n), src in rows if case == c]
        starts = [epoch + s for k, s, n, src in mine
                  if src == "physician" and epoch + s <= STOP[c]]  # known by the run date
        cover = min(starts) if starts else None
        away, restricted = set(), set()
        for kind, s, n, src in mine:
            first, last = epoch + s, _last(c, epoch + s, n)
            days = {d for d in range(first, last + 1) if INJURY[c] < d}
            if kind == "away" and src == "employer" and cover is not None:
                days = {d for d in days if d < cover}
            (away if kind == "away" else restricted).update(days)
        out.append((len(away), len(restricted - away)))
    return out


@settings(max_examples=150, deadline=None)
@given(st.lists(sourced, max_size=12))
def test_physician_over_employer_matches_listing_every_day(rows):
    clk = days.Clock(INJURY.copy(), AS_OF.copy(), STOP.copy())
    none = np.full(N_CASES, -1, dtype="int64")
    _, per_case = days.count(_sourced_frame(rows), clk, Policy(cap="none"),
                             died=np.zeros(N_CASES, bool), legacy_away=none,
                             legacy_restricted=none)
    got = list(zip(per_case["days_away"], per_case["days_restricted"], strict=True))
    assert got == _sourced_oracle(rows)
