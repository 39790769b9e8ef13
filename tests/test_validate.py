"""Validation on small hand-made frames: one passing and one failing example per expectation.

The passing bundle is one consistent row per file and must produce no finding at all.
The failing bundle adds, for every expectation, one row that breaks exactly that rule
(a copy of the good row with the cells named in ``BREAKS`` changed); the test checks the
finding appears at that row's line.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from oshakit import schema
from oshakit.validate import validate_frames
from oshakit.validate.suites import read_suite

NA = pd.NA
T = pd.Timestamp

GOOD: dict[str, dict] = {
    "encounters": {
        "encounters.ext_id": "E1", "encounters.pat_id": "u1",
        "encounters.pat_id_type": "id:username", "encounters.performing_user_id": "nurse1",
        "encounters.performing_user_id_type": "id:username",
        "encounters.visit_type": "OFFICE", "encounters.serv_date": T("2025-03-01 11:00"),
        "encounters.closed": True, "incidents.inc_datetime": T("2025-03-01 10:00"),
        "incidents.case_number": "2025-001", "incidents.case_type": "Injury",
        "incidents.osha_work_related": "Yes", "incidents.osha_completed_dt": T("2025-03-03"),
        "incidents.osha_itype": "I", "incidents.privacy_case": False,
        "incidents.privacy_reason": NA,
        "incidents.employee_died": False, "incidents.employee_deathdate": pd.NaT,
        "incidents.facility_code": "EST1", "incidents.loc_description": "Loading dock",
        "incidents.employee_starttime": "07:00", "incidents.date_last_worked": T("2025-03-01"),
        "incidents.reported_super_datetime": T("2025-03-01 10:30"),
        "incidents.comment_activity": "Unloading", "incidents.comment_explanation": "Cut hand",
        "incidents.comment_cause": "Box cutter", "incidents.status": "1",
        "incidents.emergency_room": False, "incidents.hospitalized": False,
        "incidents.primary_physician": "Dr. Stone", "incidents.hospital_name": "Clinic",
        "incidents.hospital_address": "1 Main St", "incidents.hospital_city": "Lincoln",
        "incidents.hospital_state": "NE", "incidents.hospital_zip": "68504",
        "incidents.days_away": -1, "incidents.days_restricted": 0,
        "incidents.workcomp_completed_dt": T("2025-03-05"),
        "incident_extended_fields.ca_dwc_1_form": T("2025-03-05"),
    },
    "conditions": {
        "patient_conditions.ext_id": "C1", "encounters.ext_id": "E1",
        "patient_conditions.pat_id": "u1", "patient_conditions.pat_id_type": "id:username",
        "patient_conditions.description": "Laceration of left hand",
        "patient_conditions.status": "active", "patient_conditions.icd10": "S61.412A",
        "patient_conditions.icd9": NA, "patient_conditions.onset_date": T("2025-03-01"),
        "patient_conditions.conclusion_date": T("2025-04-01"),
        "patient_conditions.concept_id": NA, "patient_conditions.severity": NA,
    },
    "restrictions": {
        "patient_clinical_restriction.ext_id": "R1", "encounters.ext_id": "E1",
        "patient_conditions.ext_id": "C1", "patient_clinical_restriction.description": "No lifting",
        "patient_clinical_restriction.type_option": NA,
        "patient_clinical_restriction.allowed_weight": "10 lb",
        "patient_clinical_restriction.start_date": T("2025-03-02"),
        "patient_clinical_restriction.end_date": T("2025-03-10"),
        "patient_clinical_restriction.permanent": False,
        "patient_clinical_restriction.est_end_date": T("2025-03-10"),
        "patient_clinical_restriction.active": "1",
        "patient_clinical_restriction.affect_work": True,
        "patient_clinical_restriction.occ_wc": True,
    },
    "accommodations": {
        "accommodations.ext_id": "A1", "encounters.ext_id": "E1",
        "patient_clinical_restriction.ext_id": "R1",
        "accommodations.accom_type": "Transitional Duty",
        "accommodations.start_date": T("2025-03-02"), "accommodations.end_date": T("2025-03-10"),
        "accommodations.status": "1", "accommodations.comments": NA,
    },
    "nibp": {
        "incident_nibp.ext_id": "N1", "encounters.ext_id": "E1",
        "incident_nibp.nature_injury": "Laceration", "incident_nibp.body_part": "Left hand",
        "incident_nibp.comment": NA, "incident_nibp.laceration": "Laceration",
        "incident_nibp.size": NA, "incident_nibp.manufacturer": NA,
    },
    "employees": {
        "employees.pat_id": "u1", "employees.pat_id_type": "id:username",
        "employees.first_name": "Ann", "employees.last_name": "Lee",
        "employees.birth_date": T("1980-05-01"), "employees.hire_date": T("2010-01-04"),
        "employees.sex": "F", "employees.job_title": "Forklift operator",
        "employees.street": "12 Elm St", "employees.city": "Lincoln", "employees.state": "NE",
        "employees.zip": "68504", "employees.establishment_code": "EST1",
        "employees.termination_date": pd.NaT, "employees.termination_reason": NA,
    },
    "establishments": {
        "establishments.establishment_code": "EST1",
        "establishments.establishment_name": "Lincoln Plant",
        "establishments.company_name": "Trailer Works, Inc.", "establishments.ein": "470123456",
        "establishments.street_address": "4100 Industrial Ave", "establishments.city": "Lincoln",
        "establishments.state": "NE", "establishments.zip": "685041234",
        "establishments.naics_code": "336212",
        "establishments.industry_description": "Truck Trailer Manufacturing",
        "establishments.establishment_type": "1",
    },
    "employment": {
        "employment.establishment_code": "EST1", "employment.year": 2025,
        "employment.annual_average_employees": 450.0, "employment.total_hours_worked": 900000.0,
        "employment.peak_employees": 480,
    },
}

ENC, PCR, ACC = "incidents.", "patient_clinical_restriction.", "accommodations."

#: Expectation id -> cells that break it (written from each rule, not from the output).
BREAKS: dict[str, dict] = {
    # encounters: recordkeeping consistency
    "encounters/encounters.performing_user_id_type/given_with_id": {
        "encounters.performing_user_id_type": NA},
    "encounters/incidents.osha_itype/recordable_needs_type": {ENC + "osha_itype": NA},
    "encounters/incidents.osha_completed_dt/recordable_but_not_work_related": {
        ENC + "osha_work_related": "Undetermined"},
    "encounters/incidents.osha_completed_dt/recordable_but_not_osha": {
        ENC + "case_type": "Billing"},
    "encounters/incidents.employee_deathdate/death_needs_date": {ENC + "employee_died": True},
    "encounters/incidents.osha_completed_dt/before_injury": {
        ENC + "osha_completed_dt": T("2025-02-28")},
    "encounters/incidents.employee_deathdate/before_injury": {
        ENC + "employee_died": True, ENC + "employee_deathdate": T("2025-02-01")},
    "encounters/incidents.case_number/opens_once": {ENC + "case_number": "2025-001"},
    "encounters/incidents.case_number/followup_has_case": {
        ENC + "inc_datetime": pd.NaT, ENC + "osha_completed_dt": pd.NaT,
        ENC + "case_number": "2024-999"},
    "encounters/incidents.days_away/not_negative": {ENC + "days_away": -3},
    "encounters/incidents.days_restricted/not_negative": {ENC + "days_restricted": -2},
    "encounters/incidents.case_number/ita_length": {ENC + "case_number": "C" * 101},
    "encounters/incidents.loc_description/ita_length": {ENC + "loc_description": "x" * 256},
    "encounters/incidents.hospital_state/state": {ENC + "hospital_state": "XX"},
    # encounters: cross-file links
    "encounters/encounters.pat_id/employee_exists": {"encounters.pat_id": "ghost"},
    "encounters/incidents.facility_code/establishment_exists": {ENC + "facility_code": "EST9"},
    "encounters/incidents.facility_code/employment_exists": {
        ENC + "inc_datetime": T("2024-06-01 09:00"), ENC + "osha_completed_dt": T("2024-06-02")},
    # children
    "conditions/encounters.ext_id/encounter_exists": {"encounters.ext_id": "E404"},
    "conditions/patient_conditions.conclusion_date/span_order": {
        "patient_conditions.conclusion_date": T("2025-02-01")},
    "restrictions/encounters.ext_id/encounter_exists": {"encounters.ext_id": "E404"},
    "restrictions/patient_conditions.ext_id/condition_exists": {
        "patient_conditions.ext_id": "C404"},
    "restrictions/patient_clinical_restriction.end_date/span_order": {
        PCR + "end_date": T("2025-03-01")},
    "restrictions/patient_clinical_restriction.end_date/required_unless_permanent": {
        PCR + "end_date": pd.NaT},
    "restrictions/patient_clinical_restriction.est_end_date/span_order": {
        PCR + "est_end_date": T("2025-03-01")},
    "accommodations/encounters.ext_id/encounter_exists": {"encounters.ext_id": "E404"},
    "accommodations/patient_clinical_restriction.ext_id/restriction_exists": {
        "patient_clinical_restriction.ext_id": "R404"},
    "accommodations/accommodations.end_date/span_order": {ACC + "end_date": T("2025-03-01")},
    "nibp/encounters.ext_id/encounter_exists": {"encounters.ext_id": "E404"},
    "nibp/incident_nibp.nature_injury/nature_or_body_part": {
        "incident_nibp.nature_injury": NA, "incident_nibp.body_part": NA},
    # kit files
    "employees/employees.sex/in_set": {"employees.sex": "U"},
    "employees/employees.state/state": {"employees.state": "Nebraska"},
    "employees/employees.zip/zip": {"employees.zip": "6850"},
    "employees/employees.job_title/ita_length": {"employees.job_title": "j" * 256},
    "employees/employees.hire_date/span_order": {"employees.hire_date": T("1979-01-01")},
    "employees/employees.termination_date/span_order": {
        "employees.termination_date": T("2009-12-31")},
    "employees/employees.establishment_code/establishment_exists": {
        "employees.establishment_code": "EST9"},
    "establishments/establishments.establishment_name/unique": {
        "establishments.establishment_name": "Lincoln Plant"},
    "establishments/establishments.ein/ein": {"establishments.ein": "47-0123456"},
    "establishments/establishments.zip/zip": {"establishments.zip": "68504-12"},
    "establishments/establishments.naics_code/naics": {"establishments.naics_code": "3362"},
    "establishments/establishments.state/state": {"establishments.state": "N"},
    "establishments/establishments.street_address/not_po_box": {
        "establishments.street_address": "P.O. Box 77"},
    "employment/employment.year/plausible_year": {"employment.year": 1925},
    "employment/employment.annual_average_employees/positive": {
        "employment.annual_average_employees": 0.0},
    "employment/employment.total_hours_worked/positive": {"employment.total_hours_worked": 0.0},
    "employment/employment.peak_employees/positive": {"employment.peak_employees": 0},
    "employment/employment.total_hours_worked/hours_per_employee": {
        "employment.total_hours_worked": 450.0 * 8760},
    "employment/employment.total_hours_worked/hours_per_employee_low": {
        "employment.total_hours_worked": 450.0 * 400},
    "employment/employment.establishment_code/establishment_exists": {
        "employment.establishment_code": "EST9"},
}


def _generic_breaks() -> None:
    """Breaks for the per-column checks generated from the schema (same rule for every column)."""
    for kind in schema.KINDS:
        k = schema.KINDS[kind]
        for c in k.columns:
            ids = f"{kind}/{c.name}/"
            if c.required:
                BREAKS[ids + "not_null"] = {c.name: NA}
            if c.codes:
                BREAKS[ids + "in_set"] = {c.name: "NOT-A-CODE"}
            if c.max_length:
                BREAKS[ids + "max_length"] = {c.name: "x" * (c.max_length + 1)}
            if c.type == "datetime":
                BREAKS[ids + "plausible_date"] = {c.name: T("1850-06-01")}
            if c.type == "flag":
                BREAKS[ids + "flag"] = {c.name: "maybe"}
            if c.type == "time":
                BREAKS[ids + "time"] = {c.name: "7 o'clock"}
        key = "+".join(k.key)
        BREAKS[f"{kind}/{key}/unique"] = {}  # a copy of the good row keeps its key


_generic_breaks()
DTYPES = {"flag": "boolean", "int": "Int64", "number": "Float64", "datetime": "datetime64[ns]",
          "text": "str", "code": "str", "time": "str"}


def make_frame(kind: str, rows: list[dict]) -> pd.DataFrame:
    """Rows typed the way the loader types them (a column with a bad value stays object)."""
    frame = pd.DataFrame(rows)
    for c in schema.KINDS[kind].columns:
        if c.name in frame.columns:
            try:
                frame[c.name] = frame[c.name].astype(DTYPES[c.type])
            except (TypeError, ValueError):
                frame[c.name] = frame[c.name].astype(object)
    frame.insert(0, schema.LINE, range(2, len(rows) + 2))
    return frame


def _unique_keys(kind: str, row: dict, n: int) -> dict:
    """Give a broken row its own key so it breaks only the rule it is meant to."""
    k = schema.KINDS[kind]
    row = dict(row)
    first = k.key[0]
    row[first] = f"{row[first]}-{n}"
    if kind == "encounters":
        row.setdefault("incidents.case_number", f"2025-{n:03d}")
    return row


def failing_frames() -> tuple[dict[str, pd.DataFrame], dict[str, tuple[str, int]]]:
    rows = {kind: [dict(GOOD[kind])] for kind in GOOD}
    where: dict[str, tuple[str, int]] = {}
    for n, (eid, cells) in enumerate(BREAKS.items(), start=1):
        kind = eid.split("/")[0]
        row = dict(GOOD[kind]) if eid.endswith("/unique") else _unique_keys(
            kind, {**GOOD[kind], "incidents.case_number": f"2025-{n:03d}"}
            if kind == "encounters" else GOOD[kind], n)
        row.update(cells)
        rows[kind].append(row)
        where[eid] = (kind, len(rows[kind]) + 1)  # header is line 1
    return {kind: make_frame(kind, r) for kind, r in rows.items()}, where


@pytest.fixture(scope="module")
def passing():
    frames = {kind: make_frame(kind, [row]) for kind, row in GOOD.items()}
    return validate_frames(frames, profile=False)


@pytest.fixture(scope="module")
def failing():
    frames, where = failing_frames()
    return validate_frames(frames, profile=False), where


def all_ids() -> set[str]:
    return {e["meta"]["id"] for kind in schema.KINDS for e in read_suite(kind)["expectations"]}


def test_every_expectation_has_a_failing_example():
    present = {i for i in all_ids() if i.endswith("/present")}
    assert all_ids() - present == set(BREAKS)


def test_good_rows_pass_every_expectation(passing):
    assert passing.findings.empty, passing.findings[["expectation", "message"]].to_string()
    assert (passing.summary["failed"] == 0).all() and (passing.summary["errored"] == 0).all()
    assert (passing.summary["skipped"] == 0).all()  # every column given: every check ran
    assert passing.ok


@pytest.mark.parametrize("eid", sorted(BREAKS))
def test_each_broken_row_is_found_at_its_line(failing, eid):
    v, where = failing
    kind, line = where[eid]
    hits = v.findings[(v.findings["expectation"] == eid) & (v.findings["line"] == line)]
    assert len(hits) == 1, f"{eid} not reported at line {line}"
    hit = hits.iloc[0]
    assert hit["file"] == schema.KINDS[kind].filename
    meta = next(e["meta"] for e in read_suite(kind)["expectations"] if e["meta"]["id"] == eid)
    assert hit["severity"] == meta["severity"]
    assert "{" not in hit["message"] and "?" not in hit["message"].split(":")[0]


def test_message_names_the_case_for_a_safety_professional(failing):
    v, where = failing
    eid = "encounters/incidents.osha_itype/recordable_needs_type"
    hit = v.findings[v.findings["expectation"] == eid].iloc[0]
    number = f"2025-{list(BREAKS).index(eid) + 1:03d}"
    assert hit["message"] == (
        f"Case {number}: recordable, but no injury/illness type (Form 300 column M)")
    assert hit["case_number"] == number and hit["year"] == 2025


def test_child_findings_carry_the_case_of_their_encounter(failing):
    v, _ = failing
    eid = "restrictions/patient_clinical_restriction.end_date/span_order"
    hit = v.findings[v.findings["expectation"] == eid].iloc[0]
    assert hit["case_number"] == "2025-001"
    assert hit["message"].startswith("Restriction R1-")
    assert "ends on 2025-03-01, before it starts on 2025-03-02" in hit["message"]


def test_summary_counts_per_file(failing):
    v, where = failing
    s = v.summary.set_index("kind")
    assert (s["passed"] + s["failed"] + s["errored"] == s["run"]).all()
    errors = v.findings[v.findings["severity"] == "error"].groupby("file").size()
    expected = errors.reindex(s["file"], fill_value=0).to_dict()
    assert s.set_index("file")["errors"].to_dict() == expected
    assert s.loc["employment", "rows"] == 1 + sum(k == "employment" for k, _ in where.values())
    assert not v.ok


def test_missing_required_columns_are_reported_on_the_header_line():
    frames = {kind: make_frame(kind, [{}])[[schema.LINE]] for kind in schema.KINDS}
    v = validate_frames(frames, profile=False)
    present = v.findings[v.findings["expectation"].str.endswith("/present")]
    expected = {(schema.KINDS[k].filename, c.name) for k in schema.KINDS
                for c in schema.KINDS[k].columns if c.required}
    assert set(zip(present["file"], present["column"], strict=True)) == expected
    assert (present["line"] == 1).all() and (present["severity"] == "error").all()
    assert (v.summary["skipped"] > 0).all()  # checks of absent columns skipped, not errored
    assert (v.summary["errored"] == 0).all()


def test_absent_kit_files_are_warned_about_and_their_links_skipped():
    v = validate_frames({"encounters": make_frame("encounters", [GOOD["encounters"]])},
                        profile=False)
    missing = v.findings[v.findings["code"] == "file_missing"]
    assert set(missing["file"]) == {"employees.csv", "establishments.csv", "employment.csv"}
    assert (missing["severity"] == "warning").all() and v.ok
    assert v.summary.loc[0, "skipped"] == 3  # employee, establishment, employment links


def test_establishment_falls_back_to_the_employees(passing):
    row = {**GOOD["encounters"], "incidents.facility_code": NA}
    frames = {kind: make_frame(kind, [r]) for kind, r in GOOD.items()}
    frames["encounters"] = make_frame("encounters", [row])
    v = validate_frames(frames, profile=False)
    assert v.findings.empty
    frames["employees"] = make_frame("employees", [{**GOOD["employees"],
                                                    "employees.establishment_code": "EST7"}])
    v = validate_frames(frames, profile=False)
    assert "encounters/incidents.facility_code/establishment_exists" in set(v.findings.expectation)


def test_an_expectation_that_errors_is_an_error_finding(tmp_path: Path):
    import json

    (tmp_path / "employment.json").write_text(json.dumps({"name": "employment", "expectations": [
        {"type": "expect_column_values_to_be_between",
         "kwargs": {"column": "employment.establishment_code", "min_value": 5},
         "meta": {"id": "employment/bad", "severity": "warning", "message": "{ref}: never"}}]}))
    frames = {"employment": make_frame("employment", [GOOD["employment"]])}
    v = validate_frames(frames, profile=False, suite_dir=tmp_path)
    hit = v.findings[v.findings["expectation"] == "employment/bad"]
    assert len(hit) == 1 and hit.iloc[0]["severity"] == "error"
    assert "could not run" in hit.iloc[0]["message"]
    assert v.summary.loc[0, "errored"] == 1 and v.summary.loc[0, "passed"] == 0


def test_loader_rejects_become_findings():
    rejects = pd.DataFrame({"file": ["employees.csv"], "line": [7],
                            "column": ["employees.birth_date"], "value": ["31/31/1980"],
                            "code": ["datetime"], "severity": ["error"],
                            "message": ["employees.csv:7: not a date"]})
    v = validate_frames({"employees": make_frame("employees", [GOOD["employees"]])},
                        rejects=rejects, profile=False)
    hit = v.findings[v.findings["expectation"] == "loader.datetime"].iloc[0]
    assert (hit["file"], hit["line"], hit["value"], hit["severity"]) == (
        "employees.csv", 7, "31/31/1980", "error")
    assert v.summary.set_index("kind").loc["employees", "errors"] == 1


def test_profile_describes_each_column():
    from oshakit.validate.profile import profile_frame

    frame = make_frame("employment", [GOOD["employment"],
                                      {**GOOD["employment"], "employment.year": 2024,
                                       "employment.peak_employees": NA}])
    p = profile_frame(frame, "employment.csv").set_index("column")
    assert "_line" not in p.index
    assert p.loc["employment.year", ["min", "max", "distinct"]].tolist() == ["2024", "2025", 2]
    assert p.loc["employment.peak_employees", "null_pct"] == 50.0
    assert p.loc["employment.establishment_code", "top_values"] == "EST1 (2)"
    assert p.loc["employment.year", "top_values"] == "all distinct"


def test_findings_for_a_year_and_worst_columns(failing):
    v, where = failing
    in_2024 = v.for_year(2024)
    assert set(in_2024["year"].dropna()) == {2024}
    assert in_2024["year"].isna().sum() == v.findings["year"].isna().sum()
    worst = v.worst_columns(3)
    assert list(worst.columns) == ["file", "column", "errors", "warnings"]
    assert worst["errors"].is_monotonic_decreasing


def test_great_expectations_is_imported_only_to_validate():
    import subprocess
    import sys

    code = ("import sys, argparse, oshakit.validate, oshakit.cli.validate as c; "
            "c.register(argparse.ArgumentParser().add_subparsers()); "
            "print('great_expectations' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         cwd=Path(__file__).parents[1], check=True)
    assert out.stdout.strip() == "False"
