"""The Result: one computation, sliced by year and establishment, saved and opened again."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from oshakit.cases import Policy
from oshakit.errors import OshakitError
from oshakit.result import RESULT_JSON, Result, computation_fingerprint


def test_a_saved_result_opens_with_the_same_tables_and_fingerprint(tmp_path, sample_result):
    sample_result.save(tmp_path)
    opened = Result.open(tmp_path)
    assert opened.fingerprint == sample_result.fingerprint
    assert opened.policy == sample_result.policy
    assert (opened.years, opened.establishments) == (sample_result.years,
                                                     sample_result.establishments)
    for name in ("cases", "exceptions", "accounting", "eh_diff"):
        pd.testing.assert_frame_equal(getattr(opened.rec, name), getattr(sample_result.rec, name))
    pd.testing.assert_frame_equal(opened.log, sample_result.log)
    pd.testing.assert_frame_equal(opened.summaries, sample_result.summaries)
    assert opened.bundle is None  # nothing to reload: a view never recomputes


def test_a_saved_result_records_the_policy_and_no_absolute_path(tmp_path, sample_result):
    sample_result.save(tmp_path)
    meta = json.loads((tmp_path / RESULT_JSON).read_text())
    assert meta["policy"] == sample_result.policy.to_dict()
    assert meta["source"] == "sample"  # the bundle folder's name, not where it lives
    assert "/" not in json.dumps(meta["source"])


def test_a_result_from_another_kit_version_is_refused(tmp_path, sample_result):
    sample_result.save(tmp_path)
    meta = json.loads((tmp_path / RESULT_JSON).read_text())
    meta["fingerprint"] = "0" * 16
    (tmp_path / RESULT_JSON).write_text(json.dumps(meta))
    with pytest.raises(OshakitError, match="another kit version"):
        Result.open(tmp_path)


def test_opening_a_folder_without_a_result_is_a_clear_error(tmp_path):
    with pytest.raises(OshakitError, match="no saved result"):
        Result.open(tmp_path)


def test_select_cuts_every_table_to_the_year_and_establishment(sample_result):
    one = sample_result.select(year=2024, establishment="PLT01")
    assert (one.year, one.establishment) == (2024, "PLT01")
    assert set(one.log["year"]) == {2024} and set(one.log["establishment_code"]) == {"PLT01"}
    for table in (one.summaries, one.checks, one.rates):
        assert set(zip(table["establishment_code"], table["year"], strict=True)) == {
            ("PLT01", 2024)}
    # exceptions of no establishment (e.g. orphan rows) belong to no establishment's view
    assert one.exceptions["establishment_code"].eq("PLT01").all()
    with pytest.raises(OshakitError, match="covers 2024 only"):
        one.select(year=2025)


def test_the_fingerprint_is_the_kit_version_inputs_and_policy():
    policy = Policy(today="2025-01-15")
    a = computation_fingerprint("abc", policy)
    assert a == computation_fingerprint("abc", Policy(today="2025-01-15"))
    assert a != computation_fingerprint("abd", policy)
    assert a != computation_fingerprint("abc", Policy(today="2025-01-16"))
    assert len(a) == 16 and int(a, 16) >= 0


def test_select_refuses_a_year_the_bundle_does_not_cover(sample_result):
    with pytest.raises(OshakitError, match=r"no data for 2019; it covers 2023, 2024, 2025"):
        sample_result.select(year=2019)


def test_an_establishments_accounting_keeps_the_bundle_rows_and_only_its_own(sample_result):
    whole = sample_result.rec.accounting
    one = sample_result.select(establishment="PLT02").rec.accounting
    codes = set(one["establishment_code"].dropna())
    assert codes == {"PLT02"}
    assert one["establishment_code"].isna().sum() == whole["establishment_code"].isna().sum()
