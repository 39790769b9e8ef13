"""Encounters -> cases: openings, follow-ups, child rows, establishment, year, columns A-F
and the Form 301 fields (recordkeeping.md sections 1 and 5; input-format.md)."""

from __future__ import annotations

import pandas as pd
from cases_bundles import EMPLOYEES, away, case, codes, one, rec, restriction, visit, write

from oshakit.bundle import load_bundle
from oshakit.cases import CASE_COLUMNS, Policy, reconcile

CONTRACT = [
    "case_key", "case_number", "establishment_code", "year", "on_log", "log_reason",
    "employee_pat_id", "employee_pat_id_type", "employee_name", "privacy", "log_name",
    "privacy_reason", "job_title", "date_of_injury", "time_of_event", "time_unknown",
    "location", "description",
    "outcome", "days_away", "days_restricted", "days_estimated", "itype", "body_parts",
    "natures", "employee_street", "employee_city", "employee_state", "employee_zip",
    "date_of_birth", "date_of_hire", "sex", "physician", "facility_name", "facility_street",
    "facility_city", "facility_state", "facility_zip", "emergency_room", "hospitalized",
    "time_started_work", "nar_before_incident", "nar_what_happened", "nar_injury_illness",
    "nar_object_substance", "date_of_death", "explanation",
]


def test_cases_have_exactly_the_contract_columns(tmp_path):
    r = rec(tmp_path, encounters=[case()])
    assert list(r.cases.columns) == CONTRACT == CASE_COLUMNS
    assert list(r.log.columns) == CONTRACT
    assert list(r.exceptions.columns) == ["file", "line", "column", "case_number", "code",
                                          "severity", "message", "establishment_code", "year"]
    assert r.cases["date_of_injury"].dtype == "datetime64[ns]"
    assert str(r.cases["days_away"].dtype) == "Int64"


def test_follow_up_encounters_join_their_case_by_case_number(tmp_path):
    r = rec(tmp_path, encounters=[case(case_number="C-7"), visit("E2", case_number="C-7"),
                                  visit("E3", case_number="C-7"), visit("E4")])
    assert list(r.cases["case_key"]) == ["C-7"]
    assert one(r, "C-7")["case_number"] == "C-7"
    assert "2 more encounter(s)" in one(r, "C-7")["explanation"]
    acct = r.accounting.set_index("item")["rows"]
    assert (acct["opening a case"], acct["follow-up of a case"],
            acct["ordinary encounter (no case)"]) == (1, 2, 1)


def test_follow_up_fills_incident_fields_the_opening_left_blank(tmp_path):
    r = rec(tmp_path, encounters=[case(case_number="C-1", osha_completed_dt=None),
                                  visit("E2", case_number="C-1", osha_completed_dt="2024-03-09")])
    assert one(r, "C-1")["on_log"]


def test_case_key_is_the_opening_encounter_when_there_is_no_case_number(tmp_path):
    r = rec(tmp_path, encounters=[case("ENC-42")])
    assert list(r.cases["case_key"]) == ["ENC-42"]


def test_establishment_falls_back_to_the_employees(tmp_path):
    r = rec(tmp_path, encounters=[case(pat_id="u2", facility_code=None)])
    row = one(r)
    assert row["establishment_code"] == "EST2" and row["on_log"]
    assert "the employee's establishment (no facility code)" in row["explanation"]


def test_facility_code_wins_over_the_employees_establishment(tmp_path):
    assert one(rec(tmp_path, encounters=[case(pat_id="u2")]))["establishment_code"] == "EST1"


def test_no_establishment_at_all_is_off_the_log_and_an_exception(tmp_path):
    employees = [dict(EMPLOYEES[0], establishment_code=None)]
    r = rec(tmp_path, encounters=[case(facility_code=None)], employees=employees)
    assert not one(r)["on_log"]
    assert "no establishment" in one(r)["log_reason"]
    assert len(codes(r, "ESTABLISHMENT_MISSING")) == 1


