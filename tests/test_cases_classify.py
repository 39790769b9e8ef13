"""Which cases go on the log (section 1), columns G-J (section 2) and M1-M6 (section 4),
and the contradictions between them, each as an exception."""

from __future__ import annotations

import pandas as pd
import pytest
from cases_bundles import away, case, codes, one, rec, restriction

from oshakit.cases import Policy


def test_a_recordable_work_related_osha_injury_is_on_the_log(tmp_path):
    r = rec(tmp_path, encounters=[case()])
    row = one(r)
    assert row["on_log"] and row["outcome"] == "J" and row["itype"] == "M1"
    assert row["log_reason"].startswith("on the log of EST1 for 2024")
    assert list(r.log["case_key"]) == ["E1"]
    assert r.exceptions.empty


def test_blank_case_type_counts_as_osha(tmp_path):
    assert one(rec(tmp_path, encounters=[case(case_type=None)]))["on_log"]


@pytest.mark.parametrize(("field", "value", "why"), [
    ("case_type", "Injury NO", "case type Injury NO is not an OSHA case"),
    ("case_type", "Absence management", "is not an OSHA case"),
    ("osha_work_related", "No", "work-related is No"),
    ("osha_work_related", "Undetermined", "work-related is Undetermined"),
    ("osha_work_related", None, "work-related is blank"),
    ("osha_completed_dt", None, "no recordable date"),
])
def test_each_failed_criterion_keeps_the_case_off_the_log(tmp_path, field, value, why):
    row = one(rec(tmp_path, encounters=[case(**{field: value})]))
    assert not row["on_log"]
    assert row["log_reason"].startswith("not on the log: ") and why in row["log_reason"]
    assert pd.isna(row["outcome"])


def test_numeric_work_related_code_one_means_yes(tmp_path):
    assert one(rec(tmp_path, encounters=[case(osha_work_related="1")]))["on_log"]


def test_outcome_precedence_death_over_days_away_over_restriction(tmp_path):
    # E1: died and had days away -> G. E2: away and restricted -> H. E3: restricted -> I.
    r = rec(tmp_path, encounters=[
        case("E1", employee_died="1", employee_deathdate="2024-04-01"),
        case("E2", pat_id="u2"),
        case("E3", inc="2024-03-05 10:00:00"),
    ], accommodations=[away("E1", "2024-03-05", "2024-03-07"),
                       away("E2", "2024-03-05", "2024-03-07")],
        restrictions=[restriction("E2", "2024-03-09", "2024-03-10"),
                      restriction("E3", "2024-03-06", "2024-03-06")])
    got = {k: one(r, k)["outcome"] for k in ("E1", "E2", "E3")}
    assert got == {"E1": "G", "E2": "H", "E3": "I"}


@pytest.mark.parametrize(("code", "m"), [("I", "M1"), ("S", "M2"), ("R", "M3"), ("P", "M4"),
                                         ("H", "M5"), ("A", "M6")])
def test_every_injury_illness_type(tmp_path, code, m):
    row = one(rec(tmp_path, encounters=[case(osha_itype=code)]))
    assert row["itype"] == m
    assert f"Type {m}" in row["explanation"]


def test_recordable_without_type_is_blank_and_an_exception(tmp_path):
    r = rec(tmp_path, encounters=[case(osha_itype=None)])
    assert pd.isna(one(r)["itype"])
    assert len(codes(r, "MISSING_ITYPE")) == 1


@pytest.mark.parametrize(("fields", "code"), [
    ({"osha_work_related": "No"}, "RECORDABLE_NOT_WORK_RELATED"),
    ({"osha_work_related": "N/A"}, "RECORDABLE_NOT_WORK_RELATED"),
    ({"osha_work_related": "Undetermined"}, "RECORDABLE_UNDETERMINED"),
    ({"case_type": "Injury NO"}, "NON_OSHA_TYPE_RECORDABLE"),
    ({"osha_completed_dt": "2024-03-01"}, "RECORDABLE_BEFORE_INJURY"),
    ({"employee_died": "1"}, "DEATH_NO_DATE"),
])
def test_each_contradiction_is_an_exception(tmp_path, fields, code):
    r = rec(tmp_path, encounters=[case(**fields)])
    found = codes(r, code)
    assert len(found) == 1
    got = found.iloc[0]
    assert (got["file"], got["line"], got["case_number"]) == ("encounters_incidents.csv", 2,
                                                             one(r)["case_number"])
    assert (got["establishment_code"], got["year"]) == ("EST1", 2024)


