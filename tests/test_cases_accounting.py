"""Row accounting: every encounter and child row is accounted for, at every stage."""

from __future__ import annotations

import pandas as pd
from cases_bundles import TODAY, away, case, rec, restriction, visit

from oshakit.bundle import load_bundle
from oshakit.cases import Policy, reconcile


def check_invariants(r, bundle) -> None:
    a = r.accounting
    rows = a.groupby(["stage", "kind", "item"])["rows"].sum()
    for kind in bundle.frames:
        if ("input", kind, "rows read") in rows.index:
            read = rows["input"][kind]
            assert read["rows read"] == read["rejected by the loader"] + read["rows in"]
    enc = rows["encounters"]["encounters"]
    assert rows["input"]["encounters"]["rows in"] == len(bundle["encounters"]) == enc.sum()
    cases = rows["cases"]["cases"]
    on_log = a.loc[a["stage"] == "log", "rows"].sum()
    assert cases["cases built"] == cases.get("cases of other years", 0) + cases[
        "not on the log"] + on_log
    assert cases["cases built"] == enc["opening a case"]
    assert on_log == len(r.log)
    if r.year is None:
        assert cases["cases built"] == len(r.cases)
    for kind, frame in bundle.frames.items():
        if kind in ("conditions", "restrictions", "accommodations", "nibp"):
            assert rows["input"][kind]["rows in"] == len(frame) == rows["children"][kind].sum()


def test_every_row_is_accounted_for(tmp_path):
    r = rec(tmp_path, encounters=[
        case("E1", case_number="C-1"), visit("E2", case_number="C-1"),
        case("E3", inc="2023-06-01 08:00:00", osha_completed_dt=None),
        case("E4", case_number="C-1", inc="2024-04-01"),  # duplicate opening
        visit("E5", case_number="C-9"),  # follow-up with no opening
        visit("E6"),  # ordinary visit
    ], accommodations=[away("E2", "2024-03-05", "2024-03-06"), away("E6", "2024-03-05", None),
                       away("E404", "2024-03-05", None)],
        restrictions=[restriction("E1", "2024-03-05", "2024-03-06")])
    check_invariants(r, load_bundle(tmp_path))
    items = r.accounting.set_index(["kind", "item"])["rows"]
    assert items[("encounters", "opening a case")] == 2
    assert items[("encounters", "follow-up of a case")] == 1
    assert items[("encounters", "duplicate opening (joined to the first case with that number)")
                 ] == 1
    assert items[("encounters", "follow-up whose case number has no opening")] == 1
    assert items[("encounters", "ordinary encounter (no case)")] == 1
    assert items[("accommodations", "attached to a case")] == 1
    assert items[("accommodations", "attached to an encounter with no case")] == 1
    assert items[("accommodations", "orphaned (no such encounter)")] == 1
    log = r.accounting[r.accounting["stage"] == "log"]
    assert log[["establishment_code", "year", "rows"]].values.tolist() == [["EST1", 2024, 1]]


def test_rows_the_loader_rejected_are_in_the_funnel(tmp_path):
    r = rec(tmp_path, encounters=[case("E1"), case("E1", inc="2024-05-01")])  # duplicate key
    items = r.accounting.set_index(["kind", "item"])["rows"]
    assert (items[("encounters", "rows read")], items[("encounters", "rejected by the loader")],
            items[("encounters", "rows in")]) == (2, 1, 1)
    check_invariants(r, load_bundle(tmp_path))


def test_invariants_with_a_year_filter(tmp_path):
    r = rec(tmp_path, year=2024, encounters=[case("E1"), case("E2", inc="2023-01-05")])
    check_invariants(r, load_bundle(tmp_path))


def test_sample_bundle_reconciles_and_accounts_for_every_row(sample_bundle):
    r = reconcile(sample_bundle, Policy(today=TODAY))
    check_invariants(r, sample_bundle)
    assert r.log["on_log"].all() and r.log["outcome"].isin(["G", "H", "I", "J"]).all()
    assert (r.log["days_away"] >= 0).all() and (r.log["days_restricted"] >= 0).all()
    assert ((r.log["days_away"] > 0) == (r.log["outcome"] == "H")).all()
    assert r.cases["explanation"].str.len().gt(0).all()
    off = r.cases[~r.cases["on_log"]]
    assert off["outcome"].isna().all()


def test_defects_bundle_reconciles_and_accounts_for_every_row(defects_dir):
    bundle = load_bundle(defects_dir)
    r = reconcile(bundle, Policy(today=TODAY))
    check_invariants(r, bundle)
    assert set(r.exceptions["severity"]) <= {"error", "warning", "info"}
    assert pd.api.types.is_integer_dtype(r.exceptions["line"])


#: defect kinds of ``oshakit.sample`` that the reconciliation itself must report.
DEFECT_CODES = {
    "span_order": {"SPAN_END_BEFORE_START"},
    "recordable_not_work_related": {"RECORDABLE_NOT_WORK_RELATED", "RECORDABLE_UNDETERMINED"},
    "recordable_no_itype": {"MISSING_ITYPE"},
    "death_no_date": {"DEATH_NO_DATE"},
    "recordable_before_injury": {"RECORDABLE_BEFORE_INJURY"},
    "non_osha_recordable": {"NON_OSHA_TYPE_RECORDABLE"},
    "unknown_establishment": {"ESTABLISHMENT_UNKNOWN"},
    "orphan": {"ORPHAN_CHILD"},
}


def test_defects_bundle_exceptions_name_each_injected_defect(defects_dir):
    r = reconcile(load_bundle(defects_dir), Policy(today=TODAY))
    answers = pd.read_csv(defects_dir / "defects.csv")
    answers = answers[answers["kind"].isin(DEFECT_CODES)]
    assert len(answers) > 0
    found = set(zip(r.exceptions["file"], r.exceptions["line"], r.exceptions["code"],
                    strict=True))
    for row in answers.itertuples():
        assert any((row.file, row.line, code) in found for code in DEFECT_CODES[row.kind]), row
