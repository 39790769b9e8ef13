"""Form 300A: the annual summary per establishment-year.

``summarize`` totals the log (columns G to M) for every establishment-year that has
employment data or log cases, so a year with no recordable case still gets a summary of
zeros (1904.32(a)(2)). The checks OSHA's ITA applies to a summary are defined once, in
``oshakit.ita.rules`` (``ita_checks``).
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np
import pandas as pd

from oshakit.schema import KINDS

KEYS = ["establishment_code", "year"]
#: Form 300 column G..J -> ITA total.
OUTCOME_TOTALS = {
    "G": "total_deaths",
    "H": "total_dafw_cases",
    "I": "total_djtr_cases",
    "J": "total_other_cases",
}
#: Form 300 column M1..M6 -> ITA total.
TYPE_TOTALS = {
    "M1": "total_injuries",
    "M2": "total_skin_disorders",
    "M3": "total_respiratory_conditions",
    "M4": "total_poisonings",
    "M5": "total_hearing_loss",
    "M6": "total_other_illnesses",
}
DAY_TOTALS = {"days_away": "total_dafw_days", "days_restricted": "total_djtr_days"}
ESTABLISHMENT_FIELDS = [
    "establishment_name",
    "company_name",
    "ein",
    "street_address",
    "city",
    "state",
    "zip",
    "naics_code",
    "industry_description",
    "establishment_type",
]
TOTALS = [*OUTCOME_TOTALS.values(), *DAY_TOTALS.values(), *TYPE_TOTALS.values()]
SUMMARY_COLUMNS = [
    *KEYS,
    *ESTABLISHMENT_FIELDS,
    "size",
    "annual_average_employees",
    "total_hours_worked",
    "peak_employees",
    "no_injuries_illnesses",
    *TOTALS,
]
#: ITA size codes by peak employment: (lowest peak, code).
SIZE_CODES = ((0, "1"), (20, "21"), (100, "22"), (250, "3"))


def summarize(rec: Any, bundle: Any, year: int | None = None) -> pd.DataFrame:
    """One Form 300A per establishment-year: totals of ``rec.log`` plus establishment and
    employment data. ``year=None`` summarises every year."""
    log = rec.log
    if year is not None:
        log = log[log["year"] == year]
    totals = pd.DataFrame(
        {
            **{col: log["outcome"].isin([code]) for code, col in OUTCOME_TOTALS.items()},
            **{col: log["itype"].isin([code]) for code, col in TYPE_TOTALS.items()},
            **{col: log[src].astype("Float64").fillna(0) for src, col in DAY_TOTALS.items()},
        }
    ).astype("int64")
    totals[KEYS] = log[KEYS]
    totals = totals.groupby(KEYS, dropna=False, as_index=False).sum()

    employment = _prefixed(bundle, "employment")
    if year is not None:
        employment = employment[employment["year"] == year]
    for col in ("annual_average_employees", "total_hours_worked"):
        # 1904.32 worksheet: both figures rounded up to whole numbers (round(6) first so
        # that float noise such as 20.0000000001 does not become 21).
        employment[col] = np.ceil(employment[col].astype("Float64").round(6)).astype("Int64")
    employment["peak_employees"] = employment["peak_employees"].astype("Int64")
    out = employment.astype({"year": "int64"}).merge(
        totals.astype({"year": "int64"}), on=KEYS, how="outer"
    )
    out[TOTALS] = out[TOTALS].fillna(0).astype("int64")

    establishments = _prefixed(bundle, "establishments").drop_duplicates("establishment_code")
    out = out.merge(establishments, on="establishment_code", how="left")
    out["size"] = _size_code(out["peak_employees"])
    cases = out[list(OUTCOME_TOTALS.values())].sum(axis=1)
    out["no_injuries_illnesses"] = np.where(cases > 0, 1, 2).astype("int64")
    out = out[SUMMARY_COLUMNS].sort_values(KEYS, na_position="last")
    return out.reset_index(drop=True)


def _prefixed(bundle: Any, kind: str) -> pd.DataFrame:
    """The bundle's ``kind`` frame with its ``kind.`` prefix dropped; empty when absent."""
    names = [c.name.split(".", 1)[1] for c in KINDS[kind].columns]
    frame = bundle.get(kind) if bundle is not None else None
    if frame is None:
        return pd.DataFrame({n: pd.Series(dtype="str") for n in names}).astype(
            {"year": "Int64"} if kind == "employment" else {}
        )
    frame = frame.rename(columns=lambda c: c.split(".", 1)[1] if c.startswith(f"{kind}.") else c)
    for n in names:
        if n not in frame:
            frame[n] = pd.NA
    return frame[names].copy()


def _size_code(peak: pd.Series) -> pd.Series:
    peak = peak.astype("Float64")
    size = pd.Series(pd.NA, index=peak.index, dtype="str")
    for bound, code in SIZE_CODES:  # later bounds overwrite earlier ones
        size = size.mask((peak >= bound).fillna(False), code)
    return size


def normalize_digits(value: Any) -> str | None:
    """An EIN/ZIP/NAICS as digits only (hyphens and spaces dropped); None when blank."""
    if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)):
        return None
    text = re.sub(r"[\s-]", "", str(value))
    return text or None
