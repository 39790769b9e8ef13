"""Hand-made case bundles for the reconciliation tests, written as CSV and loaded.

Rows are dicts with short field names: ``inc`` is ``incidents.inc_datetime``; any other
name without a dot gets its file's table prefix (``case_number`` ->
``incidents.case_number``, ``start_date`` -> ``accommodations.start_date``); ``enc`` is
the child row's ``encounters.ext_id``. ``case(...)`` is a recordable OSHA injury unless
told otherwise, so each test only spells out what its rule is about.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import itertools
from dataclasses import replace
from pathlib import Path

from oshakit.bundle import Bundle, load_bundle
from oshakit.cases import Policy, reconcile

#: The run date of every test (the default as-of is min(end of log year, today)).
TODAY = dt.date(2026, 6, 30)

PREFIX = {
    "encounters_incidents.csv": "incidents.",
    "patient_clinical_restriction.csv": "patient_clinical_restriction.",
    "accommodations.csv": "accommodations.",
    "incident_nibp.csv": "incident_nibp.",
    "patient_conditions.csv": "patient_conditions.",
    "employees.csv": "employees.",
    "establishments.csv": "establishments.",
}
ENCOUNTER_FIELDS = {"ext_id", "pat_id", "pat_id_type", "serv_date", "visit_type", "closed"}

EMPLOYEES = [
    {"pat_id": "u1", "pat_id_type": "id:username", "first_name": "Ann", "last_name": "Lee",
     "job_title": "Picker", "establishment_code": "EST1", "sex": "F"},
    {"pat_id": "u2", "pat_id_type": "id:username", "first_name": "Bob", "last_name": "Ray",
     "job_title": "Driver", "establishment_code": "EST2", "sex": "M"},
]
ESTABLISHMENTS = [
    {"establishment_code": "EST1", "establishment_name": "Plant One"},
    {"establishment_code": "EST2", "establishment_name": "Plant Two"},
]


def case(ext_id: str = "E1", inc: str = "2024-03-04 10:00:00", **fields) -> dict:
    """An encounter opening a recordable, work-related OSHA injury of employee u1."""
    row = {"ext_id": ext_id, "pat_id": "u1", "pat_id_type": "id:username", "inc": inc,
           "case_type": "Injury", "osha_work_related": "Yes",
           "osha_completed_dt": "2024-03-05", "osha_itype": "I", "facility_code": "EST1"}
    row.update(fields)
    return row


def visit(ext_id: str, **fields) -> dict:
    """An encounter that opens no case (a follow-up when given ``case_number``)."""
    return {"ext_id": ext_id, "pat_id": "u1", "pat_id_type": "id:username", **fields}


def _name(file: str, field: str) -> str:
    if "." in field:
        return field
    if file == "encounters_incidents.csv":
        if field == "inc":
            return "incidents.inc_datetime"
        if field in ENCOUNTER_FIELDS:
            return f"encounters.{field}"
    if field == "enc":
        return "encounters.ext_id"
    return PREFIX[file] + field


def _csv(file: str, rows: list[dict]) -> str:
    header: list[str] = []
    for row in rows:
        header += [k for k in row if k not in header]
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow([_name(file, h) for h in header])
    for row in rows:
        w.writerow(["" if row.get(h) is None else row.get(h) for h in header])
    return buf.getvalue()


def write(folder: Path, *, encounters: list[dict], restrictions=None, accommodations=None,
          nibp=None, conditions=None, employees=EMPLOYEES, establishments=ESTABLISHMENTS
          ) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    files = {
        "encounters_incidents.csv": encounters,
        "patient_clinical_restriction.csv": restrictions,
        "accommodations.csv": accommodations,
        "incident_nibp.csv": nibp,
        "patient_conditions.csv": conditions,
        "employees.csv": employees,
        "establishments.csv": establishments,
    }
    for file, rows in files.items():
        if rows:
            (folder / file).write_text(_csv(file, rows), encoding="utf-8")
    return folder


def load(folder: Path, **files) -> Bundle:
    return load_bundle(write(folder, **files))


def rec(folder: Path, policy: Policy | None = None, year: int | None = None, **files):
    """Write, load and reconcile, run on :data:`TODAY`."""
    policy = replace(policy or Policy(), today=TODAY)
    return reconcile(load(folder, **files), policy=policy, year=year)


def one(result, key: str = "E1"):
    """The row of one case (by case key) as a Series."""
    rows = result.cases[result.cases["case_key"] == key]
    assert len(rows) == 1, f"expected one case {key}, got {len(rows)}"
    return rows.iloc[0]


def codes(result, code: str):
    return result.exceptions[result.exceptions["code"] == code]


_ids = itertools.count(1)


def away(enc: str, start: str, end: str | None, kind: str = "Lost Time/Occ", **fields) -> dict:
    """An accommodation row (days away by default)."""
    return {"ext_id": f"A{next(_ids)}", "enc": enc, "accom_type": kind,
            "start_date": start, "end_date": end, **fields}


def restriction(enc: str, start: str, end: str | None, kind: str = "Lifting", **fields) -> dict:
    """A restriction row (restricted work by default)."""
    return {"ext_id": f"R{next(_ids)}", "enc": enc, "description": kind,
            "start_date": start, "end_date": end, **fields}
