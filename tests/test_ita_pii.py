"""The PII gate (oshakit.ita.pii): every planted kind of PII is refused, innocent text with
surname-like words passes. Known answers written by hand."""

from __future__ import annotations

import pandas as pd
import pytest
from ita_support import case_rows, inputs

from oshakit.ita.gates import run_gates
from oshakit.ita.payloads import plans
from oshakit.ita.pii import case_facts, fold, pii_scan

#: The bundle's people: the case's employee José Pérez, coworkers whose surnames are words.
EMPLOYEES = pd.DataFrame({
    "first_name": ["José", "Tyler", "Maria", "Sean", "Grace"],
    "last_name": ["Pérez", "Young", "Black", "O'Brien", "Rose"],
})
#: Case 1 is José Pérez's; case 2 is Tyler Young's (a surname that is a common word).
FACTS = pd.DataFrame([
    {"establishment_name": "North Plant", "case_number": "2024-001", "first_name": "José",
     "last_name": "Pérez", "street": "4028 Lincoln Road", "date_of_birth": "1980-06-23",
     "physician": "Dr. S. Iyer, MD", "facility_name": "Mount Auburn Hospital",
     "facility_street": "330 Mount Auburn Street"},
    {"establishment_name": "North Plant", "case_number": "2024-002", "first_name": "Tyler",
     "last_name": "Young", "street": "12 Elm Street", "date_of_birth": "1975-01-05",
     "physician": "K. Harrison, NP", "facility_name": None, "facility_street": None},
])


def scan(text: str, case: str = "2024-001", field: str = "nar_what_happened") -> list[tuple]:
    body = {"establishment": {"establishment_name": "North Plant"}, "case_number": case,
            field: text}
    found = pii_scan([body], EMPLOYEES, FACTS)
    return list(found[["kind", "found"]].itertuples(index=False, name=None))


PLANTED = [  # (text, case, kind, what must be reported as found)
    ("José Pérez slipped on the stairs", "2024-001", "employee name", "José Pérez"),
    ("Jose Perez slipped on the stairs", "2024-001", "employee name", "Jose Perez"),
    ("Perez, Jose slipped", "2024-001", "employee name", "Perez, Jose"),
    ("JOSE J. PEREZ slipped", "2024-001", "employee name", "JOSE J. PEREZ"),
    ("the forklift hit perez from behind", "2024-001", "employee name", "perez"),
    ("jose was carrying a box", "2024-001", "employee name", "jose"),
    ("helped by Grace Rose from shipping", "2024-001", "employee name", "Grace Rose"),
    ("sean obrien was holding the ladder", "2024-001", "employee name", "sean obrien"),
    ("employee Young lifted the crate", "2024-002", "employee name", "Young"),
    ("the crate fell on Young's foot", "2024-002", "employee name", "Young"),
    ("told Young to stop the press", "2024-002", "employee name", "Young"),
    ("tyler reached into the press", "2024-002", "employee name", "tyler"),
    ("injured at home, 4028 Lincoln Rd.", "2024-001", "address", "4028 Lincoln"),
    ("drove home to 4028 lincoln road", "2024-001", "address", "4028 lincoln"),
    ("DOB 06/23/1980", "2024-001", "date of birth", "06/23/1980"),
    ("born 1980-06-23", "2024-001", "date of birth", "1980-06-23"),
    ("born June 23, 1980", "2024-001", "date of birth", "June 23, 1980"),
    ("born 23 Jun 1980", "2024-001", "date of birth", "23 Jun 1980"),
    ("birthday 6-23-80", "2024-001", "date of birth", "6-23-80"),
    ("seen by Dr. Iyer the same day", "2024-001", "physician", "Iyer"),
    ("iyer recommended two days off", "2024-001", "physician", "iyer"),
    ("Harrison wrote the restriction", "2024-001", "physician", "Harrison"),
    ("taken to Mount Auburn Hospital by ambulance", "2024-001", "treatment facility",
     "Mount Auburn Hospital"),
    ("x-rayed at mount auburn", "2024-001", "treatment facility", "mount auburn"),
    ("clinic at 330 Mount Auburn St", "2024-001", "treatment facility", "330 Mount"),
    ("call 518-555-0199 for details", "2024-001", "phone", "518-555-0199"),
    ("call (518) 555-0199", "2024-001", "phone", "(518) 555-0199"),
    ("call 555-1234 for details", "2024-001", "phone", "555-1234"),
    ("his cell is 555 1234", "2024-001", "phone", "555 1234"),
    ("Tel: 5551234", "2024-001", "phone", "5551234"),
    ("reach the foreman at 555-0199 after 5", "2024-001", "phone", "555-0199"),
    ("write to jp@example.com", "2024-001", "email", "jp@example.com"),
    ("SSN 123-45-6789 on file", "2024-001", "ssn", "123-45-6789"),
]


@pytest.mark.parametrize("text,case,kind,found", PLANTED)
def test_every_planted_kind_of_pii_is_found(text, case, kind, found):
    assert (kind, found) in scan(text, case)


