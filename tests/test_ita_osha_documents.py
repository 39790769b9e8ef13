"""Known answers from OSHA's own document: the v1.3 case-data specification (the seed).

The data dictionary is written out here by hand from the seed's "Data Dictionary" section,
and the sample requests and responses are the seed's own (``ita_seed``): the kit's lists and
the rehearsal server are checked against them, not against each other.
"""

from __future__ import annotations

import pytest
import requests
from ita_seed import (
    ADD_CASE_REQUEST,
    ADD_CASE_RESPONSE,
    EDIT_CASE_REQUEST,
    EDIT_CASE_RESPONSE_FIXED,
    GET_CASE_RESPONSE,
    GET_SUBMISSION_RESPONSE_FIXED,
    LIST_CASES_RESPONSE,
    SUBMISSION_REQUEST,
    load,
)
from ita_support import TOKEN, canned

from oshakit.ita import rules
from oshakit.ita.client import (
    ITAClient,
    answer_field,
    case_outcomes,
    case_year,
    link_list,
    record_id,
)
from oshakit.ita.fake_server import FakeITAServer
from oshakit.ita.payloads import case_body
from oshakit.ita.token import Token

AUTH = {"Authorization": f"Bearer {TOKEN}"}

# Seed, "Data Dictionary": (element, length, required to CREATE), in the document's order.
DICTIONARY = [
    ("case_number", 100, True), ("job_title", 255, True), ("date_of_incident", 10, True),
    ("incident_location", 255, True), ("incident_description", 255, True),
    ("incident_outcome", 1, True), ("dafw_num_away", 3, False), ("djtr_num_tr", 3, False),
    ("type_of_incident", 1, True), ("date_of_birth", 10, True), ("date_of_hire", 10, True),
    ("sex", 1, False), ("treatment_facility_type", 1, True), ("treatment_in_patient", 1, True),
    ("time_started_work", 5, False), ("time_of_incident", 5, False), ("time_unknown", 1, False),
    ("nar_before_incident", None, True), ("nar_what_happened", None, True),
    ("nar_injury_illness", None, True), ("nar_object_substance", None, True),
    ("date_of_death", 10, False),
]
# Seed, "Data Dictionary": the codes of each coded element.
CODES = {"incident_outcome": [1, 2, 3, 4], "type_of_incident": [1, 2, 3, 4, 5, 6],
         "treatment_facility_type": [0, 1], "treatment_in_patient": [0, 1],
         "time_unknown": [0, 1]}


def test_the_kit_sends_exactly_the_data_dictionary():
    assert list(rules.CASE_FIELDS) == [name for name, _, _ in DICTIONARY]
    assert set(rules.CASE_REQUIRED) == {name for name, _, req in DICTIONARY if req}
    assert {f: list(v) for f, v in rules.CASE_CODES.items()} == CODES
    for name, length, _ in DICTIONARY:  # character limits of the text fields
        if name in rules.CASE_LIMITS:
            assert rules.CASE_LIMITS[name] == length
    # change log 1.1 / 1.3: emp_gender became gender, then sex
    assert "sex" in rules.CASE_FIELDS and "gender" not in rules.CASE_FIELDS
    assert "year_of_filing" not in rules.CASE_FIELDS  # the server assigns the year


def test_case_bodies_carry_only_dictionary_fields():
    row = {"establishment_name": "North Plant", "year_of_filing": 2024, "case_number": "C1",
           "sex": "F", "extra_column": "x"}
    body = case_body(row)
    assert set(body) == {"establishment", "case_number", "sex"}


def test_oshas_add_request_passes_the_kits_rules_and_others_do_not():
    sample = load(ADD_CASE_REQUEST)
    assert rules.case_errors(sample) == []
    gender = {**{k: v for k, v in sample.items() if k != "sex"}, "gender": "F"}
    assert rules.case_errors(gender) == [("gender", "is not a field of ITA's case data "
                                                    "(v1.3 data dictionary)")]
    assert ("year_of_filing", "is not a field of ITA's case data (v1.3 data dictionary)") \
        in rules.case_errors({**sample, "year_of_filing": 2022})


@pytest.fixture
def seeded():
    """The rehearsal server holding the establishments and case OSHA's samples refer to."""
    with FakeITAServer(token=TOKEN) as server:
        est = {"establishment_name": "Store 1", "company": {"company_name": "Acme"},
               "address": {"street": "1 Main St", "city": "Troy", "state": "NY",
                           "zip": "12180"}, "naics": {"naics_code": "452210"}, "size": 21}
        server.store.create_establishment(est, eid="1234567")
        server.store.create_establishment({**est, "establishment_name": "Store 2"},
                                          eid="2345678")
        yield server


def _call(server, method, path, body):
    r = requests.request(method, server.base_url + path, json=body, headers=AUTH, timeout=5)
    return r.status_code, r.json()


