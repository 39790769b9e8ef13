"""The employee leaves the company (1904.7(b)(3)(viii)): employees.termination_date and
termination_reason. Injured 2024-03-04 (``case()``); away 03-05..03-31 = 27 days unless
counting stops."""

from __future__ import annotations

import pytest
from cases_bundles import EMPLOYEES, away, case, codes, one, rec

from oshakit.cases import Policy


def _left(date, reason):
    return [dict(EMPLOYEES[0], termination_date=date, termination_reason=reason), EMPLOYEES[1]]


ABSENT = [away("E1", "2024-03-05", "2024-03-31")]


@pytest.mark.parametrize("reason", ["Retired", "Plant closing", "Took another job",
                                    "Resigned - unrelated to the injury"])
def test_counting_stops_when_the_employee_leaves_for_an_unrelated_reason(tmp_path, reason):
    # left 03-15: K = 03-05..03-15 = 11, final (not an estimate)
    r = rec(tmp_path, encounters=[case()], accommodations=ABSENT,
            employees=_left("2024-03-15", reason))
    row = one(r)
    assert (row["days_away"], row["days_estimated"], row["outcome"]) == (11, False, "H")
    assert "left on 2024-03-15" in row["explanation"]
    assert "1904.7(b)(3)(viii)" in row["explanation"]
    assert "16 day(s) after it not counted" in row["explanation"]  # 03-16..03-31
    assert codes(r, "TERMINATION_NO_REASON").empty


def test_an_open_span_stops_at_the_termination_and_is_no_longer_an_estimate(tmp_path):
    r = rec(tmp_path, encounters=[case()], accommodations=[away("E1", "2024-03-05", None)],
            employees=_left("2024-03-15", "Retired"))
    assert (one(r)["days_away"], one(r)["days_estimated"]) == (11, False)


@pytest.mark.parametrize("reason", ["Medical separation: unable to return after the injury",
                                    "Disability retirement", "Workers' comp settlement"])
def test_a_reason_that_names_the_injury_keeps_the_count_going(tmp_path, reason):
    r = rec(tmp_path, encounters=[case()], accommodations=ABSENT,
            employees=_left("2024-03-15", reason))
    row = one(r)
    assert row["days_away"] == 27
    assert "the reason names the injury or illness, so days keep counting" in row["explanation"]


@pytest.mark.parametrize("reason", ["Resigned due to back pain",
                                    "Separated: restrictions could not be accommodated",
                                    "FMLA leave exhausted"])
def test_a_reason_about_the_health_or_the_restrictions_keeps_the_count_going(tmp_path, reason):
    r = rec(tmp_path, encounters=[case()], accommodations=ABSENT,
            employees=_left("2024-03-15", reason))
    assert one(r)["days_away"] == 27


def test_a_reason_that_says_neither_keeps_the_count_going_and_asks(tmp_path):
    # "Resigned" does not say the injury had nothing to do with it: the rule lets the
    # count stop only for an unrelated reason, so it goes on (27 days) and asks
    r = rec(tmp_path, encounters=[case()], accommodations=ABSENT,
            employees=_left("2024-03-15", "Resigned"))
    assert one(r)["days_away"] == 27
    found = codes(r, "TERMINATION_NO_REASON")
    assert len(found) == 1 and "('Resigned') does not say" in found["message"].iloc[0]


def test_no_reason_keeps_the_count_going_and_asks_for_it(tmp_path):
    r = rec(tmp_path, encounters=[case()], accommodations=ABSENT,
            employees=_left("2024-03-15", None))
    assert one(r)["days_away"] == 27
    found = codes(r, "TERMINATION_NO_REASON")
    assert len(found) == 1 and found["severity"].iloc[0] == "warning"
    assert "2024-03-15" in found["message"].iloc[0]


def test_the_policy_can_keep_counting_after_an_unrelated_termination(tmp_path):
    # "you may stop counting": stop_at_termination=False counts on
    r = rec(tmp_path, Policy(stop_at_termination=False), encounters=[case()],
            accommodations=ABSENT, employees=_left("2024-03-15", "Retired"))
    assert one(r)["days_away"] == 27
    assert "stop_at_termination is off" in one(r)["explanation"]


def test_a_termination_before_the_injury_is_ignored_and_reported(tmp_path):
    r = rec(tmp_path, encounters=[case()], accommodations=ABSENT,
            employees=_left("2024-01-31", "Retired"))
    assert one(r)["days_away"] == 27
    assert len(codes(r, "TERMINATION_BEFORE_INJURY")) == 1


def test_a_termination_after_the_as_of_date_is_not_known_yet(tmp_path):
    # as of 03-20: K = 03-05..03-20 = 16 (estimated); the termination of 03-25 is unknown
    r = rec(tmp_path, Policy(as_of="2024-03-20"), encounters=[case()], accommodations=ABSENT,
            employees=_left("2024-03-25", "Retired"))
    row = one(r)
    assert (row["days_away"], row["days_estimated"]) == (16, True)
    assert "after the as-of date: not known yet" in row["explanation"]


def test_a_termination_on_the_injury_day_counts_no_day(tmp_path):
    r = rec(tmp_path, encounters=[case()], accommodations=ABSENT,
            employees=_left("2024-03-04", "Laid off (plant closing)"))
    assert (one(r)["days_away"], one(r)["outcome"]) == (0, "J")


def test_restricted_days_stop_too(tmp_path):
    # transfer 03-05..03-31, left 03-10 (retired): L = 03-05..03-10 = 6
    r = rec(tmp_path, encounters=[case()],
            accommodations=[away("E1", "2024-03-05", "2024-03-31", kind="Work Location")],
            employees=_left("2024-03-10", "Retired"))
    assert (one(r)["days_restricted"], one(r)["outcome"]) == (6, "I")


def test_eh_compat_counts_past_the_termination(tmp_path):
    files = dict(encounters=[case()], accommodations=ABSENT,
                 employees=_left("2024-03-15", "Retired"))
    assert one(rec(tmp_path / "eh", Policy(eh_compat=True), **files))["days_away"] == 27
    got = rec(tmp_path / "kit", **files).eh_diff.iloc[0]
    assert (got["days_away"], got["eh_days_away"]) == (11, 27)
    assert "termination" in got["reason"] and "1904.7(b)(3)(viii)" in got["reason"]
