"""The loader: kinds by header, formats, typing, rejects and row accounting."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from oshakit.bundle import load_bundle
from oshakit.errors import BundleError, StrictModeError

ENC = "encounters.ext_id,encounters.pat_id,encounters.pat_id_type"


def enc(rows: str, extra_header: str = "") -> str:
    header = ENC + ("," + extra_header if extra_header else "")
    return header + "\n" + rows


def rules(bundle) -> list[tuple[int, str]]:
    """(line, code) of the loader's errors (rows and cells it could not read)."""
    errors = bundle.rejects[bundle.rejects["severity"] == "error"]
    return list(zip(errors["line"], errors["code"], strict=True))


def assert_accounting_invariant(bundle) -> None:
    acc = bundle.accounting
    assert (acc["rows_read"] == acc["accepted"] + acc["rejected"]).all()
    for kind, frame in bundle.frames.items():
        assert acc.loc[acc["kind"] == kind, "accepted"].sum() == len(frame)


# --- finding kinds --------------------------------------------------------------------


def test_kind_is_found_by_header_not_by_file_name(tmp_path, make_bundle):
    b = make_bundle(tmp_path, {
        "visits.csv": enc("E1,P1,id:ext_id\n"),
        "whatever.csv": "incident_nibp.ext_id,encounters.ext_id,incident_nibp.body_part\n"
                        "N1,E1,Left hand\n",
        "r.csv": "patient_clinical_restriction.ext_id,encounters.ext_id,"
                 "patient_conditions.ext_id,patient_clinical_restriction.description\n"
                 "R1,E1,C1,No lifting\n",
        "a.csv": "accommodations.ext_id,encounters.ext_id,patient_clinical_restriction.ext_id,"
                 "accommodations.accom_type\nA1,E1,R1,Transitional Duty\n",
    })
    assert set(b.frames) == {"encounters", "nibp", "restrictions", "accommodations"}
    assert b.files["nibp"].name == "whatever.csv"
    assert b["restrictions"].loc[0, "patient_conditions.ext_id"] == "C1"


def test_header_prefixes_are_stripped_and_aliases_applied(tmp_path, make_bundle):
    text = (
        "DELETE_BLANK UPDATE encounters.ext_id,INSERT encounters.pat_id,"
        "ALLOW_BLANK encounters.pat_id_type,incident_extended_fields.ca_dwc1_form\n"
        "E1,P1,id:ext_id,2024-05-01\n"
    )
    nibp = "incident.nibp.ext_id,encounters.ext_id,incident_nibp.body_part\nN1,E1,Knee\n"
    b = make_bundle(tmp_path, {"e.csv": text, "n.csv": nibp})
    assert "encounters.ext_id" in b["encounters"].columns
    assert b["encounters"].loc[0, "incident_extended_fields.ca_dwc_1_form"] == pd.Timestamp(
        "2024-05-01")
    assert b["nibp"].loc[0, "incident_nibp.ext_id"] == "N1"


def test_unknown_columns_are_kept_as_text(tmp_path, make_bundle):
    b = make_bundle(tmp_path, {"e.csv": enc("E1,P1,id:ext_id,00123\n", "site.badge_no")})
    assert b["encounters"].loc[0, "site.badge_no"] == "00123"


def test_a_file_of_unknown_kind_is_reported_and_its_rows_accounted(tmp_path, make_bundle):
    b = make_bundle(tmp_path, {"e.csv": enc("E1,P1,id:ext_id\n"),
                               "notes.csv": "a,b\n1,2\n3,4\n"})
    assert rules(b) == [(1, "unknown_kind")]
    acc = b.accounting.set_index("file")
    assert acc.loc["notes.csv", "rejected"] == 2
    assert_accounting_invariant(b)


