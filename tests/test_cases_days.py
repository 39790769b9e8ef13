"""Columns K and L, one known answer per rule of recordkeeping.md section 3.

Every case below is injured on 2024-03-04 (the default of ``case()``) unless the test
says otherwise; the expected counts are calendar days worked out by hand.
"""

from __future__ import annotations

from cases_bundles import EMPLOYEES, away, case, codes, one, rec, restriction, visit

from oshakit.cases import Policy


def test_injury_day_is_never_counted(tmp_path):
    # away 03-05..03-07: three days, none of them the injury day
    r = rec(tmp_path, encounters=[case()], accommodations=[away("E1", "2024-03-05", "2024-03-07")])
    assert one(r)["days_away"] == 3


def test_span_starting_on_the_injury_day_counts_from_the_next_day(tmp_path):
    # 03-04..03-10 -> 03-05..03-10 = 6 days
    r = rec(tmp_path, encounters=[case()], accommodations=[away("E1", "2024-03-04", "2024-03-10")])
    row = one(r)
    assert (row["days_away"], row["outcome"]) == (6, "H")
    assert "counts 2024-03-05 to 2024-03-10 = 6 day(s)" in row["explanation"]


def test_restriction_only_on_the_injury_day_is_not_restricted_work(tmp_path):
    r = rec(tmp_path, encounters=[case()],
            restrictions=[restriction("E1", "2024-03-04", "2024-03-04")])
    row = one(r)
    assert (row["days_restricted"], row["outcome"]) == (0, "J")
    assert "lasts only the injury day" in row["explanation"]


def test_overlapping_spans_of_one_kind_are_counted_once(tmp_path):
    # 03-05..03-10 and 03-08..03-15: union 03-05..03-15 = 11 days (not 6 + 8)
    r = rec(tmp_path, encounters=[case()], accommodations=[
        away("E1", "2024-03-05", "2024-03-10"), away("E1", "2024-03-08", "2024-03-15")])
    assert one(r)["days_away"] == 11


def test_a_day_both_away_and_restricted_is_a_day_away(tmp_path):
    # the physician recommends days away 03-05..03-10 (6) and a restriction 03-08..03-12 (5)
    # of which 03-08..03-10 are away: L = 5 - 3 = 2
    r = rec(tmp_path, encounters=[case()],
            restrictions=[restriction("E1", "2024-03-05", "2024-03-10", kind="Lost Time"),
                          restriction("E1", "2024-03-08", "2024-03-12")])
    row = one(r)
    assert (row["days_away"], row["days_restricted"], row["outcome"]) == (6, 2, "H")
    assert "minus 3 day(s) also away" in row["explanation"]


def test_follow_up_spans_count_for_the_case(tmp_path):
    # the restriction hangs off a follow-up visit that repeats the case number
    r = rec(tmp_path, encounters=[case(case_number="C-1"), visit("E2", case_number="C-1")],
            restrictions=[restriction("E2", "2024-03-10", "2024-03-11")])
    row = one(r, "C-1")
    assert (row["days_restricted"], row["outcome"]) == (2, "I")


def test_open_span_runs_to_the_end_of_the_log_year_and_is_estimated(tmp_path):
    # run on 2026-06-30: the 2024 log's as-of is 2024-12-31; 12-20..12-31 = 12 days
    r = rec(tmp_path, encounters=[case(inc="2024-12-19 08:00:00", osha_completed_dt="2024-12-19")],
            accommodations=[away("E1", "2024-12-20", None)])
    row = one(r)
    assert (row["days_away"], row["days_estimated"]) == (12, True)
    assert "2024-12-31" in row["explanation"]


def test_open_span_runs_to_an_explicit_as_of_date(tmp_path):
    r = rec(tmp_path, Policy(as_of="2024-12-25"),
            encounters=[case(inc="2024-12-19 08:00:00", osha_completed_dt="2024-12-19")],
            accommodations=[away("E1", "2024-12-20", None)])
    assert (one(r)["days_away"], one(r)["days_estimated"]) == (6, True)


