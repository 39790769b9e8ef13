"""``oshakit log``, ``reconcile`` and ``export-ita``: exit codes, files and what they print.

Most tests replace the load and reconcile stages with a hand-made bundle and
reconciliation (rec_stub) so the command layer — and the real pipeline around those two
stages — is tested on known data; the end-to-end tests at the bottom run the whole
pipeline on the shipped sample bundle.
"""

from __future__ import annotations

import pandas as pd
import pytest
from rec_stub import make_rec, stub_bundle

from oshakit import pipeline
from oshakit.cli import main

EMPLOYMENT = [{"establishment_code": "E1", "year": 2024, "annual_average_employees": 40,
               "total_hours_worked": 80_000, "peak_employees": 45}]
ONE_ESTABLISHMENT = [{}]  # rec_stub's default establishment E1
CASES = [
    {"outcome": "H", "days_away": 4, "case_number": "2024-001"},
    {"outcome": "J", "case_number": "2024-002", "privacy": True, "log_name": "Privacy Case",
     "employee_name": "Secret, Sam", "explanation": "Privacy case: intimate body part."},
]


@pytest.fixture
def fake_run(monkeypatch):
    """Make the commands load a hand-made bundle and reconciliation instead of the files."""

    def install(cases=CASES, establishments=ONE_ESTABLISHMENT, employment=EMPLOYMENT,
                exceptions=None):
        monkeypatch.setattr(pipeline, "load_bundle",
                            lambda path: stub_bundle(establishments, employment, path=path))
        monkeypatch.setattr(pipeline, "reconcile",
                            lambda bundle, policy, year: make_rec(cases, exceptions))

    return install


def test_log_prints_a_table(fake_run, tmp_path, capsys):
    fake_run()
    assert main(["log", str(tmp_path), "--year", "2024"]) == 0
    out = capsys.readouterr().out
    assert "OSHA 300 log 2024: 2 case(s)" in out
    assert "2024-001" in out and "Privacy Case" in out
    assert "Secret" not in out  # a privacy case's name never reaches the log


def test_log_writes_csv_with_trace_columns(fake_run, tmp_path):
    fake_run()
    out = tmp_path / "log" / "log.csv"
    assert main(["log", str(tmp_path), "--year", "2024", "--out", str(out)]) == 0
    log = pd.read_csv(out)
    assert {"establishment_code", "case_key", "explanation"} <= set(log.columns)
    assert list(log.case_number) == ["2024-001", "2024-002"]
    assert list(log.log_name) == ["Doe, Jane", "Privacy Case"]
    assert log.date_of_injury[0] == "2024-03-05"


def test_log_for_one_establishment(fake_run, tmp_path, capsys):
    fake_run(cases=[*CASES, {"establishment_code": "E2", "case_number": "2024-900"}],
             employment=[*EMPLOYMENT, {**EMPLOYMENT[0], "establishment_code": "E2"}])
    assert main(["log", str(tmp_path), "--year", "2024", "--establishment", "E2"]) == 0
    out = capsys.readouterr().out
    assert "1 case(s)" in out and "2024-900" in out and "2024-001" not in out


def test_log_unknown_establishment_is_a_usage_error(fake_run, tmp_path, capsys):
    fake_run()
    assert main(["log", str(tmp_path), "--year", "2024", "--establishment", "NOPE"]) == 2
    err = capsys.readouterr().err
    assert "no establishment 'NOPE'" in err and "E1" in err


def test_missing_bundle_folder_exits_2(tmp_path, capsys):
    assert main(["export-ita", str(tmp_path / "nowhere"), "--year", "2024",
                 "--out", str(tmp_path / "out")]) == 2
    assert "bundle folder not found" in capsys.readouterr().err


def test_bad_cap_is_a_usage_error(tmp_path):
    with pytest.raises(SystemExit) as exc:
        main(["log", str(tmp_path), "--year", "2024", "--cap", "sometimes"])
    assert exc.value.code == 2


def test_export_ita_clean_data_exits_0(fake_run, tmp_path, capsys):
    fake_run()
    out = tmp_path / "ita"
    assert main(["export-ita", str(tmp_path), "--year", "2024", "--out", str(out)]) == 0
    assert {p.name for p in out.iterdir()} == {
        "ita_300a.csv", "exceptions.csv", "ita_checks.csv", "README.txt", "run.json",
        "confidential"}
    # the case data (dates of birth and hire of each case) is for the recordkeeper and OSHA
    assert len(pd.read_csv(out / "confidential" / "ita_case_data.csv")) == 2
    assert "1 establishment(s)" in capsys.readouterr().out


