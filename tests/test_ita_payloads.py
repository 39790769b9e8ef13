"""Request bodies built from the ITA frames, and the fingerprint that detects changes."""

from __future__ import annotations

import json

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


def test_missing_values_in_every_pandas_form_are_left_out():
    # pandas 2.x writes missing text as "nan" after astype(str); pandas 3 keeps NaN
    row = {**case_rows()[0], "date_of_death": "nan", "sex": float("nan"),
           "time_started_work": "<NA>", "time_of_incident": pd.NaT,
           "dafw_num_away": np.float64("nan"), "nar_object_substance": "None"}
    body = case_body(row)
    for f in ("date_of_death", "sex", "time_started_work", "time_of_incident",
              "dafw_num_away"):
        assert f not in body
    assert body["nar_object_substance"] == "None"  # a real answer, not a missing value
    assert "nan" not in json.dumps(body).lower().replace("nar_", "")
    from oshakit.ita.rules import case_errors

    assert case_errors(body) == []  # a non-fatal case is not refused for a "nan" death date


def test_establishment_codes_stay_text_and_optional_fields_are_left_out():
    row = {**form300a_rows()[0], "zip": 2134.0, "establishment_type": float("nan"),
           "industry_description": "nan", "ein": "nan"}
    body = establishment_body(row)
    assert body["address"]["zip"] == "2134" and "establishment_type" not in body
    assert "ein" not in body and body["naics"] == {"naics_code": "332710"}


def test_export_writes_missing_values_empty_under_any_pandas():
    from oshakit.ita.export import _text

    old_style = pd.Series(["a", np.nan, None], dtype=object)  # what pandas 2.x holds
    text = _text(old_style)
    assert text.iloc[0] == "a" and text.iloc[1:].isna().all()
    assert pd.DataFrame({"x": text}).to_csv(index=False) == 'x\na\n""\n""\n' or \
        pd.DataFrame({"x": text}).to_csv(index=False) == "x\na\n\n\n"


def test_case_data_due_decides_when_given_else_size():
    from oshakit.ita.payloads import sends_case_data

    inp = inputs(case_data_due={"S1": True, "North Plant": False})
    assert [x.send_cases for x in plans(inp.form300a, inp.case_data, YEAR, codes=inp.codes,
                                        case_data_due=inp.case_data_due)] == [False, True]
    assert sends_case_data("auto", 22) and not sends_case_data("auto", 21)
    assert sends_case_data("auto", 21, True) and not sends_case_data("auto", 3, False)
    assert sends_case_data("all", 1, False) and not sends_case_data("none", 3, True)


def test_differences_read_dates_and_numbers_as_ita_means_them():
    held = {"date_of_incident": "07-18-2022", "incident_outcome": "1", "job_title": "Clerk "}
    want = {"date_of_incident": "07/18/2022", "incident_outcome": 1, "job_title": "Clerk"}
    assert differences(want, held) == []
    assert differences({**want, "incident_outcome": 2}, held) == ["incident_outcome"]
    assert differences({"change_reason": "x"}, {}) == ["change_reason"]


def test_the_hash_is_canonical_json_of_the_data_alone():
    import hashlib

    body = {"b": 1, "a": [2, 3], "establishment": {"id": "9"}, "id": "4",
            "change_reason": "x"}
    assert payload_hash(body) == hashlib.sha256(b'{"a":[2,3],"b":1}').hexdigest()
    assert payload_hash(body) == payload_hash({"a": [2, 3], "b": 1})


def test_same_value_either_way_round():
    from oshakit.ita.payloads import same_value

    assert same_value("date_of_incident", "07-18-2022", "07/18/2022")
    assert same_value("date_of_incident", "07/18/2022", "07-18-2022")
    assert not same_value("date_of_incident", "07-18-2022", "07-19-2022")
    assert same_value("dafw_num_away", "01", 1) and same_value("dafw_num_away", 1, "01")
    assert not same_value("job_title", None, "None") and not same_value("x", "None", None)
    assert same_value("x", None, float("nan"))
    assert differences({"id": "9", "job_title": "A"}, {"id": "5", "job_title": "A"}) == []


def test_the_hash_reads_any_value_as_text():
    import datetime
    import hashlib

    assert payload_hash({"d": datetime.date(2024, 1, 2)}) == \
        hashlib.sha256(b'{"d":"2024-01-02"}').hexdigest()


def test_codes_become_whole_numbers_and_text_stays_text():
    row = {**case_rows()[0], "incident_outcome": "2", "dafw_num_away": 5.0,
           "djtr_num_tr": "-3", "type_of_incident": 1.5, "job_title": "007",
           "time_started_work": "07:00"}
    body = case_body(row, "9")
    assert body["establishment"] == {"id": "9", "establishment_name": "North Plant"}
    assert (body["incident_outcome"], body["dafw_num_away"], body["djtr_num_tr"]) == (2, 5, -3)
    assert body["type_of_incident"] == 1.5  # not a whole number: left for the gate to refuse
    assert body["job_title"] == "007" and body["time_started_work"] == "07:00"
    assert form300a_body({**form300a_rows()[0], "total_dafw_days": 5.5})["total_dafw_days"] \
        == 5.5  # only employees and hours are rounded up


def test_a_missing_nested_field_drops_only_its_own_object():
    body = establishment_body({**form300a_rows()[0], "company_name": None})
    assert "company" not in body
    assert body["address"]["city"] == "Albany" and body["size"] == 22


def test_rows_of_another_or_no_year_are_not_planned():
    inp = inputs()
    cases = inp.case_data.copy()
    cases["year_of_filing"] = cases["year_of_filing"].astype(object)
    cases.loc[1, "year_of_filing"] = "n/a"
    (north, _south) = plans(inp.form300a, cases, YEAR, codes=inp.codes)
    assert [c["case_number"] for c in north.cases] == ["2024-001"]
