"""Privacy cases (recordkeeping.md section 5; 1904.29(b)(6)-(9))."""

from __future__ import annotations

import pytest
from cases_bundles import case, codes, one, rec, restriction, visit

from oshakit.cases import Policy
from oshakit.cases.privacy import scrub_names


def test_a_marked_privacy_case_hides_the_name_on_the_log(tmp_path):
    r = rec(tmp_path, encounters=[case(privacy_case="1")])
    row = one(r)
    assert (row["privacy"], row["log_name"], row["employee_name"]) == (
        True, "Privacy Case", "Lee, Ann")
    assert codes(r, "PRIVACY_SUSPECTED").empty


def test_column_f_of_a_privacy_case_does_not_name_the_person(tmp_path):
    r = rec(tmp_path, encounters=[case(privacy_case="1", comment_cause="Ann Lee's own needle")],
            nibp=[{"ext_id": "N1", "enc": "E1", "nature_injury": "Puncture",
                   "body_part": "right hand"}])
    text = one(r)["description"]
    assert "Ann" not in text and "Lee" not in text
    assert text == "Puncture, right hand; own needle"


def test_column_f_keeps_the_name_text_when_not_a_privacy_case(tmp_path):
    r = rec(tmp_path, encounters=[case(comment_cause="Lee's ladder")])
    assert one(r)["description"] == "Lee's ladder"


def test_scrub_names_only_removes_whole_words():
    assert scrub_names("Annex door; Lee", "Ann", "Lee") == "Annex door"
    assert scrub_names("cut by ANN LEE", "Ann", "Lee") == "cut by"


@pytest.mark.parametrize(("text", "first", "last", "expected"), [
    ("Ann Lee cut her hand", "Ann", "Lee", "cut her hand"),  # first last
    ("Lee, Ann cut her hand", "Ann", "Lee", "cut her hand"),  # last, first
    ("ANN LEE's locker", "Ann", "Lee", "locker"),  # any case, possessive
    ("lukasz zolc fell", "Łukasz", "Żółć", "fell"),  # accents folded in the names
    ("Zoë Brontë's bench", "Zoe", "Bronte", "bench"),  # ... and in the text
    ("desk of Mary Van der Berg; Berg's chair", "Mary", "Van der Berg", "desk of; chair"),
    ("O'Brien and OBrien", "Kim", "O'Brien", "and"),
])
def test_scrub_names_any_order_case_and_accents(text, first, last, expected):
    assert scrub_names(text, first, last) == expected


NIBP = {"ext_id": "N1", "enc": "E1"}


UNSURE = "does not show the sharp was contaminated"


@pytest.mark.parametrize(("files", "reason", "applied"), [
    ({"nibp": [dict(NIBP, body_part="Genitals")]}, "intimate body part", True),
    ({"nibp": [dict(NIBP, body_part="Reproductive system")]}, "intimate body part", True),
    ({"nibp": [dict(NIBP, nature_injury="Contusion", body_part="Breast")]}, "intimate", True),
    ({"encounters_fields": {"comment_explanation": "sexual assault by a visitor"}},
     "sexual assault", True),
    ({"conditions": [{"ext_id": "C1", "enc": "E1", "description": "Anxiety",
                      "icd10": "F41.1"}]}, "mental illness", True),
    ({"conditions": [{"ext_id": "C1", "enc": "E1", "description": "x", "icd10": "B20"}]},
     "HIV", True),
    ({"conditions": [{"ext_id": "C1", "enc": "E1", "description": "x", "icd10": "Z21"}]},
     "HIV", True),
    ({"conditions": [{"ext_id": "C1", "enc": "E1", "description": "x", "icd10": "B17.1"}]},
     "hepatitis", True),
    ({"conditions": [{"ext_id": "C1", "enc": "E1", "description": "x", "icd10": "A15.0"}]},
     "tuberculosis", True),
    ({"encounters_fields": {"comment_cause": "needlestick from a used syringe"}},
     "contaminated sharp", True),
    ({"nibp": [dict(NIBP, nature_injury="Contaminated Sharp", body_part="hand")]},
     "contaminated sharp", True),
    ({"nibp": [dict(NIBP, nature_injury="Puncture", body_part="finger",
                    comment="patient's blood on the needle")]}, "contaminated sharp", True),
    # 1904.29(b)(7)(v) is a *contaminated* sharp, and (b)(8) closes the list: a puncture, a
    # needle's size or maker alone is reported, never made private by the kit
    ({"nibp": [dict(NIBP, nature_injury="Cut", body_part="finger", laceration="Puncture")]},
     UNSURE, False),
    ({"nibp": [dict(NIBP, body_part="finger", size="25G")]}, UNSURE, False),
    ({"nibp": [dict(NIBP, body_part="finger", manufacturer="BD")]}, UNSURE, False),
])
def test_suspected_privacy_case_not_marked_is_an_exception(tmp_path, files, reason, applied):
    fields = files.pop("encounters_fields", {})
    off = rec(tmp_path, Policy(privacy_auto=False), encounters=[case(**fields)], **files)
    found = codes(off, "PRIVACY_SUSPECTED")
    assert len(found) == 1 and reason in found["message"].iloc[0]
    row = one(off)
    assert not row["privacy"] and row["log_name"] == "Lee, Ann"  # reported, not applied
    auto = rec(tmp_path / "auto", encounters=[case(**fields)], **files)  # the default
    message = codes(auto, "PRIVACY_SUSPECTED")["message"].iloc[0]
    if applied:
        assert one(auto)["privacy"] and one(auto)["log_name"] == "Privacy Case"
        assert "applied (privacy_auto)" in message
        assert "applied by privacy_auto" in one(auto)["explanation"]
    else:
        assert not one(auto)["privacy"] and one(auto)["log_name"] == "Lee, Ann"
        assert "not applied" in message


