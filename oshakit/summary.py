"""Form 300A: the annual summary per establishment-year, and the checks OSHA's ITA applies.

``summarize`` totals the log (columns G to M) for every establishment-year that has
employment data or log cases, so a year with no recordable case still gets a summary of
zeros (1904.32(a)(2)). ``ita_checks`` runs every check of recordkeeping.md section 6 on
every summary, one row per check, passed or not, so an auditor sees what was checked.
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np
import pandas as pd

from oshakit.schema import ESTABLISHMENT_TYPES, KINDS, US_STATES

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
CHECK_COLUMNS = [*KEYS, "check", "severity", "message", "passed"]
#: ITA size codes by peak employment: (lowest peak, code).
SIZE_CODES = ((0, "1"), (20, "21"), (100, "22"), (250, "3"))
MAX_HOURS_PER_EMPLOYEE = 8760  # 365 days x 24 h
MIN_HOURS_PER_EMPLOYEE = 500
PO_BOX = re.compile(r"\b(p\.?\s*o\.?\s*box|post\s+office\s+box|pob)\b|^\s*box\s+\d", re.I)


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


# --- ITA checks -------------------------------------------------------------------------


def ita_checks(summaries: pd.DataFrame) -> pd.DataFrame:
    """Every ITA check of recordkeeping.md section 6 on every summary: one row per check
    per establishment-year, ``passed`` True or False, with a message naming the
    establishment and the numbers."""
    names = summaries["establishment_name"].astype("str").str.strip().str.casefold()
    dupes = names.notna() & summaries.assign(_n=names).duplicated(["year", "_n"], keep=False)
    rows: list[dict] = []
    for row, dup in zip(summaries.to_dict("records"), dupes, strict=True):
        for check, severity, passed, message in _checks_of(row, bool(dup)):
            rows.append(
                {
                    "establishment_code": row["establishment_code"],
                    "year": row["year"],
                    "check": check,
                    "severity": severity,
                    "message": f"{_label(row)}: {message}",
                    "passed": passed,
                }
            )
    return pd.DataFrame(rows, columns=CHECK_COLUMNS).astype({"passed": "bool"})


def _label(row: dict) -> str:
    name, code = _val(row["establishment_name"]), _val(row["establishment_code"])
    who = f"{name} ({code})" if name else f"establishment {code or '(unknown)'}"
    return f"{who}, {row['year']}"


def _val(value: Any) -> Any:
    """None for every kind of missing value."""
    return None if value is None or pd.isna(value) else value


def _checks_of(row: dict, duplicate_name: bool):
    """Yield (check, severity, passed, message) for one summary row."""
    g, h, i, j = (int(row[c]) for c in OUTCOME_TOTALS.values())
    k, l_ = int(row["total_dafw_days"]), int(row["total_djtr_days"])
    m = sum(int(row[c]) for c in TYPE_TOTALS.values())
    cases = g + h + i + j
    emp, hours = _val(row["annual_average_employees"]), _val(row["total_hours_worked"])

    yield (
        "types_match_outcomes",
        "error",
        m == cases,
        f"injury and illness types M1-M6 total {m}, cases in columns G-J total {cases}"
        + ("" if m == cases else "; every case needs exactly one type (column M)"),
    )
    yield (
        "employees_exceed_cases",
        "error",
        emp is not None and emp > cases,
        f"annual average employees {_show(emp)}"
        + ("; it" if emp is None else "")
        + f" must exceed the {cases} recordable cases",
    )
    yield (
        "dafw_cases_match_days",
        "error",
        (h > 0) == (k > 0),
        f"{h} days-away cases (H) and {k} days away (K): one is zero only if the other is",
    )
    yield (
        "dafw_days_cover_cases",
        "error",
        k >= h,
        f"{k} days away (K) must be at least the {h} days-away cases (H)",
    )
    yield (
        "djtr_cases_have_days",
        "error",
        i == 0 or l_ > 0,
        f"{i} job transfer or restriction cases (I) with {l_} days of transfer or restriction (L)",
    )
    yield (
        "djtr_days_have_cases",
        "error",
        l_ == 0 or h + i > 0,
        f"{l_} days of transfer or restriction (L) with {h + i} cases in columns H and I",
    )
    ratio = hours / emp if emp and hours is not None else None
    per = (
        f"{hours:,} hours / {emp:,} employees = {ratio:,.0f} hours per employee"
        if ratio is not None
        else f"hours worked {_show(hours)}, employees {_show(emp)}: "
        "cannot compute hours per employee"
    )
    yield (
        "hours_per_employee_max",
        "error",
        ratio is not None and ratio < MAX_HOURS_PER_EMPLOYEE,
        f"{per} (must be under {MAX_HOURS_PER_EMPLOYEE:,})",
    )
    yield (
        "hours_per_employee_min",
        "warning",
        ratio is not None and ratio > MIN_HOURS_PER_EMPLOYEE,
        f"{per} (expected above {MIN_HOURS_PER_EMPLOYEE}; check hours and employees)",
    )
    yield (
        "employees_positive",
        "error",
        emp is not None and emp > 0,
        f"annual average employees {_show(emp)} (must be more than 0)",
    )
    yield (
        "hours_positive",
        "error",
        hours is not None and hours > 0,
        f"total hours worked {_show(hours)} (must be more than 0)",
    )

    name = _val(row["establishment_name"])
    yield (
        "name_length",
        "error",
        name is not None and 0 < len(str(name).strip()) <= 100,
        "establishment name missing"
        if name is None
        else f"establishment name is {len(str(name))} characters (at most 100)",
    )
    yield (
        "name_unique",
        "error",
        name is not None and not duplicate_name,
        "establishment name missing"
        if name is None
        else f"establishment name {name!r} "
        + ("is used by another establishment" if duplicate_name else "is unique"),
    )
    street = _val(row["street_address"])
    is_box = street is not None and bool(PO_BOX.search(str(street)))
    yield (
        "street_not_po_box",
        "error",
        street is not None and not is_box,
        "street address missing"
        if street is None
        else f"street address {street!r} "
        + ("is a PO box; OSHA needs the physical address" if is_box else "is a street address"),
    )
    for check, field, lengths, label in (
        ("ein_9_digits", "ein", (9,), "EIN"),
        ("zip_5_or_9_digits", "zip", (5, 9), "ZIP code"),
        ("naics_6_digits", "naics_code", (6,), "NAICS code"),
    ):
        raw, digits = _val(row[field]), normalize_digits(row[field])
        ok = digits is not None and digits.isdigit() and len(digits) in lengths
        need = " or ".join(str(n) for n in lengths)
        yield (
            check,
            "error",
            ok,
            f"{label} missing ({need} digits needed)"
            if raw is None
            else f"{label} {raw!r} " + ("is valid" if ok else f"must be {need} digits"),
        )
    state = _val(row["state"])
    ok = state is not None and str(state).strip().upper() in US_STATES
    yield (
        "state_code",
        "error",
        ok,
        "state missing"
        if state is None
        else f"state {state!r} " + ("is valid" if ok else "is not a 2-letter US state code"),
    )
    etype = _val(row["establishment_type"])
    ok = etype is not None and str(etype) in ESTABLISHMENT_TYPES
    yield (
        "establishment_type_code",
        "error",
        ok,
        "establishment type missing (1 private, 2 state government, 3 local government)"
        if etype is None
        else f"establishment type {etype!r} " + ("is valid" if ok else "must be 1, 2 or 3"),
    )
    peak, size = _val(row["peak_employees"]), _val(row["size"])
    yield (
        "size_code",
        "error",
        size is not None,
        f"peak employment {_show(peak)} gives size code {size}"
        if size is not None
        else f"peak employment {_show(peak)}: no ITA size code",
    )


def _show(value: Any) -> str:
    if value is None:
        return "missing"
    return f"{value:,}" if isinstance(value, int | np.integer) else str(value)
