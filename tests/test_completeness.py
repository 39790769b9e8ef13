"""``unread``: which loader errors feed a year's log, and the notice outputs then carry.

One small hand-written bundle: case C24 (2024, employee u1, opened on line 2, followed up
on line 4), case C23 (2023, employee u2, line 3), an ordinary visit E4 (line 5); a
restriction for each encounter E1, E2, E4; employment of EST1 for 2023 and 2024. Each test
damages one thing and states, from the rule in ``oshakit.completeness``, which years it
feeds.
"""

from __future__ import annotations

import pandas as pd
import pytest

from oshakit.cases import reconcile
from oshakit.completeness import notice, unread

ENC_HEAD = ("encounters.ext_id,encounters.pat_id,encounters.pat_id_type,encounters.closed,"
            "incidents.inc_datetime,incidents.case_number,incidents.case_type,"
            "incidents.osha_work_related,incidents.osha_completed_dt,incidents.osha_itype,"
            "incidents.facility_code")
ENC_ROWS = [
    "E1,u1,id:username,1,2024-03-04 10:00:00,C24,Injury,Yes,2024-03-05,I,EST1",
    "E2,u2,id:username,1,2023-05-06 09:00:00,C23,Injury,Yes,2023-05-07,I,EST1",
    "E3,u1,id:username,1,,C24,,,,,",
    "E4,u2,id:username,1,,,,,,,",
]
RES_HEAD = ("patient_clinical_restriction.ext_id,encounters.ext_id,"
            "patient_clinical_restriction.description,patient_clinical_restriction.start_date,"
            "patient_clinical_restriction.end_date")
RES_ROWS = ["R1,E1,Lifting,2024-03-05,2024-03-20", "R2,E2,Lifting,2023-05-07,2023-05-20",
            "R3,E4,Lifting,2023-08-01,2023-08-03"]
EMP_HEAD = ("employees.pat_id,employees.pat_id_type,employees.first_name,employees.last_name,"
            "employees.birth_date,employees.establishment_code")
EMP_ROWS = ["u1,id:username,Ann,Lee,1980-01-02,EST1", "u2,id:username,Bob,Ray,1975-06-07,EST1"]
EST = ("establishments.establishment_code,establishments.establishment_name\n"
       "EST1,Plant One\n")
WORK_HEAD = ("employment.establishment_code,employment.year,"
             "employment.annual_average_employees,employment.total_hours_worked")
WORK_ROWS = ["EST1,2023,50,100000", "EST1,2024,52,104000"]


def files(enc=None, res=None, emp=None, work=None, **extra) -> dict[str, str]:
    def csv(head, rows):
        return head + "\n" + "\n".join(rows) + "\n"

    out = {
        "encounters_incidents.csv": csv(ENC_HEAD, enc or ENC_ROWS),
        "patient_clinical_restriction.csv": csv(RES_HEAD, res or RES_ROWS),
        "employees.csv": csv(EMP_HEAD, emp or EMP_ROWS),
        "establishments.csv": EST,
        "employment.csv": csv(WORK_HEAD, work or WORK_ROWS),
    }
    out.update(extra)
    return out


def with_row(rows: list[str], index: int, row: str) -> list[str]:
    out = list(rows)
    out[index] = row
    return out


@pytest.fixture
def load(tmp_path, make_bundle):
    def go(**kwargs):
        return make_bundle(tmp_path / "b", files(**kwargs))
    return go


def fed(bundle, year: int) -> pd.DataFrame:
    return unread(bundle, reconcile(bundle, year=year), year)


def where(table: pd.DataFrame) -> list[tuple]:
    return [(f, None if pd.isna(ln) else int(ln), s)
            for f, ln, s in zip(table["file"], table["line"], table["scope"], strict=True)]


def test_the_clean_bundle_is_complete_for_every_year(load):
    b = load()
    assert len(b.rejects) == 0
    for year in (2023, 2024, 2025):
        table = fed(b, year)
        assert table.empty and notice(table) is None


def test_a_restriction_cell_feeds_only_its_case_year(load):
    b = load(res=with_row(RES_ROWS, 0, "R1,E1,Lifting,2024-02-30,2024-03-20"))
    table = fed(b, 2024)
    assert where(table) == [("patient_clinical_restriction.csv", 2, "cell")]
    assert table.iloc[0]["affects"].startswith("case C24: ")
    assert "restricted work may be wrong" in table.iloc[0]["affects"]
    assert fed(b, 2023).empty
    assert notice(table) == ("prepared from an incomplete bundle: 1 cell could not be read "
                             "(patient_clinical_restriction.csv)")