def test_establishment_not_in_establishments_file_is_an_exception(tmp_path):
    r = rec(tmp_path, encounters=[case(facility_code="EST9")])
    found = codes(r, "ESTABLISHMENT_UNKNOWN")
    assert len(found) == 1 and "EST9" in found["message"].iloc[0]
    assert one(r)["on_log"]  # logged under its code; the auditor sees the exception


def test_without_an_establishments_file_codes_are_not_checked(tmp_path):
    r = rec(tmp_path, encounters=[case(facility_code="EST9")], establishments=None)
    assert codes(r, "ESTABLISHMENT_UNKNOWN").empty


def test_employee_missing_from_employees_file(tmp_path):
    r = rec(tmp_path, encounters=[case(pat_id="ghost")])
    assert pd.isna(one(r)["employee_name"])
    assert len(codes(r, "EMPLOYEE_UNKNOWN")) == 1


def test_a_case_number_opened_twice_is_one_case_and_an_exception(tmp_path):
    r = rec(tmp_path, encounters=[case("E1", case_number="C-1"),
                                  case("E2", inc="2024-03-06 09:00:00", case_number="C-1")],
            accommodations=[away("E2", "2024-03-05", "2024-03-06")])
    assert list(r.cases["case_key"]) == ["C-1"]
    found = codes(r, "DUPLICATE_CASE_NUMBER")
    assert list(found["line"]) == [3] and "first opened on line 2" in found["message"].iloc[0]
    assert list(found["severity"]) == ["error"]  # another injury date: a real conflict
    assert one(r, "C-1")["days_away"] == 2  # the second opening's rows still count


def test_follow_up_with_no_opening_is_an_exception(tmp_path):
    r = rec(tmp_path, encounters=[case(), visit("E2", case_number="C-404")],
            restrictions=[restriction("E2", "2024-03-05", "2024-03-06")])
    assert len(codes(r, "FOLLOWUP_WITHOUT_OPENING")) == 1
    no_case = codes(r, "CHILD_NO_CASE")
    assert len(no_case) == 1 and no_case["severity"].iloc[0] == "warning"


def test_orphan_child_rows_and_rows_of_encounters_without_a_case(tmp_path):
    r = rec(tmp_path, encounters=[case(), visit("E2")],
            restrictions=[restriction("E404", "2024-03-05", "2024-03-06")],
            conditions=[{"ext_id": "PC1", "enc": "E2", "description": "Flu"}])
    orphan = codes(r, "ORPHAN_CHILD")
    assert list(orphan["file"]) == ["patient_clinical_restriction.csv"]
    assert list(orphan["line"]) == [2] and orphan["severity"].iloc[0] == "error"
    routine = codes(r, "CHILD_NO_CASE")
    assert list(routine["file"]) == ["patient_conditions.csv"]
    assert routine["severity"].iloc[0] == "info"  # routine visits carry conditions


def test_two_cases_for_one_employee_on_one_date(tmp_path):
    r = rec(tmp_path, encounters=[case("E1"), case("E2", inc="2024-03-04 15:00:00")])
    assert len(codes(r, "OVERLAPPING_CASES")) == 2
    assert len(rec(tmp_path / "b", encounters=[case("E1"), case("E2", inc="2024-03-05")]
                   ).exceptions) == 0


def test_generated_case_numbers_follow_injury_order_within_establishment_year(tmp_path):
    encounters = [
        case("E3", inc="2024-05-01 08:00:00"),
        case("E1", inc="2024-02-01 08:00:00"),
        case("E2", inc="2024-02-01 08:00:00", pat_id="u2"),  # same time: key order
        case("E9", inc="2024-01-15 08:00:00", case_number="2024-001"),  # a real number
        case("E5", inc="2023-07-01 08:00:00", osha_completed_dt="2023-07-02"),
    ]
    r = rec(tmp_path, encounters=encounters)
    got = dict(zip(r.cases["case_key"], r.cases["case_number"], strict=True))
    # E1 would be 2024-001, which a real case already uses: it gets a suffix
    assert got == {"E1": "2024-001-2", "E2": "2024-002", "E3": "2024-003", "2024-001": "2024-001",
                   "E5": "2023-001"}
    again = rec(tmp_path / "again", encounters=list(reversed(encounters)))
    assert dict(zip(again.cases["case_key"], again.cases["case_number"], strict=True)) == got


