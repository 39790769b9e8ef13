"""Rates by hand: N x 200,000 / hours (recordkeeping.md section 8)."""

from __future__ import annotations

import pandas as pd
import pytest

from oshakit.rates import RATE_COLUMNS, rates


def summaries(*rows: dict) -> pd.DataFrame:
    base = {"establishment_code": "E1", "year": 2024, "total_hours_worked": 100_000,
            "total_deaths": 0, "total_dafw_cases": 0, "total_djtr_cases": 0,
            "total_other_cases": 0}
    frame = pd.DataFrame([{**base, **r} for r in rows])
    return frame.astype({"total_hours_worked": "Int64"})


def test_rates_by_hand():
    # G 1, H 2, I 3, J 4 over 100,000 hours: factor 200,000 / 100,000 = 2
    r = rates(summaries({"total_deaths": 1, "total_dafw_cases": 2, "total_djtr_cases": 3,
                         "total_other_cases": 4}))
    assert list(r.columns) == RATE_COLUMNS
    row = r.iloc[0]
    assert row.tcr == pytest.approx(18.0)  # (2 + 3 + 4) x 2, deaths excluded
    assert row.tcr_with_deaths == pytest.approx(20.0)  # (1 + 2 + 3 + 4) x 2
    assert row.dart == pytest.approx(10.0)  # (2 + 3) x 2
    assert row.dafw == pytest.approx(4.0)  # 2 x 2


def test_rates_with_uneven_hours():
    # H 1, J 2 over 250,000 hours: factor 0.8
    row = rates(summaries({"total_hours_worked": 250_000, "total_dafw_cases": 1,
                           "total_other_cases": 2})).iloc[0]
    assert (row.tcr, row.tcr_with_deaths, row.dart, row.dafw) == pytest.approx(
        (2.4, 2.4, 0.8, 0.8))


def test_zero_cases_give_zero_rates():
    row = rates(summaries({})).iloc[0]
    assert (row.tcr, row.dart, row.dafw) == (0, 0, 0)


@pytest.mark.parametrize("hours", [None, 0])
def test_no_rate_without_hours(hours):
    r = rates(summaries({"total_hours_worked": hours, "total_dafw_cases": 1},
                        {"establishment_code": "E2", "total_dafw_cases": 1}))
    assert r.iloc[0][["tcr", "tcr_with_deaths", "dart", "dafw"]].isna().all()
    assert r.iloc[1].dafw == pytest.approx(2.0)  # the other row is unaffected