def test_the_rehearsal_server_accepts_oshas_add_request_and_answers_in_its_shape(seeded):
    status, body = _call(seeded, "POST", "/forms/caseData", load(ADD_CASE_REQUEST))
    assert status == 200 and body["success"], body
    answer, sample = body["results"][0], load(ADD_CASE_RESPONSE)["results"][0]
    assert set(answer) == set(sample)  # the keys of OSHA's sample answer, no more
    assert answer["year_filing_for"] == sample["year_filing_for"] == "2023"  # 2022 incident
    assert answer["establishment_id"] == sample["establishment_id"] == "1234567"


@pytest.mark.parametrize("change", [{"gender": "F"}, {"year_of_filing": "2022"},
                                    {"emp_gender": "F"}])
def test_the_rehearsal_server_refuses_fields_outside_the_dictionary(seeded, change):
    status, body = _call(seeded, "POST", "/forms/caseData", {**load(ADD_CASE_REQUEST),
                                                             **change})
    assert not body["success"] and list(change) == [e["field"] for e in body["errors"]]
    assert seeded.store.cases == {}


def test_the_list_answer_has_the_samples_shape_without_year(seeded):
    _call(seeded, "POST", "/forms/caseData", load(ADD_CASE_REQUEST))
    _, body = _call(seeded, "GET", "/forms/caseData/establishment/1234567", None)
    sample = load(LIST_CASES_RESPONSE)["results"][0]
    assert set(body["results"][0]) == set(sample)
    assert "year_filing_for" not in sample and "establishment_id" not in sample


def test_the_rehearsal_server_accepts_oshas_edit_request_with_its_id_key(seeded):
    added = _call(seeded, "POST", "/forms/caseData", load(ADD_CASE_REQUEST))[1]["results"][0]
    edit = load(EDIT_CASE_REQUEST)
    assert "id " in edit  # the sample's key, with its space
    seeded.store.cases["456790"] = {**seeded.store.cases.pop(added["id"]), "id": "456790"}
    status, body = _call(seeded, "PATCH", "/forms/caseData/456790", edit)
    assert body["success"], body
    assert set(body["results"][0]) == set(load(EDIT_CASE_RESPONSE_FIXED)["results"][0])
    no_id = {k: v for k, v in edit.items() if k != "id "}
    _, refused = _call(seeded, "PATCH", "/forms/caseData/456790", no_id)
    assert not refused["success"] and refused["errors"][0]["field"] == "id"


def test_the_rehearsal_server_accepts_oshas_submission_request(seeded):
    form = {"establishment": {"id": "2345678"}, "year_filing_for": 2016,
            "annual_average_employees": 30, "total_hours_worked": 60000,
            "no_injuries_illnesses": 2, **{f: 0 for f in (*rules.COUNTS_G_J, *rules.DAYS_K_L,
                                                           *rules.COUNTS_M)}}
    assert _call(seeded, "POST", "/forms/form300A", form)[1]["success"]
    status, body = _call(seeded, "POST", "/submissions", load(SUBMISSION_REQUEST))
    assert body["success"], body
    answer = body["results"][0]
    # the Complete Submission sample's keys; caseData only when there is case data
    assert set(answer) == {"id", "year_filing_for", "establishment", "form300A",
                           "created_username", "time_stamp", "links"}
    assert answer["year_filing_for"] == "2016"


def test_the_client_reads_ids_and_years_where_each_sample_puts_them():
    add = load(ADD_CASE_RESPONSE)["results"][0]
    assert record_id(add) == "987654" and case_year(add) == 2022  # not its 2023
    got = load(GET_CASE_RESPONSE)["results"][0]  # id 456789, links.self says 987654
    assert record_id(got) == "456789" and case_year(got) == 2022  # not its 2016
    listed = load(LIST_CASES_RESPONSE)["results"]
    assert [record_id(c) for c in listed] == ["456789", "456790"]
    assert [case_year(c) for c in listed] == [2022, 2022]
    sub = load(GET_SUBMISSION_RESPONSE_FIXED)["results"][0]
    assert answer_field(sub, "year_filing_for") == "2016"  # the key is "year_filing_for "
    assert link_list(answer_field(sub, "caseData")) == ["456789", "456790"]
    assert record_id({"links": {"self": "/oshaApi/v1/forms/caseData/55"}}) == "55"


def test_the_client_over_http_on_oshas_sample_answers():
    token = Token(TOKEN)
    with canned(ADD_CASE_RESPONSE.replace("// Refer the data dictionary", "")) as url:
        client = ITAClient(url, token, timeout=(1, 2), retries=0)
        sent = [load(ADD_CASE_REQUEST)]
        reply = client.add_case_data(sent)
        assert reply.ok and reply.ids == ["987654"]
        (outcome,) = case_outcomes(reply, sent)
        assert outcome.ok and outcome.id == "987654"
    with canned(GET_SUBMISSION_RESPONSE_FIXED) as url:
        sub = ITAClient(url, token, timeout=(1, 2), retries=0).get_submission("900800")
        assert record_id(sub) == "900800" and answer_field(sub, "time_stamp") == 1487125329
