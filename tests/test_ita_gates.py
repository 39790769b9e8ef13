"""Pre-send gates: each one refuses, with the reason and where."""

from __future__ import annotations

import pandas as pd
import pytest
from ita_support import case_rows, inputs

from oshakit.errors import GateRefused
from oshakit.ita.gates import run_gates
from oshakit.ita.payloads import plans


def gate(inp):
    ps = plans(inp.form300a, inp.case_data, inp.year, codes=inp.codes)
    return run_gates(ps, checks=inp.checks, exceptions=inp.exceptions, employees=inp.employees)


def test_clean_inputs_pass():
    report = gate(inputs())
    assert report.ok and report.pii.empty
    report.raise_if_refused()


def test_failed_error_check_refuses_and_warning_does_not():
    checks = pd.DataFrame({
        "establishment_code": ["N1", "N1", "S1"], "year": [2024, 2024, 2024],
        "code": ["k_ge_h", "hours_per_employee", "k_ge_h"],
        "column": ["total_dafw_days", "total_hours_worked", "total_dafw_days"],
        "severity": ["error", "warning", "error"],
        "message": ["K must be at least H", "under 500 hours per employee", "ok"],
        "passed": [False, False, True]})
    report = gate(inputs(checks=checks))
    assert report.refusals["North Plant"] == ["ITA check k_ge_h: K must be at least H"]
    assert report.warnings["North Plant"] == [
        "ITA check hours_per_employee: under 500 hours per employee"]
    assert report.refusals["South Office"] == []
    with pytest.raises(GateRefused, match="North Plant: ITA check k_ge_h"):
        report.raise_if_refused()


def test_error_exception_for_the_establishment_year_refuses():
    exc = pd.DataFrame({"file": ["encounters_incidents.csv"] * 3, "line": [4, 5, 6],
                        "column": [None] * 3, "case_number": ["2024-001", None, "2023-9"],
                        "code": ["E101", "W200", "E101"],
                        "severity": ["error", "warning", "error"],
                        "message": ["days overlap", "late entry", "other year"],
                        "establishment_code": ["N1", "N1", "N1"], "year": [2024, 2024, 2023]})
    report = gate(inputs(exceptions=exc))
    assert report.refusals["North Plant"] == ["exception E101 case 2024-001: days overlap"]


@pytest.mark.parametrize("text,kind", [
    ("Maria Kowalski slipped", "employee name"),
    ("Kowalski, Maria slipped", "employee name"),
    ("Okafor was helping", "employee name"),
    ("SSN 123-45-6789 on file", "ssn"),
    ("call (518) 555-0199 for details", "phone"),
    ("call 518.555.0199", "phone"),
    ("write to m.k@example.com", "email"),
])
def test_pii_scan_finds_names_ssn_phone_email(text, kind):
    cases = case_rows()
    cases[1]["nar_what_happened"] = text
    report = gate(inputs(cases=cases))
    hits = report.pii
    assert list(hits[["case_number", "field", "kind"]].itertuples(index=False, name=None)) == \
        [("2024-002", "nar_what_happened", kind)]
    assert not report.ok and "2024-002 nar_what_happened" in report.refusals["North Plant"][0]


def test_lengths_codes_and_300a_rules_refuse():
    cases = case_rows()
    cases[0]["job_title"] = "x" * 256
    cases[1]["incident_outcome"] = 7
    cases[1]["date_of_incident"] = "2024-05-07"
    rows = inputs().form300a.to_dict("records")
    rows[1]["zip"] = "1220"
    rows[1]["street_address"] = "PO Box 12"
    rows[0]["total_dafw_days"] = 0
    report = gate(inputs(cases=cases, rows=rows))
    north, south = report.refusals["North Plant"], report.refusals["South Office"]
    assert "case 2024-001 job_title: longer than 255 characters" in north
    assert "case 2024-002 incident_outcome: must be one of [1, 2, 3, 4]" in north
    assert "case 2024-002 date_of_incident: must be MM/DD/YYYY (or MM-DD-YYYY)" in north
    assert ("Form 300A total_dafw_days: 1 days-away cases (H) and 0 days away (K): one is zero "
            "only if the other is") in north
    assert "establishment address.zip: ZIP code '1220' must be 5 or 9 digits" in south
    assert ("establishment address.street: street address 'PO Box 12' is a PO box; OSHA needs "
            "the physical address") in south


def test_duplicate_case_numbers_and_names_refuse():
    cases = case_rows()
    cases[1]["case_number"] = "2024-001"
    rows = inputs().form300a.to_dict("records")
    rows[1]["establishment_name"] = "north plant"
    report = gate(inputs(cases=cases, rows=rows))
    assert "case 2024-001: case number used more than once" in report.refusals["North Plant"]
    assert any("not unique" in r for r in report.refusals["north plant"])
