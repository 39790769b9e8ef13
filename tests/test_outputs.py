"""What every written file shares: inert CSV text, safe paths, the stamp of one result."""

from __future__ import annotations

import csv
import json

import pandas as pd
import pytest

from oshakit.errors import OshakitError
from oshakit.outputs import inside, safe_name, stamp, write_csv, write_tables


def _rows(path):
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.reader(f))


def test_cells_a_spreadsheet_would_run_are_prefixed_with_a_quote(tmp_path):
    # OWASP "CSV Injection": cells starting with = + - @ tab or CR.
    frame = pd.DataFrame({"text": ["=HYPERLINK(\"http://x\")", "+1+1", "-2+3", "@SUM(A1)",
                                   "\tx", "\rx", "plain", "a=b"],
                          "n": range(8)})
    path = write_csv(frame, tmp_path / "t.csv")
    assert [r[0] for r in _rows(path)[1:]] == [
        "'=HYPERLINK(\"http://x\")", "'+1+1", "'-2+3", "'@SUM(A1)", "'\tx", "'\rx", "plain",
        "a=b"]
    assert [r[1] for r in _rows(path)[1:]] == [str(n) for n in range(8)]  # numbers untouched


def test_exact_files_keep_the_text_as_it_is(tmp_path):
    path = write_csv(pd.DataFrame({"nar": ["-see report", "=x"]}), tmp_path / "ita.csv",
                     exact=True)
    assert [r[0] for r in _rows(path)[1:]] == ["-see report", "=x"]


def test_missing_values_are_empty_never_nan(tmp_path):
    frame = pd.DataFrame({"a": pd.Series([None, "x"], dtype="str"),
                          "b": pd.Series([pd.NA, 1], dtype="Int64"),
                          "c": [float("nan"), 1.5]})
    assert _rows(write_csv(frame, tmp_path / "t.csv"))[1] == ["", "", ""]


@pytest.mark.parametrize("code", ["PLT01", "Plant 7", "a.b-c_d"])
def test_ordinary_codes_are_safe_names(code):
    assert safe_name(code) == code


@pytest.mark.parametrize("code", ["../../x", "/abs/path", "..", ".", "a/b", "a\\b",
                                  "<img src=x onerror=alert(1)>", "", " ", "x\0y", "ends."])
def test_path_shaped_codes_are_refused(code):
    with pytest.raises(OshakitError, match="cannot be used as a file name"):
        safe_name(code)


def test_inside_refuses_paths_that_leave_the_output_folder(tmp_path):
    assert inside(tmp_path, "a", "b.csv") == (tmp_path / "a" / "b.csv").resolve()
    with pytest.raises(OshakitError, match="outside the output folder"):
        inside(tmp_path / "out", "..", "escape.csv")


def test_stamp_names_the_computation_and_lists_the_files(tmp_path, sample_result):
    write_csv(pd.DataFrame({"a": [1]}), tmp_path / "x.csv")
    stamp(tmp_path, sample_result, [tmp_path / "x.csv"])
    text = (tmp_path / "README.txt").read_text()
    assert f"fingerprint:       {sample_result.fingerprint}" in text
    assert "  x.csv" in text and "NOTICE" not in text
    meta = json.loads((tmp_path / "run.json").read_text())
    assert meta["fingerprint"] == sample_result.fingerprint
    assert meta["policy"] == sample_result.policy.to_dict()


def test_the_case_table_with_names_is_written_only_under_confidential(tmp_path, sample_result):
    one = sample_result.select(year=2024)
    paths = write_tables(one, tmp_path)
    cases = one.rec.cases
    # names of privacy cases' employees who have no public case (those are on the log)
    public = set(cases.loc[~cases["privacy"], "employee_name"])
    secret = set(cases.loc[cases["privacy"], "employee_name"].dropna()) - public
    assert secret
    for name, path in paths.items():
        if name.startswith("confidential/"):
            continue
        text = path.read_text(encoding="utf-8")
        assert [n for n in secret if n in text] == [], name
    assert "employee_name" in _rows(tmp_path / "confidential" / "cases.csv")[0]
