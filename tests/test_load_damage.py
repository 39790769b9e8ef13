"""The damage corpus: the shipped sample, damaged the way spreadsheets and exports damage
files, and what a correct reading must give back.

Every damaged bundle is built here from ``SAMPLE_BUNDLE`` (nothing binary is committed).
For each damage class the test says, by hand, which rows a correct reading recovers (the
sample's rows, all of them or all but the damaged one) and what the user must be told (the
code, the line, the words that matter). Each damaged bundle also goes through
``oshakit inspect``, which must never print a traceback.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pandas as pd
import pytest

from oshakit.bundle import SAMPLE_BUNDLE, load_bundle
from oshakit.cases import reconcile
from oshakit.cli import main
from oshakit.completeness import notice, unread
from oshakit.errors import BundleError
from oshakit.summary import TOTALS, summarize

ENC = "encounters_incidents.csv"
EMP = "employees.csv"
LINE = "_line"


# --- helpers ----------------------------------------------------------------------------


def copy_sample(tmp_path: Path, name: str = "bundle") -> Path:
    folder = tmp_path / name
    shutil.copytree(SAMPLE_BUNDLE, folder)
    return folder


def text_of(folder: Path, name: str) -> str:
    return (folder / name).read_bytes().decode("utf-8")


def write(folder: Path, name: str, text: str, encoding: str = "utf-8") -> None:
    (folder / name).write_bytes(text.encode(encoding))


def line_starting(folder: Path, name: str, prefix: str) -> int:
    """1-based line of ``name`` that starts with ``prefix``."""
    for number, line in enumerate(text_of(folder, name).split("\n"), start=1):
        if line.startswith(prefix):
            return number
    raise AssertionError(f"no line of {name} starts with {prefix!r}")


def replace_on_line(folder: Path, name: str, number: int, old: str, new: str) -> None:
    lines = text_of(folder, name).split("\n")
    assert old in lines[number - 1], (old, lines[number - 1])
    lines[number - 1] = lines[number - 1].replace(old, new, 1)
    write(folder, name, "\n".join(lines))


def errors(bundle) -> list[tuple[str, int, str]]:
    e = bundle.rejects[bundle.rejects["severity"] == "error"]
    return [(f, None if pd.isna(ln) else int(ln), c)
            for f, ln, c in zip(e["file"], e["line"], e["code"], strict=True)]


def notes(bundle, severity: str = "warning") -> pd.DataFrame:
    return bundle.rejects[bundle.rejects["severity"] == severity]


def same_frame(got: pd.DataFrame, want: pd.DataFrame, *, line_shift: int = 0) -> None:
    want = want.copy()
    want[LINE] = want[LINE] + line_shift
    pd.testing.assert_frame_equal(got.reset_index(drop=True), want.reset_index(drop=True))


def same_frames(got, want, *, except_kinds=(), line_shift: dict | None = None) -> None:
    """Every frame of ``got`` equals the sample's, kinds in ``except_kinds`` aside."""
    assert set(got.frames) | set(except_kinds) >= set(want.frames)
    for kind, frame in want.frames.items():
        if kind not in except_kinds:
            same_frame(got[kind], frame, line_shift=(line_shift or {}).get(kind, 0))


def without_line(frame: pd.DataFrame, line: int) -> pd.DataFrame:
    assert (frame[LINE] == line).sum() == 1
    return frame[frame[LINE] != line]


def assert_invariant(bundle) -> None:
    acc = bundle.accounting
    assert (acc["rows_read"] == acc["accepted"] + acc["rejected"]).all()
    for kind, frame in bundle.frames.items():
        assert acc.loc[acc["kind"] == kind, "accepted"].sum() == len(frame)


def inspect_output(folder: Path, capsys, *extra: str) -> tuple[int, str]:
    code = main(["inspect", str(folder), *extra])
    out = capsys.readouterr()
    assert "Traceback" not in out.out + out.err
    return code, out.out + out.err


def totals(bundle, year: int) -> list:
    s = summarize(reconcile(bundle, year=year), bundle, year=year)
    return s[["establishment_code", *TOTALS]].values.tolist()


@pytest.fixture(scope="module")
def sample():
    return load_bundle(SAMPLE_BUNDLE)


# --- quotes -----------------------------------------------------------------------------