def test_two_files_of_one_kind_are_refused_unless_concatenated(tmp_path, make_bundle):
    files = {"e1.csv": enc("E1,P1,id:ext_id\n"),
             "e2.csv": enc("E2,P2,id:ext_id\nE1,P9,id:ext_id\n")}
    with pytest.raises(BundleError, match="2 files hold encounters data"):
        make_bundle(tmp_path, files)
    b = load_bundle(tmp_path, concat=True)
    assert list(b["encounters"]["encounters.ext_id"]) == ["E1", "E2"]
    # the duplicate across files is rejected in the file where it appears
    assert b.rejects[["file", "line", "code"]].values.tolist() == [["e2.csv", 3, "key_duplicate"]]
    assert_accounting_invariant(b)


def test_missing_folder_and_missing_encounters_file_are_clear_errors(tmp_path, make_bundle):
    with pytest.raises(BundleError, match="bundle folder not found"):
        load_bundle(tmp_path / "nope")
    with pytest.raises(BundleError, match="no encounters file"):
        make_bundle(tmp_path, {"n.csv": "incident_nibp.ext_id,encounters.ext_id\nN1,E1\n"})


def test_missing_required_column_is_reported_on_the_header_line(tmp_path, make_bundle):
    b = make_bundle(tmp_path, {"e.csv": "encounters.ext_id,encounters.pat_id\nE1,P1\n"})
    assert rules(b) == [(1, "missing_column")]
    assert b.rejects.loc[0, "column"] == "encounters.pat_id_type"
    assert b["encounters"]["encounters.pat_id_type"].isna().all()


# --- encodings, delimiters, quoting -------------------------------------------------


@pytest.mark.parametrize("encoding,bom", [("utf-8", b""), ("utf-8", b"\xef\xbb\xbf"),
                                          ("utf-16-le", b"\xff\xfe"), ("utf-16-be", b"\xfe\xff")])
def test_utf8_with_or_without_bom_and_utf16_with_bom(tmp_path, make_bundle, encoding, bom):
    text = enc("E1,P1,id:ext_id,Łukasz Żółć\n", "incidents.loc_description")
    b = make_bundle(tmp_path, {"e.csv": bom + text.encode(encoding)})
    assert b["encounters"].loc[0, "incidents.loc_description"] == "Łukasz Żółć"
    assert b["encounters"].loc[0, "encounters.ext_id"] == "E1"
    assert len(b.rejects) == 0


def test_an_undecodable_byte_rejects_its_row_naming_the_line(tmp_path, make_bundle):
    # The file is UTF-8 (line 2 holds a valid multi-byte letter), so the lone Latin-1 byte on
    # line 3 is damage, not an encoding: its row is rejected. (A file with no UTF-8
    # multi-byte letter at all is read as Windows-1252 instead: tests/test_load_damage.py.)
    data = (enc("E1,P1,id:ext_id,Żółć\n", "incidents.loc_description").encode("utf-8")
            + "E2,P2,id:ext_id,caf\xe9\nE3,P3,id:ext_id,ok\n".encode("latin-1"))
    b = make_bundle(tmp_path, {"e.csv": data})
    assert rules(b) == [(3, "encoding")]
    assert list(b["encounters"]["encounters.ext_id"]) == ["E1", "E3"]
    assert_accounting_invariant(b)


@pytest.mark.parametrize("delim", ["|", "\t"])
def test_pipe_and_tab_delimited_files(tmp_path, make_bundle, delim):
    text = enc("E1,P1,id:ext_id,Dock 4, north\n", "incidents.loc_description")
    text = text.replace(",", delim).replace(f"Dock 4{delim} north", "Dock 4, north")
    b = make_bundle(tmp_path, {"e.txt": text})
    assert b["encounters"].loc[0, "incidents.loc_description"] == "Dock 4, north"


def test_quoted_newlines_keep_line_numbers_right(tmp_path, make_bundle):
    rows = ('E1,P1,id:ext_id,"first line\nsecond line\nthird"\n'
            'E2,P2,id:ext_id,"he said ""stop"""\n'
            "E3,P3\n"
            "E4,P4,id:ext_id,plain\r\n")
    b = make_bundle(tmp_path, {"e.csv": enc(rows, "incidents.comment_explanation")})
    frame = b["encounters"]
    assert list(frame["_line"]) == [2, 5, 7]
    assert frame.loc[0, "incidents.comment_explanation"] == "first line\nsecond line\nthird"
    assert frame.loc[1, "incidents.comment_explanation"] == 'he said "stop"'
    assert frame.loc[2, "incidents.comment_explanation"] == "plain"
    assert rules(b) == [(6, "field_count")]