def test_closed_span_is_not_estimated(tmp_path):
    r = rec(tmp_path, encounters=[case()], accommodations=[away("E1", "2024-03-05", "2024-03-06")])
    assert not one(r)["days_estimated"]


def test_cross_year_case_stays_on_the_injury_years_log(tmp_path):
    # injured 2024-12-30; away 12-31..2025-01-09 = 1 + 9 = 10 days, all on the 2024 log
    enc = [case(inc="2024-12-30 09:00:00", osha_completed_dt="2025-01-02")]
    acc = [away("E1", "2024-12-31", "2025-01-09")]
    r = rec(tmp_path / "all", encounters=enc, accommodations=acc)
    row = one(r)
    assert (row["year"], row["days_away"], row["on_log"]) == (2024, 10, True)
    assert rec(tmp_path / "y2025", year=2025, encounters=enc, accommodations=acc).cases.empty
    assert len(rec(tmp_path / "y2024", year=2024, encounters=enc, accommodations=acc).log) == 1


def _long_case(tmp_path, policy):
    # injured 2024-01-01; away 01-02..05-31 = 30+29+31+30+31 = 151 days;
    # restricted 06-01..08-31 = 30+31+31 = 92 days
    return one(rec(tmp_path, policy, encounters=[case(inc="2024-01-01 07:00:00",
                                                      osha_completed_dt="2024-01-02")],
                   accommodations=[away("E1", "2024-01-02", "2024-05-31")],
                   restrictions=[restriction("E1", "2024-06-01", "2024-08-31")]))


def test_cap_combined_gives_restricted_days_what_is_left_of_180(tmp_path):
    row = _long_case(tmp_path, Policy(cap="combined"))
    assert (row["days_away"], row["days_restricted"]) == (151, 29)
    assert "capped to 29 (cap combined)" in row["explanation"]


def test_cap_per_column_caps_each_column_alone(tmp_path):
    row = _long_case(tmp_path, Policy(cap="per_column"))
    assert (row["days_away"], row["days_restricted"]) == (151, 92)


def test_cap_none_and_per_column_on_a_year_away(tmp_path):
    # injured 2024-01-01, away 01-02..12-31: 365 days in leap year 2024 minus the injury day
    enc = [case(inc="2024-01-01 07:00:00", osha_completed_dt="2024-01-02")]
    acc = [away("E1", "2024-01-02", "2024-12-31")]
    assert one(rec(tmp_path / "a", Policy(cap="none"), encounters=enc,
                   accommodations=acc))["days_away"] == 365
    assert one(rec(tmp_path / "b", Policy(cap="per_column"), encounters=enc,
                   accommodations=acc))["days_away"] == 180
    assert one(rec(tmp_path / "c", Policy(cap="combined"), encounters=enc,
                   accommodations=acc))["days_away"] == 180


def test_death_counts_no_days(tmp_path):
    r = rec(tmp_path, encounters=[case(employee_died="1", employee_deathdate="2024-03-20")],
            accommodations=[away("E1", "2024-03-05", "2024-03-19")])
    row = one(r)
    assert (row["outcome"], row["days_away"], row["days_restricted"]) == ("G", 0, 0)
    assert str(row["date_of_death"].date()) == "2024-03-20"


def test_permanent_restriction_counts_its_first_countable_day_only(tmp_path):
    r = rec(tmp_path, encounters=[case()],
            restrictions=[restriction("E1", "2024-03-04", None, permanent="1")])
    row = one(r)
    assert (row["days_restricted"], row["outcome"], row["days_estimated"]) == (1, "I", False)
    assert "counts 2024-03-05 to 2024-03-05 = 1 day(s)" in row["explanation"]


