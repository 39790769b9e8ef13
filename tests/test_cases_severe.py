"""Severe events to report to OSHA directly (1904.39; recordkeeping.md section 11). The
incident of ``case()`` is 2024-03-04 10:00."""

from __future__ import annotations

import pytest
from cases_bundles import case, codes, one, rec

from oshakit.cases import Policy
from oshakit.problems import CORE

NIBP = {"ext_id": "N1", "enc": "E1"}
SEVERE = ("SEVERE_FATALITY", "SEVERE_HOSPITALIZATION", "SEVERE_AMPUTATION", "SEVERE_EYE_LOSS")


def severe(r):
    return r.exceptions[r.exceptions["code"].isin(SEVERE)]


def test_a_death_within_30_days_is_reported_within_8_hours(tmp_path):
    # died 03-20: 16 days after the incident
    r = rec(tmp_path, encounters=[case(employee_died="1", employee_deathdate="2024-03-20")])
    found = codes(r, "SEVERE_FATALITY")
    assert len(found) == 1
    got = found.iloc[0]
    assert list(found.columns[:7]) == CORE
    assert (got["severity"], got["case_number"], got["file"], got["line"]) == (
        "warning", "2024-001", "encounters_incidents.csv", 2)
    assert "death on 2024-03-20, 16 day(s) after the incident of 2024-03-04 10:00" \
        in got["message"]
    assert "within 8 hours" in got["message"] and "1904.39(a)(1)" in got["message"]


def test_a_death_on_day_30_is_reported_and_on_day_31_is_not(tmp_path):
    on = rec(tmp_path / "a", encounters=[case(employee_died="1", employee_deathdate="2024-04-03")])
    assert len(codes(on, "SEVERE_FATALITY")) == 1  # 04-03 is 30 days after 03-04
    late = rec(tmp_path / "b", encounters=[case(employee_died="1",
                                                employee_deathdate="2024-04-04")])
    assert codes(late, "SEVERE_FATALITY").empty
    assert one(late)["outcome"] == "G"  # still a death on the log


def test_a_death_with_no_date_is_listed_to_be_checked(tmp_path):
    r = rec(tmp_path, encounters=[case(employee_died="1")])
    assert "death with no date" in codes(r, "SEVERE_FATALITY")["message"].iloc[0]


def test_a_death_that_is_not_work_related_is_not_listed(tmp_path):
    r = rec(tmp_path, encounters=[case(employee_died="1", employee_deathdate="2024-03-05",
                                       osha_work_related="No")])
    assert severe(r).empty


def test_an_undetermined_case_is_listed_if_work_related(tmp_path):
    r = rec(tmp_path, encounters=[case(hospitalized="1", osha_work_related="Undetermined")])
    assert "if work-related (work-relatedness is Undetermined)" in codes(
        r, "SEVERE_HOSPITALIZATION")["message"].iloc[0]


def test_an_in_patient_hospitalization_is_reported_within_24_hours(tmp_path):
    r = rec(tmp_path, encounters=[case(hospitalized="1")])
    got = codes(r, "SEVERE_HOSPITALIZATION").iloc[0]
    assert got["column"] == "incidents.hospitalized"
    assert "within 24 hours" in got["message"]
    assert "by 2024-03-05 10:00 if learned at the time of the incident" in got["message"]
    assert "observation or diagnostic testing only" in got["message"]


def test_the_deadline_of_an_incident_with_no_time(tmp_path):
    r = rec(tmp_path, encounters=[case(inc="2024-03-04", hospitalized="1")])
    assert "by 2024-03-05 (the time of the incident is unknown)" in codes(
        r, "SEVERE_HOSPITALIZATION")["message"].iloc[0]


@pytest.mark.parametrize("row", [
    dict(NIBP, nature_injury="Amputation", body_part="Finger(s), right"),
    dict(NIBP, nature_injury="Traumatic amputation, fingertip", body_part="Finger(s), left"),
])
def test_an_amputation_in_the_body_part_file(tmp_path, row):
    r = rec(tmp_path, encounters=[case()], nibp=[row])
    got = codes(r, "SEVERE_AMPUTATION")
    assert len(got) == 1
    assert (got["file"].iloc[0], got["line"].iloc[0], got["column"].iloc[0]) == (
        "incident_nibp.csv", 2, "incident_nibp.nature_injury")
    assert "1904.39(b)(11)" in got["message"].iloc[0]
    assert "within 24 hours" in got["message"].iloc[0]


def test_an_amputation_from_the_icd10_code(tmp_path):
    r = rec(tmp_path, encounters=[case()], conditions=[
        {"ext_id": "C1", "enc": "E1", "description": "Complete traumatic transphalangeal "
         "amputation of right index finger", "icd10": "S68.610A"}])
    got = codes(r, "SEVERE_AMPUTATION")
    assert len(got) == 1 and got["file"].iloc[0] == "patient_conditions.csv"
    assert "S68.610A" in got["message"].iloc[0]


@pytest.mark.parametrize("nature", ["Avulsion", "Fingernail avulsion", "Degloving",
                                    "Laceration", "Amputation of ear (avulsion)"])
def test_avulsions_and_other_injuries_are_not_amputations(tmp_path, nature):
    r = rec(tmp_path, encounters=[case()], nibp=[dict(NIBP, nature_injury=nature,
                                                      body_part="Hand, left")])
    assert severe(r).empty


@pytest.mark.parametrize(("files", "where"), [
    ({"nibp": [dict(NIBP, nature_injury="Enucleation", body_part="Eye, left")]},
     "incident_nibp.csv"),
    ({"nibp": [dict(NIBP, nature_injury="Loss of eye", body_part="Eye, right")]},
     "incident_nibp.csv"),
    ({"conditions": [{"ext_id": "C1", "enc": "E1", "description": "Avulsion of left eye",
                      "icd10": "S05.72XA"}]}, "patient_conditions.csv"),
])
def test_the_loss_of_an_eye(tmp_path, files, where):
    r = rec(tmp_path, encounters=[case()], **files)
    got = codes(r, "SEVERE_EYE_LOSS")
    assert len(got) == 1 and got["file"].iloc[0] == where
    assert codes(r, "SEVERE_AMPUTATION").empty  # an enucleation is not an amputation


def test_loss_of_sight_alone_is_not_the_loss_of_an_eye(tmp_path):
    r = rec(tmp_path, encounters=[case()],
            nibp=[dict(NIBP, nature_injury="Loss of eyesight", body_part="Eye, left"),
                  dict(NIBP, ext_id="N2", nature_injury="Loss of vision", body_part="Eye")])
    assert severe(r).empty


def test_an_ordinary_case_is_not_severe(tmp_path):
    r = rec(tmp_path, encounters=[case(emergency_room="1")],
            nibp=[dict(NIBP, nature_injury="Laceration", body_part="Hand, left")])
    assert severe(r).empty


def test_events_after_the_as_of_date_are_not_known_yet(tmp_path):
    # as of 03-10: the injury of 03-12 has not happened, the death of 03-20 neither
    r = rec(tmp_path, Policy(as_of="2024-03-10"), encounters=[
        case("E1", employee_died="1", employee_deathdate="2024-03-20"),
        case("E2", inc="2024-03-12 08:00:00", osha_completed_dt="2024-03-12",
             hospitalized="1")])
    assert severe(r).empty
