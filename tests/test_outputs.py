"""What every written file shares: inert CSV text, safe paths, the stamp of one result."""

from __future__ import annotations

import csv
import json

import pandas as pd
import pytest

from oshakit.errors import OshakitError
from oshakit.outputs import (
    WITHHELD,
    confidential_dir,
    inside,
    mark_unit,
    safe_name,
    stamp,
    withhold,
    write_csv,
    write_tables,
)


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


@pytest.mark.parametrize("cell", ["\0=1+1", "\n=1+1", "\uff1dSUM(A1)", "\uff0b1", "\uff0d1",
                                  "\uff20SUM(A1)"])
def test_nul_newline_and_full_width_triggers_are_neutralised_too(tmp_path, cell):
    # ASVS 1.2.10 adds NUL; full-width = + - @ are read as formulas by some spreadsheets.
    path = write_csv(pd.DataFrame({"t": [cell]}), tmp_path / "t.csv")
    assert _rows(path)[1][0] == "'" + cell


def test_every_text_column_is_neutralised_whatever_its_dtype(tmp_path):
    frame = pd.DataFrame({"obj": ["=1"], "arrow": pd.Series(["@x"], dtype="string[pyarrow]"),
                          "cat": pd.Categorical(["+2"]), "num": [-3], "na": [None]})
    path = write_csv(frame, tmp_path / "t.csv")
    assert _rows(path)[1] == ["'=1", "'@x", "'+2", "-3", ""]


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


def test_inside_refuses_paths_that_leave_the_output_folder(tmp_path, monkeypatch):
    assert inside(tmp_path, "a", "b.csv") == tmp_path / "a" / "b.csv"
    with pytest.raises(OshakitError, match="outside the output folder"):
        inside(tmp_path / "out", "..", "escape.csv")
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "link").symlink_to(tmp_path)
    with pytest.raises(OshakitError, match="outside the output folder"):
        inside(tmp_path / "out", "link", "escape.csv")
    monkeypatch.chdir(tmp_path)
    from pathlib import Path

    assert inside("out", "a") == Path("out/a")  # relative stays relative: nothing machine-
    # specific is printed or recorded


def test_confidential_folder_is_the_output_folders_or_the_batch_units(tmp_path):
    assert confidential_dir(tmp_path / "forms" / "P1") == tmp_path / "forms" / "P1" / \
        "confidential"
    unit = tmp_path / "2025" / "P1"
    mark_unit(unit, 2025, "P1")
    inner = unit / "04_forms" / "P1"
    assert confidential_dir(inner, establishment="P1", year=2025) == unit / "confidential"
    assert confidential_dir(unit / "02_reconcile") == unit / "confidential"
    # another establishment or year inside the unit keeps its own folder
    assert confidential_dir(inner, establishment="P2") == inner / "confidential"
    assert confidential_dir(inner, year=2024) == inner / "confidential"


def test_shareable_validation_tables_withhold_employee_values():
    findings = pd.DataFrame({
        "column": ["employees.first_name", "employees.sex", None, None,
                   "incidents.comment_cause"],
        "value": ["Zoë3", "U", "E1,Olga,Taylor,...", None, "=Olga's knife"],
        "message": ["first name 'Zoë3'", "sex 'U'", "row has 14 fields", "file missing",
                    "text 'Olga'"]})
    out = withhold(findings, values=("value", "message"))
    assert list(out["value"].fillna("")) == [WITHHELD, "U", WITHHELD, "", WITHHELD]
    assert list(out["message"]) == [WITHHELD, "sex 'U'", WITHHELD, "file missing", WITHHELD]
    assert list(findings["value"])[0] == "Zoë3"  # the original is left as it was


def test_stamp_names_the_computation_and_lists_the_files(tmp_path, sample_result):
    write_csv(pd.DataFrame({"a": [1]}), tmp_path / "x.csv")
    stamp(tmp_path, sample_result, [tmp_path / "x.csv"])
    text = (tmp_path / "README.txt").read_text()
    assert f"fingerprint:       {sample_result.fingerprint}" in text
    assert "  x.csv" in text and "NOTICE" not in text
    meta = json.loads((tmp_path / "run.json").read_text())
    assert meta["fingerprint"] == sample_result.fingerprint
    assert meta["policy"] == sample_result.policy.to_dict()


def test_stamp_lists_files_relative_to_the_folder(tmp_path, sample_result):
    write_csv(pd.DataFrame({"a": [1]}), tmp_path / "unit" / "confidential" / "c.csv")
    stamp(tmp_path / "unit" / "02", sample_result,
          [tmp_path / "unit" / "confidential" / "c.csv"])
    text = (tmp_path / "unit" / "02" / "README.txt").read_text()
    assert "  ../confidential/c.csv" in text and str(tmp_path) not in text


def test_in_the_batch_the_case_table_goes_to_the_units_confidential(tmp_path, sample_result):
    unit = tmp_path / "2024" / "PLT01"
    mark_unit(unit, 2024, "PLT01")
    paths = write_tables(sample_result.select(year=2024, establishment="PLT01"),
                         unit / "02_reconcile")
    assert paths["confidential/cases.csv"] == unit / "confidential" / "cases.csv"
    assert paths["confidential/cases.csv"].is_file()
    assert not (unit / "02_reconcile" / "confidential").exists()


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


def test_a_check_that_quotes_a_protected_column_is_withheld_whatever_its_column():
    """The hire/birth order check is filed under employees.hire_date (not protected) but
    its message quotes the date of birth (expectations/employees.json, meta.fields.start):
    the shareable copy withholds it; a check on employees.sex is shown as it was."""
    findings = pd.DataFrame({
        "column": ["employees.hire_date", "employees.sex"],
        "value": ["1993-06-21", "Q"],
        "expectation": ["employees/employees.hire_date/span_order",
                        "employees/employees.sex/in_set"],
        "message": ["Employee P1: hired on 1993-06-21, before the birth date 1994-03-17",
                    "Employee P2: sex 'Q'"]})
    out = withhold(findings, values=("value", "message"))
    assert list(out["value"]) == [WITHHELD, "Q"]
    assert list(out["message"]) == [WITHHELD, "Employee P2: sex 'Q'"]
    from oshakit.outputs import protected_checks

    assert "employees/employees.hire_date/span_order" in protected_checks()
    assert not any("employees.sex" in c for c in protected_checks())


def test_clinician_ids_and_free_text_comments_are_withheld():
    """encounters.performing_user_id names the clinician who treated the employee and
    accommodations.comments / employees.termination_reason are free text about them: the
    shareable profile does not show their values; the id *type* column is shown."""
    profile = pd.DataFrame({
        "column": ["encounters.performing_user_id", "accommodations.comments",
                   "employees.termination_reason", "encounters.performing_user_id_type"],
        "min": ["len 10", "len 22", "len 5", "len 6"],
        "max": ["len 13", "len 38", "len 40", "len 11"],
        "top_values": ["dr.okonkwo (235); nurse.alvarez (233)", "Off work per physician (1)",
                       "Quit after Olga's injury (1)", "id:username (732); id:npi (228)"]})
    out = withhold(profile, values=("min", "max", "top_values"))
    assert list(out["top_values"]) == [WITHHELD] * 3 + ["id:username (732); id:npi (228)"]
