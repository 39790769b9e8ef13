"""The CSV files OSHA's Injury Tracking Application accepts (recordkeeping.md section 9).

``form300a_frame`` gives one 300A row per establishment with employment data for the
year (zero-case establishments included), ``case_data_frame`` one row per case on the
log, both with exactly the spec's columns, in order, and its codes. Text longer than
OSHA takes is cut to the limit and each cut is reported as an exception, never silently.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from oshakit.cases.exceptions import COLUMNS as EXCEPTION_COLUMNS
from oshakit.cases.reconciliation import Reconciliation
from oshakit.errors import OshakitError
from oshakit.result import Result
from oshakit.summary import normalize_digits

FORM300A_COLUMNS = [
    "establishment_name",
    "ein",
    "company_name",
    "street_address",
    "city",
    "state",
    "zip",
    "naics_code",
    "industry_description",
    "size",
    "establishment_type",
    "year_filing_for",
    "annual_average_employees",
    "total_hours_worked",
    "no_injuries_illnesses",
    "total_deaths",
    "total_dafw_cases",
    "total_djtr_cases",
    "total_other_cases",
    "total_dafw_days",
    "total_djtr_days",
    "total_injuries",
    "total_skin_disorders",
    "total_respiratory_conditions",
    "total_poisonings",
    "total_hearing_loss",
    "total_other_illnesses",
    "change_reason",
]
CASE_DATA_COLUMNS = [
    "establishment_name",
    "year_of_filing",
    "case_number",
    "job_title",
    "date_of_incident",
    "incident_location",
    "incident_description",
    "incident_outcome",
    "dafw_num_away",
    "djtr_num_tr",
    "type_of_incident",
    "date_of_birth",
    "date_of_hire",
    "sex",
    "treatment_facility_type",
    "treatment_in_patient",
    "time_started_work",
    "time_of_incident",
    "time_unknown",
    "nar_before_incident",
    "nar_what_happened",
    "nar_injury_illness",
    "nar_object_substance",
    "date_of_death",
]
OUTCOME_CODES = {"G": 1, "H": 2, "I": 3, "J": 4}
TYPE_CODES = {"M1": 1, "M2": 2, "M3": 3, "M4": 4, "M5": 5, "M6": 6}
#: ITA column -> most characters OSHA accepts.
TEXT_LIMITS = {
    "case_number": 100,
    "job_title": 255,
    "incident_location": 255,
    "incident_description": 255,
}
FILES = {
    "ita_300a": "ita_300a.csv",
    "ita_case_data": "ita_case_data.csv",
    "exceptions": "exceptions.csv",
    "ita_checks": "ita_checks.csv",
}


def form300a_frame(summaries: pd.DataFrame, year: int) -> pd.DataFrame:
    """The ITA 300A CSV rows for ``year``: one per establishment with employment data."""
    s = summaries[summaries["year"] == year]
    employment = ["annual_average_employees", "total_hours_worked", "peak_employees"]
    s = s[s[employment].notna().any(axis=1)].reset_index(drop=True)
    out = s.reindex(columns=FORM300A_COLUMNS).copy()
    for col in ("ein", "zip", "naics_code"):
        out[col] = _text(s[col].map(normalize_digits, na_action="ignore"))
    out["state"] = _text(s["state"]).str.strip().str.upper()
    out["year_filing_for"] = year
    out["change_reason"] = pd.Series(pd.NA, index=out.index, dtype="str")
    return out[FORM300A_COLUMNS]


def case_data_frame(rec: Reconciliation, summaries: pd.DataFrame, year: int) -> pd.DataFrame:
    """The ITA case data CSV rows for ``year``: one per case on the log (Forms 300 and 301)."""
    return _case_data(rec, summaries, year)[0]


def _case_data(rec: Reconciliation, summaries: pd.DataFrame,
               year: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Case data rows and the exceptions for text cut to OSHA's limits."""
    log = rec.log[rec.log["year"] == year].reset_index(drop=True)
    names = summaries.loc[summaries["year"] == year, ["establishment_code", "establishment_name"]]
    name = log[["establishment_code"]].merge(names, on="establishment_code", how="left")
    unknown = log["time_unknown"].astype("boolean").fillna(False)
    sex = _text(log["sex"]).str.strip().str.upper()
    out = pd.DataFrame(
        {
            "establishment_name": name["establishment_name"].to_numpy(),
            "year_of_filing": year,
            "case_number": _text(log["case_number"]),
            "job_title": _text(log["job_title"]),
            "date_of_incident": _date(log["date_of_injury"]),
            "incident_location": _text(log["location"]),
            "incident_description": _text(log["description"]),
            "incident_outcome": log["outcome"].map(OUTCOME_CODES).astype("Int64"),
            "dafw_num_away": log["days_away"].astype("Int64"),
            "djtr_num_tr": log["days_restricted"].astype("Int64"),
            "type_of_incident": log["itype"].map(TYPE_CODES).astype("Int64"),
            "date_of_birth": _date(log["date_of_birth"]),
            "date_of_hire": _date(log["date_of_hire"]),
            "sex": sex.where(sex.isin(["M", "F"])),
            "treatment_facility_type": _flag(log["emergency_room"]),
            "treatment_in_patient": _flag(log["hospitalized"]),
            "time_started_work": _text(log["time_started_work"]),
            "time_of_incident": _text(log["time_of_event"]).mask(unknown),
            "time_unknown": unknown.astype("int64"),
            "nar_before_incident": _text(log["nar_before_incident"]),
            "nar_what_happened": _text(log["nar_what_happened"]),
            "nar_injury_illness": _text(log["nar_injury_illness"]),
            "nar_object_substance": _text(log["nar_object_substance"]),
            "date_of_death": _date(log["date_of_death"]),
        }
    )
    cuts = []
    for col, limit in TEXT_LIMITS.items():
        long = out[col].str.len() > limit
        for pos in long[long.fillna(False)].index:
            text = out.at[pos, col]
            cuts.append(
                {
                    "file": FILES["ita_case_data"],
                    "line": pos + 2,  # header is line 1
                    "column": col,
                    "case_number": log.at[pos, "case_number"],
                    "code": "ITA_TEXT_TRUNCATED",
                    "severity": "warning",
                    "message": f"case {log.at[pos, 'case_number']}: {col} has {len(text)} "
                    f"characters; OSHA's ITA takes at most {limit}, so the file carries the "
                    f"first {limit}: {text[:limit]!r}",
                    "establishment_code": log.at[pos, "establishment_code"],
                    "year": year,
                }
            )
        out[col] = out[col].str.slice(0, limit)
    return out[CASE_DATA_COLUMNS], pd.DataFrame(cuts, columns=EXCEPTION_COLUMNS)