def test_log_is_sorted_by_establishment_date_and_number(tmp_path):
    r = rec(tmp_path, encounters=[
        case("E1", inc="2024-05-01 08:00:00"),
        case("E2", inc="2024-02-01 08:00:00", facility_code="EST2"),
        case("E3", inc="2024-03-01 08:00:00"),
    ])
    assert list(r.log["case_key"]) == ["E3", "E1", "E2"]


def test_year_filter_keeps_that_years_cases_and_exceptions(tmp_path):
    encounters = [case("E1"), case("E2", inc="2023-03-04 10:00:00", osha_itype=None)]
    r = rec(tmp_path, year=2024, encounters=encounters)
    assert list(r.cases["case_key"]) == ["E1"] and r.year == 2024
    assert codes(r, "MISSING_ITYPE").empty  # that exception belongs to 2023
    built = r.accounting.set_index("item")["rows"]
    assert (built["cases built"], built["cases of other years"]) == (2, 1)


def test_columns_a_to_f(tmp_path):
    r = rec(tmp_path, encounters=[case(case_number="C-1", loc_description="Dock 4",
                                       comment_cause="box cutter")],
            nibp=[{"ext_id": "N1", "enc": "E1", "nature_injury": "Laceration",
                   "body_part": "left hand"}])
    row = one(r, "C-1")
    assert (row["case_number"], row["employee_name"], row["log_name"], row["job_title"]) == (
        "C-1", "Lee, Ann", "Lee, Ann", "Picker")
    assert (str(row["date_of_injury"].date()), row["time_of_event"], row["time_unknown"]) == (
        "2024-03-04", "10:00", False)
    assert (row["location"], row["description"]) == ("Dock 4", "Laceration, left hand; box cutter")
    assert (row["body_parts"], row["natures"]) == ("left hand", "Laceration")


def test_description_joins_several_body_part_rows(tmp_path):
    r = rec(tmp_path, encounters=[case(comment_cause="forklift")], nibp=[
        {"ext_id": "N1", "enc": "E1", "nature_injury": "Fracture", "body_part": "left foot"},
        {"ext_id": "N2", "enc": "E1", "nature_injury": "Contusion", "body_part": "left knee"}])
    assert one(r)["description"] == "Fracture, left foot; Contusion, left knee; forklift"
    assert one(r)["body_parts"] == "left foot; left knee"


def test_a_date_without_time_means_time_unknown(tmp_path):
    row = one(rec(tmp_path, encounters=[case(inc="2024-03-04")]))
    assert row["time_unknown"] and pd.isna(row["time_of_event"])


def test_form_301_fields(tmp_path):
    employees = [dict(EMPLOYEES[0], street="1 Main St", city="Springfield", state="IL",
                      zip="62701", birth_date="1980-05-06", hire_date="2010-01-02")]
    r = rec(tmp_path, employees=employees, encounters=[case(
        primary_physician="Dr. Who", hospital_name="General", hospital_address="9 Elm St",
        hospital_city="Springfield", hospital_state="IL", hospital_zip="62702",
        emergency_room="1", hospitalized="0", employee_starttime="07:30",
        comment_activity="lifting boxes", comment_explanation="box slipped",
        comment_cause="box")])
    row = one(r)
    assert (row["employee_street"], row["employee_city"], row["employee_state"],
            row["employee_zip"], row["sex"]) == ("1 Main St", "Springfield", "IL", "62701", "F")
    assert (str(row["date_of_birth"].date()), str(row["date_of_hire"].date())) == (
        "1980-05-06", "2010-01-02")
    assert (row["physician"], row["facility_name"], row["facility_street"],
            row["facility_zip"]) == ("Dr. Who", "General", "9 Elm St", "62702")
    assert bool(row["emergency_room"]) and not bool(row["hospitalized"])
    assert (row["time_started_work"], row["nar_before_incident"], row["nar_what_happened"],
            row["nar_object_substance"]) == ("07:30", "lifting boxes", "box slipped", "box")