def test_a_restriction_of_an_encounter_with_no_case_feeds_nothing(load):
    b = load(res=with_row(RES_ROWS, 2, "R3,E4,Lifting,2023-08-01,someday"))
    assert len(b.errors) == 1
    assert fed(b, 2023).empty and fed(b, 2024).empty


def test_an_employee_cell_feeds_the_years_of_that_employees_cases(load):
    b = load(emp=with_row(EMP_ROWS, 1, "u2,id:username,Bob,Ray,1975-13-07,EST1"))
    table = fed(b, 2023)
    assert where(table) == [("employees.csv", 3, "cell")]
    assert table.iloc[0]["affects"].startswith("every case of employee u2 (C23)")
    assert fed(b, 2024).empty


def test_an_unreadable_employee_row_is_found_by_its_id(load):
    b = load(emp=with_row(EMP_ROWS, 1, "u2,id:username,Bob"))
    assert [tuple(x) for x in b.errors[["line", "code"]].values] == [(3, "field_count")]
    assert where(fed(b, 2023)) == [("employees.csv", 3, "row")]
    assert fed(b, 2024).empty  # u2 has no 2024 case


def test_an_unreadable_employee_row_with_no_known_id_feeds_no_year(load):
    b = load(emp=[*EMP_ROWS, "u9,id:usern"])
    assert len(b.errors) == 1
    # every case's employee is in employees.csv, so the row can be no case's employee
    assert fed(b, 2023).empty and fed(b, 2024).empty


def test_employment_cells_and_rows_feed_their_year(load):
    b = load(work=["EST1,2023,50,lots", "EST1,2024"])
    assert where(fed(b, 2023)) == [("employment.csv", 2, "cell")]
    table = fed(b, 2024)
    assert where(table) == [("employment.csv", 3, "row")]
    assert "2024 300A of establishment EST1" in table.iloc[0]["affects"]


def test_an_unreadable_follow_up_feeds_its_case_year(load):
    b = load(enc=with_row(ENC_ROWS, 2, "E3,u1,id:username,1,,C24"))
    assert [tuple(x) for x in b.errors[["line", "code"]].values] == [(4, "field_count")]
    table = fed(b, 2024)
    assert where(table) == [("encounters_incidents.csv", 4, "row")]
    assert table.iloc[0]["affects"].startswith("case C24: ")
    assert fed(b, 2023).empty


def test_an_unreadable_row_naming_no_case_feeds_every_year(load):
    b = load(enc=with_row(ENC_ROWS, 3, "E4,u2"))
    for year in (2023, 2024, 2025):
        table = fed(b, year)
        assert where(table) == [("encounters_incidents.csv", 5, "row")]
        assert table.iloc[0]["affects"].startswith("unknown: ")


def test_an_unreadable_injury_date_feeds_every_year(load):
    b = load(enc=with_row(ENC_ROWS, 1, ENC_ROWS[1].replace("2023-05-06 09:00:00",
                                                           "2023-05-36 09:00:00")))
    for year in (2023, 2024, 2025):
        table = fed(b, year)
        assert where(table) == [("encounters_incidents.csv", 3, "cell")]
        assert "case C23 would leave the 300A" in table.iloc[0]["affects"]


def test_a_cell_of_an_ordinary_visit_feeds_nothing(load):
    b = load(enc=with_row(ENC_ROWS, 3, "E4,u2,id:username,maybe,,,,,,,"))
    assert [tuple(x) for x in b.errors[["line", "code"]].values] == [(5, "flag")]
    assert fed(b, 2023).empty and fed(b, 2024).empty


def test_dropped_duplicates_are_judged_by_their_own_fields(load):
    b = load(enc=[*ENC_ROWS, "E4,u2,id:username,0,,,,,,,", "E3,u1,id:username,0,,C24,,,,,"])
    assert [tuple(x) for x in b.errors[["line", "code"]].values] == [
        (6, "key_duplicate"), (7, "key_duplicate")]
    assert where(fed(b, 2024)) == [("encounters_incidents.csv", 7, "row")]
    assert fed(b, 2023).empty