def test_export_ita_failing_check_exits_1(fake_run, tmp_path, capsys):
    fake_run(establishments=None)  # no establishments file: name, EIN, address... missing
    out = tmp_path / "ita"
    assert main(["export-ita", str(tmp_path), "--year", "2024", "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert "establishment name missing" in err and "ITA check(s) failed" in err
    checks = pd.read_csv(out / "ita_checks.csv")
    assert not checks.passed.all()
    assert (out / "ita_300a.csv").exists()  # files are written so the auditor can look


def test_export_ita_warning_only_exits_0(fake_run, tmp_path, capsys):
    low_hours = [{**EMPLOYMENT[0], "total_hours_worked": 4_000}]  # 100 hours per employee
    fake_run(employment=low_hours)
    assert main(["export-ita", str(tmp_path), "--year", "2024",
                 "--out", str(tmp_path / "o")]) == 0
    assert "1 ITA warning(s)" in capsys.readouterr().err


def test_reconcile_writes_every_table(fake_run, tmp_path):
    fake_run()
    out = tmp_path / "rec"
    assert main(["reconcile", str(tmp_path), "--year", "2024", "--out", str(out)]) == 0
    assert {p.name for p in out.iterdir()} == {
        "exceptions.csv", "accounting.csv", "eh_diff.csv", "log.csv", "summary_300a.csv",
        "rates.csv", "ita_checks.csv", "filing_duty.csv", "unread.csv", "confidential",
        "README.txt", "run.json"}
    assert {p.name for p in (out / "confidential").iterdir()} == {"cases.csv"}
    summary = pd.read_csv(out / "summary_300a.csv")
    assert summary.total_dafw_cases[0] == 1 and summary.total_dafw_days[0] == 4
    r = pd.read_csv(out / "rates.csv")
    assert r.tcr[0] == pytest.approx(2 * 200_000 / 80_000)


def test_reconcile_exits_1_on_error_exceptions(fake_run, tmp_path, capsys):
    fake_run(exceptions=[{"code": "ORPHAN_CHILD", "severity": "error", "message": "x"}])
    assert main(["reconcile", str(tmp_path), "--year", "2024",
                 "--out", str(tmp_path / "o")]) == 1
    assert "ORPHAN_CHILD" in capsys.readouterr().out


# --- end to end on the shipped sample bundle --------------------------------------------


def _needs_pipeline():
    pytest.importorskip("oshakit.cases", reason="reconciliation not installed yet")
    from oshakit import cases

    if not hasattr(cases, "reconcile"):
        pytest.skip("oshakit.cases.reconcile not available yet")


@pytest.fixture(scope="module")
def sample_year(sample_dir):
    _needs_pipeline()
    if not sample_dir.is_dir():
        pytest.skip("sample bundle not generated yet")
    result = pipeline.run(sample_dir)
    years = result.rec.log["year"]
    return int(years.mode().iloc[0])


def test_end_to_end_on_the_sample(sample_dir, sample_year, tmp_path):
    y = str(sample_year)
    out = tmp_path / "rec"
    assert main(["reconcile", str(sample_dir), "--year", y, "--out", str(out)]) in (0, 1)
    log = pd.read_csv(out / "log.csv")
    summary = pd.read_csv(out / "summary_300a.csv")
    assert len(log) > 0
    # the 300A totals are the log's counts: G..J per establishment add up to its rows
    per_est = log.groupby("establishment_code").size()
    totals = summary.set_index("establishment_code")[
        ["total_deaths", "total_dafw_cases", "total_djtr_cases", "total_other_cases"]
    ].sum(axis=1)
    assert (totals.reindex(per_est.index) == per_est).all()

    ita = tmp_path / "ita"
    code = main(["export-ita", str(sample_dir), "--year", y, "--out", str(ita)])
    checks = pd.read_csv(ita / "ita_checks.csv")
    failed_errors = (~checks.passed & (checks.severity == "error")).any()
    assert code == (1 if failed_errors else 0)
    cases = pd.read_csv(ita / "confidential" / "ita_case_data.csv", dtype=str)
    assert len(cases) == len(log)
    assert cases.date_of_incident.str.fullmatch(r"\d\d/\d\d/\d{4}").all()
    assert set(cases.incident_outcome) <= {"1", "2", "3", "4"}


def test_bad_as_of_on_the_sample_exits_2(sample_dir, sample_year, capsys):
    assert main(["log", str(sample_dir), "--year", str(sample_year), "--as-of", "soon"]) == 2
    assert "as_of" in capsys.readouterr().err


def test_export_ita_year_the_bundle_does_not_cover_exits_2_at_once(fake_run, tmp_path,
                                                                      capsys):
    fake_run()
    assert main(["export-ita", str(tmp_path), "--year", "2031",
                 "--out", str(tmp_path / "o")]) == 2
    assert "no data for 2031; it covers 2024" in capsys.readouterr().err
    assert not (tmp_path / "o").exists()


def test_export_ita_year_with_nothing_to_file_exits_1(fake_run, tmp_path, capsys):
    fake_run(cases=[], employment=[{**EMPLOYMENT[0], "annual_average_employees": None,
                                    "total_hours_worked": None, "peak_employees": None}])
    assert main(["export-ita", str(tmp_path), "--year", "2024",
                 "--out", str(tmp_path / "o")]) == 1
    assert "nothing to file" in capsys.readouterr().err