INNOCENT = [  # (text, case): surname-like words that are not names here
    ("Slipped on black ice near the dock", "2024-001"),
    ("Black ice on the loading dock", "2024-001"),
    ("Black & Decker drill kicked back", "2024-001"),
    ("a young worker was standing nearby", "2024-002"),
    ("Young workers were told to wait", "2024-002"),
    ("The Young Street entrance was blocked", "2024-002"),
    ("rose from the chair and fell", "2024-001"),
    ("Rose Hill Road delivery bay", "2024-001"),
    ("burns to the right hand from hot oil", "2024-001"),
    ("Cut while opening a case of grace-brand gloves", "2024-001"),
    ("Injury on 06/23/2024 at 14:05, 3 stitches", "2024-001"),  # a date, not the birth date
    ("Lifting a 40 lb box onto a cart in bay 4028", "2024-001"),  # a number, not the street
    ("Lee side of the hull, hit by a swinging door", "2024-002"),
    ("Tomato crate fell on the operator", "2024-001"),
    ("Reported 2024-06-23 at 14:05, see case 2024-0001", "2024-001"),  # dates, case numbers
    ("Same press as case 2024-001; shift 07:00-15:30", "2024-001"),
    ("Lot 12-345-6789, 3 cartons of 100 1000-count gloves", "2024-001"),
]


@pytest.mark.parametrize("text,case", INNOCENT)
def test_innocent_text_with_surname_like_words_passes(text, case):
    assert scan(text, case) == []


def test_the_report_says_field_case_and_why():
    found = pii_scan([{"establishment": {"establishment_name": "North Plant"},
                       "case_number": "2024-001", "job_title": "Machinist",
                       "nar_object_substance": "perez's own knife"}], EMPLOYEES, FACTS)
    assert found.to_dict("records") == [{
        "establishment_name": "North Plant", "case_number": "2024-001",
        "field": "nar_object_substance", "kind": "employee name", "found": "perez",
        "why": "last name of this case's employee (José Pérez)"}]


def test_single_names_count_only_for_that_cases_employee():
    # Tyler is case 2's employee, not case 1's: alone, in case 1, it is not evidence.
    assert scan("tyler reached into the press", "2024-001") == []


def test_without_case_facts_capitalised_names_of_every_employee_count():
    cases = [{"establishment": {"establishment_name": "N"}, "case_number": "1",
              "nar_what_happened": "Tomato crate fell on the maria-brand pallet, 3 days, "
                                   "2024-05-07, 12 stitches", "job_title": "Tom's helper"}]
    employees = pd.DataFrame({"first_name": ["Tom", "Maria"], "last_name": ["Lee", "Kowalski"]})
    assert list(pii_scan(cases, employees)["found"]) == ["Tom"]


def test_names_match_whatever_case_and_apostrophes_the_employee_file_uses():
    employees = pd.DataFrame({"first_name": ["SEAN", "Ann"], "last_name": ["O'BRIEN", "Lee"]})
    cases = [{"establishment": {"establishment_name": "N"}, "case_number": "1",
              "nar_what_happened": "O'Brien's glove caught; sean obrien was nearby",
              "nar_injury_illness": "lee side of the hand", "job_title": "Lee, Ann"}]
    found = pii_scan(cases, employees)
    assert list(zip(found["field"], found["found"], strict=True)) == [
        ("job_title", "Lee, Ann"), ("nar_what_happened", "O'Brien"),
        ("nar_what_happened", "sean obrien")]


def test_fold_keeps_one_character_for_one():
    assert fold("José PÉREZ, Łukasz Żółć, Søren Müller") == \
        "jose perez, lukasz zolc, soren muller"
    assert len(fold("Straße")) == len("Straße")


def test_the_gate_refuses_the_establishment_and_says_what_matched():
    cases = case_rows()
    cases[0]["nar_object_substance"] = "perez's own knife"
    inp = inputs(cases=cases, case_pii=FACTS)
    report = run_gates(plans(inp.form300a, inp.case_data, inp.year, codes=inp.codes),
                       employees=EMPLOYEES, case_pii=FACTS)
    assert report.refusals["North Plant"] == [
        "case 2024-001 nar_object_substance: employee name 'perez' (last name of this "
        "case's employee (José Pérez); PII must not be sent)"]
    assert report.refusals["South Office"] == []


def test_case_facts_come_from_the_result(sample_result):
    from oshakit.ita.submit import inputs_from_result

    inp = inputs_from_result(sample_result.select(year=2025))
    facts = inp.case_pii
    log = sample_result.select(year=2025).log
    assert len(facts) == len(log) and list(facts["case_number"]) == list(log["case_number"])
    row = facts.iloc[0]
    first, last = log["employee_name"].iloc[0].split(", ")[::-1]
    assert (row["first_name"], row["last_name"]) == (first, last)
    assert inp.codes[row["establishment_name"]] == log["establishment_code"].iloc[0]
    assert set(facts.columns) >= {"street", "date_of_birth", "physician", "facility_name"}


def test_case_facts_without_people_split_the_log_name():
    cases = pd.DataFrame({"case_number": ["1"], "establishment_code": ["E1"],
                          "employee_name": ["Van der Berg, Anna Maria"]})
    facts = case_facts(cases, {"E1": "East"})
    assert facts[["establishment_name", "first_name", "last_name"]].iloc[0].tolist() == [
        "East", "Anna Maria", "Van der Berg"]