def test_files_that_cannot_be_read_feed_every_year(load):
    b = load(**{"notes.csv": "a,b\n1,2\n", "scan.csv": "\x89PNG\r\n\x1a\n" + "\x00" * 50})
    for year in (2023, 2024):
        table = fed(b, year)
        assert sorted(where(table)) == [("notes.csv", 1, "file"), ("scan.csv", None, "file")]
    assert notice(table) == ("prepared from an incomplete bundle: 2 files or columns could "
                             "not be read (notes.csv, scan.csv)")


def test_a_missing_required_column_feeds_every_year(tmp_path, make_bundle):
    f = files()
    f["patient_clinical_restriction.csv"] = (
        "patient_clinical_restriction.ext_id,encounters.ext_id\nR1,E1\n")
    b = make_bundle(tmp_path / "b", f)
    table = fed(b, 2024)
    assert where(table) == [("patient_clinical_restriction.csv", 1, "column")]


def test_warnings_feed_nothing(load):
    b = load(res=with_row(RES_ROWS, 0, "R1,E1,Lifting,45356,2024-03-20"))
    assert b.rejects["code"].tolist() == ["excel_serial_date"]
    assert fed(b, 2024).empty


def test_the_notice_counts_rows_and_cells(load):
    b = load(enc=with_row(ENC_ROWS, 2, "E3,u1,id:username,1,,C24"),
             res=with_row(RES_ROWS, 0, "R1,E1,Lifting,2024-02-30,2024-03-32"))
    table = fed(b, 2024)
    assert sorted(table["scope"]) == ["cell", "cell", "row"]
    assert notice(table) == ("prepared from an incomplete bundle: 1 row and 2 cells could "
                             "not be read (encounters_incidents.csv, "
                             "patient_clinical_restriction.csv)")


@pytest.mark.parametrize("text", ["", RES_HEAD + "\n"])
def test_a_present_but_empty_file_feeds_every_year(load, text):
    # read without error (a warning), but more likely a failed export than a bundle with
    # no restriction at all: a filing needs the user's knowing acceptance
    b = load(**{"patient_clinical_restriction.csv": text})
    for year in (2023, 2024):
        table = fed(b, year)
        assert where(table) == [("patient_clinical_restriction.csv",
                                 None if text == "" else 1, "file")]
        assert "holds no rows" in table["affects"].iloc[0]


# --- the filing duty of Y reads the year before, and the company fields --------------------
# 1904.1: the log of Y is required unless the company had 10 or fewer employees during Y-1;
# oshakit.duty adds the Y-1 peak_employees of the company's establishments, and groups
# establishments into a company by company_name or EIN.

PEAK_HEAD = WORK_HEAD + ",employment.peak_employees"
PEAK_ROWS = ["EST1,2023,50,100000,60", "EST1,2024,52,104000,61"]


def with_peaks(rows: list[str]) -> dict[str, str]:
    return {"employment.csv": PEAK_HEAD + "\n" + "\n".join(rows) + "\n"}


def test_a_peak_of_the_year_before_feeds_the_next_year(load):
    b = load(**with_peaks(with_row(PEAK_ROWS, 0, "EST1,2023,50,100000,sixty")))
    assert [tuple(x) for x in b.errors[["line", "column"]].values] == [
        (2, "employment.peak_employees")]
    assert where(fed(b, 2023)) == [("employment.csv", 2, "cell")]
    table = fed(b, 2024)
    assert where(table) == [("employment.csv", 2, "cell")]
    assert "2024 filing duty" in table.iloc[0]["affects"]
    assert fed(b, 2025).empty  # 2025's duty reads 2024, not 2023


def test_hours_of_the_year_before_feed_only_their_year(load):
    b = load(**with_peaks(with_row(PEAK_ROWS, 0, "EST1,2023,50,lots,60")))
    assert where(fed(b, 2023)) == [("employment.csv", 2, "cell")]
    assert fed(b, 2024).empty  # the duty reads the head count only


@pytest.mark.parametrize("row", ["EST1,2023,50,100000", "EST2,2023,5,9000,7,extra"])
def test_an_unreadable_employment_row_of_the_year_before_feeds_the_next_year(load, row):
    # EST2 has no case and no other row: it may still be of the same company (its head
    # count then adds to EST1's)
    b = load(**with_peaks([*PEAK_ROWS, row]))
    assert [tuple(x) for x in b.errors[["line", "code"]].values] == [(4, "field_count")]
    table = fed(b, 2024)
    assert where(table) == [("employment.csv", 4, "row")]
    assert "2024 filing duty" in table.iloc[0]["affects"]
    assert fed(b, 2025).empty


