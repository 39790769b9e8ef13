"""``oshakit.report.tables`` and ``oshakit.report.where``: report tables read as reports.

Known answers by hand from a tiny bundle: E1 has three recordable 2024 cases (two injuries,
one skin disorder, none with days: column J) and 200,000 hours, so TCR = 3 x 200,000 /
200,000 = 3.00 and DART = 0.00; a second establishment's code is markup."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

from oshakit import pipeline, report
from oshakit.errors import OshakitError

EVIL = "<img src=x onerror=alert(1)>"
ENCOUNTERS = (
    "encounters.ext_id,encounters.pat_id,encounters.pat_id_type,incidents.inc_datetime,"
    "incidents.osha_work_related,incidents.osha_completed_dt,incidents.osha_itype,"
    "incidents.facility_code\n"
    "E1,P1,id:ext_id,2024-02-01,Yes,2024-02-02,I,E1\n"
    "E2,P2,id:ext_id,2024-03-01,Yes,2024-03-02,I,E1\n"
    "E3,P3,id:ext_id,2024-04-01,Yes,2024-04-02,S,E1\n"
    "E4,P4,id:ext_id,2023-05-01,Yes,2023-05-02,I,E1\n"
    f"E5,P5,id:ext_id,2024-05-01,Yes,2024-05-02,I,{EVIL}\n")
EMPLOYMENT = (
    "employment.establishment_code,employment.year,employment.annual_average_employees,"
    "employment.total_hours_worked,employment.peak_employees\n"
    "E1,2024,100,200000,120\nE1,2023,100,200000,120\n"
    f"{EVIL},2024,10,20000,12\n")
#: What must never show in a report table.
MISSING = re.compile(r"\bNaN\b|\bnan\b|<NA>|&lt;NA&gt;|\bNaT\b|\bNone\b(?! found)")


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    folder = tmp_path_factory.mktemp("tiny")
    (folder / "encounters_incidents.csv").write_text(ENCOUNTERS)
    (folder / "employment.csv").write_text(EMPLOYMENT)
    return pipeline.run(folder, 2024)


def html_of(shown) -> str:
    return shown._repr_html_()


def test_headline_of_one_establishment(tiny):
    e1 = tiny.select(establishment="E1")
    text = str(report.headline(e1))
    assert text.splitlines()[0] == "E1 \u00b7 2024 log"
    assert ("Cases on the log: 3 (G death 0, H days away 0, I job transfer or restriction 0, "
            "J other recordable 3).") in text
    assert "Per 200,000 hours (200,000 hours worked): TCR 3.00, DART 0.00." in text
    assert "Exceptions: 0 errors, 0 warnings, 0 info." in text
    # the 300A totals G..M: J 3; M1 2 (two injuries), M2 1 (the skin disorder)
    assert "E1 2024 0 0 0 3 0 0 2 1 0 0 0 0 3.00 0.00" in text
    assert e1.fingerprint in text


def test_status_counts_each_establishment_year(tiny):
    rows = report.status(tiny).set_index("establishment_code")
    assert rows.loc["E1", "cases"] == 3 and rows.loc[EVIL, "cases"] == 1
    assert rows.loc["E1", "total_other_cases"] == 3
    assert rows.loc["E1", "tcr"] == pytest.approx(3.0)
    assert rows.loc[EVIL, "tcr"] == pytest.approx(1 * 200_000 / 20_000)


def test_markup_from_the_data_stays_text(tiny):
    for shown in (report.headline(tiny), report.log(tiny), report.form300a(tiny),
                  report.rates(tiny), report.duty(tiny), report.checks(tiny)):
        html = html_of(shown)
        assert "<img" not in html, type(shown)
    assert "&lt;img src=x onerror=alert(1)&gt;" in html_of(report.headline(tiny))


def test_an_empty_section_says_none_found(tiny):
    e1 = tiny.select(establishment="E1")
    assert str(report.exceptions(e1)).startswith("None found")
    assert str(report.exception_counts(e1)).startswith("None found")
    assert 'class="oshakit-none"' in html_of(report.exceptions(e1))
    empty = tiny.select(year=2024).select(establishment="E1")
    assert report.text_of(report.table(empty.exceptions, "x", empty="None found: no row."))\
        == "None found: no row."


def test_no_missing_value_markers_in_any_report_table(sample_result):
    for scope in (report.for_year(sample_result, 2025),
                  report.for_year(sample_result, 2024).select(establishment="PLT02")):
        shown = [report.headline(scope), report.accounting(scope),
                 report.exception_counts(scope), report.exceptions(scope), report.log(scope),
                 report.form300a(scope), report.rates(scope), report.checks(scope),
                 report.duty(scope), report.trend_table(sample_result),
                 report.trends_headline(sample_result, [2023, 2024, 2025], ["PLT01"], 2025)]
        for table in shown:
            html = html_of(table)
            assert not MISSING.search(re.sub(r"<[^>]+>", " ", html)), MISSING.search(html)


def test_the_300a_is_shown_whole(sample_result):
    scope = report.for_year(sample_result, 2025).select(establishment="PLT01")
    text = report.text_of(report.form300a(scope))
    for label in ("(G) Deaths", "(H) Days away from work", "(I) Job transfer or restriction",
                  "(J) Other recordable cases", "(K) Days away from work (days)",
                  "(L) Days of job transfer or restriction (days)", "(M1) Injuries",
                  "(M6) All other illnesses", "Total hours worked by all employees last year"):
        assert label in text
    assert "\u2026" not in text and "..." not in text


def test_an_establishment_sees_only_its_own_rows(sample_result):
    scope = report.for_year(sample_result, 2025).select(establishment="PLT01")
    for shown in (report.accounting(scope), report.log(scope), report.rates(scope),
                  report.duty(scope)):
        text = report.text_of(shown)
        assert "PLT02" not in text and "PLT03" not in text
    # the bundle-wide row accounting shows only in a bundle-level view
    assert "rows read" in report.text_of(report.accounting(report.for_year(sample_result, 2025)))
    assert "rows read" not in report.text_of(report.accounting(scope))


def test_numbers_are_formatted(sample_result):
    scope = report.for_year(sample_result, 2025).select(establishment="PLT01")
    rates = report.text_of(report.rates(scope))
    assert "| 2025 |" in rates and "2,025" not in rates   # a year is not a quantity
    assert "829,477" in rates                             # hours with separators
    # PLT01's 2025 log: H 4, I 8, J 9 over 829,477 hours: TCR = 21 x 200,000 / 829,477
    # = 5.0634..., shown with two decimals
    assert re.search(r"\| 5\.06 \|", rates)
    assert "5.063" not in rates


def test_for_year_takes_the_latest_year_and_refuses_others(sample_result):
    assert report.for_year(sample_result).year == 2025
    assert report.for_year(sample_result, 2023).year == 2023
    with pytest.raises(OshakitError, match="no data for 2019; it covers 2023, 2024, 2025"):
        report.for_year(sample_result, 2019)
    with pytest.raises(OshakitError, match="it covers 2023, 2024, 2025"):
        report.check_years(sample_result, [2024, 2019])


def test_default_out_dir_is_under_the_project_reports(monkeypatch, tmp_path):
    repo = Path(__file__).resolve().parents[1]
    monkeypatch.chdir(repo / "notebooks")
    assert report.out_dir(None, "02_reconcile") == repo / "reports" / "notebooks" / "02_reconcile"
    assert report.out_dir("x", "02_reconcile") == Path("x")
    monkeypatch.chdir(tmp_path)  # a folder of no project: the kit's own repository
    assert report.out_dir(None, "03_trends") == repo / "reports" / "notebooks" / "03_trends"


def test_notebook_links_are_relative_to_the_notebook(monkeypatch, tmp_path):
    unit = tmp_path / "PLT01" / "01_profile"   # the batch runs a notebook in <unit>/<name>/
    (unit / "data_docs").mkdir(parents=True)
    monkeypatch.chdir(unit)
    assert report.notebook_href(unit / "data_docs" / "index.html", "01_profile") == (
        "01_profile/data_docs/index.html")
    monkeypatch.chdir(tmp_path)                # run by hand: its own folder
    assert report.notebook_href(unit / "data_docs" / "index.html", "01_profile") == (
        "PLT01/01_profile/data_docs/index.html")
    with pytest.raises(ValueError):
        report.link("file:///etc/passwd", "no")
    with pytest.raises(ValueError):
        report.link("/abs/path", "no")


def test_an_incomplete_bundle_is_said_first(tmp_path):
    # E2's recordable date cannot be read (month 99): that case is not on the log
    (tmp_path / "encounters_incidents.csv").write_text(
        ENCOUNTERS.replace("2024-03-01,Yes,2024-03-02", "2024-03-01,Yes,2024-99-02"))
    (tmp_path / "employment.csv").write_text(EMPLOYMENT)
    result = pipeline.run(tmp_path, 2024).select(establishment="E1")
    shown = report.headline(result)
    first = str(shown).splitlines()[0]
    assert first == ("Prepared from an incomplete bundle: 1 cell could not be read "
                     "(encounters_incidents.csv); listed in unread.csv. The figures may be wrong.")
    assert 'class="oshakit-notice"' in html_of(shown)
    assert "Cases on the log: 2 (" in str(shown)
    assert first in report.attention(result)


class _Validation:
    """The two tables a validation hands the report, made by hand: a birth date and a first
    name (protected, outputs.PII_COLUMNS) and a sex code (not protected)."""

    findings_rows = pd.DataFrame({
        "severity": ["warning", "error"], "file": ["employees.csv"] * 2, "line": [3, 4],
        "column": ["employees.birth_date", "employees.sex"],
        "value": ["1899-05-05", "Q"],
        "message": ["Employee P1: birth date 1899-05-05 is before 1900", "Employee P2: sex 'Q'"],
        "year": [None, None]})
    profile = pd.DataFrame({
        "file": ["employees.csv"] * 3,
        "column": ["employees.birth_date", "employees.first_name", "employees.sex"],
        "type": ["date", "text", "text"], "rows": [2, 2, 2], "nulls": [0, 0, 0],
        "null_pct": [0.0, 0.0, 0.0], "distinct": [2, 2, 2],
        "min": ["1958-02-02", "len 3", "len 1"], "max": ["2003-11-29", "len 8", "len 1"],
        "top_values": ["1958-02-02 (1); 2003-11-29 (1)", "Zéphyrine (1); Olga (1)",
                       "F (1); Q (1)"]})

    def for_year(self, year=None):
        return self.findings_rows


def test_the_validation_tables_of_a_report_withhold_employee_pii():
    """report.findings / report.profile are what notebook 01 shows in the shareable
    _bundle/01_profile.html: a protected column's values read withheld, others are shown."""
    from oshakit.outputs import WITHHELD

    v = _Validation()
    shown = html_of(report.findings(v)) + report.text_of(report.findings(v))
    for secret in ("1899-05-05",):
        assert secret not in shown
    assert "| employees.sex | Q | Employee P2: sex" in report.text_of(report.findings(v))
    prof = html_of(report.profile(v)) + report.text_of(report.profile(v))
    for secret in ("1958-02-02", "2003-11-29", "Zéphyrine", "Olga"):
        assert secret not in prof
    assert "F (1); Q (1)" in prof
    assert WITHHELD.split(":")[0] in prof
    assert v.profile["max"][0] == "2003-11-29"  # the validation itself is left as it was