def test_wrong_field_count_rejects_short_and_long_rows(tmp_path, make_bundle):
    b = make_bundle(tmp_path, {"e.csv": enc("E1,P1\nE2,P2,id:ext_id,extra\nE3,P3,id:ext_id\n")})
    assert rules(b) == [(2, "field_count"), (3, "field_count")]
    assert "has 2 fields, the header has 3" in b.rejects.loc[0, "message"]
    assert list(b["encounters"]["encounters.ext_id"]) == ["E3"]


def test_blank_lines_are_neither_rows_nor_rejects(tmp_path, make_bundle):
    b = make_bundle(tmp_path, {"e.csv": enc("E1,P1,id:ext_id\n\nE2,P2,id:ext_id\n")})
    assert list(b["encounters"]["_line"]) == [2, 4]
    assert b.accounting.loc[0, "rows_read"] == 2


# --- types --------------------------------------------------------------------------


@pytest.mark.parametrize("text,expected", [
    ("2024-03-05 14:30:00", "2024-03-05 14:30:00"),
    ("2024-03-05", "2024-03-05 00:00:00"),
    ("2024-03-05T14:30:00", "2024-03-05 14:30:00"),
    ("03/05/2024", "2024-03-05 00:00:00"),
    ("03/05/2024 14:30", "2024-03-05 14:30:00"),
    ("03/05/2024 14:30:15", "2024-03-05 14:30:15"),
])
def test_every_accepted_datetime_format(tmp_path, make_bundle, text, expected):
    b = make_bundle(tmp_path, {"e.csv": enc(f"E1,P1,id:ext_id,{text}\n", "encounters.serv_date")})
    assert b["encounters"].loc[0, "encounters.serv_date"] == pd.Timestamp(expected)
    assert str(b["encounters"]["encounters.serv_date"].dtype) == "datetime64[ns]"


def test_a_column_may_mix_the_accepted_formats(tmp_path, make_bundle):
    rows = ("E1,P1,id:ext_id,03/05/2024\nE2,P2,id:ext_id,2024-03-06 07:15:00\n"
            "E3,P3,id:ext_id,2024-03-07\nE4,P4,id:ext_id,03/08/2024 16:45\n")
    b = make_bundle(tmp_path, {"e.csv": enc(rows, "encounters.serv_date")})
    assert list(b["encounters"]["encounters.serv_date"]) == [
        pd.Timestamp("2024-03-05"), pd.Timestamp("2024-03-06 07:15"),
        pd.Timestamp("2024-03-07"), pd.Timestamp("2024-03-08 16:45")]
    assert len(b.rejects) == 0


@pytest.mark.parametrize("text", ["", "0000-00-00", "0000-00-00 00:00:00"])
def test_empty_and_zero_dates_mean_no_value(tmp_path, make_bundle, text):
    b = make_bundle(tmp_path, {"e.csv": enc(f"E1,P1,id:ext_id,{text}\n", "encounters.serv_date")})
    assert pd.isna(b["encounters"].loc[0, "encounters.serv_date"])
    assert len(b.rejects) == 0


@pytest.mark.parametrize("text", ["2024-02-30", "2024-13-01", "31/12/2024", "yesterday"])
def test_impossible_or_unknown_dates_reject_the_cell_not_the_row(tmp_path, make_bundle, text):
    b = make_bundle(tmp_path, {"e.csv": enc(f"E1,P1,id:ext_id,{text}\n", "encounters.serv_date")})
    assert rules(b) == [(2, "datetime")]
    assert b.rejects.loc[0, "value"] == text
    assert len(b["encounters"]) == 1 and pd.isna(b["encounters"].loc[0, "encounters.serv_date"])
    assert b.accounting.loc[0, "cells_rejected"] == 1


@pytest.mark.parametrize("text", ["0202-03-04", "0202-03-04 10:00:00", "2204-03-04T10:00:00",
                                  "1899-12-31", "2101-01-01", "03/04/0202", "03/04/2300",
                                  "03/04/1600 10:00"])