def test_deleted_and_revised_rows_do_not_count(tmp_path):
    r = rec(tmp_path, encounters=[case()],
            accommodations=[away("E1", "2024-03-05", "2024-03-10", status="0"),
                            away("E1", "2024-03-05", "2024-03-11", status="2")],
            restrictions=[restriction("E1", "2024-03-05", "2024-03-10", active="0"),
                          restriction("E1", "2024-03-06", "2024-03-10", active="2"),
                          restriction("E1", "2024-03-07", "2024-03-08", active="1")])
    row = one(r)
    # only the active restriction 03-07..03-08 counts
    assert (row["days_away"], row["days_restricted"], row["outcome"]) == (0, 2, "I")
    for why in ("deleted (status=0)", "revised (status=2)", "inactive (active=0)",
                "revised (active=2)"):
        assert why in row["explanation"]


def test_affect_work_zero_is_not_restricted_work(tmp_path):
    r = rec(tmp_path, encounters=[case()],
            restrictions=[restriction("E1", "2024-03-05", "2024-03-20", affect_work="0")])
    assert (one(r)["days_restricted"], one(r)["outcome"]) == (0, "J")


def test_non_occupational_lost_time_does_not_count(tmp_path):
    r = rec(tmp_path, encounters=[case()], accommodations=[
        away("E1", "2024-03-05", "2024-03-10", kind="Lost Time/Non-Occ"),
        away("E1", "2024-03-05", "2024-03-10", kind="Lost Time/Maternity (CA)"),
        away("E1", "2024-03-05", "2024-03-10", kind="Housing"),
    ])
    assert (one(r)["days_away"], one(r)["days_restricted"], one(r)["outcome"]) == (0, 0, "J")


def test_other_lost_time_types_and_lost_time_restrictions_are_days_away(tmp_path):
    r = rec(tmp_path, encounters=[case()],
            accommodations=[away("E1", "2024-03-05", "2024-03-06",
                                 kind="Lost Time/ER LAT Approved")],
            restrictions=[restriction("E1", "2024-03-07", "2024-03-08", kind="Lost Time")])
    assert (one(r)["days_away"], one(r)["days_restricted"]) == (4, 0)


def test_job_transfer_accommodations_are_restricted_days(tmp_path):
    r = rec(tmp_path, encounters=[case()], accommodations=[
        away("E1", "2024-03-05", "2024-03-05", kind="Work Location"),
        away("E1", "2024-03-06", "2024-03-06", kind="Transitional Duty"),
        away("E1", "2024-03-07", "2024-03-07", kind="TDP-Work Area"),
    ])
    assert (one(r)["days_away"], one(r)["days_restricted"], one(r)["outcome"]) == (0, 3, "I")


def test_legacy_totals_are_used_when_the_case_has_no_spans(tmp_path):
    r = rec(tmp_path, encounters=[case(days_away="7", days_restricted="3")])
    row = one(r)
    assert (row["days_away"], row["days_restricted"], row["outcome"]) == (7, 3, "H")
    assert "legacy total incidents.days_away" in row["explanation"]
    assert codes(r, "LEGACY_DAYS_MISMATCH").empty


def test_legacy_minus_one_means_compute(tmp_path):
    r = rec(tmp_path, encounters=[case(days_away="-1", days_restricted="-1")])
    assert (one(r)["days_away"], one(r)["days_restricted"], one(r)["outcome"]) == (0, 0, "J")


def test_spans_win_over_legacy_totals_and_the_difference_is_an_exception(tmp_path):
    r = rec(tmp_path, encounters=[case(days_away="9")],
            accommodations=[away("E1", "2024-03-05", "2024-03-06")])
    assert one(r)["days_away"] == 2
    found = codes(r, "LEGACY_DAYS_MISMATCH")
    assert len(found) == 1 and "days_away=9" in found["message"].iloc[0]


def test_span_ending_before_it_starts_is_dropped_and_reported(tmp_path):
    r = rec(tmp_path, encounters=[case()], accommodations=[away("E1", "2024-03-10", "2024-03-05")])
    assert one(r)["days_away"] == 0
    assert len(codes(r, "SPAN_END_BEFORE_START")) == 1


def test_span_with_no_start_is_dropped_and_reported(tmp_path):
    r = rec(tmp_path, encounters=[case()], accommodations=[away("E1", None, "2024-03-05")])
    assert one(r)["days_away"] == 0
    assert len(codes(r, "SPAN_NO_START")) == 1