def _date(values: pd.Series) -> pd.Series:
    """MM/DD/YYYY text, NA when missing."""
    return _text(pd.to_datetime(values, errors="coerce").dt.strftime("%m/%d/%Y"))


def _text(values: pd.Series) -> pd.Series:
    """Text with missing values kept missing (empty in the CSV): under pandas 2.x
    ``astype("str")`` alone writes them as the text ``nan``."""
    return values.astype("str").where(values.notna())


def _flag(values: pd.Series) -> pd.Series:
    """1 yes, 0 no, NA unknown."""
    return values.astype("boolean").astype("Int64")


def write_ita_files(result: Result, out_dir: str | Path) -> dict[str, Path]:
    """Write the ITA 300A and case data CSVs of ``result.year`` (OSHA's text exactly), the
    year's exceptions (reconciliation exceptions plus ITA truncations) and the ITA checks
    into ``out_dir``, and stamp the folder with the result's fingerprint.

    The case data CSV goes to :func:`~oshakit.outputs.confidential_dir`: OSHA asks for each
    case's date of birth, hire date, sex and job title, which beside the case identify the
    employee (a privacy case too), so it is for the recordkeeper and OSHA, not to share."""
    from oshakit.outputs import confidential_dir, stamp, write_csv

    year = result.year
    if year is None:
        raise OshakitError("the ITA files are for one year: compute the result for a year")
    out_dir = Path(out_dir)
    cases, cuts = _case_data(result.rec, result.summaries, year)
    exceptions = result.exceptions
    in_year = exceptions["year"].isna() | exceptions["year"].eq(year).fillna(False)
    exceptions = exceptions[in_year]
    extra = [c for c in exceptions.columns if c not in EXCEPTION_COLUMNS]
    exceptions = pd.concat(
        [df for df in (exceptions, cuts) if len(df)] or [cuts], ignore_index=True
    ).reindex(columns=EXCEPTION_COLUMNS + extra)
    checks = result.checks
    frames = {
        "ita_300a": (form300a_frame(result.summaries, year), True),
        "ita_case_data": (cases, True),
        "exceptions": (exceptions, False),
        "ita_checks": (checks[checks["year"] == year], False),
    }
    where = {"ita_case_data": confidential_dir(out_dir, year=year)}
    paths = {key: write_csv(frame, where.get(key, out_dir) / FILES[key], exact=exact)
             for key, (frame, exact) in frames.items()}
    paths["stamp"] = stamp(out_dir, result, paths.values())
    return paths