def test_an_unclosed_quote_rejects_its_line_only(tmp_path, sample, capsys):
    # Case 2024-PLT01-0008 opens on its INJ encounter; its location loses the closing quote.
    folder = copy_sample(tmp_path)
    bad = line_starting(folder, ENC, "ENC0000359,")
    replace_on_line(folder, ENC, bad, ",Maintenance Shop,", ',"Maintenance Shop,')
    b = load_bundle(folder)
    assert errors(b) == [(ENC, bad, "quote_unclosed")]
    reject = b.rejects.iloc[0]
    assert reject["column"] == "incidents.loc_description"
    assert "never closed" in reject["message"] or "not closed" in reject["message"]
    # every other row of the 1,019 is read, and read the same
    same_frame(b["encounters"], without_line(sample["encounters"], bad))
    same_frames(b, sample, except_kinds=("encounters",))
    acc = b.accounting.set_index("file").loc[ENC]
    assert (acc["rows_read"], acc["accepted"], acc["rejected"]) == (1019, 1018, 1)
    assert_invariant(b)
    # the case left the 2024 log: the filing check names the line
    assert totals(b, 2024) != totals(sample, 2024)
    u = unread(b, reconcile(b, year=2024), 2024)
    assert u[["file", "line", "code"]].values.tolist() == [[ENC, bad, "quote_unclosed"]]
    assert "2024-PLT01-0008" in u.iloc[0]["affects"]
    assert notice(u) == f"prepared from an incomplete bundle: 1 row could not be read ({ENC})"
    code, out = inspect_output(folder, capsys)
    assert code == 1 and f"{ENC}:{bad} [incidents.loc_description]" in out
    assert "quote_unclosed" in out and "Not fit to file" in out


def test_an_unclosed_quote_before_a_multiline_narrative_spares_the_narrative(tmp_path, sample):
    # Line 376-377 is one record whose narrative holds a newline. The line before it gets an
    # opening quote in the same column, so a naive reading would merge the two records.
    folder = copy_sample(tmp_path)
    narrative = line_starting(folder, ENC, "ENC0000372,")
    bad = narrative - 1
    replace_on_line(folder, ENC, bad, ",Patient struck", ',"Patient struck')
    b = load_bundle(folder)
    assert [(f, ln) for f, ln, _ in errors(b)] == [(ENC, bad)]
    same_frame(b["encounters"], without_line(sample["encounters"], bad))
    row = b["encounters"].set_index(LINE).loc[narrative]
    assert row["incidents.comment_explanation"].startswith("Needle slipped")
    assert "\nArea was roped off" in row["incidents.comment_explanation"]


def test_a_quote_left_open_at_the_end_of_the_file(tmp_path, sample):
    folder = copy_sample(tmp_path)
    text = text_of(folder, "employment.csv").rstrip("\n").split("\n")
    last = len(text)
    text[-1] = text[-1].replace(",", ',"', 1)
    write(folder, "employment.csv", "\n".join(text) + "\n")
    b = load_bundle(folder)
    assert errors(b) == [("employment.csv", last, "quote_unclosed")]
    same_frame(b["employment"], without_line(sample["employment"], last))


def test_a_quote_in_a_prose_field_is_kept_as_an_inch_mark(tmp_path, sample, capsys):
    folder = copy_sample(tmp_path)
    line = line_starting(folder, ENC, "ENC0000359,")
    replace_on_line(folder, ENC, line, ",Maintenance Shop,", ',Dock 3 - 2" step,')
    b = load_bundle(folder)
    assert errors(b) == []
    want = sample["encounters"].copy()
    want.loc[want[LINE] == line, "incidents.loc_description"] = 'Dock 3 - 2" step'
    same_frame(b["encounters"], want)
    warning = notes(b).iloc[0]
    assert (warning["line"], warning["column"], warning["code"]) == (
        line, "incidents.loc_description", "quote_in_field")
    assert totals(b, 2024) == totals(sample, 2024)
    code, out = inspect_output(folder, capsys)
    assert code == 0 and "quote_in_field (warning, 1)" in out and "Fit to file" in out


def test_an_undoubled_quote_inside_a_quoted_field_is_kept(tmp_path, sample):
    folder = copy_sample(tmp_path)
    line = line_starting(folder, ENC, "ENC0000359,")
    replace_on_line(folder, ENC, line, ",Maintenance Shop,", ',"Dock 3 - 2" step",')
    b = load_bundle(folder)
    assert errors(b) == []
    got = b["encounters"].set_index(LINE).loc[line, "incidents.loc_description"]
    assert got == 'Dock 3 - 2" step'
    same_frames(b, sample, except_kinds=("encounters",))