def test_permanent_lost_time_is_an_estimate_to_the_as_of_date(tmp_path):
    # an employee who never returns: counted to the as-of date, then capped (FAQ 366)
    r = rec(tmp_path, encounters=[case()],
            restrictions=[restriction("E1", "2024-03-05", None, kind="Lost Time", permanent="1")])
    row = one(r)
    # 03-05..12-31 = 27 + 30 + 31 + 30 + 31 + 31 + 30 + 31 + 30 + 31 = 302 -> cap 180
    assert (row["days_away"], row["days_estimated"]) == (180, True)


def test_an_explicit_as_of_date_stops_closed_spans_too(tmp_path):
    # run "as of" 03-10: a span planned to end 03-20 counts 03-05..03-10 = 6, estimated
    r = rec(tmp_path, Policy(as_of="2024-03-10"), encounters=[case()],
            accommodations=[away("E1", "2024-03-05", "2024-03-20")])
    assert (one(r)["days_away"], one(r)["days_estimated"]) == (6, True)
    assert "stops at the as-of date" in one(r)["explanation"]


def test_explain_finds_a_case_by_number(tmp_path):
    r = rec(tmp_path, encounters=[case(case_number="C-1")])
    assert r.explain("C-1").startswith("Case C-1 (key C-1)")


def test_days_after_the_run_date_do_not_count_yet(tmp_path):
    # run on 2026-06-30 (TODAY); a span planned to end 07-10 counts 06-02..06-30 = 29, estimated
    r = rec(tmp_path, encounters=[case(inc="2026-06-01 09:00:00", osha_completed_dt="2026-06-02")],
            accommodations=[away("E1", "2026-06-02", "2026-07-10")])
    assert (one(r)["days_away"], one(r)["days_estimated"]) == (29, True)


# --- who decides the days away: 1904.7(b)(3)(ii)-(iii) --------------------------------------
# The physician's recommendations (restrictions file) decide the days away from the first
# one on; the employer's absence records (accommodations) count only before it.


def test_days_the_employee_stays_home_after_a_release_do_not_count(tmp_path):
    # physician: off work 03-05..03-10, then released; employer: absent 03-05..03-20.
    # K = 03-05..03-10 = 6; the 10 days 03-11..03-20 are dropped (1904.7(b)(3)(iii))
    r = rec(tmp_path, encounters=[case()],
            restrictions=[restriction("E1", "2024-03-05", "2024-03-10", kind="Lost Time")],
            accommodations=[away("E1", "2024-03-05", "2024-03-20")])
    row = one(r)
    assert (row["days_away"], row["days_restricted"], row["outcome"]) == (6, 0, "H")
    assert "1904.7(b)(3)(ii)-(iii)" in row["explanation"]
    assert "10 day(s) the employer's records show away are not days away: 2024-03-11 to " \
           "2024-03-20" in row["explanation"]
    found = codes(r, "ABSENCE_NOT_RECOMMENDED")
    assert len(found) == 1 and found["message"].iloc[0].startswith("10 day(s)")
    assert (found["file"].iloc[0], found["severity"].iloc[0]) == ("accommodations.csv", "info")


def test_recommended_days_away_count_even_if_the_employee_came_in(tmp_path):
    # physician: off work 03-05..03-08 (4 days); employer: transitional duty 03-05..03-12.
    # K = 4 (1904.7(b)(3)(ii)); L = 03-05..03-12 (8) minus the 4 days away = 4
    r = rec(tmp_path, encounters=[case()],
            restrictions=[restriction("E1", "2024-03-05", "2024-03-08", kind="Lost Time")],
            accommodations=[away("E1", "2024-03-05", "2024-03-12", kind="Transitional Duty")])
    row = one(r)
    assert (row["days_away"], row["days_restricted"], row["outcome"]) == (4, 4, "H")
    assert "4 day(s) away on the physician's recommendation that the employer's records " \
           "show as worked: 2024-03-05 to 2024-03-08" in row["explanation"]