@pytest.mark.parametrize(("files", "fields"), [
    ({"nibp": [dict(NIBP, nature_injury="Laceration", body_part="left hand")]}, {}),
    ({"conditions": [{"ext_id": "C1", "enc": "E1", "description": "x", "icd10": "F00.0"}]}, {}),
    ({"conditions": [{"ext_id": "C1", "enc": "E1", "description": "x", "icd10": "B14"}]}, {}),
    ({"conditions": [{"ext_id": "C1", "enc": "E1", "description": "x", "icd10": "S61.4"}]}, {}),
    ({}, {"comment_cause": "box cutter"}),
    # whole words only: the breastbone is the sternum, not an intimate body part
    ({"nibp": [dict(NIBP, nature_injury="Fracture", body_part="Breastbone")]}, {}),
    ({}, {"comment_cause": "slipped on the wet deck after the breaststroke class"}),
])
def test_ordinary_injuries_are_not_suspected(tmp_path, files, fields):
    r = rec(tmp_path, encounters=[case(**fields)], **files)
    assert codes(r, "PRIVACY_SUSPECTED").empty


# --- any flag value that is not clearly "no" keeps the case private --------------------------


@pytest.mark.parametrize("value", ["1", "1.0", "Y", "TRUE", "yes", "maybe", "2"])
def test_a_flag_that_is_not_clearly_no_keeps_the_case_private(tmp_path, value):
    # "1", "Y", "TRUE" read as true; a value the loader cannot read ("maybe", "2", and "1.0"
    # for a loader that does not take it) is a cell reject: private all the same
    r = rec(tmp_path, encounters=[case(privacy_case=value)])
    row = one(r)
    assert (row["privacy"], row["log_name"]) == (True, "Privacy Case")


@pytest.mark.parametrize("value", ["0", "N", "false", "no", ""])
def test_a_flag_that_is_clearly_no_leaves_the_case_public(tmp_path, value):
    row = one(rec(tmp_path, encounters=[case(privacy_case=value)]))
    assert (row["privacy"], row["log_name"]) == (False, "Lee, Ann")


def test_an_unreadable_flag_is_an_exception_saying_why_the_case_is_private(tmp_path):
    r = rec(tmp_path, encounters=[case(privacy_case="maybe")])
    found = codes(r, "PRIVACY_FLAG_UNREADABLE")
    assert len(found) == 1
    got = found.iloc[0]
    assert (got["file"], got["line"], got["column"], got["severity"]) == (
        "encounters_incidents.csv", 2, "incidents.privacy_case", "warning")
    assert "'maybe'" in got["message"] and "keeps the case private" in got["message"]
    assert "could not be read" in one(r)["privacy_reason"]


def test_an_unreadable_flag_on_a_follow_up_keeps_the_case_private(tmp_path):
    r = rec(tmp_path, encounters=[case(case_number="C-1", privacy_case="0"),
                                  visit("E2", case_number="C-1", privacy_case="??")])
    assert one(r, "C-1")["privacy"]
    assert codes(r, "PRIVACY_FLAG_UNREADABLE")["line"].tolist() == [3]


def test_a_flag_on_any_encounter_of_the_case_keeps_it_private(tmp_path):
    r = rec(tmp_path, encounters=[case(case_number="C-1", privacy_case="0"),
                                  visit("E2", case_number="C-1", privacy_case="1")])
    assert one(r, "C-1")["privacy"]


def test_a_stated_privacy_reason_makes_the_case_private(tmp_path):
    r = rec(tmp_path, encounters=[case(osha_itype="A", privacy_reason="employee_request")])
    row = one(r)
    assert row["privacy"] and "an illness the employee asked to keep private" in \
        row["privacy_reason"]
    assert codes(r, "PRIVACY_NO_BASIS").empty  # (vi) covers illnesses


# --- the list is complete: a flag with no basis (1904.29(b)(8)) -----------------------------


