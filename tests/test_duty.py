"""Filing duty by hand (recordkeeping.md section 10; 29 CFR 1904.1, 1904.2, 1904.41).

Every expected value below is written from the rule, for hand-built summary rows:
- 1904.1(a)(1): no log when the company had 10 or fewer employees at all times during the
  last calendar year (company-wide: the sum of its establishments' peaks that year);
- 1904.2(a)(1) + Appendix A to Subpart B: no log in a partially exempt industry;
- 1904.41(a)(1)(i): Form 300A for 20-249 employees in Appendix A to Subpart E;
- 1904.41(a)(1)(ii): Form 300A for 250+ employees that must keep records;
- 1904.41(a)(2): Forms 300 and 301 for 100+ employees in Appendix B to Subpart E;
- 1904.41(c): due March 2 of the year after.
"""

from __future__ import annotations

import csv
import fnmatch
import tomllib
from pathlib import Path

import pandas as pd
import pytest

from oshakit.duty import (
    DUTY_COLUMNS,
    NAICS_DIR,
    case_data_due,
    filing_duty,
    naics_lists,
    place,
)

ROOT = Path(__file__).resolve().parents[1]


def summary(code="E1", year=2024, naics="332710", peak=50, company=None, **extra) -> dict:
    """One hand-built summary row; the company defaults to one of its own."""
    return {
        "establishment_code": code,
        "year": year,
        "establishment_name": f"Plant {code}",
        "company_name": company if company is not None else f"Company of {code}",
        "ein": None,
        "naics_code": naics,
        "peak_employees": peak,
        "establishment_type": "1",
        **extra,
    }


def employment(*rows: tuple[str, int, int | None]) -> pd.DataFrame:
    """employment.csv as loaded: (establishment, year, peak)."""
    return pd.DataFrame(
        [
            {"employment.establishment_code": c, "employment.year": y,
             "employment.peak_employees": p}
            for c, y, p in rows
        ]
    )


def duty_of(*rows: dict, emp: pd.DataFrame | None = None) -> pd.DataFrame:
    return filing_duty(pd.DataFrame(list(rows)), emp)


def one(*rows: dict, emp: pd.DataFrame | None = None) -> pd.Series:
    return duty_of(*rows, emp=emp).iloc[0]


def flags(row: pd.Series) -> tuple:
    def b(v):
        return None if pd.isna(v) else bool(v)

    return row.duty, b(row.log_required), b(row.form300a_due), b(row.case_data_due)


# --- each tier --------------------------------------------------------------------------


def test_partially_exempt_industry_needs_no_log():
    # 722110 Full-Service Restaurants (2007 NAICS) is in group 7221 of Appendix A to Subpart B.
    row = one(summary(naics="722110", peak=40), emp=employment(("E1", 2023, 40)))
    assert flags(row) == ("exempt", False, False, False)
    assert pd.isna(row.due_date)
    assert "1904.2(a)(1), Appendix A to Subpart B: NAICS 722110 is in 7221" in row.reasons
    assert "1904.39" in row.reasons  # severe events are still reported


def test_partially_exempt_industry_at_250_plus_submits_nothing():
    # 1904.41(a)(1)(ii) covers 250+ establishments "required to keep records": a law office
    # (541110, group 5411, partially exempt) of 300 keeps none, so it submits none.
    row = one(summary(naics="541110", peak=300), emp=employment(("E1", 2023, 300)))
    assert flags(row) == ("exempt", False, False, False)


def test_15_employee_establishment_keeps_the_log_but_submits_nothing():
    # Machine shop 332710 (manufacturing, Appendix A and B to Subpart E) with 15 employees:
    # the company has more than 10, so the log is kept; under 20, so no 300A; under 100, no 301.
    row = one(summary(naics="332710", peak=15), emp=employment(("E1", 2023, 15)))
    assert flags(row) == ("keep_only", True, False, False)
    assert pd.isna(row.due_date)
    assert "fewer than 20 employees (peak 15)" in row.reasons


