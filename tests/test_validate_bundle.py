"""Validation of whole bundles: the shipped sample is clean, every generated defect is found."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from oshakit.bundle import load_bundle
from oshakit.cli import main
from oshakit.validate import validate

#: defects.csv ``kind`` of a validate-caught defect -> the check (last part of the id) that
#: must report it. Loader-caught defects must appear as expectation ``loader.<kind>``.
CHECK_OF_DEFECT = {
    "recordable_not_work_related": "recordable_but_not_work_related",
    "recordable_no_itype": "recordable_needs_type",
    "death_no_date": "death_needs_date",
    "recordable_before_injury": "before_injury",
    "non_osha_recordable": "recordable_but_not_osha",
    "unknown_employee": "employee_exists",
    "unknown_establishment": "establishment_exists",
    "required_missing": "not_null",
    "orphan": "encounter_exists",
    "span_order": "span_order",
    "zip_format": "zip",
    "ein_format": "ein",
    "naics_format": "naics",
    "hours_per_employee": "hours_per_employee",
}


@pytest.fixture(scope="module")
def defects_run(defects_dir, tmp_path_factory):
    out = tmp_path_factory.mktemp("defects_out")
    v = validate(load_bundle(defects_dir), out, docs=False)
    return v, pd.read_csv(defects_dir / "defects.csv", keep_default_na=False), out


def test_every_defect_is_found_at_its_file_and_line(defects_run):
    v, defects, out = defects_run
    findings = pd.read_csv(out / "findings.csv", keep_default_na=False)
    assert len(defects) > 20
    missed = []
    for d in defects.itertuples(index=False):
        at = (findings["file"] == d.file) & (findings["line"].astype(str) == str(d.line))
        here = findings[at]
        if d.caught_by == "loader":
            ok = (here["expectation"] == f"loader.{d.kind}").any()
        else:
            check = CHECK_OF_DEFECT.get(d.kind, f"(no check mapped for {d.kind})")
            ok = ((here["code"] == check) & (here["severity"] == "error")).any()
        if not ok:
            missed.append(f"{d.file}:{d.line} {d.kind}")
    assert not missed, missed


def test_defects_fail_the_command(defects_dir, tmp_path, capsys):
    assert main(["validate", str(defects_dir), "--out", str(tmp_path), "--no-docs"]) == 1
    assert "error(s)" in capsys.readouterr().out


def test_strict_load_makes_loader_problems_input_errors(defects_dir, tmp_path, capsys):
    assert main(["validate", str(defects_dir), "--out", str(tmp_path), "--strict"]) == 2
    assert "problem(s)" in capsys.readouterr().err


def test_clean_sample_has_no_error_findings(sample_bundle):
    v = validate(sample_bundle, docs=False)
    assert v.errors == 0, v.findings[v.findings.severity == "error"].to_string()
    assert (v.summary["errored"] == 0).all()
    assert set(v.summary["kind"]) == set(sample_bundle.frames)


def test_command_writes_every_output(sample_dir, tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["validate", str(sample_dir), "--out", str(out)]) == 0
    findings = pd.read_csv(out / "findings.csv")
    # the core columns of every problem table (they stack with rejects and exceptions)
    assert list(findings.columns[:7]) == ["file", "line", "column", "case_number", "code",
                                          "severity", "message"]
    summary = json.loads((out / "summary.json").read_text())
    assert summary["ok"] is True and summary["errors"] == 0
    enc = summary["files"]["encounters_incidents.csv"]
    assert enc["passed"] + enc["failed"] + enc["errored"] == enc["run"] > 0
    profile = pd.read_csv(out / "profile.csv")
    assert {"file", "column", "type", "null_pct", "distinct", "min", "max", "top_values"} <= set(
        profile.columns)
    assert "encounters.ext_id" in set(profile["column"])
    index = (out / "data_docs" / "index.html").read_text()
    assert "validations/" in index and 'href="validations/' in index
    pages = list((out / "data_docs" / "validations").rglob("*.html"))
    assert len(pages) == len(summary["files"])
    assert "Data Docs" in capsys.readouterr().out


def test_command_input_errors_exit_2(tmp_path, capsys):
    assert main(["validate", str(tmp_path / "nowhere"), "--out", str(tmp_path)]) == 2
    assert "not found" in capsys.readouterr().err