def test_a_stray_quote_in_a_link_column_empties_the_cell_and_fails_closed(tmp_path, sample):
    # The follow-up of case 2024-PLT01-0008 gets a quote in its case number: the row stays,
    # the case number cannot be trusted, so it is emptied and the 2024 filing check names it.
    folder = copy_sample(tmp_path)
    line = line_starting(folder, ENC, "ENC0000384,")
    replace_on_line(folder, ENC, line, ",2024-PLT01-0008,", ',2024-PLT01-00"08,')
    b = load_bundle(folder)
    assert errors(b) == [(ENC, line, "quote_in_field")]
    assert b.rejects.iloc[0]["column"] == "incidents.case_number"
    assert pd.isna(b["encounters"].set_index(LINE).loc[line, "incidents.case_number"])
    u = unread(b, reconcile(b, year=2024), 2024)
    assert u[["file", "line", "scope"]].values.tolist() == [[ENC, line, "cell"]]


def test_a_row_with_a_missing_delimiter_is_rejected(tmp_path, sample):
    folder = copy_sample(tmp_path)
    line = line_starting(folder, EMP, "E000002,")
    replace_on_line(folder, EMP, line, ",Emily,", ",Emily ")
    b = load_bundle(folder)
    assert errors(b) == [(EMP, line, "field_count")]
    # employees.csv has 15 columns (13 + termination_date, termination_reason)
    assert "has 14 fields, the header has 15" in b.rejects.iloc[0]["message"]
    same_frame(b["employees"], without_line(sample["employees"], line))


# --- line ends and encodings ------------------------------------------------------------


@pytest.mark.parametrize("style", ["cr", "mixed"])
def test_cr_only_and_mixed_line_ends_keep_every_row_and_line(tmp_path, sample, style, capsys):
    folder = copy_sample(tmp_path)
    lines = text_of(folder, ENC).split("\n")
    if style == "cr":
        text = "\r".join(lines)
    else:
        ends = ("\r", "\n", "\r\n")
        text = "".join(ln + ends[i % 3] for i, ln in enumerate(lines[:-1])) + lines[-1]
    write(folder, ENC, text)
    b = load_bundle(folder)
    assert errors(b) == []
    same_frames(b, sample)  # the same rows on the same lines
    assert "line_endings" in set(notes(b, "info")["code"])
    assert inspect_output(folder, capsys)[0] == 0


def test_crlf_files_are_read_as_they_are(tmp_path, sample):
    folder = copy_sample(tmp_path)
    write(folder, ENC, text_of(folder, ENC).replace("\n", "\r\n"))
    b = load_bundle(folder)
    assert len(b.rejects) == 0
    # quoted narratives keep their line break (as CRLF, the file's own)
    want = sample["encounters"].copy()
    col = "incidents.comment_explanation"
    want[col] = want[col].str.replace("\n", "\r\n", regex=False)
    same_frame(b["encounters"], want)


def cp1252_safe(text: str) -> str:
    """The sample's employees with letters Windows-1252 lacks spelt without accents."""
    table = str.maketrans("ŁłŻżćśńęąŚŃřěčůŽ", "LlZzcsneaSNrecuZ")
    return text.translate(table)


def test_windows_1252_is_read_with_a_warning_not_rejected(tmp_path, sample, capsys):
    folder = copy_sample(tmp_path)
    text = cp1252_safe(text_of(folder, EMP))
    assert "é" in text or "ó" in text  # accents Windows-1252 has are kept
    write(folder, EMP, text, "cp1252")
    b = load_bundle(folder)
    assert errors(b) == []
    expected = load_bundle(_rewritten(tmp_path, EMP, text))
    same_frame(b["employees"], expected["employees"])
    warning = notes(b).iloc[0]
    assert warning["code"] == "encoding_guess" and pd.isna(warning["line"])
    assert "employees.csv: read as Windows-1252" in warning["message"]
    assert totals(b, 2024) == totals(sample, 2024)
    code, out = inspect_output(folder, capsys)
    assert code == 0 and "read as Windows-1252" in out


def _rewritten(tmp_path: Path, name: str, text: str) -> Path:
    """The sample with ``name`` replaced by ``text`` in UTF-8 (the expected reading)."""
    folder = copy_sample(tmp_path, "expected")
    write(folder, name, text)
    return folder


def test_latin_1_when_windows_1252_leaves_a_byte_undefined(tmp_path):
    folder = copy_sample(tmp_path)
    text = cp1252_safe(text_of(folder, EMP))
    data = text.encode("cp1252").replace(b"Chen", b"Ch\x81en", 1)
    (folder / EMP).write_bytes(data)
    b = load_bundle(folder)
    assert errors(b) == []
    assert "read as Latin-1" in notes(b).iloc[0]["message"]
    assert (b["employees"]["employees.last_name"] == "Ch\x81en").sum() == 1


