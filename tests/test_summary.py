"""Form 300A totals and the ITA checks, with answers worked out by hand from the rules
(recordkeeping.md section 6; ITA codes from section 9)."""

from __future__ import annotations

import pandas as pd
import pytest
from rec_stub import make_rec, stub_bundle

from oshakit.ita.rules import ita_checks
from oshakit.summary import SUMMARY_COLUMNS, summarize

FOUR_CASES = [
    {"outcome": "G", "itype": "M1", "days_away": 0, "days_restricted": 0},
    {"outcome": "H", "itype": "M1", "days_away": 10, "days_restricted": 5},
    {"outcome": "I", "itype": "M2", "days_away": 0, "days_restricted": 7},
    {"outcome": "J", "itype": "M5", "days_away": 0, "days_restricted": 0},
    # not on the log: must not count anywhere
    {"on_log": False, "outcome": None, "itype": "M1", "days_away": 30, "days_restricted": 0},
    # on the 2023 log: not in the 2024 summary
    {"year": 2023, "date_of_injury": "2023-12-30", "outcome": "H", "days_away": 3},
]


def test_300a_totals_from_four_log_rows():
    rec = make_rec(FOUR_CASES)
    bundle = stub_bundle(
        [{}], [{"establishment_code": "E1", "year": 2024, "annual_average_employees": 45.2,
                "total_hours_worked": 90000.5, "peak_employees": 120}]
    )
    s = summarize(rec, bundle, year=2024)
    assert list(s.columns) == SUMMARY_COLUMNS
    assert len(s) == 1
    row = s.iloc[0]
    # G, H, I, J each one case; K = 10; L = 5 + 7 = 12 (L of an H case still counts)
    assert (row.total_deaths, row.total_dafw_cases, row.total_djtr_cases,
            row.total_other_cases) == (1, 1, 1, 1)
    assert (row.total_dafw_days, row.total_djtr_days) == (10, 12)
    assert (row.total_injuries, row.total_skin_disorders, row.total_respiratory_conditions,
            row.total_poisonings, row.total_hearing_loss, row.total_other_illnesses) == (
        2, 1, 0, 0, 1, 0)
    assert row.no_injuries_illnesses == 1
    # 1904.32 worksheet: both figures rounded UP to whole numbers
    assert row.annual_average_employees == 46
    assert row.total_hours_worked == 90001
    assert row["size"] == "22"  # peak 120: 100-249
    assert row.establishment_name == "Springfield Plant"
    assert row.ein == "123456789"
    assert row.establishment_type == "1"


def test_every_year_when_year_is_none():
    s = summarize(make_rec(FOUR_CASES), stub_bundle([{}], []))
    assert list(zip(s.establishment_code, s.year, strict=True)) == [("E1", 2023), ("E1", 2024)]
    assert s.set_index("year").loc[2023, "total_dafw_days"] == 3


def test_year_without_cases_gets_a_zero_summary():
    rec = make_rec(FOUR_CASES)
    bundle = stub_bundle(
        [{}, {"establishment_code": "E2", "establishment_name": "Quiet Office"}],
        [{"establishment_code": "E2", "year": 2024, "annual_average_employees": 12,
          "total_hours_worked": 24000, "peak_employees": 15}],
    )
    s = summarize(rec, bundle, year=2024).set_index("establishment_code")
    assert set(s.index) == {"E1", "E2"}  # E1 has cases, E2 has employment
    e2 = s.loc["E2"]
    assert e2.establishment_name == "Quiet Office"
    totals = [c for c in SUMMARY_COLUMNS if c.startswith("total_") and c != "total_hours_worked"]
    assert (e2[totals] == 0).all()
    assert e2.no_injuries_illnesses == 2
    assert e2["size"] == "1"
    # E1 has cases but no employment figures: they stay missing, not invented
    assert pd.isna(s.loc["E1", "annual_average_employees"])
    assert pd.isna(s.loc["E1", "size"])


def test_no_establishments_file_leaves_the_block_missing():
    s = summarize(make_rec(FOUR_CASES), stub_bundle(None, None), year=2024)
    assert len(s) == 1
    block = ["establishment_name", "company_name", "ein", "street_address", "city", "state",
             "zip", "naics_code", "industry_description", "establishment_type"]
    assert s[block].isna().all(axis=None)
    assert s.iloc[0].total_deaths == 1


@pytest.mark.parametrize(
    ("peak", "size"),
    [(0, "1"), (19, "1"), (20, "21"), (99, "21"), (100, "22"), (249, "22"), (250, "3"),
     (5000, "3"), (None, None)],
)
def test_size_code_by_peak_employment(peak, size):
    bundle = stub_bundle([{}], [{"establishment_code": "E1", "year": 2024,
                                 "annual_average_employees": 10, "total_hours_worked": 20000,
                                 "peak_employees": peak}])
    got = summarize(make_rec([]), bundle, year=2024).iloc[0]["size"]
    assert (pd.isna(got) and size is None) or got == size