def test_days_away_on_the_physicians_word_after_the_employer_marks_a_return(tmp_path):
    # physician: off work 03-05..03-10; employer: absent 03-05..03-06 only (back 03-07).
    # K = 6: the physician decides (1904.7(b)(3)(ii)); 03-07..03-10 are listed
    r = rec(tmp_path, encounters=[case()],
            restrictions=[restriction("E1", "2024-03-05", "2024-03-10", kind="Lost Time")],
            accommodations=[away("E1", "2024-03-05", "2024-03-06")])
    row = one(r)
    assert (row["days_away"], row["days_restricted"]) == (6, 0)
    assert "4 day(s) away on the physician's recommendation that the employer's records " \
           "show as worked: 2024-03-07 to 2024-03-10" in row["explanation"]
    assert codes(r, "ABSENCE_NOT_RECOMMENDED").empty  # no employer day dropped


def test_absence_before_the_first_recommendation_counts(tmp_path):
    # employer: absent 03-05..03-12; first physician visit 03-08: lifting restriction
    # 03-08..03-15. K = 03-05..03-07 = 3 (no recommendation yet); from 03-08 the physician
    # recommends work: the absent 03-08..03-12 are not days away; L = 03-08..03-15 = 8
    r = rec(tmp_path, encounters=[case()],
            accommodations=[away("E1", "2024-03-05", "2024-03-12")],
            restrictions=[restriction("E1", "2024-03-08", "2024-03-15")])
    row = one(r)
    assert (row["days_away"], row["days_restricted"], row["outcome"]) == (3, 8, "H")
    assert "counted up to the day before 2024-03-08" in row["explanation"]
    assert "2024-03-08 to 2024-03-12" in row["explanation"]


def test_a_recommendation_that_keeps_every_function_also_decides(tmp_path):
    # physician: splint, affect_work=0 (may do every routine function) 03-05..03-20;
    # employer: absent 03-05..03-10. No day away, no restricted day: J
    r = rec(tmp_path, encounters=[case()],
            restrictions=[restriction("E1", "2024-03-05", "2024-03-20", kind="Splint",
                                      affect_work="0")],
            accommodations=[away("E1", "2024-03-05", "2024-03-10")])
    row = one(r)
    assert (row["days_away"], row["days_restricted"], row["outcome"]) == (0, 0, "J")


def test_without_a_recommendation_the_employers_records_count(tmp_path):
    # no restriction row: the employer's absence 03-05..03-20 = 16 days, plus a transfer
    r = rec(tmp_path, encounters=[case()],
            accommodations=[away("E1", "2024-03-05", "2024-03-20"),
                            away("E1", "2024-03-21", "2024-03-25", kind="Work Location")])
    row = one(r)
    assert (row["days_away"], row["days_restricted"]) == (16, 5)
    assert codes(r, "ABSENCE_NOT_RECOMMENDED").empty


def test_a_recommendation_dated_after_the_as_of_date_decides_nothing_yet(tmp_path):
    # as of 03-10 the physician's restriction of 03-15 does not exist: the open employer
    # absence from 03-05 counts to 03-10 = 6, estimated
    r = rec(tmp_path, Policy(as_of="2024-03-10"), encounters=[case()],
            accommodations=[away("E1", "2024-03-05", None)],
            restrictions=[restriction("E1", "2024-03-15", "2024-03-20")])
    row = one(r)
    assert (row["days_away"], row["days_restricted"], row["days_estimated"]) == (6, 0, True)


def test_eh_compat_adds_the_employers_days_as_before(tmp_path):
    files = dict(encounters=[case()],
                 restrictions=[restriction("E1", "2024-03-05", "2024-03-10", kind="Lost Time")],
                 accommodations=[away("E1", "2024-03-05", "2024-03-20")])
    eh = rec(tmp_path / "eh", Policy(eh_compat=True), **files)
    assert one(eh)["days_away"] == 16  # 03-05..03-20, the union of both records
    kit = rec(tmp_path / "kit", **files)
    got = kit.eh_diff.iloc[0]
    assert (got["days_away"], got["eh_days_away"]) == (6, 16)
    assert "physician's recommendations overrule" in got["reason"]
    assert "drops 10 day(s)" in got["reason"]