@pytest.mark.parametrize("encoding,bom", [
    ("utf-16-le", ""), ("utf-16-be", ""), ("utf-16-le", "\ufeff"), ("utf-16-be", "\ufeff"),
    ("utf-8", "\ufeff"),
])
def test_utf16_and_boms(tmp_path, sample, encoding, bom):
    folder = copy_sample(tmp_path)
    write(folder, EMP, bom + text_of(folder, EMP), encoding)
    b = load_bundle(folder)
    assert errors(b) == []
    same_frames(b, sample)
    if encoding.startswith("utf-16") and not bom:
        assert "UTF-16" in notes(b).iloc[0]["message"]


def test_a_bom_then_a_blank_line_before_the_header(tmp_path, sample):
    folder = copy_sample(tmp_path)
    write(folder, ENC, "\ufeff\r\n" + text_of(folder, ENC))
    b = load_bundle(folder)
    assert errors(b) == []
    same_frames(b, sample, line_shift={"encounters": 1})


def test_a_stray_byte_in_a_utf8_header_is_an_error_on_the_header(tmp_path, capsys):
    folder = copy_sample(tmp_path)
    data = (folder / EMP).read_bytes().replace(b"employees.job_title", b"employees.job_t\xefle")
    (folder / EMP).write_bytes(data)
    b = load_bundle(folder)
    assert errors(b) == [(EMP, 1, "header_encoding")]
    u = unread(b, reconcile(b, year=2024), 2024)
    assert u["scope"].tolist() == ["column"]
    assert inspect_output(folder, capsys)[0] == 1


# --- headers ----------------------------------------------------------------------------


def test_title_rows_and_blank_lines_above_the_header(tmp_path, sample, capsys):
    folder = copy_sample(tmp_path)
    write(folder, ENC, "Injury export,,,\nRun 2025-01-31\n\n" + text_of(folder, ENC))
    b = load_bundle(folder)
    assert errors(b) == []
    same_frames(b, sample, line_shift={"encounters": 3})
    skipped = notes(b)
    assert skipped[["line", "code"]].values.tolist() == [[1, "title_row"], [2, "title_row"]]
    assert skipped.iloc[0]["value"] == "Injury export"
    assert inspect_output(folder, capsys)[0] == 0


def test_a_data_row_above_the_header_is_rejected_not_skipped(tmp_path, sample):
    folder = copy_sample(tmp_path)
    lines = text_of(folder, "employment.csv").split("\n")
    write(folder, "employment.csv", "\n".join([lines[1], *lines]))
    b = load_bundle(folder)
    assert errors(b) == [("employment.csv", 1, "above_header")]
    same_frame(b["employment"], sample["employment"], line_shift=1)
    assert_invariant(b)


def test_a_sparse_data_row_above_the_header_is_rejected_and_unread(tmp_path, sample):
    # An ordinary visit: 8 of the header's 39 cells filled. It has the header's field count
    # and more than one value: it may be data, so it is an unread row, not a title row.
    folder = copy_sample(tmp_path)
    lines = text_of(folder, ENC).split("\n")
    visit = lines[2]
    assert visit.startswith("ENC0000002,") and visit.count(",") == 38
    assert sum(bool(c) for c in visit.split(",")) == 8
    write(folder, ENC, "\n".join([visit, lines[0], lines[1], *lines[3:]]))
    b = load_bundle(folder)
    assert errors(b) == [(ENC, 1, "above_header")]
    assert notes(b).empty
    want = sample["encounters"][sample["encounters"]["encounters.ext_id"] != "ENC0000002"]
    assert b["encounters"]["encounters.ext_id"].tolist() == want["encounters.ext_id"].tolist()
    acc = b.accounting.set_index("file").loc[ENC]
    assert (acc["rows_read"], acc["rejected"]) == (len(want) + 1, 1)
    assert_invariant(b)
    for year in (2023, 2024):  # the row names no case: it may belong to any
        u = unread(b, reconcile(b, year=year), year)
        assert [(f, int(ln), s) for f, ln, s in zip(u["file"], u["line"], u["scope"],
                                                     strict=True)] == [(ENC, 1, "row")]


def test_a_title_line_of_another_field_count_is_still_skipped(tmp_path, sample):
    folder = copy_sample(tmp_path)
    write(folder, ENC, "Run by,J. Doe\nInjury export,,,\n" + text_of(folder, ENC))
    b = load_bundle(folder)
    assert errors(b) == []
    assert notes(b)[["line", "code"]].values.tolist() == [[1, "title_row"], [2, "title_row"]]
    same_frames(b, sample, line_shift={"encounters": 2})