# --- ITA checks -------------------------------------------------------------------------

GOOD = {
    "establishment_code": "E1", "year": 2024, "establishment_name": "Springfield Plant",
    "company_name": "Acme Corp", "ein": "123456789", "street_address": "100 Industrial Way",
    "city": "Springfield", "state": "IL", "zip": "62701", "naics_code": "336411",
    "industry_description": "Aircraft manufacturing", "establishment_type": "1", "size": "21",
    "annual_average_employees": 50, "total_hours_worked": 100_000, "peak_employees": 60,
    "no_injuries_illnesses": 1, "total_deaths": 0, "total_dafw_cases": 1,
    "total_djtr_cases": 1, "total_other_cases": 1, "total_dafw_days": 5, "total_djtr_days": 3,
    "total_injuries": 3, "total_skin_disorders": 0, "total_respiratory_conditions": 0,
    "total_poisonings": 0, "total_hearing_loss": 0, "total_other_illnesses": 0,
}


def summaries(*rows: dict) -> pd.DataFrame:
    frame = pd.DataFrame([{**GOOD, **r} for r in rows], columns=SUMMARY_COLUMNS)
    return frame.astype({"annual_average_employees": "Int64", "total_hours_worked": "Int64",
                         "peak_employees": "Int64"})


def failed(checks: pd.DataFrame) -> set[str]:
    return set(checks.loc[~checks.passed, "code"])


def test_a_good_summary_passes_every_check():
    checks = ita_checks(summaries({}))
    assert list(checks.columns) == ["file", "line", "column", "case_number", "code",
                                    "severity", "message", "establishment_code", "year",
                                    "passed"]
    assert set(checks.file) == {"ita_300a.csv"} and checks.passed.dtype == bool
    assert failed(checks) == set()
    assert {"types_match_outcomes", "employees_exceed_cases", "dafw_cases_match_days",
            "dafw_days_cover_cases", "djtr_cases_have_days", "djtr_days_have_cases",
            "hours_per_employee_max", "hours_per_employee_min", "employees_positive",
            "hours_positive", "name_length", "name_unique", "street_not_po_box",
            "ein_9_digits", "zip_5_or_9_digits", "naics_6_digits", "state_code"} <= set(
        checks.code)
    assert checks.code.is_unique  # one row per check per establishment-year


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"total_injuries": 2}, {"types_match_outcomes"}),  # M total 2, G..J total 3
        ({"annual_average_employees": 3, "total_hours_worked": 6000},
         {"employees_exceed_cases"}),  # 3 employees, 3 cases
        ({"total_dafw_days": 0}, {"dafw_cases_match_days", "dafw_days_cover_cases"}),
        ({"total_dafw_cases": 0, "total_injuries": 2}, {"dafw_cases_match_days"}),  # K 5, H 0
        ({"total_dafw_cases": 3, "total_dafw_days": 2, "total_injuries": 5},
         {"dafw_days_cover_cases"}),  # K 2 < H 3
        ({"total_djtr_days": 0}, {"djtr_cases_have_days"}),  # I 1, L 0
        ({"total_dafw_cases": 0, "total_dafw_days": 0, "total_djtr_cases": 0,
          "total_other_cases": 3}, {"djtr_days_have_cases"}),  # L 3, H + I = 0
        ({"total_hours_worked": 500_000}, {"hours_per_employee_max"}),  # 10,000 h each
        ({"total_hours_worked": 438_000}, {"hours_per_employee_max"}),  # exactly 8,760
        ({"total_hours_worked": 20_000}, {"hours_per_employee_min"}),  # 400 h each
        ({"annual_average_employees": 0}, {"employees_positive", "employees_exceed_cases",
                                           "hours_per_employee_max", "hours_per_employee_min"}),
        ({"total_hours_worked": None}, {"hours_positive", "hours_per_employee_max",
                                        "hours_per_employee_min"}),
        ({"total_hours_worked": 0}, {"hours_positive", "hours_per_employee_min"}),
        ({"establishment_name": "x" * 101}, {"name_length"}),
        ({"establishment_name": None}, {"name_length", "name_unique"}),
        ({"street_address": "P.O. Box 12"}, {"street_not_po_box"}),
        ({"street_address": "PO BOX 7"}, {"street_not_po_box"}),
        ({"street_address": "Post Office Box 9"}, {"street_not_po_box"}),
        ({"street_address": "Box 44"}, {"street_not_po_box"}),
        ({"street_address": None}, {"street_not_po_box"}),
        ({"ein": "12345678"}, {"ein_9_digits"}),
        ({"ein": "12345678A"}, {"ein_9_digits"}),
        ({"ein": None}, {"ein_present"}),
        ({"zip": "6270"}, {"zip_5_or_9_digits"}),
        ({"zip": "627011"}, {"zip_5_or_9_digits"}),
        ({"naics_code": "33641"}, {"naics_6_digits"}),
        ({"state": "Illinois"}, {"state_code"}),
        ({"state": "XX"}, {"state_code"}),
        ({"establishment_type": "4"}, {"establishment_type_code"}),
        # OSHA's ITA CSV documentation: lengths 100 / 300, company name required, from 2016
        ({"company_name": None}, {"company_name"}),
        ({"company_name": "c" * 101}, {"company_name"}),
        ({"street_address": "1" + " Mill Road" * 13}, {"street_length"}),  # 131 characters
        ({"city": None}, {"city_length"}),
        ({"city": "C" * 101}, {"city_length"}),
        ({"industry_description": "i" * 336}, {"industry_description_length"}),
        ({"year": 2015}, {"year_filing_for"}),
        ({"no_injuries_illnesses": 2}, {"no_injuries_flag"}),
        ({"total_other_cases": -1, "total_injuries": 2}, {"counts_whole"}),
        ({"size": None, "peak_employees": None}, {"size_code"}),
    ],
)
def test_each_check_fails_on_its_own_defect(change, expected):
    assert failed(ita_checks(summaries(change))) == expected