def test_20_to_249_in_appendix_a_submits_the_300a():
    # Roofing contractor 238160: sector 23 is in Appendix A to Subpart E; 60 < 100, no case data.
    row = one(summary(naics="238160", peak=60), emp=employment(("E1", 2023, 55)))
    assert flags(row) == ("submit", True, True, False)
    assert row.due_date == pd.Timestamp("2025-03-02")
    assert "1904.41(a)(1)(i), Appendix A to Subpart E: 20-249 employees (peak 60) in 23" in (
        row.reasons)
    assert "1904.41(c): due March 2, 2025" in row.reasons


def test_20_to_249_outside_appendix_a_submits_nothing():
    # General automotive repair 811111: group 8111 is in none of the three appendices.
    row = one(summary(naics="811111", peak=60), emp=employment(("E1", 2023, 60)))
    assert flags(row) == ("keep_only", True, False, False)
    assert "is not in Appendix A to Subpart E: no Form 300A submission" in row.reasons


def test_100_plus_in_appendix_b_submits_case_data_too():
    # Meat packing 311611: group 3116 is in Appendix B; 150 is 20-249 and in sector 31 (A).
    row = one(summary(naics="311611", peak=150), emp=employment(("E1", 2023, 150)))
    assert flags(row) == ("submit", True, True, True)
    assert "1904.41(a)(2), Appendix B to Subpart E: 100+ employees (peak 150) in 3116" in (
        row.reasons)


def test_100_plus_outside_appendix_b_submits_the_300a_only():
    # Pharmaceutical preparations 325412: sector 32 is in Appendix A, group 3254 not in B.
    row = one(summary(naics="325412", peak=150), emp=employment(("E1", 2023, 150)))
    assert flags(row) == ("submit", True, True, False)
    assert "not in Appendix B to Subpart E: no case data submission" in row.reasons


def test_250_plus_submits_the_300a_in_any_industry_that_keeps_records():
    # Auto repair 811111 is in neither appendix to Subpart E, but 300 >= 250.
    row = one(summary(naics="811111", peak=300), emp=employment(("E1", 2023, 280)))
    assert flags(row) == ("submit", True, True, False)
    assert "1904.41(a)(1)(ii): 250+ employees (peak 300) and records required" in row.reasons


@pytest.mark.parametrize("peak, due", [(19, False), (20, True), (249, True), (250, True)])
def test_300a_size_edges(peak, due):
    # Sector 23 (Appendix A): 20 and 249 are inside 20-249, 250 is (a)(1)(ii); 19 is neither.
    row = one(summary(naics="236220", peak=peak), emp=employment(("E1", 2023, 50)))
    assert bool(row.form300a_due) is due


@pytest.mark.parametrize("peak, due", [(99, False), (100, True)])
def test_case_data_size_edge(peak, due):
    row = one(summary(naics="493110", peak=peak), emp=employment(("E1", 2023, 120)))
    assert bool(row.case_data_due) is due


def test_company_of_10_or_fewer_needs_no_log_even_when_it_grew():
    # Tiny Co: two establishments with peaks 4 and 5 in 2023 (9 <= 10 at all times). The 2024
    # log is kept during 2024, so 2023 decides: no log for 2024 although E1 reached 25 in 2024
    # in construction (which would otherwise owe a 300A).
    rows = [summary("E1", naics="238160", peak=25, company="Tiny Co"),
            summary("E2", naics="238160", peak=5, company="Tiny Co")]
    emp = employment(("E1", 2023, 4), ("E2", 2023, 5))
    out = duty_of(*rows, emp=emp)
    assert [flags(r) for _, r in out.iterrows()] == [("exempt", False, False, False)] * 2
    assert "peak of 9 employees in 2023" in out.iloc[0].reasons
    assert "summed over 2 establishments" in out.iloc[0].reasons


def test_company_peak_is_summed_over_its_establishments():
    # Two establishments of 6 each in 2023: each is small, the company (12) is not.
    rows = [summary("E1", naics="332710", peak=6, company="Twin Co"),
            summary("E2", naics="332710", peak=6, company=" twin  co ")]  # same company
    emp = employment(("E1", 2023, 6), ("E2", 2023, 6))
    out = duty_of(*rows, emp=emp)
    assert [flags(r) for _, r in out.iterrows()] == [("keep_only", True, False, False)] * 2
    assert "peak of 12 employees in 2023" in out.iloc[0].reasons


