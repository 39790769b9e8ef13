"""The helpers the CLI and notebook share: log table, explanations, exception counts."""

from __future__ import annotations

import pandas as pd
import pytest
from rec_stub import make_rec

from oshakit import pipeline
from oshakit.errors import OshakitError

CASES = [
    {"case_number": "A-1", "establishment_code": "E1", "explanation": "why A-1"},
    {"case_number": "B-1", "establishment_code": "E2", "explanation": "why B-1",
     "date_of_injury": "2024-01-02"},
    {"case_number": "N-1", "on_log": False, "outcome": None, "explanation": "why not N-1"},
]


def test_log_table_columns_and_establishment_filter():
    rec = make_rec(CASES)
    log = pipeline.log_table(rec)
    assert list(log.columns) == pipeline.LOG_COLUMNS
    assert list(log.case_number) == ["A-1", "B-1"]  # N-1 is not on the log
    assert list(pipeline.log_table(rec, "E2").case_number) == ["B-1"]


def test_explain_by_case_number_or_key():
    rec = make_rec(CASES)
    assert pipeline.explain(rec, "B-1") == "why B-1"
    assert pipeline.explain(rec, "K3") == "why not N-1"  # case key; off-log cases too
    assert pipeline.explain(rec) == "why A-1"  # no case named: the first on the log
    with pytest.raises(OshakitError, match="no case 'Z-9'"):
        pipeline.explain(rec, "Z-9")


def test_exceptions_by_severity_errors_first():
    rec = make_rec([], exceptions=[
        {"code": "W", "severity": "warning"}, {"code": "W", "severity": "warning"},
        {"code": "E", "severity": "error"},
    ])
    counts = pipeline.exceptions_by_severity(rec.exceptions)
    assert counts.values.tolist() == [["error", "E", 1], ["warning", "W", 2]]


def test_write_outputs_none_writes_nothing():
    assert pipeline.write_outputs(None, None) == {}


def test_run_for_one_establishment_keeps_only_its_rows(tmp_path):
    whole = pipeline.run(None, 2024)
    one = pipeline.run(None, 2024, establishment="PLT02")
    expected_cases = int((whole.rec.log["establishment_code"] == "PLT02").sum())
    assert len(one.rec.log) == expected_cases > 0
    assert set(one.summaries["establishment_code"]) == {"PLT02"}
    assert set(one.rates["establishment_code"]) == {"PLT02"}
    assert set(one.checks["establishment_code"]) == {"PLT02"}
    pipeline.write_outputs(one, tmp_path, ita=True)
    written = pd.read_csv(tmp_path / "log.csv")
    assert set(written["establishment_code"]) == {"PLT02"}
    assert len(pd.read_csv(tmp_path / "ita" / "ita_case_data.csv")) == expected_cases


def test_run_for_an_unknown_establishment_is_a_clear_error():
    with pytest.raises(OshakitError, match="no establishment 'NOPE'"):
        pipeline.run(None, 2024, establishment="NOPE")