@pytest.mark.parametrize(
    "change",
    [
        {"street_address": "100 Boxwood Ave"},
        {"ein": "12-3456789"},
        {"zip": "62701-1234"},
        {"zip": "627011234"},
        {"total_hours_worked": 437_950},  # 8,759 h each: under the limit
        {"total_hours_worked": 25_050},  # 501 h each
        {"total_deaths": 1, "total_injuries": 4},  # deaths count in G..J
        {"establishment_type": None},  # optional in ITA: blank is allowed
        {"industry_description": None},  # optional
        {"industry_description": "i" * 300, "establishment_name": "n" * 100,
         "company_name": "c" * 100, "city": "C" * 100, "street_address": "s" * 100},
        {"year": 2016},
    ],
)
def test_edge_values_that_pass(change):
    assert failed(ita_checks(summaries(change))) == set()


def test_severities_and_messages_name_establishment_and_numbers():
    checks = ita_checks(
        summaries({"total_injuries": 2}, {"year": 2025, "total_hours_worked": 20_000})
    )
    row = checks[(checks.code == "types_match_outcomes") & (checks.year == 2024)].iloc[0]
    assert not row.passed and row.severity == "error"
    assert "Springfield Plant (E1), 2024" in row.message
    assert "total 2" in row.message and "total 3" in row.message
    low = checks[(checks.code == "hours_per_employee_min") & (checks.year == 2025)].iloc[0]
    assert not low.passed and low.severity == "warning"
    assert "20,000 hours / 50 employees = 400" in low.message


def test_name_must_be_unique_within_a_year():
    twins = summaries({}, {"establishment_code": "E2", "establishment_name": "springfield plant "})
    checks = ita_checks(twins)
    assert set(checks.loc[~checks.passed, "establishment_code"]) == {"E1", "E2"}
    assert failed(checks) == {"name_unique"}
    next_year = summaries({}, {"year": 2025})  # same establishment, two years: fine
    assert failed(ita_checks(next_year)) == set()


def test_checks_of_a_summary_without_establishment_file_say_what_is_missing():
    s = summarize(make_rec([{}]), stub_bundle(None, [
        {"establishment_code": "E1", "year": 2024, "annual_average_employees": 10,
         "total_hours_worked": 20000, "peak_employees": 10}]), year=2024)
    checks = ita_checks(s)
    assert {"name_length", "company_name", "street_not_po_box", "city_length", "ein_present",
            "zip_5_or_9_digits", "naics_6_digits", "state_code"} <= failed(checks)
    assert "establishment_type_code" not in failed(checks)  # optional
    msg = checks.set_index("code").loc["ein_present", "message"]
    assert msg.startswith("establishment E1, 2024") and "EIN missing" in msg


def test_cases_with_no_establishment_are_summarised_not_dropped():
    rec = make_rec([{}, {"establishment_code": None}])
    s = summarize(rec, stub_bundle([{}], []), year=2024)
    assert len(s) == 2 and s.total_other_cases.sum() == 2  # no case lost from the totals
    unknown = s[s.establishment_code.isna()].iloc[0]
    assert pd.isna(unknown.establishment_name)
    checks = ita_checks(s)
    msg = checks[checks.establishment_code.isna() & (checks.code == "name_length")]
    assert msg.message.iloc[0] == (
        "establishment (unknown), 2024: establishment name missing (ITA requires it)")
