"""Rates by hand: N x 200,000 / hours (recordkeeping.md section 8)."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from oshakit.rates import RATE_COLUMNS, RATE_LABELS, apportioned_hours, rates, window

RATE_NAMES = ["tcr", "tcr_with_deaths", "dart", "dafw", "dart_days_rate", "dafw_days_rate"]


def summaries(*rows: dict) -> pd.DataFrame:
    base = {"establishment_code": "E1", "year": 2024, "total_hours_worked": 100_000,
            "total_deaths": 0, "total_dafw_cases": 0, "total_djtr_cases": 0,
            "total_other_cases": 0, "total_dafw_days": 0, "total_djtr_days": 0}
    frame = pd.DataFrame([{**base, **r} for r in rows])
    return frame.astype({"total_hours_worked": "Int64"})


def test_rates_by_hand():
    # G 1, H 2, I 3, J 4 over 100,000 hours: factor 200,000 / 100,000 = 2
    r = rates(summaries({"total_deaths": 1, "total_dafw_cases": 2, "total_djtr_cases": 3,
                         "total_other_cases": 4}))
    assert list(r.columns) == RATE_COLUMNS
    row = r.iloc[0]
    assert row.tcr == pytest.approx(18.0)  # BLS: (2 + 3 + 4) x 2, deaths excluded
    assert row.tcr_with_deaths == pytest.approx(20.0)  # forms package: (1 + 2 + 3 + 4) x 2
    assert row.dart == pytest.approx(10.0)  # (2 + 3) x 2
    assert row.dafw == pytest.approx(4.0)  # 2 x 2


def test_rates_with_uneven_hours():
    # H 1, J 2 over 250,000 hours: factor 0.8
    row = rates(summaries({"total_hours_worked": 250_000, "total_dafw_cases": 1,
                           "total_other_cases": 2})).iloc[0]
    assert (row.tcr, row.tcr_with_deaths, row.dart, row.dafw) == pytest.approx(
        (2.4, 2.4, 0.8, 0.8))


def test_severity_by_hand():
    # K 30 days away, L 20 days restricted over 100,000 hours (factor 2):
    # DART days (K + L) = 50 x 2 = 100; days away only (K) = 30 x 2 = 60.
    # Over 400,000 hours (factor 0.5): 25 and 15.
    r = rates(summaries({"total_dafw_cases": 2, "total_dafw_days": 30, "total_djtr_days": 20},
                        {"establishment_code": "E2", "total_hours_worked": 400_000,
                         "total_dafw_cases": 2, "total_dafw_days": 30, "total_djtr_days": 20}))
    assert (r.iloc[0].dart_days_rate, r.iloc[0].dafw_days_rate) == pytest.approx((100.0, 60.0))
    assert (r.iloc[1].dart_days_rate, r.iloc[1].dafw_days_rate) == pytest.approx((25.0, 15.0))


def test_zero_cases_give_zero_rates():
    row = rates(summaries({})).iloc[0]
    assert (row.tcr, row.dart, row.dafw, row.dart_days_rate) == (0, 0, 0, 0)


@pytest.mark.parametrize("hours", [None, 0])
def test_no_rate_without_hours(hours):
    r = rates(summaries({"total_hours_worked": hours, "total_dafw_cases": 1},
                        {"establishment_code": "E2", "total_dafw_cases": 1}))
    assert r.iloc[0][RATE_NAMES].isna().all()
    assert r.iloc[1].dafw == pytest.approx(2.0)  # the other row is unaffected


def test_every_rate_is_labelled():
    assert set(RATE_LABELS) == {*RATE_NAMES, "ttm_tcr", "ttm_dart"}
    assert "BLS" in RATE_LABELS["tcr"] and "G+H+I+J" in RATE_LABELS["tcr_with_deaths"]


# --- trailing 12 months -----------------------------------------------------------------


def test_window_by_hand():
    assert window(2025, None) == (dt.date(2025, 1, 1), dt.date(2025, 12, 31))
    assert window(2025, dt.date(2025, 3, 31)) == (dt.date(2024, 4, 1), dt.date(2025, 3, 31))
    assert window(2024, dt.date(2025, 3, 31)) == (dt.date(2024, 1, 1), dt.date(2024, 12, 31))
    assert window(2024, dt.date(2024, 2, 29)) == (dt.date(2023, 3, 1), dt.date(2024, 2, 29))
    assert window(2026, dt.date(2025, 3, 31))[1] is None  # the year has not begun


def test_apportioned_hours_by_hand():
    # 2024 is a leap year: 366,000 h over 366 days = 1,000 h a day; Apr 1 - Dec 31 = 275 days.
    # 2025: 365,000 h over 365 days = 1,000 h a day; Jan 1 - Mar 31 = 90 days. 365,000 in all.
    h, note = apportioned_hours({2024: 366_000, 2025: 365_000},
                                dt.date(2024, 4, 1), dt.date(2025, 3, 31))
    assert (h, note) == (pytest.approx(365_000.0), None)
    h, note = apportioned_hours({2025: 365_000}, dt.date(2024, 4, 1), dt.date(2025, 3, 31))
    assert h is None and "no hours worked for 2024" in note


def log(*cases: tuple[str, str, str]) -> pd.DataFrame:
    return pd.DataFrame(
        [{"establishment_code": e, "date_of_injury": pd.Timestamp(d), "outcome": o,
          "year": pd.Timestamp(d).year} for e, d, o in cases]
    )


LOG = log(
    ("E1", "2024-03-31", "H"),  # the day before the 2025 window: out
    ("E1", "2024-04-01", "J"),  # first day of the window: in
    ("E1", "2024-12-31", "I"),  # in
    ("E1", "2025-02-10", "G"),  # a death: in the window, but not in the BLS TCR
    ("E1", "2025-03-31", "H"),  # as-of date, last day: in
    ("E1", "2025-04-01", "J"),  # after the as-of date: out
    ("E2", "2024-06-01", "H"),  # another establishment
)
SUMMARIES_24_25 = summaries(
    {"year": 2024, "total_hours_worked": 366_000, "total_dafw_cases": 1, "total_djtr_cases": 1,
     "total_other_cases": 1},
    {"year": 2025, "total_hours_worked": 365_000, "total_deaths": 1, "total_dafw_cases": 1,
     "total_other_cases": 1},
)


def test_trailing_12_months_across_a_year_boundary():
    r = rates(SUMMARIES_24_25, LOG, as_of="2025-03-31")
    y25 = r[r.year == 2025].iloc[0]
    assert (y25.ttm_start, y25.ttm_end) == (pd.Timestamp("2024-04-01"), pd.Timestamp("2025-03-31"))
    assert y25.ttm_hours == pytest.approx(365_000.0)  # 275,000 from 2024 + 90,000 from 2025
    assert (y25.ttm_cases, y25.ttm_dart_cases) == (3, 2)  # J 04-01, I 12-31, H 03-31
    assert y25.ttm_tcr == pytest.approx(3 * 200_000 / 365_000)  # 1.6438
    assert y25.ttm_dart == pytest.approx(2 * 200_000 / 365_000)  # 1.0959
    assert pd.isna(y25.ttm_note)
    # The calendar-year figures beside it are unchanged: 2025 has H 1 + J 1 over 365,000 h.
    assert y25.tcr == pytest.approx(2 * 200_000 / 365_000)
    # 2024 ended before the as-of date: its window is the calendar year (H, J, I in 2024).
    y24 = r[r.year == 2024].iloc[0]
    assert (y24.ttm_start, y24.ttm_end) == (pd.Timestamp("2024-01-01"), pd.Timestamp("2024-12-31"))
    assert y24.ttm_tcr == pytest.approx(3 * 200_000 / 366_000) == pytest.approx(y24.tcr)


def test_trailing_window_needs_the_earlier_years_hours_and_log():
    only_2025 = SUMMARIES_24_25[SUMMARIES_24_25.year == 2025]
    # The log of 2025 alone (as reconciled for one year) cannot count 2024's cases.
    row = rates(only_2025, LOG[LOG.year == 2025], as_of="2025-03-31").iloc[0]
    assert pd.isna(row.ttm_tcr) and "no hours worked for 2024" in row.ttm_note
    hours = pd.DataFrame({"employment.establishment_code": ["E1"], "employment.year": [2024],
                          "employment.total_hours_worked": [366_000]})
    row = rates(only_2025, LOG[LOG.year == 2025], hours=hours, as_of="2025-03-31").iloc[0]
    assert row.ttm_hours == pytest.approx(365_000.0)
    assert pd.isna(row.ttm_tcr) and "does not cover 2024" in row.ttm_note
    # Given the whole log and saying which years it holds, the rate is there.
    row = rates(only_2025, LOG, hours=hours, as_of="2025-03-31", log_years=[2024, 2025]).iloc[0]
    assert row.ttm_tcr == pytest.approx(3 * 200_000 / 365_000)


def test_rates_from_summaries_alone_still_work():
    r = rates(SUMMARIES_24_25)
    assert list(r.columns) == RATE_COLUMNS
    assert r.ttm_tcr.isna().all() and r.ttm_note.str.contains("no log given").all()