# --- estimates are expected totals: 1904.7(b)(3)(ix) ------------------------------------------


def test_open_restriction_runs_to_its_expected_end(tmp_path):
    # as of 03-20 the restriction from 03-05 is open, expected to end 03-31:
    # L = 03-05..03-31 = 27 (the total expected), not 03-05..03-20 = 16 (the days so far)
    r = rec(tmp_path, Policy(as_of="2024-03-20"), encounters=[case()],
            restrictions=[restriction("E1", "2024-03-05", None, est_end_date="2024-03-31")])
    row = one(r)
    assert (row["days_restricted"], row["days_estimated"], row["outcome"]) == (27, True, "I")
    assert "expected end 2024-03-31 (est_end_date; estimated)" in row["explanation"]
    assert "1904.7(b)(3)(ix)" in row["explanation"]
    assert "11 day(s) after the as-of date are counted as expected" in row["explanation"]
    assert codes(r, "EXPECTED_END_PASSED").empty


def test_expected_end_of_a_span_still_running_at_the_as_of_date(tmp_path):
    # the end date 03-25 was written after the as-of date 03-10; at 03-10 the restriction
    # was expected to end 03-20: L = 03-05..03-20 = 16, estimated
    r = rec(tmp_path, Policy(as_of="2024-03-10"), encounters=[case()],
            restrictions=[restriction("E1", "2024-03-05", "2024-03-25",
                                      est_end_date="2024-03-20")])
    assert (one(r)["days_restricted"], one(r)["days_estimated"]) == (16, True)


def test_lost_time_restriction_with_an_expected_return_counts_the_expected_days_away(tmp_path):
    # off work from 03-05, expected back 04-14: as of 03-31, K = 03-05..04-14 = 27 + 14 = 41
    r = rec(tmp_path, Policy(as_of="2024-03-31"), encounters=[case()],
            restrictions=[restriction("E1", "2024-03-05", None, kind="Lost Time",
                                      est_end_date="2024-04-14")])
    assert (one(r)["days_away"], one(r)["outcome"]) == (41, "H")


def test_accommodations_have_no_expected_end_and_run_to_the_as_of_date(tmp_path):
    r = rec(tmp_path, Policy(as_of="2024-03-20"), encounters=[case()],
            accommodations=[away("E1", "2024-03-05", None)])
    assert (one(r)["days_away"], one(r)["days_estimated"]) == (16, True)  # 03-05..03-20


def test_an_expected_end_that_has_passed_is_counted_to_and_reported(tmp_path):
    # as of 06-30 the restriction from 03-05 is still open, expected to end 03-31:
    # L = 27 (to the expected end, as the rule says), and a warning asks for the real end
    r = rec(tmp_path, Policy(as_of="2024-06-30"), encounters=[case()],
            restrictions=[restriction("E1", "2024-03-05", None, est_end_date="2024-03-31")])
    assert one(r)["days_restricted"] == 27
    found = codes(r, "EXPECTED_END_PASSED")
    assert len(found) == 1 and found["severity"].iloc[0] == "warning"
    assert "2024-03-31" in found["message"].iloc[0]


def test_a_closed_span_ignores_its_expected_end(tmp_path):
    # ended 03-12 (before the as-of date): the actual end, 8 days, not the old estimate
    r = rec(tmp_path, encounters=[case()],
            restrictions=[restriction("E1", "2024-03-05", "2024-03-12",
                                      est_end_date="2024-03-31")])
    assert (one(r)["days_restricted"], one(r)["days_estimated"]) == (8, False)


def test_eh_compat_ignores_expected_ends(tmp_path):
    # EH counts the open restriction to its run date 2026-06-30 and caps at 180
    files = dict(encounters=[case()],
                 restrictions=[restriction("E1", "2024-03-05", None, est_end_date="2024-03-31")])
    assert one(rec(tmp_path / "eh", Policy(eh_compat=True), **files))["days_restricted"] == 180
    got = rec(tmp_path / "kit", **files).eh_diff.iloc[0]
    assert (got["days_restricted"], got["eh_days_restricted"]) == (27, 180)
    assert "est_end_date" in got["reason"]


