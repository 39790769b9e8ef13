"""The exceptions table: every contradiction or gap found while reconciling.

Each part is built vectorised with the case's row number (``_case``, -1 for none);
:func:`finish` turns the parts into the shared core columns plus the case's
establishment and log year, so an auditor can stack it with rejects and findings.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

COLUMNS = [
    "file",
    "line",
    "column",
    "case_number",
    "code",
    "severity",
    "message",
    "establishment_code",
    "year",
]

#: code -> (severity, what it means). The README lists this table.
CODES: dict[str, tuple[str, str]] = {
    "RECORDABLE_NOT_WORK_RELATED": (
        "error", "recordable date set but the case is not work-related (No, N/A or blank)"),
    "RECORDABLE_UNDETERMINED": (
        "error", "recordable date set but work-relatedness is Undetermined"),
    "SERIOUS_NOT_RECORDABLE": (
        "error", "days away, a death or a hospitalization but no recordable date"),
    "NON_OSHA_TYPE_RECORDABLE": ("error", "a non-OSHA case type with a recordable date"),
    "RECORDABLE_BEFORE_INJURY": ("error", "the recordable date is before the injury"),
    "MISSING_ITYPE": ("error", "a recordable case with no injury/illness type (column M)"),
    "PRIVACY_SUSPECTED": ("warning", "looks like a privacy case but is not marked"),
    "LEGACY_DAYS_MISMATCH": ("warning", "legacy day totals differ from the counted spans"),
    "DEATH_NO_DATE": ("warning", "the employee died but no date of death is given"),
    "OVERLAPPING_CASES": ("warning", "several cases for one employee on one date"),
    "FOLLOWUP_WITHOUT_OPENING": (
        "error", "a follow-up encounter's case number has no opening encounter"),
    "DUPLICATE_CASE_NUMBER": ("error", "a case number opened twice"),
    "ESTABLISHMENT_MISSING": (
        "error", "no facility code and no establishment for the employee"),
    "ESTABLISHMENT_UNKNOWN": ("error", "the case's establishment is not in establishments.csv"),
    "EMPLOYEE_UNKNOWN": ("warning", "the case's employee is not in employees.csv"),
    "CHILD_NO_CASE": (
        "warning", "a child row's encounter belongs to no case (info for conditions, which "
        "routine visits carry)"),
    "ORPHAN_CHILD": ("error", "a child row's encounter does not exist"),
    "SPAN_NO_START": ("warning", "a restriction or accommodation has no start date"),
    "SPAN_END_BEFORE_START": ("warning", "a restriction or accommodation ends before it starts"),
    "PRIVACY_NO_BASIS": (
        "warning", "a flagged privacy case is an injury that matches none of the kinds of "
        "1904.29(b)(7)(i)-(v): kept private (fail safe), but the data show no basis"),
    "PRIVACY_FLAG_UNREADABLE": (
        "warning", "the loader could not read a case's incidents.privacy_case: kept private "
        "(fail safe)"),
    "ABSENCE_NOT_RECOMMENDED": (
        "info", "days of the employer's absence records not counted as days away: the "
        "physician's recommendations decide (1904.7(b)(3)(ii)-(iii))"),
    "EXPECTED_END_PASSED": (
        "warning", "a span still open at the as-of date has an expected end before it "
        "(counted to the expected end)"),
    "TERMINATION_NO_REASON": (
        "warning", "days counted after the employee left, whose reason is not given "
        "or does not say it is unrelated to the injury (1904.7(b)(3)(viii))"),
    "TERMINATION_BEFORE_INJURY": (
        "warning", "the employee's termination date is before the injury (ignored)"),
    "SEVERE_FATALITY": (
        "warning", "1904.39: a work-related death within 30 days of the incident; report to "
        "OSHA within 8 hours"),
    "SEVERE_HOSPITALIZATION": (
        "warning", "1904.39: an in-patient hospitalization; report to OSHA within 24 hours "
        "when within 24 hours of the incident"),
    "SEVERE_AMPUTATION": (
        "warning", "1904.39: an amputation; report to OSHA within 24 hours"),
    "SEVERE_EYE_LOSS": (
        "warning", "1904.39: the loss of an eye; report to OSHA within 24 hours"),
}


def part(
    code: str,
    *,
    file: str,
    line: object,
    column: str | None,
    case: object,
    message: object,
    severity: str | np.ndarray | None = None,
) -> pd.DataFrame:
    """One block of exceptions of a code; ``line``/``case``/``message`` broadcast."""
    severity = CODES[code][0] if severity is None else severity
    frame = pd.DataFrame(
        {"line": np.asarray(line, dtype="int64"), "_case": np.asarray(case, dtype="int64")}
    )
    frame["message"] = message if isinstance(message, str) else np.asarray(message, dtype=object)
    frame["file"], frame["column"], frame["code"], frame["severity"] = file, column, code, severity
    return frame


def finish(parts: list[pd.DataFrame], cases: pd.DataFrame) -> pd.DataFrame:
    """Stack the parts and add each case's number, establishment and year."""
    parts = [p for p in parts if len(p)]
    if not parts:
        return pd.DataFrame({c: pd.Series(dtype=_dtype(c)) for c in COLUMNS})
    out = pd.concat(parts, ignore_index=True)
    case = out.pop("_case").to_numpy()
    has = case >= 0
    idx = np.where(has, case, 0)
    for col in ("case_number", "establishment_code"):
        values = cases[col].to_numpy(dtype=object)[idx] if len(cases) else np.full(len(out), None)
        out[col] = pd.array(np.where(has, values, None), dtype="str")
    years = cases["year"].to_numpy()[idx] if len(cases) else np.zeros(len(out), "int64")
    out["year"] = pd.Series(np.where(has, years, 0), dtype="Int64").where(has, pd.NA)
    out["line"] = out["line"].astype("Int64").where(out["line"] >= 0, pd.NA)
    out = out.sort_values(["file", "line", "code"], kind="stable", na_position="first")
    return out[COLUMNS].reset_index(drop=True)


def _dtype(col: str) -> str:
    return {"line": "Int64", "year": "Int64"}.get(col, "str")