def test_company_falls_back_on_ein_then_on_the_establishment():
    rows = [summary("E1", peak=6, company="", ein="12-3456789"),
            summary("E2", peak=6, company=None, ein="123456789"),
            summary("E3", peak=6, company="", ein=None)]
    rows[1]["company_name"] = None
    emp = employment(("E1", 2023, 6), ("E2", 2023, 6), ("E3", 2023, 6))
    out = duty_of(*rows, emp=emp)
    assert list(out.duty) == ["keep_only", "keep_only", "exempt"]  # EIN company 12; E3 alone 6
    assert "taken as its own company" in out.iloc[2].reasons


def test_without_last_year_the_log_year_stands_in_and_says_so():
    row = one(summary(naics="332710", peak=8))  # no employment for 2023
    assert flags(row) == ("exempt", False, False, False)
    assert "no employment data for 2023, the year 1904.1 looks at; 2024 used" in row.reasons


def test_missing_peak_of_a_member_leaves_a_small_company_undecided():
    rows = [summary("E1", naics="332710", peak=5, company="Part Co"),
            summary("E2", naics="332710", peak=5, company="Part Co")]
    emp = employment(("E1", 2023, 5), ("E2", 2023, None))
    row = duty_of(*rows, emp=emp).iloc[0]
    assert flags(row) == ("unknown", None, False, False)


# --- NAICS the lists cannot place ---------------------------------------------------------


@pytest.mark.parametrize(
    "naics, says",
    [
        (None, "no NAICS code"),
        ("33621", "is not 6 digits"),
        ("993000", "has no NAICS sector 99"),
        ("722511", "7225 (Restaurants and Other Eating Places) is a NAICS 2012+ group"),
        ("457110", "4571 (Gasoline Stations) is a NAICS 2022 group"),
    ],
)
def test_unplaceable_naics_is_reported_not_guessed(naics, says):
    row = one(summary(naics=naics, peak=60), emp=employment(("E1", 2023, 60)))
    assert flags(row)[:2] == ("unknown", None)
    assert says in row.reasons
    assert pd.isna(row.due_date)


def test_unknown_naics_still_exempt_when_the_company_is_small():
    row = one(summary(naics=None, peak=7), emp=employment(("E1", 2023, 7)))
    assert flags(row) == ("exempt", False, False, False)


def test_2017_code_under_a_2007_group_of_another_meaning_is_unknown():
    # 517312 wireless carriers (2017) sits under 5173, which in 2007 meant resellers.
    assert place("517312", "appendix_a_subpart_b").status == "unknown"
    assert place("517310", "appendix_a_subpart_b").status == "listed"  # the 2007 code


def test_2012_general_merchandise_code_is_unknown_for_the_2017_lists():
    # 452112 (2012: Discount Department Stores) has no place in the 2017 appendices.
    row = one(summary(naics="452112", peak=150), emp=employment(("E1", 2023, 150)))
    assert flags(row) == ("unknown", True, None, None)


def test_missing_peak_makes_submission_unknown():
    row = one(summary(naics="332710", peak=None), emp=employment(("E1", 2023, 40)))
    assert flags(row) == ("unknown", True, None, None)
    assert "no peak employment for the year" in row.reasons


# --- table shape and the case-data helper -----------------------------------------------


def test_columns_and_dtypes():
    out = duty_of(summary(), summary("E2", year=2025), emp=employment(("E1", 2023, 50)))
    assert list(out.columns) == DUTY_COLUMNS
    assert str(out.log_required.dtype) == "boolean"
    assert out.due_date.dtype.kind == "M"


def test_case_data_due_helper():
    out = duty_of(summary("B", naics="311611", peak=150), summary("N", naics="325412", peak=150),
                  summary("U", naics="7225", peak=150),
                  emp=employment(("B", 2023, 150), ("N", 2023, 150), ("U", 2023, 150)))
    assert case_data_due(out, "B", 2024) is True
    assert case_data_due(out, "N", 2024) is False
    assert case_data_due(out, "U", 2024) is None  # unknown NAICS
    assert case_data_due(out, "B", 2023) is None  # not in the table


def test_government_establishment_gets_a_state_plan_note():
    row = one(summary(naics="622110", peak=500, establishment_type="3"),
              emp=employment(("E1", 2023, 500)))
    assert flags(row) == ("submit", True, True, True)
    assert "1904.37" in row.reasons