def test_absent_optional_columns_change_no_number(tmp_path):
    enc = [case()]
    acc = [away("E1", "2024-03-05", "2024-03-09")]
    plain = rec(tmp_path / "a", encounters=enc, accommodations=acc,
                restrictions=[restriction("E1", "2024-03-10", None)])
    blank = rec(tmp_path / "b", encounters=[case(privacy_reason=None)], accommodations=acc,
                restrictions=[restriction("E1", "2024-03-10", None, est_end_date=None)],
                employees=[dict(e, termination_date=None, termination_reason=None)
                           for e in EMPLOYEES])
    # K = 03-05..03-09 = 5; the open restriction runs to the end of the log year:
    # 03-10..12-31 = 22 + 275 = 297 days, capped to 180 - 5 = 175 (cap combined)
    cols = ["days_away", "days_restricted", "days_estimated", "outcome", "privacy"]
    assert one(plain)[cols].tolist() == one(blank)[cols].tolist() == [5, 175, True, "H", False]


# --- as-of: the records as they stood on that date -----------------------------------------


def test_as_of_inside_a_span_counts_the_days_to_it(tmp_path):
    # away 03-05..03-31, as of 03-20: 03-05..03-20 = 16 days, estimated
    r = rec(tmp_path, Policy(as_of="2024-03-20"), encounters=[case()],
            accommodations=[away("E1", "2024-03-05", "2024-03-31")])
    assert (one(r)["days_away"], one(r)["days_estimated"]) == (16, True)


def test_a_span_starting_after_the_as_of_date_does_not_count(tmp_path):
    r = rec(tmp_path, Policy(as_of="2024-03-20"), encounters=[case()],
            restrictions=[restriction("E1", "2024-03-21", "2024-03-31")])
    row = one(r)
    assert (row["days_restricted"], row["outcome"]) == (0, "J")
    assert "falls after the as-of date" in row["explanation"]


# --- spans the log year's end does not bound --------------------------------------------------


def test_an_open_span_starting_after_the_log_year_runs_to_the_run_date(tmp_path):
    # injured 2024-12-30, off work from 2025-01-02 and still off on the run date 2026-06-30:
    # the days stay on the 2024 case (1904.7(b)(3)(ix)); 2025-01-02..2026-06-30 = 364 + 181
    # = 545 days, capped at 180, estimated -- not an "other recordable" case with 0 days
    r = rec(tmp_path, encounters=[case(inc="2024-12-30 10:00:00", osha_completed_dt="2024-12-31")],
            accommodations=[away("E1", "2025-01-02", None)])
    row = one(r)
    assert (row["year"], row["outcome"], row["days_away"], row["days_estimated"]) == \
        (2024, "H", 180, True)


def test_a_permanent_restriction_starting_after_the_log_year_still_counts_a_day(tmp_path):
    # injured 2024-12-31; permanent restriction from 2025-01-02: its first countable day
    # counts (OSHA FAQ 365), so the case is a restricted-work case with L = 1
    r = rec(tmp_path, encounters=[case(inc="2024-12-31 10:00:00", osha_completed_dt="2024-12-31")],
            restrictions=[restriction("E1", "2025-01-02", None, permanent="1")])
    row = one(r)
    assert (row["outcome"], row["days_restricted"]) == ("I", 1)


def test_an_expected_end_never_extends_a_recorded_end(tmp_path):
    # run date 2026-06-30; restriction 06-02..07-15 (the end is the plan), est_end_date
    # 09-30: counted to the recorded end, 06-02..07-15 = 29 + 15 = 44 days, estimated
    r = rec(tmp_path, encounters=[case(inc="2026-06-01 09:00:00", osha_completed_dt="2026-06-02")],
            restrictions=[restriction("E1", "2026-06-02", "2026-07-15",
                                      est_end_date="2026-09-30")])
    assert (one(r)["days_restricted"], one(r)["days_estimated"]) == (44, True)
