"""Privacy cases (recordkeeping.md section 5; 1904.29(b)(6)-(9))."""

from __future__ import annotations

import pytest
from cases_bundles import case, codes, one, rec

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


NIBP = {"ext_id": "N1", "enc": "E1"}


@pytest.mark.parametrize(("files", "reason"), [
    ({"nibp": [dict(NIBP, body_part="Genitals")]}, "intimate body part"),
    ({"nibp": [dict(NIBP, body_part="Reproductive system")]}, "intimate body part"),
    ({"nibp": [dict(NIBP, nature_injury="Contusion", body_part="Breast")]}, "intimate"),
    ({"encounters_fields": {"comment_explanation": "sexual assault by a visitor"}},
     "sexual assault"),
    ({"conditions": [{"ext_id": "C1", "enc": "E1", "description": "Anxiety",
                      "icd10": "F41.1"}]}, "mental illness"),
    ({"conditions": [{"ext_id": "C1", "enc": "E1", "description": "x", "icd10": "B20"}]},
     "HIV"),
    ({"conditions": [{"ext_id": "C1", "enc": "E1", "description": "x", "icd10": "Z21"}]},
     "HIV"),
    ({"conditions": [{"ext_id": "C1", "enc": "E1", "description": "x", "icd10": "B17.1"}]},
     "hepatitis"),
    ({"conditions": [{"ext_id": "C1", "enc": "E1", "description": "x", "icd10": "A15.0"}]},
     "tuberculosis"),
    ({"encounters_fields": {"comment_cause": "needlestick from a used syringe"}}, "needlestick"),
    ({"nibp": [dict(NIBP, nature_injury="Cut", body_part="finger", laceration="Puncture")]},
     "needlestick"),
    ({"nibp": [dict(NIBP, body_part="finger", size="25G")]}, "needlestick"),
    ({"nibp": [dict(NIBP, body_part="finger", manufacturer="BD")]}, "needlestick"),
    ({"nibp": [dict(NIBP, nature_injury="Contaminated Sharp", body_part="hand")]},
     "needlestick"),
])
def test_suspected_privacy_case_not_marked_is_an_exception(tmp_path, files, reason):
    fields = files.pop("encounters_fields", {})
    off = rec(tmp_path, Policy(privacy_auto=False), encounters=[case(**fields)], **files)
    found = codes(off, "PRIVACY_SUSPECTED")
    assert len(found) == 1 and reason in found["message"].iloc[0]
    row = one(off)
    assert not row["privacy"] and row["log_name"] == "Lee, Ann"  # reported, not applied
    auto = rec(tmp_path / "auto", encounters=[case(**fields)], **files)  # the default
    assert one(auto)["privacy"] and one(auto)["log_name"] == "Privacy Case"
    assert "applied (privacy_auto)" in codes(auto, "PRIVACY_SUSPECTED")["message"].iloc[0]
    assert "applied by privacy_auto" in one(auto)["explanation"]


@pytest.mark.parametrize(("files", "fields"), [
    ({"nibp": [dict(NIBP, nature_injury="Laceration", body_part="left hand")]}, {}),
    ({"conditions": [{"ext_id": "C1", "enc": "E1", "description": "x", "icd10": "F00.0"}]}, {}),
    ({"conditions": [{"ext_id": "C1", "enc": "E1", "description": "x", "icd10": "B14"}]}, {}),
    ({"conditions": [{"ext_id": "C1", "enc": "E1", "description": "x", "icd10": "S61.4"}]}, {}),
    ({}, {"comment_cause": "box cutter"}),
])
def test_ordinary_injuries_are_not_suspected(tmp_path, files, fields):
    r = rec(tmp_path, encounters=[case(**fields)], **files)
    assert codes(r, "PRIVACY_SUSPECTED").empty
