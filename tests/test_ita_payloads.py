"""Request bodies built from the ITA frames, and the fingerprint that detects changes."""

from __future__ import annotations

import numpy as np
import pandas as pd
from ita_support import YEAR, case_rows, form300a_rows, inputs

from oshakit.ita.payloads import (
    case_body,
    differences,
    establishment_body,
    form300a_body,
    payload_hash,
    plans,
)


def test_establishment_body_nests_company_address_and_naics():
    body = establishment_body(form300a_rows()[0])
    assert body == {
        "establishment_name": "North Plant", "ein": "123456789",
        "company": {"company_name": "Acme Inc"},
        "address": {"street": "1 Mill Rd", "city": "Albany", "state": "NY", "zip": "12207"},
        "naics": {"naics_code": "332710", "industry_description": "Machine shops"},
        "size": 22, "establishment_type": 1,
    }


def test_form300a_body_rounds_employees_and_hours_up_and_refers_to_the_establishment():
    row = {**form300a_rows()[0], "annual_average_employees": 119.2,
           "total_hours_worked": np.float64(239999.5), "establishment_type": "1"}
    body = form300a_body(row, establishment_id="77")
    assert body["establishment"] == {"id": "77", "establishment_name": "North Plant"}
    assert (body["annual_average_employees"], body["total_hours_worked"]) == (120, 240000)
    assert body["year_filing_for"] == YEAR and "change_reason" not in body


def test_case_body_leaves_missing_values_out():
    row = {**case_rows()[0], "sex": float("nan"), "time_of_incident": pd.NA,
           "dafw_num_away": pd.array([5], dtype="Int64")[0]}
    body = case_body(row)
    assert "sex" not in body and "time_of_incident" not in body and "date_of_death" not in body
    assert body["dafw_num_away"] == 5 and isinstance(body["dafw_num_away"], int)
    assert body["establishment"] == {"establishment_name": "North Plant"}


def test_hash_ignores_the_establishment_reference_but_not_the_data():
    a = case_body(case_rows()[0])
    b = case_body(case_rows()[0], establishment_id="9")
    assert payload_hash(a) == payload_hash(b)
    assert payload_hash(a) != payload_hash({**a, "job_title": "Welder"})


def test_fingerprint_changes_with_any_part_of_the_filing():
    def fingerprint(**change):
        inp = inputs()
        rows, cases = inp.form300a.to_dict("records"), case_rows()
        for k, v in change.items():
            (cases[0] if k.startswith("nar_") else rows[0])[k] = v
        return plans(pd.DataFrame(rows), pd.DataFrame(cases), YEAR)[0].fingerprint

    base = fingerprint()
    assert fingerprint() == base
    assert fingerprint(city="Troy") != base  # establishment
    assert fingerprint(total_hours_worked=250000) != base  # 300A
    assert fingerprint(nar_what_happened="Other words") != base  # case data


def test_differences_compare_as_text_and_only_what_is_sent():
    held = {"id": "5", "case_number": "C1", "dafw_num_away": "5", "links": {"self": "/x"},
            "address": {"city": "Albany"}}
    assert differences({"case_number": "C1", "dafw_num_away": 5}, held) == []
    assert differences({"address": {"city": "Troy"}}, held) == ["address.city"]


def test_case_data_policy_auto_all_none():
    inp = inputs()
    by = {p: [x.send_cases for x in plans(inp.form300a, inp.case_data, YEAR,
                                          case_data_policy=p)] for p in ("auto", "all", "none")}
    assert by == {"auto": [True, False], "all": [True, True], "none": [False, False]}