def test_a_year_outside_1900_2100_rejects_the_cell_not_wrapped_to_another_date(
        tmp_path, make_bundle, text):
    # 0202 is a typo for 2020 or 2024: no year the kit can trust. Years outside 1678-2261
    # do not fit pandas' nanoseconds and used to wrap around (0202-03-04 read as 1955-10-31).
    rows = f"E1,P1,id:ext_id,{text}\nE2,P2,id:ext_id,2024-03-05\n"
    b = make_bundle(tmp_path, {"e.csv": enc(rows, "incidents.inc_datetime")})
    assert rules(b) == [(2, "datetime")]
    rej = b.rejects.iloc[0]
    assert (rej["file"], rej["column"], rej["value"]) == ("e.csv", "incidents.inc_datetime",
                                                          text)
    assert "1900-2100" in rej["message"]
    dates = b["encounters"]["incidents.inc_datetime"]
    assert pd.isna(dates[0]) and dates[1] == pd.Timestamp("2024-03-05")


@pytest.mark.parametrize("text", ["1900-01-01", "01/01/1900", "2100-12-31 23:59:59",
                                  "12/31/2100"])
def test_the_first_and_last_years_are_read(tmp_path, make_bundle, text):
    b = make_bundle(tmp_path, {"e.csv": enc(f"E1,P1,id:ext_id,{text}\n",
                                            "encounters.serv_date")})
    assert len(b.rejects) == 0
    assert b["encounters"].loc[0, "encounters.serv_date"] == pd.Timestamp(text)


def test_injury_datetime_without_time_is_marked_time_unknown(tmp_path, make_bundle):
    rows = "E1,P1,id:ext_id,2024-03-05\nE2,P2,id:ext_id,2024-03-05 00:00:00\nE3,P3,id:ext_id,\n"
    b = make_bundle(tmp_path, {"e.csv": enc(rows, "incidents.inc_datetime")})
    known = b["encounters"]["incidents.inc_time_known"]
    assert known[0] is False or known[0] == False  # noqa: E712
    assert known[1] == True  # noqa: E712  (midnight given explicitly is a known time)
    assert pd.isna(known[2])


@pytest.mark.parametrize("text,expected", [
    ("1", True), ("0", False), ("Y", True), ("n", False), ("Yes", True), ("NO", False),
    ("true", True), ("False", False), ("", None),
])
def test_every_accepted_flag_format(tmp_path, make_bundle, text, expected):
    b = make_bundle(tmp_path, {"e.csv": enc(f"E1,P1,id:ext_id,{text}\n", "encounters.closed")})
    value = b["encounters"].loc[0, "encounters.closed"]
    assert (pd.isna(value) if expected is None else value == expected)
    assert str(b["encounters"]["encounters.closed"].dtype) == "boolean"


def test_a_bad_flag_rejects_the_cell(tmp_path, make_bundle):
    b = make_bundle(tmp_path, {"e.csv": enc("E1,P1,id:ext_id,maybe\n", "encounters.closed")})
    assert rules(b) == [(2, "flag")]


@pytest.mark.parametrize("text,expected", [("Yes", "Yes"), ("1", "Yes"), ("no", "No"),
                                           ("0", "No"), ("2", "Undetermined"), ("N/A", "N/A")])
def test_work_related_codes_are_normalised(tmp_path, make_bundle, text, expected):
    b = make_bundle(tmp_path, {"e.csv": enc(f"E1,P1,id:ext_id,{text}\n",
                                            "incidents.osha_work_related")})
    assert b["encounters"].loc[0, "incidents.osha_work_related"] == expected


def test_unknown_codes_reject_the_cell(tmp_path, make_bundle):
    rows = "E1,P1,id:foo,X\nE2,P2,ID:EXT_ID,i\n"
    b = make_bundle(tmp_path, {"e.csv": enc(rows, "incidents.osha_itype")})
    assert sorted(rules(b)) == [(2, "code"), (2, "code")]
    assert b["encounters"].loc[1, "encounters.pat_id_type"] == "id:ext_id"
    assert b["encounters"].loc[1, "incidents.osha_itype"] == "I"