def test_the_submit_notebook_shows_where_pii_was_found_not_what():
    """Notebook 05 shows the gates and the PII scan by case, field and kind, counted; the
    date of birth and the name the scan matched are only in confidential/pii_report.csv
    (written by the gates). The case data payload (dates of birth) is not printed."""
    import json

    from oshakit.ita.gates import GateReport
    from oshakit.ita.pii import refusal

    hit = {"establishment_name": "Plant 1", "case_number": "2025-004",
           "field": "how_injury_occurred", "kind": "date of birth", "found": "04/12/1987",
           "why": "the date of birth of Quillfeather, Zéphyrine"}
    gate = GateReport()
    gate.pii = pd.DataFrame([hit, hit])
    gate.refuse("Plant 1", refusal(hit))
    gate.warn("Plant 2", "no case data due")
    shown = report.text_of(report.gates(gate)) + html_of(report.gates(gate))
    found = report.text_of(report.pii_found(gate)) + html_of(report.pii_found(gate))
    for secret in ("04/12/1987", "Quillfeather"):
        assert secret not in shown and secret not in found
    assert ("Plant 1 | refused | case 2025-004 how_injury_occurred: date of birth found"
            in report.text_of(report.gates(gate)))
    assert "Plant 2 | warning | no case data due" in report.text_of(report.gates(gate))
    assert "Plant 1 | 2025-004 | how_injury_occurred | date of birth | 2" in report.text_of(
        report.pii_found(gate))
    nb = json.loads((Path(__file__).parents[1] / "notebooks" / "05_submit.ipynb").read_text())
    code = "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code")
    assert "gates.table()" not in code and "display(preview.gates.pii)" not in code