def test_reconcile_is_repeatable(tmp_path):
    folder = write(tmp_path, encounters=[case(), case("E2", pat_id="u2", facility_code=None)],
                   accommodations=[away("E1", "2024-03-05", None)])
    a = reconcile(load_bundle(folder), Policy())
    b = reconcile(load_bundle(folder), Policy())
    pd.testing.assert_frame_equal(a.cases, b.cases)
    pd.testing.assert_frame_equal(a.exceptions, b.exceptions)


def test_a_bundle_of_only_the_mandatory_columns_reconciles(tmp_path):
    r = rec(tmp_path, employees=None, establishments=None, encounters=[
        {"ext_id": "E1", "pat_id": "u1", "pat_id_type": "id:username", "inc": "2024-03-04"}])
    row = one(r)
    assert not row["on_log"] and "no recordable date" in row["log_reason"]
    assert row["case_number"] == "2024-001"


def test_a_bundle_with_no_case_at_all(tmp_path):
    r = rec(tmp_path, encounters=[visit("E1")])
    assert r.cases.empty and r.log.empty and r.eh_diff.empty
    assert list(r.cases.columns) == CONTRACT


def test_an_opening_repeated_with_the_same_incident_is_only_a_warning(tmp_path):
    r = rec(tmp_path, encounters=[case("E1", case_number="C-1"), case("E2", case_number="C-1")])
    found = codes(r, "DUPLICATE_CASE_NUMBER")
    assert list(found["severity"]) == ["warning"]
    assert "same employee and injury date and time" in found["message"].iloc[0]


# --- as-of: follow-ups served after it are not known yet -----------------------------------


def _late_follow_up(tmp_path, policy):
    # the case opens 03-04 with no recordable date; a follow-up served 04-10 sets it and
    # records a restriction 03-20..03-25
    return rec(tmp_path, policy,
               encounters=[case(case_number="C-1", osha_completed_dt=None),
                           visit("E2", case_number="C-1", serv_date="2024-04-10 09:00:00",
                                 osha_completed_dt="2024-04-10")],
               restrictions=[restriction("E2", "2024-03-20", "2024-03-25")])


def test_a_follow_up_served_after_the_as_of_date_is_ignored(tmp_path):
    row = one(_late_follow_up(tmp_path, Policy(as_of="2024-03-31")), "C-1")
    # as of 03-31 nobody had determined the case recordable, and the restriction was unknown
    assert not row["on_log"] and row["days_restricted"] == 0
    assert "1 served after the as-of date: ignored" in row["explanation"]
    assert "recorded at a follow-up encounter served after the as-of date" in row["explanation"]


def test_the_same_follow_up_counts_once_it_is_served(tmp_path):
    row = one(_late_follow_up(tmp_path, Policy(as_of="2024-04-10")), "C-1")
    assert row["on_log"] and (row["days_restricted"], row["outcome"]) == (6, "I")  # 03-20..25


def test_a_child_row_naming_no_encounter_is_an_orphan_named_blank(tmp_path):
    r = rec(tmp_path, encounters=[case()],
            restrictions=[restriction("", "2024-03-05", "2024-03-06")])
    orphan = codes(r, "ORPHAN_CHILD")
    assert orphan["message"].tolist() == [
        "restrictions row names encounter (blank) which does not exist in the encounters file"]