def test_a_flagged_injury_with_no_basis_stays_private_with_a_warning(tmp_path):
    r = rec(tmp_path, encounters=[case(privacy_case="1")],
            nibp=[dict(NIBP, nature_injury="Laceration", body_part="left hand")])
    assert one(r)["privacy"]  # fail safe: the flag is kept
    found = codes(r, "PRIVACY_NO_BASIS")
    assert len(found) == 1 and found["severity"].iloc[0] == "warning"
    assert "1904.29(b)(8)" in found["message"].iloc[0]
    assert "none of the kinds" in one(r)["explanation"]


def test_employee_request_does_not_cover_an_injury(tmp_path):
    r = rec(tmp_path, encounters=[case(privacy_case="1", privacy_reason="employee_request")])
    assert "applies only to illnesses" in codes(r, "PRIVACY_NO_BASIS")["message"].iloc[0]


@pytest.mark.parametrize(("fields", "files"), [
    ({"osha_itype": "A"}, {}),  # an illness: the employee may have asked (vi)
    ({"privacy_reason": "needlestick"}, {}),  # the employer states kind (v)
    ({}, {"nibp": [dict(NIBP, nature_injury="Contaminated Sharp", body_part="finger",
                        laceration="Puncture")]}),  # the data show kind (v)
])
def test_a_flag_with_a_basis_raises_no_warning(tmp_path, fields, files):
    r = rec(tmp_path, encounters=[case(privacy_case="1", **fields)], **files)
    assert one(r)["privacy"] and codes(r, "PRIVACY_NO_BASIS").empty


def test_a_flagged_puncture_with_no_sign_of_contamination_stays_private_with_a_warning(
        tmp_path):
    # (v) needs a contaminated sharp; the employer may know more than the data: fail safe
    r = rec(tmp_path, encounters=[case(privacy_case="1")],
            nibp=[dict(NIBP, nature_injury="Puncture", body_part="finger")])
    assert one(r)["privacy"] and len(codes(r, "PRIVACY_NO_BASIS")) == 1


# --- no text that leaves the confidential files names the person ----------------------------

EMPLOYEE = {"pat_id": "u1", "pat_id_type": "id:username", "first_name": "José",
            "last_name": "Núñez", "job_title": "Assistant to Núñez family", "sex": "M",
            "establishment_code": "EST1"}


def _named(tmp_path, privacy_case, policy=None, comment=None):
    return rec(
        tmp_path, policy, employees=[EMPLOYEE],
        encounters=[case(privacy_case=privacy_case, loc_description="Jose Nunez's workstation",
                         comment_activity="NUNEZ was restocking", comment_explanation=(
                             "Needle slipped; José told the nurse"),
                         comment_cause="jose's own needle")],
        nibp=[dict(NIBP, nature_injury="Puncture (Núñez)", body_part="right hand",
                   comment=comment)],
        restrictions=[restriction("E1", "2024-03-05", "2024-03-06",
                                  kind="Lifting per Núñez request")])


FIELDS = ["job_title", "location", "description", "nar_before_incident", "nar_what_happened",
          "nar_injury_illness", "nar_object_substance"]


def test_every_text_field_of_a_privacy_case_is_scrubbed(tmp_path):
    row = one(_named(tmp_path, "1"))
    got = {f: row[f] for f in FIELDS}
    assert got == {
        "job_title": "Assistant to family",
        "location": "workstation",
        "description": "Puncture, right hand; own needle",
        "nar_before_incident": "was restocking",
        "nar_what_happened": "Needle slipped; told the nurse",
        "nar_injury_illness": "Puncture, right hand",
        "nar_object_substance": "own needle",
    }
    # the confidential copy keeps the name
    assert row["employee_name"] == "Núñez, José"


def test_the_explanation_of_a_privacy_case_names_no_one(tmp_path):
    text = one(_named(tmp_path, "1"))["explanation"]
    for name in ("José", "Jose", "Núñez", "Nunez", "u1"):
        assert name.lower() not in text.lower(), name
    assert "the employee of case E1" in text
    assert "restriction 'Lifting per request'" in text


def test_the_same_case_when_public_keeps_its_texts(tmp_path):
    # not flagged, and privacy_auto off (the needlestick is only reported): names stay
    r = _named(tmp_path, "0", Policy(privacy_auto=False))
    row = one(r)
    assert not row["privacy"] and len(codes(r, "PRIVACY_SUSPECTED")) == 1
    assert row["location"] == "Jose Nunez's workstation"
    assert row["nar_object_substance"] == "jose's own needle"
    assert "Núñez, José, employee u1" in row["explanation"]


def test_a_mandatory_case_the_employer_did_not_flag_is_scrubbed_too(tmp_path):
    # the needle had a patient's blood on it: kind (v), which privacy_auto (the default)
    # applies
    row = one(_named(tmp_path, "0", comment="patient blood on the needle"))
    assert row["privacy"] and row["location"] == "workstation"
    assert row["privacy_reason"].startswith("privacy_auto: the data show needlestick")
