"""ITA CSV files: columns in the spec's order and the spec's codes (recordkeeping.md
section 9), written out here by hand from the spec text."""

from __future__ import annotations

import csv

import pandas as pd
from rec_stub import make_rec, stub_bundle, stub_result

from oshakit.ita.export import case_data_frame, form300a_frame, write_ita_files
from oshakit.summary import summarize

SPEC_300A_TEXT = (
    "establishment_name, ein, company_name, street_address, city, state, zip, naics_code, "
    "industry_description, size, establishment_type, year_filing_for, "
    "annual_average_employees, total_hours_worked, no_injuries_illnesses, total_deaths, "
    "total_dafw_cases, total_djtr_cases, total_other_cases, total_dafw_days, total_djtr_days, "
    "total_injuries, total_skin_disorders, total_respiratory_conditions, total_poisonings, "
    "total_hearing_loss, total_other_illnesses, change_reason"
)
SPEC_300A = SPEC_300A_TEXT.split(", ")
SPEC_CASE_DATA_TEXT = (
    "establishment_name, year_of_filing, case_number, job_title, date_of_incident, "
    "incident_location, incident_description, incident_outcome, dafw_num_away, djtr_num_tr, "
    "type_of_incident, date_of_birth, date_of_hire, sex, treatment_facility_type, "
    "treatment_in_patient, time_started_work, time_of_incident, time_unknown, "
    "nar_before_incident, nar_what_happened, nar_injury_illness, nar_object_substance, "
    "date_of_death"
)
SPEC_CASE_DATA = SPEC_CASE_DATA_TEXT.split(", ")

CASES = [
    {"outcome": "G", "itype": "M1", "date_of_injury": "2024-01-09", "date_of_death":
     "2024-01-20", "emergency_room": True, "hospitalized": True, "time_of_event": "14:05"},
    {"outcome": "H", "itype": "M2", "days_away": 12, "days_restricted": 4,
     "date_of_injury": "2024-02-03", "sex": "M"},
    {"outcome": "I", "itype": "M3", "days_restricted": 9, "date_of_injury": "2024-03-04",
     "sex": "X", "emergency_room": None},
    {"outcome": "J", "itype": "M4", "date_of_injury": "2024-04-05", "time_unknown": True,
     "time_of_event": None},
    {"outcome": "J", "itype": "M5", "date_of_injury": "2024-05-06"},
    {"outcome": "J", "itype": "M6", "date_of_injury": "2024-06-07", "establishment_code": "E3"},
    {"outcome": "J", "year": 2023, "date_of_injury": "2023-06-07"},
]
EMPLOYMENT = [
    {"establishment_code": "E1", "year": 2024, "annual_average_employees": 80.4,
     "total_hours_worked": 160_000, "peak_employees": 99},
    {"establishment_code": "E2", "year": 2024, "annual_average_employees": 300,
     "total_hours_worked": 600_000, "peak_employees": 320},
    {"establishment_code": "E2", "year": 2023, "annual_average_employees": 300,
     "total_hours_worked": 600_000, "peak_employees": 320},
]
ESTABLISHMENTS = [
    {"ein": "12-3456789", "state": "il"},
    {"establishment_code": "E2", "establishment_name": "Quiet Office", "establishment_type": "3",
     "zip": "62701-1234"},
]


def setup(cases=CASES):
    rec = make_rec(cases, exceptions=[
        {"code": "a", "severity": "error", "message": "this year", "year": 2024},
        {"code": "b", "severity": "warning", "message": "any year", "year": None},
        {"code": "c", "severity": "error", "message": "last year", "year": 2023},
    ])
    summaries = summarize(rec, stub_bundle(ESTABLISHMENTS, EMPLOYMENT))
    return rec, summaries


def test_300a_rows_columns_and_codes():
    _, summaries = setup()
    f = form300a_frame(summaries, 2024)
    assert list(f.columns) == SPEC_300A
    # E1 and E2 have 2024 employment; E3 has a case but no employment figures
    assert list(f.establishment_name) == ["Springfield Plant", "Quiet Office"]
    e1, e2 = f.iloc[0], f.iloc[1]
    assert (e1["size"], e2["size"]) == ("21", "3")  # peak 99: 20-99; peak 320: 250+
    assert (e1.establishment_type, e2.establishment_type) == ("1", "3")
    assert (e1.no_injuries_illnesses, e2.no_injuries_illnesses) == (1, 2)
    assert (e1.year_filing_for, e2.year_filing_for) == (2024, 2024)
    assert e1.annual_average_employees == 81  # rounded up
    assert e1.ein == "123456789" and e1.state == "IL"
    assert e2.zip == "627011234"
    # E1: G 1, H 1, I 1, J 2; K 12; L 4 + 9; M1..M5 one each (M6 is at E3)
    assert [e1[c] for c in SPEC_300A[15:27]] == [1, 1, 1, 2, 12, 13, 1, 1, 1, 1, 1, 0]
    assert [e2[c] for c in SPEC_300A[15:27]] == [0] * 12  # zero summary
    assert pd.isna(e1.change_reason)