def test_header_case_spaces_and_prefixes(tmp_path, sample, capsys):
    folder = copy_sample(tmp_path)
    head, rest = text_of(folder, ENC).split("\n", 1)
    cells = head.split(",")
    cells[0] = "DELETE_BLANK UPDATE ENCOUNTERS.EXT_ID"
    cells[1] = " encounters . pat_id "
    cells[2] = "Encounters.Pat_Id_Type"
    write(folder, ENC, ",".join(cells) + "\n" + rest)
    emp_head, emp_rest = text_of(folder, EMP).split("\n", 1)
    emp_head = emp_head.replace("employees.first_name", "employees. first_name")
    emp_head = emp_head.replace("employees.last_name", ' "employees.last_name" ')  # quoted
    write(folder, EMP, emp_head + "\n" + emp_rest)
    b = load_bundle(folder)
    assert errors(b) == []
    same_frames(b, sample)
    renamed = notes(b, "info")
    assert "'employees. first_name' as employees.first_name" in " ".join(renamed["message"])
    assert inspect_output(folder, capsys)[0] == 0


@pytest.mark.parametrize("delimiter", [";", "\t"])
def test_semicolon_and_tab_delimiters(tmp_path, sample, delimiter):
    folder = copy_sample(tmp_path)
    # employment.csv holds no comma inside a value: the delimiter can be swapped as is
    write(folder, "employment.csv", text_of(folder, "employment.csv").replace(",", delimiter))
    b = load_bundle(folder)
    assert errors(b) == []
    same_frames(b, sample)


def test_trailing_empty_columns_from_excel(tmp_path, sample):
    folder = copy_sample(tmp_path)
    lines = text_of(folder, "establishments.csv").rstrip("\n").split("\n")
    write(folder, "establishments.csv", "\n".join(ln + ",,," for ln in lines) + "\n")
    b = load_bundle(folder)
    assert errors(b) == []
    same_frames(b, sample)
    assert "3 column(s) with no name and no value" in notes(b, "info").iloc[0]["message"]


def test_an_unknown_kind_says_what_was_expected_found_and_closest(tmp_path, capsys):
    folder = copy_sample(tmp_path)
    head, rest = text_of(folder, EMP).split("\n", 1)
    write(folder, EMP, head.replace("employees.pat_id,", "employee.patid,") + "\n" + rest)
    b = load_bundle(folder)
    assert errors(b) == [(EMP, 1, "unknown_kind")]
    message = b.rejects.iloc[0]["message"]
    assert "employees.pat_id + employees.pat_id_type (employees)" in message  # expected
    assert "employee.patid" in message  # found
    assert "closest kind: employees" in message and "closest: 'employee.patid'" in message
    acc = b.accounting.set_index("file").loc[EMP]
    assert (acc["kind"], acc["rows_read"], acc["rejected"]) == ("unknown", 632, 632)
    u = unread(b, reconcile(b, year=2024), 2024)
    assert u[["file", "scope"]].values.tolist() == [[EMP, "file"]]
    code, out = inspect_output(folder, capsys)
    assert code == 1 and "closest kind: employees" in out


# --- values -----------------------------------------------------------------------------


def test_an_excel_serial_date_is_converted_with_a_warning(tmp_path, sample, capsys):
    folder = copy_sample(tmp_path)
    line = line_starting(folder, ENC, "ENC0000359,")  # injured 2024-02-17, time unknown
    replace_on_line(folder, ENC, line, ",2024-02-17,2024-PLT01-0008,", ",45339,2024-PLT01-0008,")
    b = load_bundle(folder)
    assert errors(b) == []
    same_frames(b, sample)  # 45339 days after 1899-12-30 is 2024-02-17, time still unknown
    warning = notes(b).iloc[0]
    assert (warning["line"], warning["column"], warning["code"]) == (
        line, "incidents.inc_datetime", "excel_serial_date")
    assert "read as 2024-02-17" in warning["message"]
    assert totals(b, 2024) == totals(sample, 2024)
    assert "excel_serial_date (warning, 1)" in inspect_output(folder, capsys)[1]


def test_midnight_written_by_an_export_stays_time_unknown(tmp_path, sample):
    # Every injury date without a time (52 of them) rewritten YYYY-MM-DD 00:00:00.
    folder = copy_sample(tmp_path)
    lines = text_of(folder, ENC).split("\n")
    head = lines[0].split(",")
    col = head.index("incidents.inc_datetime")
    changed = 0
    for i in range(1, len(lines)):
        cells = lines[i].split(",")
        if len(cells) > col and len(cells[col]) == 10 and cells[col][4] == "-":
            cells[col] += " 00:00:00"
            lines[i] = ",".join(cells)
            changed += 1
    assert changed == 52
    write(folder, ENC, "\n".join(lines))
    b = load_bundle(folder)
    assert errors(b) == []
    same_frames(b, sample)  # incidents.inc_time_known False for those 52, as for bare dates
    warning = notes(b)
    assert warning["code"].tolist() == ["midnight_time_unknown"]
    assert "52 injury datetime(s)" in warning.iloc[0]["message"]
    rec, want = reconcile(b, year=2024), reconcile(sample, year=2024)
    assert rec.cases["time_unknown"].tolist() == want.cases["time_unknown"].tolist()