@pytest.mark.parametrize("text,expected", [("07:00", "07:00"), ("7:30", "07:30"),
                                           ("7:30 AM", "07:30"), ("12:15 am", "00:15"),
                                           ("1:05 PM", "13:05"), ("23:59:59", "23:59")])
def test_start_times_are_normalised_to_24_hour(tmp_path, make_bundle, text, expected):
    b = make_bundle(tmp_path, {"e.csv": enc(f"E1,P1,id:ext_id,{text}\n",
                                            "incidents.employee_starttime")})
    assert b["encounters"].loc[0, "incidents.employee_starttime"] == expected


@pytest.mark.parametrize("text", ["25:00", "13:00 PM", "noon", "7.30"])
def test_bad_times_reject_the_cell(tmp_path, make_bundle, text):
    b = make_bundle(tmp_path, {"e.csv": enc(f"E1,P1,id:ext_id,{text}\n",
                                            "incidents.employee_starttime")})
    assert rules(b) == [(2, "time")]


def test_numbers_and_whole_numbers(tmp_path, make_bundle):
    text = ("employment.establishment_code,employment.year,employment.annual_average_employees,"
            "employment.total_hours_worked,employment.peak_employees\n"
            '007,2024,45.5,"91,000",60\n007,2025,abc,100,6.5\n')
    b = make_bundle(tmp_path, {"e.csv": enc("E1,P1,id:ext_id\n"), "emp.csv": text})
    emp = b["employment"]
    assert emp.loc[0, "employment.establishment_code"] == "007"
    assert emp.loc[0, "employment.total_hours_worked"] == 91000
    assert emp.loc[0, "employment.annual_average_employees"] == 45.5
    assert str(emp["employment.year"].dtype) == "Int64"
    assert sorted(rules(b)) == [(3, "int"), (3, "number")]


def test_zip_ein_naics_and_ids_keep_leading_zeros(tmp_path, make_bundle):
    est = ("establishments.establishment_code,establishments.establishment_name,"
           "establishments.ein,establishments.zip,establishments.naics_code\n"
           "001,Plant,012345678,02139,011111\n")
    b = make_bundle(tmp_path, {"e.csv": enc("00042,007,id:ext_id\n"), "s.csv": est})
    row = b["establishments"].iloc[0]
    assert (row["establishments.ein"], row["establishments.zip"],
            row["establishments.naics_code"]) == ("012345678", "02139", "011111")
    assert b["encounters"].loc[0, "encounters.ext_id"] == "00042"


# --- keys, accounting, strict mode -------------------------------------------------


def test_duplicate_and_missing_keys_reject_the_row(tmp_path, make_bundle):
    b = make_bundle(tmp_path, {"e.csv": enc("E1,P1,id:ext_id\nE1,P2,id:ext_id\n,P3,id:ext_id\n")})
    assert rules(b) == [(3, "key_duplicate"), (4, "key_missing")]
    assert "already used on line 2" in b.rejects.loc[0, "message"]
    assert list(b["encounters"]["encounters.pat_id"]) == ["P1"]
    assert_accounting_invariant(b)


def test_composite_keys(tmp_path, make_bundle):
    emp = ("employees.pat_id,employees.pat_id_type,employees.last_name\n"
           "P1,id:ext_id,Ng\nP1,id:username,Ng\nP1,id:ext_id,Ng again\n")
    b = make_bundle(tmp_path, {"e.csv": enc("E1,P1,id:ext_id\n"), "emp.csv": emp})
    assert len(b["employees"]) == 2
    assert rules(b) == [(4, "key_duplicate")]


def test_a_key_that_cannot_be_parsed_rejects_the_row(tmp_path, make_bundle):
    text = "employment.establishment_code,employment.year\n001,2024\n001,twenty\n"
    b = make_bundle(tmp_path, {"e.csv": enc("E1,P1,id:ext_id\n"), "emp.csv": text})
    assert len(b["employment"]) == 1
    acc = b.accounting.set_index("kind").loc["employment"]
    assert (acc["rows_read"], acc["accepted"], acc["rejected"]) == (2, 1, 1)