def test_an_employment_row_whose_year_cannot_be_read_feeds_the_year(load):
    b = load(**with_peaks([*PEAK_ROWS, "EST2,5,9000,7"]))
    assert [tuple(x) for x in b.errors[["line", "code"]].values] == [(4, "field_count")]
    for year in (2023, 2024, 2025):
        assert where(fed(b, year)) == [("employment.csv", 4, "row")]


def test_a_company_field_of_any_establishment_feeds_every_year(load):
    # EST2 has no case and no employment row: only its EIN is damaged (a quote in a
    # column that is not prose empties the cell), and the EIN groups it into a company
    est = ("establishments.establishment_code,establishments.establishment_name,"
           'establishments.ein\nEST1,Plant One,12-3456789\nEST2,Depot,12-34"56789\n')
    b = load(**{"establishments.csv": est})
    assert [tuple(x) for x in b.errors[["line", "column"]].values] == [
        (3, "establishments.ein")]
    for year in (2023, 2024, 2025):
        table = fed(b, year)
        assert where(table) == [("establishments.csv", 3, "cell")]
        assert f"{year} filing duty" in table.iloc[0]["affects"]


def test_an_unreadable_row_of_an_establishment_employed_the_year_before_feeds_the_next(load):
    # EST2 worked in 2023 only: its row (company name, EIN) decides whose head count it adds to
    est = ("establishments.establishment_code,establishments.establishment_name,"
           "establishments.company_name\nEST1,Plant One,Acme\nEST2,Depot\n")
    b = load(**{"establishments.csv": est}, **with_peaks([*PEAK_ROWS, "EST2,2023,5,9000,7"]))
    assert [tuple(x) for x in b.errors[["line", "code"]].values] == [(3, "field_count")]
    table = fed(b, 2024)
    assert where(table) == [("establishments.csv", 3, "row")]
    assert "2024 filing duty" in table.iloc[0]["affects"]
    assert fed(b, 2025).empty  # EST2 has no 2024 row


# --- several files of one kind (concat) -----------------------------------------------------


def test_rejects_in_one_of_several_files_of_a_kind_feed_their_row_year(tmp_path, make_bundle):
    # Both employment files have a line 2: the file and the line together place the row.
    f = files(work=["EST1,2023,50,100000"])
    f["employment_2024.csv"] = (WORK_HEAD + "\nEST1,2024,52,lots\nEST1,2023,50,100000\n")
    b = make_bundle(tmp_path / "b", f, concat=True)
    assert [tuple(x) for x in b.errors[["file", "line", "code"]].values] == [
        ("employment_2024.csv", 2, "number"), ("employment_2024.csv", 3, "key_duplicate")]
    table = fed(b, 2024)
    assert where(table) == [("employment_2024.csv", 2, "cell")]
    assert "2024 300A of establishment EST1" in table.iloc[0]["affects"]
    assert where(fed(b, 2023)) == [("employment_2024.csv", 3, "row")]
    assert fed(b, 2025).empty


def test_a_reject_of_several_files_that_cannot_be_placed_feeds_every_year(tmp_path,
                                                                           make_bundle):
    f = files(work=["EST1,2023,50,100000"])
    f["employment_2024.csv"] = WORK_HEAD + "\nEST1,2024,52,lots\n"
    b = make_bundle(tmp_path / "b", f, concat=True)
    b.row_files = {}  # a bundle built without the file of each row
    for year in (2023, 2024, 2025):
        table = fed(b, year)
        assert where(table) == [("employment_2024.csv", 2, "cell")]
        assert table.iloc[0]["affects"].startswith("unknown: ")


def test_a_dropped_duplicate_of_the_year_before_feeds_the_next_year_by_its_peak(load):
    b = load(**with_peaks([*PEAK_ROWS, "EST1,2023,50,100000,65"]))
    assert [tuple(x) for x in b.errors[["line", "code"]].values] == [(4, "key_duplicate")]
    assert where(fed(b, 2024)) == [("employment.csv", 4, "row")]
    assert fed(b, 2025).empty