def test_flags_written_as_numbers_or_words(tmp_path, sample):
    folder = copy_sample(tmp_path)
    lines = text_of(folder, ENC).split("\n")
    head = lines[0].split(",")
    cols = [head.index(c) for c in ("encounters.closed", "incidents.privacy_case",
                                    "incidents.employee_died")]
    spell = {"1": ["1.0", "TRUE", "Y"], "0": ["0.0", "FALSE", "n"]}
    for i in range(1, len(lines)):
        cells = lines[i].split(",")
        for k, c in enumerate(cols):
            if len(cells) > c and cells[c] in spell and '"' not in lines[i]:
                cells[c] = spell[cells[c]][(i + k) % 3]
        lines[i] = ",".join(cells)
    write(folder, ENC, "\n".join(lines))
    b = load_bundle(folder)
    assert errors(b) == []
    same_frames(b, sample)


def test_thousands_separators_and_a_decimal_comma(tmp_path, sample):
    folder = copy_sample(tmp_path)
    lines = text_of(folder, "employment.csv").split("\n")
    cells = lines[1].split(",")  # PLT01,2023,451,889738,522
    assert cells[:4] == ["PLT01", "2023", "451", "889738"]
    cells[3] = '"889,738"'
    lines[1] = ",".join(cells)
    cells = lines[2].split(",")
    cells[2] = '"481,5"'  # a decimal comma: not guessed
    lines[2] = ",".join(cells)
    write(folder, "employment.csv", "\n".join(lines))
    b = load_bundle(folder)
    assert errors(b) == [("employment.csv", 3, "number")]
    want = sample["employment"].copy()
    want.loc[want[LINE] == 3, "employment.annual_average_employees"] = pd.NA
    same_frame(b["employment"], want)
    u = unread(b, reconcile(b, year=2024), 2024)
    assert u[["line", "scope"]].values.tolist() == [[3, "cell"]]
    assert "300A of establishment PLT01" in u.iloc[0]["affects"]
    assert unread(b, reconcile(b, year=2023), 2023).empty


def test_a_cell_over_a_megabyte_is_read(tmp_path, sample):
    folder = copy_sample(tmp_path)
    line = line_starting(folder, ENC, "ENC0000359,")
    huge = "x" * 1_500_000
    replace_on_line(folder, ENC, line, ",Maintenance Shop,", f',"{huge}\nsecond, line",')
    b = load_bundle(folder)
    assert errors(b) == []
    got = b["encounters"].set_index(LINE).loc[line, "incidents.loc_description"]
    assert got == huge + "\nsecond, line"
    # the line after it is read on its right line number (the cell spans two lines)
    nxt = b["encounters"][b["encounters"][LINE] > line].iloc[0]
    want = sample["encounters"][sample["encounters"][LINE] > line].iloc[0]
    assert nxt[LINE] == want[LINE] + 1 and nxt["encounters.ext_id"] == want["encounters.ext_id"]


# --- files ------------------------------------------------------------------------------


def test_a_png_saved_as_csv(tmp_path, sample, capsys):
    folder = copy_sample(tmp_path)
    (folder / "scan.csv").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 20)
    b = load_bundle(folder)
    assert errors(b) == [("scan.csv", None, "file_binary")]
    assert "PNG image" in b.rejects.iloc[0]["message"]
    same_frames(b, sample)
    u = unread(b, reconcile(b, year=2025), 2025)
    assert u["affects"].str.startswith("unknown").all() and len(u) == 1
    code, out = inspect_output(folder, capsys)
    assert code == 1 and "scan.csv: is not a text file" in out


def test_an_xlsx_saved_as_csv(tmp_path):
    folder = copy_sample(tmp_path)
    (folder / "cases.csv").write_bytes(b"PK\x03\x04" + b"\x00" * 200)
    b = load_bundle(folder)
    assert errors(b) == [("cases.csv", None, "file_binary")]
    assert "Excel .xlsx" in b.rejects.iloc[0]["message"]