@pytest.mark.parametrize("fields", [
    {"employee_died": "1", "employee_deathdate": "2024-03-09"},
    {"hospitalized": "1"},
])
def test_death_or_hospitalization_without_recordable_date(tmp_path, fields):
    r = rec(tmp_path, encounters=[case(osha_completed_dt=None, **fields)])
    assert len(codes(r, "SERIOUS_NOT_RECORDABLE")) == 1


def test_days_away_without_recordable_date(tmp_path):
    r = rec(tmp_path, encounters=[case(osha_completed_dt=None)],
            accommodations=[away("E1", "2024-03-05", "2024-03-06")])
    found = codes(r, "SERIOUS_NOT_RECORDABLE")
    assert len(found) == 1 and "2 day(s) away" in found["message"].iloc[0]
    assert not one(r)["on_log"]


def test_a_clean_case_raises_no_exception_about_classification(tmp_path):
    r = rec(tmp_path, Policy(cap="per_column"), encounters=[case()],
            accommodations=[away("E1", "2024-03-05", "2024-03-06")])
    assert r.exceptions.empty


# --- as-of: the records as they stood on that date (recordkeeping.md section 3) -------------


def test_a_case_injured_after_the_as_of_date_is_kept_but_not_on_the_log(tmp_path):
    # as of 2024-06-30 the injury of 2024-07-02 has not happened yet: listed in the case
    # table with the reason, on no log (so in no 300A total); the earlier case stays
    r = rec(tmp_path, Policy(as_of="2024-06-30"), encounters=[
        case("E1"), case("E2", inc="2024-07-02 09:00:00", osha_completed_dt="2024-07-03")])
    later = one(r, "E2")
    assert not later["on_log"] and pd.isna(later["outcome"])
    assert "injured after the as-of date 2024-06-30" in later["log_reason"]
    assert list(r.log["case_key"]) == ["E1"]
    acct = r.accounting.set_index("item")["rows"]
    assert (acct["cases built"], acct["not on the log"], acct["on the log"]) == (2, 1, 1)
    # without an as-of date both are on the log
    assert len(rec(tmp_path / "all", encounters=[
        case("E1"), case("E2", inc="2024-07-02 09:00:00", osha_completed_dt="2024-07-03")]).log
    ) == 2


def test_an_injury_on_the_as_of_date_is_known(tmp_path):
    r = rec(tmp_path, Policy(as_of="2024-03-04"), encounters=[case()])
    assert one(r)["on_log"]


def test_a_death_after_the_as_of_date_makes_no_g(tmp_path):
    # died 03-20, after the as-of date 03-15: as the records stood, a days-away case with
    # 03-05..03-15 = 11 days away so far (estimated); no date of death; no 1904.39 listing
    files = dict(encounters=[case(employee_died="1", employee_deathdate="2024-03-20")],
                 accommodations=[away("E1", "2024-03-05", "2024-03-19")])
    r = rec(tmp_path, Policy(as_of="2024-03-15"), **files)
    row = one(r)
    assert (row["outcome"], row["days_away"], row["days_estimated"]) == ("H", 11, True)
    assert pd.isna(row["date_of_death"])
    assert "died on 2024-03-20, after the as-of date" in row["explanation"]
    assert codes(r, "SEVERE_FATALITY").empty
    # as of the day of death, and with no as-of date: G, no days
    for folder, policy in (("on", Policy(as_of="2024-03-20")), ("none", Policy())):
        row = one(rec(tmp_path / folder, policy, **files))
        assert (row["outcome"], row["days_away"]) == ("G", 0)


def test_a_death_flag_with_no_date_stays_a_death_under_an_as_of_date(tmp_path):
    r = rec(tmp_path, Policy(as_of="2024-03-15"), encounters=[case(employee_died="1")])
    assert one(r)["outcome"] == "G"
