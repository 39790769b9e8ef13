"""Injury and illness rates per establishment-year (BLS and OSHA formulas).

Rate = N x 200,000 / total hours worked, 200,000 being 100 full-time workers x 40 hours x
50 weeks (recordkeeping.md section 8). No rate when hours are missing or zero.
"""

from __future__ import annotations

import pandas as pd

BASE_HOURS = 200_000
RATE_COLUMNS = [
    "establishment_code",
    "year",
    "total_hours_worked",
    "tcr",
    "tcr_with_deaths",
    "dart",
    "dafw",
]
#: rate -> the 300A totals counted in N.
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
}


def rates(summaries: pd.DataFrame) -> pd.DataFrame:
    """TCR, TCR with deaths, DART and DAFW case rate for every row of ``summaries``."""
    hours = summaries["total_hours_worked"].astype("Float64")
    hours = hours.where(hours > 0)  # zero hours: no rate, like missing hours
    out = summaries[["establishment_code", "year", "total_hours_worked"]].copy()
    for rate, cols in NUMERATORS.items():
        out[rate] = summaries[cols].sum(axis=1).astype("Float64") * BASE_HOURS / hours
    return out[RATE_COLUMNS].reset_index(drop=True)
