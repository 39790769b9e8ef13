"""Small hand-made stand-ins for a reconciliation and a bundle (summary/ITA/CLI tests).

``make_rec`` builds a :class:`~oshakit.cases.Reconciliation` (``cases``, ``log``,
``exceptions``, ``accounting``, ``eh_diff``) from a few case dicts, so the summary tests do
not depend on the reconciliation's own rules.
"""

from __future__ import annotations

from pathlib import Path
from unittest import mock

import pandas as pd

from oshakit import pipeline
from oshakit.bundle import Bundle
from oshakit.cases import Policy, Reconciliation
from oshakit.result import Result

DEFAULT_CASE = {
    "case_key": None,
    "case_number": None,
    "establishment_code": "E1",
    "year": 2024,
    "on_log": True,
    "log_reason": "recordable",
    "employee_pat_id": "u1",
    "employee_pat_id_type": "id:username",
    "employee_name": "Doe, Jane",
    "privacy": False,
    "log_name": "Doe, Jane",
    "job_title": "Picker",
    "date_of_injury": "2024-03-05",
    "time_of_event": "09:30",
    "time_unknown": False,
    "location": "Dock 2",
    "description": "Laceration, left hand; box cutter",
    "outcome": "J",
    "days_away": 0,
    "days_restricted": 0,
    "days_estimated": False,
    "itype": "M1",
    "body_parts": "Hand, left",
    "natures": "Laceration",
    "employee_street": "1 Main St",
    "employee_city": "Springfield",
    "employee_state": "IL",
    "employee_zip": "62701",
    "date_of_birth": "1990-07-04",
    "date_of_hire": "2015-01-12",
    "sex": "F",
    "physician": "Dr. Who",
    "facility_name": "City Clinic",
    "facility_street": "2 Oak St",
    "facility_city": "Springfield",
    "facility_state": "IL",
    "facility_zip": "62701",
    "emergency_room": False,
    "hospitalized": False,
    "time_started_work": "07:00",
    "nar_before_incident": "Opening boxes",
    "nar_what_happened": "The cutter slipped",
    "nar_injury_illness": "Cut to left hand",
    "nar_object_substance": "Box cutter",
    "date_of_death": None,
    "explanation": "Column J: recordable, no days away or restricted.",
}

EXCEPTION_COLUMNS = [
    "file", "line", "column", "case_number", "code", "severity", "message",
    "establishment_code", "year",
]


def make_rec(cases: list[dict], exceptions: list[dict] | None = None) -> Reconciliation:
    rows = []
    for n, case in enumerate(cases, 1):
        row = {**DEFAULT_CASE, "case_key": f"K{n}", "case_number": f"2024-{n:03d}", **case}
        rows.append(row)
    frame = pd.DataFrame(rows, columns=list(DEFAULT_CASE))
    frame = frame.astype(
        {
            "year": "int64",
            "on_log": "bool",
            "days_away": "Int64",
            "days_restricted": "Int64",
            "emergency_room": "boolean",
            "hospitalized": "boolean",
            "time_unknown": "bool",
        }
    )
    for col in ("date_of_injury", "date_of_birth", "date_of_hire", "date_of_death"):
        frame[col] = pd.to_datetime(frame[col])
    log = frame[frame["on_log"]].sort_values(
        ["establishment_code", "date_of_injury", "case_number"]
    ).reset_index(drop=True)
    exceptions = pd.DataFrame(exceptions or [], columns=EXCEPTION_COLUMNS)
    return Reconciliation(
        cases=frame,
        log=log,
        exceptions=exceptions.astype({"year": "Int64", "line": "Int64"}),
        accounting=pd.DataFrame({"stage": ["encounters in"], "rows": [len(frame)]}),
        eh_diff=pd.DataFrame(columns=["case_key", "case_number", "reason",
                                      "establishment_code", "year"]),
        policy=Policy(),
    )


ESTABLISHMENT = {
    "establishment_code": "E1",
    "establishment_name": "Springfield Plant",
    "company_name": "Acme Corp",
    "ein": "123456789",
    "street_address": "100 Industrial Way",
    "city": "Springfield",
    "state": "IL",
    "zip": "62701",
    "naics_code": "336411",
    "industry_description": "Aircraft manufacturing",
    "establishment_type": "1",
}


def stub_bundle(
    establishments: list[dict] | None = None, employment: list[dict] | None = None,
    path: Path = Path("/nonexistent-stub-bundle"),
) -> Bundle:
    """A bundle holding only the kit's establishments and employment frames."""
    frames = {}
    if establishments is not None:
        rows = [{**ESTABLISHMENT, **e} for e in establishments]
        frames["establishments"] = pd.DataFrame(rows, columns=list(ESTABLISHMENT)).rename(
            columns=lambda c: f"establishments.{c}"
        )
    if employment is not None:
        frame = pd.DataFrame(
            employment,
            columns=["establishment_code", "year", "annual_average_employees",
                     "total_hours_worked", "peak_employees"],
        ).astype(
            {
                "year": "Int64",
                "annual_average_employees": "Float64",
                "total_hours_worked": "Float64",
                "peak_employees": "Int64",
            }
        )
        frames["employment"] = frame.rename(columns=lambda c: f"employment.{c}")
    return Bundle(path=path, frames=frames)


def stub_result(rec: Reconciliation, bundle: Bundle, year: int | None = None) -> Result:
    """The real pipeline's :class:`Result` for ``bundle``, with ``rec`` in place of the
    reconciliation (so the stages after it run on known cases)."""
    with mock.patch.object(pipeline, "reconcile", lambda b, policy, year: rec):
        return pipeline.run(bundle, year)