def test_case_data_rows_columns_and_codes():
    rec, summaries = setup()
    f = case_data_frame(rec, summaries, 2024)
    assert list(f.columns) == SPEC_CASE_DATA
    assert len(f) == 6  # every 2024 log case, E3's included; not the 2023 one
    assert list(f.incident_outcome) == [1, 2, 3, 4, 4, 4]
    assert list(f.type_of_incident) == [1, 2, 3, 4, 5, 6]
    assert list(f.date_of_incident[:3]) == ["01/09/2024", "02/03/2024", "03/04/2024"]
    g, h, i, j = (f.iloc[n] for n in range(4))
    assert g.date_of_death == "01/20/2024" and pd.isna(h.date_of_death)
    assert g.date_of_birth == "07/04/1990" and g.date_of_hire == "01/12/2015"
    assert (g.treatment_facility_type, g.treatment_in_patient) == (1, 1)
    assert (h.treatment_facility_type, h.treatment_in_patient) == (0, 0)
    assert pd.isna(i.treatment_facility_type)  # unknown stays blank
    assert (g.sex, h.sex) == ("F", "M") and pd.isna(i.sex)  # "X" is not reported
    assert (h.dafw_num_away, h.djtr_num_tr, i.djtr_num_tr) == (12, 4, 9)
    assert (g.time_of_incident, g.time_unknown, g.time_started_work) == ("14:05", 0, "07:00")
    assert j.time_unknown == 1 and pd.isna(j.time_of_incident)
    assert g.establishment_name == "Springfield Plant" and g.year_of_filing == 2024
    assert pd.isna(f.iloc[5].establishment_name)  # E3 is not in establishments.csv


def test_long_text_is_cut_and_reported(tmp_path):
    rec, summaries = setup([{"job_title": "J" * 300, "case_number": "C" * 101}])
    f = case_data_frame(rec, summaries, 2024)
    assert f.job_title[0] == "J" * 255
    assert f.case_number[0] == "C" * 100
    result = stub_result(rec, stub_bundle(ESTABLISHMENTS, EMPLOYMENT), 2024)
    paths = write_ita_files(result, tmp_path)
    ex = pd.read_csv(paths["exceptions"])
    cut = ex[ex.code == "ITA_TEXT_TRUNCATED"].set_index("column")
    assert set(cut.index) == {"job_title", "case_number"}
    assert "300 characters" in cut.loc["job_title", "message"]
    assert cut.loc["job_title", "line"] == 2
    assert cut.loc["job_title", "file"] == "ita_case_data.csv"


def test_write_ita_files(tmp_path):
    rec, summaries = setup()
    result = stub_result(rec, stub_bundle(ESTABLISHMENTS, EMPLOYMENT), 2024)
    checks = result.checks
    paths = write_ita_files(result, tmp_path / "out")
    assert {p.relative_to(tmp_path / "out").as_posix() for p in paths.values()} == {
        "ita_300a.csv", "confidential/ita_case_data.csv", "exceptions.csv", "ita_checks.csv",
        "README.txt"}
    with paths["ita_300a"].open(newline="") as fh:
        rows = list(csv.reader(fh))
    assert rows[0] == SPEC_300A and len(rows) == 3
    assert rows[1][SPEC_300A.index("ein")] == "123456789"
    with paths["ita_case_data"].open(newline="") as fh:
        rows = list(csv.reader(fh))
    assert rows[0] == SPEC_CASE_DATA and len(rows) == 7
    assert rows[1][SPEC_CASE_DATA.index("date_of_incident")] == "01/09/2024"
    assert rows[1][SPEC_CASE_DATA.index("incident_outcome")] == "1"
    ex = pd.read_csv(paths["exceptions"])
    assert sorted(ex.code) == ["a", "b"]  # this year's and year-less; not 2023's
    assert list(ex.columns[:7]) == ["file", "line", "column", "case_number", "code",
                                    "severity", "message"]
    ch = pd.read_csv(paths["ita_checks"])
    assert set(ch.year) == {2024} and len(ch) == len(checks[checks.year == 2024])
