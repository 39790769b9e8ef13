"""``pipeline.run``: one composition of the stages, one Result; the year and establishment
a result is for; what a notebook opens."""

from __future__ import annotations

import pandas as pd
import pytest

from oshakit import pipeline
from oshakit.cases import Policy
from oshakit.errors import OshakitError


def test_the_sample_covers_its_injury_and_employment_years(sample_result):
    # The sample's encounters open cases in 2023, 2024 and 2025 (docs/sample.md).
    assert sample_result.years == (2023, 2024, 2025)
    assert sample_result.establishments == ("PLT01", "PLT02", "PLT03")


def test_a_year_the_bundle_does_not_cover_is_refused_naming_the_years_it_does(sample_bundle):
    with pytest.raises(OshakitError, match=r"no data for 2019; it covers 2023, 2024, 2025"):
        pipeline.run(sample_bundle, 2019)


def test_an_unknown_establishment_is_refused_naming_the_known_ones(sample_bundle):
    with pytest.raises(OshakitError, match=r"no establishment 'NOPE'.*PLT01, PLT02, PLT03"):
        pipeline.run(sample_bundle, 2024, establishment="NOPE")


def test_one_years_run_equals_the_every_year_run_cut_to_that_year(sample_bundle,
                                                                   sample_result):
    one = pipeline.run(sample_bundle, 2024, Policy(today=sample_result.policy.today))
    cut = sample_result.select(year=2024)
    pd.testing.assert_frame_equal(one.rec.cases, cut.rec.cases)
    pd.testing.assert_frame_equal(one.summaries, cut.summaries)
    pd.testing.assert_frame_equal(one.checks, cut.checks)
    pd.testing.assert_frame_equal(one.rates, cut.rates)
    assert one.fingerprint == sample_result.fingerprint  # same inputs, same policy


def test_with_an_as_of_date_a_years_run_still_has_the_trailing_twelve_months(sample_bundle):
    # as of 2024-06-30 the trailing 12 months are 2023-07-01..2024-06-30: half of them lie
    # in 2023, so a run asked for 2024 alone must have read 2023 too, as the batch does
    policy = Policy(as_of="2024-06-30", today="2026-06-30")
    one = pipeline.run(sample_bundle, 2024, policy)
    cut = pipeline.run(sample_bundle, None, policy).select(year=2024)
    assert one.fingerprint == cut.fingerprint
    assert one.rates["ttm_tcr"].notna().all()
    pd.testing.assert_frame_equal(one.rates, cut.rates)
    pd.testing.assert_frame_equal(one.summaries, cut.summaries)


def test_run_for_one_establishment_keeps_only_its_rows(sample_bundle, sample_result):
    one = pipeline.run(sample_bundle, 2024, establishment="PLT02")
    whole_2024 = sample_result.select(year=2024)
    expected_cases = int((whole_2024.log["establishment_code"] == "PLT02").sum())
    assert len(one.log) == expected_cases > 0
    for table in (one.summaries, one.rates, one.checks):
        assert set(table["establishment_code"]) == {"PLT02"}


def test_the_fingerprint_follows_the_policy_not_the_slice(sample_bundle, sample_result):
    assert sample_result.select(year=2024, establishment="PLT01").fingerprint \
        == sample_result.fingerprint
    other = pipeline.run(sample_bundle, 2024, Policy(cap="none"))
    assert other.fingerprint != sample_result.fingerprint


def test_result_for_opens_a_saved_result_and_refuses_policy_options_with_it(
        tmp_path, sample_result):
    sample_result.save(tmp_path / "r")
    opened = pipeline.result_for(year=2024, result_dir=tmp_path / "r", establishment="PLT03")
    assert opened.fingerprint == sample_result.fingerprint
    assert set(opened.log["establishment_code"]) <= {"PLT03"}
    with pytest.raises(OshakitError, match="carries its own policy: drop as_of"):
        pipeline.result_for(year=2024, result_dir=tmp_path / "r", as_of="2024-06-30")


def test_result_for_without_a_saved_result_runs_under_the_options_given():
    result = pipeline.result_for(None, 2024, cap="per_column", as_of="2024-12-31")
    assert (result.policy.cap, str(result.policy.as_of)) == ("per_column", "2024-12-31")


def test_a_reject_that_feeds_the_years_log_makes_the_result_incomplete(make_bundle, tmp_path):
    bundle = make_bundle(tmp_path / "b", {
        "encounters_incidents.csv": (
            "encounters.ext_id,encounters.pat_id,encounters.pat_id_type,"
            "incidents.inc_datetime,incidents.osha_completed_dt\n"
            "E1,u1,id:username,2024-02-03 10:00:00,2024-02-04\n"
            "E2,u2,id:username,2024-02-30 10:00:00,2024-03-01\n"),  # no 30 February
    })
    result = pipeline.run(bundle, 2024)
    assert not result.complete
    assert result.unread[["file", "line", "column"]].values.tolist() == [
        ["encounters_incidents.csv", 3, "incidents.inc_datetime"]]
    assert result.unread["year"].tolist() == [2024]
    assert result.notice() == ("Prepared from an incomplete bundle: 1 cell could not be read "
                               "(encounters_incidents.csv); listed in unread.csv. The figures "
                               "may be wrong.")