def test_a_folder_a_broken_link_and_an_unreadable_file(tmp_path, sample, capsys):
    folder = copy_sample(tmp_path)
    (folder / "old.csv").mkdir()
    os.symlink(folder / "gone.csv", folder / "link.csv")
    locked = folder / "locked.csv"
    locked.write_text("a,b\n1,2\n")
    locked.chmod(0)
    b = load_bundle(folder)
    got = {(f, c) for f, _, c in errors(b)}
    assert {("old.csv", "file_unreadable"), ("link.csv", "file_unreadable")} <= got
    if os.geteuid() != 0:  # root reads any file
        assert ("locked.csv", "file_unreadable") in got
    message = b.rejects.set_index("file").loc["link.csv", "message"]
    assert "gone.csv, which does not exist" in message
    same_frames(b, sample)
    assert inspect_output(folder, capsys)[0] == 1
    locked.chmod(0o644)


def test_an_empty_optional_file_is_a_warning(tmp_path, sample, capsys):
    folder = copy_sample(tmp_path)
    (folder / "accommodations.csv").write_bytes(b"")
    b = load_bundle(folder)
    assert errors(b) == []
    warning = notes(b).iloc[0]
    assert (warning["file"], warning["code"]) == ("accommodations.csv", "file_empty")
    assert "accommodations" not in b.frames
    same_frames(b, sample, except_kinds=("accommodations",))
    assert inspect_output(folder, capsys)[0] == 0


def test_a_header_only_file_is_a_warning(tmp_path, sample):
    folder = copy_sample(tmp_path)
    write(folder, "establishments.csv", text_of(folder, "establishments.csv").split("\n")[0])
    b = load_bundle(folder)
    assert errors(b) == []
    assert notes(b)[["file", "code"]].values.tolist() == [
        ["establishments.csv", "file_header_only"]]
    assert len(b["establishments"]) == 0
    assert list(b["establishments"].columns) == list(sample["establishments"].columns)


def test_an_empty_encounters_file_stops_with_a_clear_message(tmp_path):
    folder = copy_sample(tmp_path)
    (folder / ENC).write_bytes(b"\r\n")
    with pytest.raises(BundleError, match=r"no encounters file .*encounters_incidents.csv "
                                          r"\(empty\)"):
        load_bundle(folder)


def test_every_damaged_bundle_leaves_the_other_files_alone(tmp_path, sample):
    # Several damages at once, in different files: each is found where it is.
    folder = copy_sample(tmp_path)
    enc_line = line_starting(folder, ENC, "ENC0000359,")
    replace_on_line(folder, ENC, enc_line, ",Maintenance Shop,", ',"Maintenance Shop,')
    emp_line = line_starting(folder, EMP, "E000002,")
    replace_on_line(folder, EMP, emp_line, ",Emily,", ",Emily ")
    write(folder, "employment.csv", text_of(folder, "employment.csv").replace("\n", "\r"))
    b = load_bundle(folder)
    assert sorted(errors(b)) == sorted([(ENC, enc_line, "quote_unclosed"),
                                        (EMP, emp_line, "field_count")])
    same_frames(b, sample, except_kinds=("encounters", "employees"))
    assert_invariant(b)


# --- the CLI on every damaged bundle --------------------------------------------------------


def _on_line(prefix: str, old: str, new: str, name: str = ENC):
    def go(folder: Path) -> None:
        replace_on_line(folder, name, line_starting(folder, name, prefix), old, new)
    return go


def _text(name: str, change, encoding: str = "utf-8"):
    def go(folder: Path) -> None:
        write(folder, name, change(text_of(folder, name)), encoding)
    return go


def _bytes(name: str, data: bytes):
    def go(folder: Path) -> None:
        (folder / name).write_bytes(data)
    return go


DAMAGES = {
    "unclosed quote": _on_line("ENC0000359,", ",Maintenance Shop,", ',"Maintenance Shop,'),
    "inch mark": _on_line("ENC0000359,", ",Maintenance Shop,", ',Dock 3 - 2" step,'),
    "quote in a case number": _on_line("ENC0000384,", ",2024-PLT01-0008,",
                                       ',2024-PLT01-00"08,'),
    "missing delimiter": _on_line("E000002,", ",Emily,", ",Emily ", EMP),
    "CR only": _text(ENC, lambda t: t.replace("\n", "\r")),
    "Windows-1252": _text(EMP, cp1252_safe, "cp1252"),
    "UTF-16 without BOM": _text(EMP, lambda t: t, "utf-16-le"),
    "title row": _text(ENC, lambda t: "Injury export\n\n" + t),
    "ALL CAPS header": _text(ENC, lambda t: t.split("\n", 1)[0].upper() + "\n"
                             + t.split("\n", 1)[1]),
    "semicolons": _text("employment.csv", lambda t: t.replace(",", ";")),
    "unknown kind": _text(EMP, lambda t: t.replace("employees.pat_id,", "employee.patid,", 1)),
    "Excel serial date": _on_line("ENC0000359,", ",2024-02-17,2024-PLT01-0008,",
                                  ",45339,2024-PLT01-0008,"),
    "PNG as CSV": _bytes("scan.csv", b"\x89PNG\r\n\x1a\n" + bytes(range(256))),
    "empty optional file": _bytes("accommodations.csv", b""),
    "header only": _text("establishments.csv", lambda t: t.split("\n")[0]),
    "stray byte in a header": lambda folder: (folder / EMP).write_bytes(
        (folder / EMP).read_bytes().replace(b"job_title", b"job_t\xefle")),
    "control bytes": _on_line("ENC0000359,", "Maintenance Shop", "Maint\x00\x01nance"),
    "empty link cell": _on_line("PCR0000001,", "PCR0000001,ENC0000008,", "PCR0000001,,",
                                "patient_clinical_restriction.csv"),
}