def test_every_message_names_file_line_and_column(tmp_path, make_bundle):
    files = {"enc.csv": enc("E1,P1,id:ext_id,2024-99-99\n", "encounters.serv_date")}
    b = make_bundle(tmp_path, files)
    assert b.rejects.loc[0, "message"].startswith("enc.csv:2 [encounters.serv_date]: '2024-99-99'")


def test_strict_mode_raises_one_error_listing_every_problem(tmp_path, make_bundle):
    files = {"e.csv": enc("E1,P1,id:foo,maybe\nE2,P2\n", "encounters.closed")}
    with pytest.raises(StrictModeError) as info:
        make_bundle(tmp_path, files, strict=True)
    assert len(info.value.problems) == 3
    assert "e.csv:3" in str(info.value)


def test_sample_bundle_loads_clean(sample_bundle):
    assert len(sample_bundle.rejects) == 0
    assert {"encounters", "employees", "establishments", "employment"} <= set(sample_bundle.frames)
    assert_accounting_invariant(sample_bundle)


def test_every_loader_defect_is_rejected_at_its_file_and_line(defects_dir):
    b = load_bundle(defects_dir)
    defects = pd.read_csv(defects_dir / "defects.csv", dtype=str, keep_default_na=False)
    loader = defects[defects["caught_by"] == "loader"]
    assert len(loader) > 0
    found = set(zip(b.rejects["file"], b.rejects["line"].astype(str), b.rejects["code"],
                    strict=True))
    missing = [d for d in loader.itertuples() if (d.file, d.line, d.kind) not in found]
    assert missing == []
    assert_accounting_invariant(b)


def test_keys_are_compared_as_read_spaces_trimmed_and_codes_in_any_case(tmp_path, make_bundle):
    emp = ("employees.pat_id,employees.pat_id_type,employees.last_name\n"
           "P1,id:ext_id,Ng\nP2,id:ext_id,Li\n P1 ,ID:EXT_ID,Ng again\n")
    b = make_bundle(tmp_path, {"e.csv": enc("E1,P1,id:ext_id\n E1,P2,id:ext_id\n"),
                               "emp.csv": emp})
    assert sorted(rules(b)) == [(3, "key_duplicate"), (4, "key_duplicate")]
    assert list(b["employees"]["employees.last_name"]) == ["Ng", "Li"]
    assert_accounting_invariant(b)


@pytest.mark.parametrize("text,expected", [("1.0", True), ("TRUE", True), ("Y", True),
                                           ("0.0", False), ("no", False)])
def test_privacy_flags_in_any_spelling(tmp_path, make_bundle, text, expected):
    b = make_bundle(tmp_path, {"e.csv": enc(f"E1,P1,id:ext_id,{text}\n",
                                            "incidents.privacy_case")})
    assert b["encounters"].loc[0, "incidents.privacy_case"] == expected
    assert len(b.rejects) == 0


def test_an_unreadable_privacy_flag_is_a_cell_reject_on_its_column_and_line(tmp_path,
                                                                            make_bundle):
    rows = "E1,P1,id:ext_id,0\nE2,P2,id:ext_id,private?\n"
    b = make_bundle(tmp_path, {"e.csv": enc(rows, "incidents.privacy_case")})
    reject = b.rejects.iloc[0]
    assert (reject["line"], reject["column"], reject["code"], reject["severity"]) == (
        3, "incidents.privacy_case", "flag", "error")
    assert reject["value"] == "private?"
    assert pd.isna(b["encounters"].loc[1, "incidents.privacy_case"])  # emptied, row kept
    assert list(b["encounters"]["encounters.ext_id"]) == ["E1", "E2"]


WORK = ("employment.establishment_code,employment.year,employment.annual_average_employees,"
        "employment.total_hours_worked,employment.peak_employees")


@pytest.mark.parametrize("row,code", [('EST"2,,,,', "quote_in_field"),
                                      (',,,,6"', "key_missing")])
