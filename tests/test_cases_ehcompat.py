"""eh_compat: Enterprise Health's own 300 report, and the list of cases that differ."""

from __future__ import annotations

from cases_bundles import away, case, one, rec, restriction

from oshakit.cases import Policy


def test_eh_drops_restricted_days_once_a_case_has_lost_time(tmp_path):
    files = dict(encounters=[case()], accommodations=[away("E1", "2024-03-05", "2024-03-06")],
                 restrictions=[restriction("E1", "2024-03-10", "2024-03-19")])
    r = rec(tmp_path, **files)
    assert (one(r)["days_away"], one(r)["days_restricted"]) == (2, 10)
    eh = rec(tmp_path / "eh", Policy(eh_compat=True), **files)
    assert (one(eh)["days_away"], one(eh)["days_restricted"]) == (2, 0)
    diff = r.eh_diff
    assert len(diff) == 1
    got = diff.iloc[0]
    assert (got["case_key"], got["days_restricted"], got["eh_days_restricted"]) == ("E1", 10, 0)
    assert "drops restricted days once a case has lost time (10" in got["reason"]


def test_eh_counts_open_spans_to_the_run_date_and_caps_each_column(tmp_path):
    # injured 2024-12-19, away from 12-20 with no end: the kit stops at 2024-12-31 (12 days,
    # estimated); EH runs to the run date 2026-06-30 and caps at 180
    r = rec(tmp_path, encounters=[case(inc="2024-12-19 08:00:00", osha_completed_dt="2024-12-19")],
            accommodations=[away("E1", "2024-12-20", None)])
    got = r.eh_diff.iloc[0]
    assert (got["days_away"], got["eh_days_away"]) == (12, 180)
    assert "run date 2026-06-30" in got["reason"] and "2024-12-31" in got["reason"]


def test_eh_caps_days_that_cap_none_leaves(tmp_path):
    files = dict(encounters=[case(inc="2024-01-01 07:00:00", osha_completed_dt="2024-01-02")],
                 accommodations=[away("E1", "2024-01-02", "2024-12-31")])
    r = rec(tmp_path, Policy(cap="none"), **files)
    got = r.eh_diff.iloc[0]
    assert (got["days_away"], got["eh_days_away"]) == (365, 180)
    assert "180 each" in got["reason"]


def test_a_span_starting_after_the_log_year_counts_for_the_kit_as_for_eh(tmp_path):
    # a restriction that starts in 2025 and is still open on the run date 2026-06-30: its
    # days stay on the 2024 case (1904.7(b)(3)(ix)); it runs to the run date, as in EH's
    # report: 2025-02-01..2026-06-30 = 334 + 181 = 515 days, capped at 180; no difference
    r = rec(tmp_path, encounters=[case()],
            restrictions=[restriction("E1", "2025-02-01", None)])
    row = one(r)
    assert (row["outcome"], row["days_restricted"], row["days_estimated"]) == ("I", 180, True)
    assert r.eh_diff.empty


def test_no_difference_no_row(tmp_path):
    r = rec(tmp_path, encounters=[case()], accommodations=[away("E1", "2024-03-05", "2024-03-06")])
    assert r.eh_diff.empty