@pytest.mark.parametrize("damage", sorted(DAMAGES))
def test_inspect_never_prints_a_traceback(tmp_path, capsys, damage):
    folder = copy_sample(tmp_path)
    DAMAGES[damage](folder)
    code, out = inspect_output(folder, capsys)
    assert code in (0, 1)
    assert "fit to file" in out.lower()
    code, out = inspect_output(folder, capsys, "--year", "2024", "--all")
    assert code in (0, 1) and "2024" in out


# --- the filing commands on every damaged bundle: same numbers, or a refusal ---------------


#: The case data columns that carry the filed numbers and codes (texts may differ when a
#: damage changed them, as the control bytes do).
FILED_CASE_COLUMNS = ["case_number", "date_of_incident", "incident_outcome", "dafw_num_away",
                      "djtr_num_tr", "type_of_incident", "date_of_birth", "date_of_hire"]


def filed(folder: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The 300A rows and the case data numbers export-ita wrote into ``folder``."""
    cases = pd.read_csv(folder / "confidential" / "ita_case_data.csv", dtype=str)
    return (pd.read_csv(folder / "ita_300a.csv", dtype=str),
            cases[FILED_CASE_COLUMNS].sort_values("case_number", ignore_index=True))


@pytest.fixture(scope="module")
def undamaged_ita(tmp_path_factory) -> tuple[pd.DataFrame, pd.DataFrame]:
    out = tmp_path_factory.mktemp("ita")
    assert main(["export-ita", str(SAMPLE_BUNDLE), "--year", "2024", "--out", str(out)]) == 0
    return filed(out)


def run_cli(capsys, *args: str) -> tuple[int, str]:
    code = main(list(args))
    out = capsys.readouterr()
    assert "Traceback" not in out.out + out.err, args
    return code, out.out + out.err


@pytest.mark.parametrize("damage", sorted(DAMAGES))
def test_filing_commands_file_the_same_numbers_or_refuse_naming_file_and_line(
        tmp_path, capsys, undamaged_ita, damage):
    folder = copy_sample(tmp_path)
    DAMAGES[damage](folder)
    out = tmp_path / "out"
    code, said = run_cli(capsys, "export-ita", str(folder), "--year", "2024",
                         "--out", str(out / "ita"))
    if "refused" not in said:  # nothing that feeds the 2024 log was lost: the same filing
        form300a, cases = filed(out / "ita")
        pd.testing.assert_frame_equal(form300a, undamaged_ita[0])
        pd.testing.assert_frame_equal(cases, undamaged_ita[1])
        return
    assert code == 1 and "--accept-rejects" in said
    assert not (out / "ita").exists()  # nothing written
    table = said.split("could not be read", 1)[1]
    lost = unread(load_bundle(folder), reconcile(load_bundle(folder), year=2024), 2024)
    for file, line in zip(lost["file"], lost["line"], strict=True):
        assert file in table and (pd.isna(line) or str(int(line)) in table)
    for command in (["forms", str(folder), "--year", "2024", "--out", str(out / "forms")],
                    ["ita", "submit", str(folder), "--year", "2024", "--out", str(out / "s")]):
        code, said = run_cli(capsys, *command)
        assert code == 1 and "refused" in said, command
        assert not Path(command[command.index("--out") + 1]).exists()
    # accepted knowingly: the files are written and say they come from an incomplete bundle
    code, said = run_cli(capsys, "export-ita", str(folder), "--year", "2024",
                         "--out", str(out / "ita"), "--accept-rejects")
    assert code in (0, 1)
    assert (out / "ita" / "README.txt").read_text().startswith(
        "NOTICE: Prepared from an incomplete bundle")
    code, said = run_cli(capsys, "ita", "submit", str(folder), "--year", "2024",
                         "--out", str(out / "s"), "--accept-rejects")
    assert code in (0, 1)
    assert (out / "s" / "README.txt").read_text().startswith(
        "NOTICE: Prepared from an incomplete bundle")