def test_a_row_left_empty_by_emptying_a_quoted_cell_is_rejected_and_counted(
        tmp_path, make_bundle, row, code):
    # The row held a value (with a stray quote): it is not an empty row of delimiters.
    b = make_bundle(tmp_path, {"e.csv": enc("E1,P1,id:ext_id\n"),
                               "w.csv": f"{WORK}\n{row}\nEST1,2024,5,100,6\n"})
    assert (2, code) in rules(b)
    assert "empty_rows" not in set(b.rejects["code"])
    acc = b.accounting.set_index("file").loc["w.csv"]
    assert (acc["rows_read"], acc["accepted"], acc["rejected"]) == (2, 1, 1)
    assert b["employment"]["employment.establishment_code"].tolist() == ["EST1"]
    assert_accounting_invariant(b)


def test_a_capitalised_word_is_a_prefix_only_before_a_known_column(tmp_path, make_bundle):
    # EMPLOYEE ID and SUPERVISOR ID are two columns, not two copies of "ID"; an option the
    # kit does not list (NOCHECK) still goes before a known name
    text = enc("E1,P1,id:ext_id,u1,s9,2024-05-01\n",
               "EMPLOYEE ID,SUPERVISOR ID,NOCHECK encounters.serv_date")
    b = make_bundle(tmp_path, {"e.csv": text})
    assert len(b.rejects[b.rejects["severity"] != "info"]) == 0
    frame = b["encounters"]
    assert frame.loc[0, "EMPLOYEE ID"] == "u1" and frame.loc[0, "SUPERVISOR ID"] == "s9"
    assert frame.loc[0, "encounters.serv_date"] == pd.Timestamp("2024-05-01")


def test_a_duplicate_column_the_kit_does_not_read_is_a_warning(tmp_path, make_bundle):
    text = enc("E1,P1,id:ext_id,a,b\n", "Notes,Notes")
    b = make_bundle(tmp_path, {"e.csv": text})
    assert rules(b) == []
    dup = b.rejects[b.rejects["code"] == "duplicate_column"]
    assert dup[["line", "column", "severity"]].values.tolist() == [[1, "Notes", "warning"]]
    assert b["encounters"].loc[0, "Notes"] == "a"


def test_a_duplicate_column_the_kit_reads_is_an_error(tmp_path, make_bundle):
    text = enc("E1,P1,id:ext_id,2024-05-01,2024-05-02\n",
               "encounters.serv_date,encounters.serv_date")
    b = make_bundle(tmp_path, {"e.csv": text})
    assert rules(b) == [(1, "duplicate_column")]


def test_a_folder_whose_entries_cannot_be_listed_is_a_clear_error(tmp_path, make_bundle,
                                                                   monkeypatch):
    # (the tests run as root, where chmod does not stop a listing: the refusal is simulated)
    folder = tmp_path / "b"
    make_bundle(folder, {"e.csv": enc("E1,P1,id:ext_id\n")})
    real = Path.iterdir

    def refuse(self):
        if self == folder:
            raise PermissionError(13, "Permission denied", str(self))
        return real(self)

    monkeypatch.setattr(Path, "iterdir", refuse)
    with pytest.raises(BundleError, match=r"bundle folder .* cannot be read: Permission denied"):
        load_bundle(folder)


def test_white_space_lines_are_blank_on_both_paths_of_a_one_column_file(tmp_path,
                                                                         make_bundle):
    from oshakit.bundle import records as R

    body = "E1\n\nE2\n  \n\t\r\nE3\n"
    data = ("encounters.ext_id\n" + body).encode()
    start = data.index(b"\n") + 1
    fast = R.scan(data, start, 2, ",", 1)
    careful = R.scan(data, start, 2, ",", 1, careful=True)
    assert fast.fast and not careful.fast
    assert fast.lines.tolist() == careful.lines.tolist() == [2, 4, 7]
    b = make_bundle(tmp_path, {"e.csv": data})
    assert b["encounters"]["_line"].tolist() == [2, 4, 7]
    assert "key_missing" not in set(b.rejects["code"])
    assert b.accounting.loc[0, "rows_read"] == 3