def test_sample_bundle():
    # Shipped sample: a trailer plant (336212, 3362 in B), a local-government hospital
    # (622110, 6221 in B) and a warehouse (493110, 4931 in B), all 100+ every year.
    import oshakit

    bundle = oshakit.load_bundle(None)
    result = oshakit.run_pipeline(bundle, None)
    out = filing_duty(result.summaries, bundle.get("employment"), bundle.get("establishments"))
    assert set(out.duty) == {"submit"}
    assert out.case_data_due.all()
    plt03 = out[(out.establishment_code == "PLT03") & (out.year == 2023)].iloc[0]
    assert "20-249 employees (peak 115) in 4931 Warehousing and Storage" in plt03.reasons


# --- the NAICS data files against the regulation ----------------------------------------
# Codes written out by hand from the appendices: Appendix A to Subpart B as published at
# 79 FR 56186 (Sept. 18, 2014); Appendices A and B to Subpart E as published with 88 FR 47254
# (July 21, 2023). (The files were cross-checked against two secondary copies; see
# oshakit/data/naics/README.md for what that check covered.)

SUBPART_B_IN = {"4412": "Other Motor Vehicle Dealers", "4471": "Gasoline Stations",
                "5411": "Legal Services", "6211": "Offices of Physicians",
                "6244": "Child Day Care Services", "7221": "Full-Service Restaurants",
                "8139": "Business, Professional, Labor, Political, and Similar Organizations"}
SUBPART_B_OUT = ["4411", "4451", "6221", "7211", "2361", "3111"]
APP_A_IN = ["11", "22", "23", "31", "32", "33", "42", "4413", "4451", "4841", "4931",
            "5617", "6221", "6231", "7211", "8123"]
APP_A_OUT = ["21", "4411", "4412", "5411", "6211", "7221", "8111"]
APP_B_IN = ["1111", "2213", "2381", "3111", "3116", "3211", "3362", "4231", "4451", "4841",
            "4931", "6221", "6231", "7211", "7223"]
APP_B_OUT = ["2361", "3254", "4421", "4452", "4542", "5152", "6242", "7121"]


def test_appendix_a_subpart_b_by_hand():
    codes = naics_lists()["appendix_a_subpart_b"].codes
    for code, title in SUBPART_B_IN.items():
        assert codes[code] == title
    assert not set(SUBPART_B_OUT) & set(codes)
    assert len(codes) == 82
    assert naics_lists()["appendix_a_subpart_b"].edition == "2007"


def test_appendices_to_subpart_e_by_hand():
    a = naics_lists()["appendix_a_subpart_e"]
    b = naics_lists()["appendix_b_subpart_e"]
    assert set(APP_A_IN) <= set(a.codes) and not set(APP_A_OUT) & set(a.codes)
    assert set(APP_B_IN) <= set(b.codes) and not set(APP_B_OUT) & set(b.codes)
    assert (len(a.codes), len(b.codes)) == (67, 104)  # 31-33 written as three sectors
    assert a.edition == b.edition == "2017"


def test_lists_are_consistent_with_each_other():
    exempt = naics_lists()["appendix_a_subpart_b"].codes
    a = naics_lists()["appendix_a_subpart_e"]
    b = naics_lists()["appendix_b_subpart_e"].codes
    assert all(a.match(code) for code in b)  # whoever owes case data owes the 300A too
    assert not any(a.match(code) or any(p.startswith(code) for p in a.codes) for code in exempt)


def test_data_files_are_shipped_and_documented():
    patterns = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"][
        "package-data"]["oshakit"]
    files = sorted(p.relative_to(ROOT / "oshakit").as_posix() for p in NAICS_DIR.iterdir())
    assert "data/naics/README.md" in files
    for f in files:
        assert any(fnmatch.fnmatch(f, p) for p in patterns), f
    for name in ("appendix_a_subpart_b", "appendix_a_subpart_e", "appendix_b_subpart_e"):
        text = (NAICS_DIR / f"{name}.csv").read_text()
        assert text.startswith("# 29 CFR Part 1904") and "FR " in text and "NAICS edition:" in text
        rows = list(csv.reader(line for line in text.splitlines() if not line.startswith("#")))
        assert rows[0] == ["naics", "title"] and all(len(r) == 2 for r in rows)
