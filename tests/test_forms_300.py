"""Form 300 read back from the PDF: columns, totals, pagination, privacy, long text, fonts."""

from __future__ import annotations

import math

import pandas as pd
import pdfplumber
import pypdf
import pytest
from forms_support import (
    COLUMN_KEYS,
    TOTAL_KEYS,
    YEAR,
    counts,
    log_rows,
    read_log,
    read_log_page,
    summary_row,
)

from oshakit.forms import render_form300
from oshakit.forms.layout import ATTENTION


@pytest.fixture(scope="module")
def log20() -> pd.DataFrame:
    return log_rows(20)


@pytest.fixture(scope="module")
def path20(log20, tmp_path_factory):
    path = tmp_path_factory.mktemp("f300") / "form300.pdf"
    assert render_form300(log20, path, summary_row(), year=YEAR) == 2
    return path


@pytest.fixture(scope="module")
def pages20(path20):
    return read_log(path20)


def test_every_case_is_on_the_log_with_its_values_in_their_columns(log20, pages20):
    rows = {r["A"]: r for page in pages20 for r in page.rows}
    assert len(rows) == 20
    for case in log20.to_dict("records"):
        cells = rows[case["case_number"]]
        assert cells["B"] == case["log_name"]
        assert cells["C"] == case["job_title"]
        assert cells["D"] == case["date_of_injury"].strftime("%m/%d")
        assert cells["E"] == case["location"]
        assert cells["F"] == case["description"]
        # exactly one X among G..J (the outcome) and one among M1..M6 (the type)
        assert [k for k in "GHIJ" if cells[k] == "X"] == [case["outcome"]]
        assert [k for k in TOTAL_KEYS[6:] if cells[k] == "X"] == [case["itype"]]
        assert cells["K"] == (str(case["days_away"]) if case["days_away"] else "")
        assert cells["L"] == (str(case["days_restricted"]) if case["days_restricted"] else "")


def test_thirteen_rows_per_page_in_log_order(pages20):
    assert [len(p.rows) for p in pages20] == [13, 7]
    numbers = [r["A"] for p in pages20 for r in p.rows]
    assert numbers == [f"{YEAR}-{i:04d}" for i in range(1, 21)]


def test_page_totals_are_the_sum_of_the_page_rows(pages20):
    for page in pages20:
        expected = {k: sum(counts(r)[k] for r in page.rows) for k in TOTAL_KEYS}
        assert {k: int(v) for k, v in page.page_totals.items()} == expected


def test_last_running_totals_are_the_year_totals(pages20):
    # by hand from log_rows(20): outcomes cycle G,H,I,J -> 5 each; H cases i=1,5,9,13,17
    # have 3+i days away (60) and 1 restricted (5); I cases i=2,6,..,18 have 5+i (75)
    # restricted; types cycle M1..M6 -> 4,4,3,3,3,3
    expected = {"G": 5, "H": 5, "I": 5, "J": 5, "K": 60, "L": 80,
                "M1": 4, "M2": 4, "M3": 3, "M4": 3, "M5": 3, "M6": 3}
    assert {k: int(v) for k, v in pages20[-1].running_totals.items()} == expected
    summed = {k: sum(int(p.page_totals[k]) for p in pages20) for k in TOTAL_KEYS}
    assert summed == expected


def test_header_and_footer_text(pages20, path20):
    first = pages20[0].text
    for s in ("OSHA's Form 300 (Rev. 04/2004)", "Log of Work-Related Injuries and Illnesses",
              "U.S. Department of Labor", "Occupational Safety and Health Administration",
              "Form approved OMB no. 1218-0176", f"Year {YEAR}", "North Plant", "Albany",
              "Identify the person", "Describe the case", "Classify the case",
              "Be sure to transfer these totals to the Summary page (Form 300A) before you "
              "post it.", "Page 1 of 2"):
        assert s in first, s
    assert "Page 2 of 2" in pages20[1].text
    with pdfplumber.open(path20) as pdf:
        page = pdf.pages[0]
        word = next(w for w in page.extract_words() if w["text"].startswith("Attention"))
        box = next(r for r in page.rects if r["x0"] < word["x0"] < r["x1"]
                   and r["top"] < word["top"] < r["bottom"])
        note = page.crop((box["x0"], box["top"], box["x1"], box["bottom"])).extract_text()
    assert "".join(note.split()) == "".join(ATTENTION.split())


def test_privacy_case_prints_privacy_case_never_the_name(tmp_path):
    log = log_rows(3)
    log.loc[1, "privacy"] = True
    log.loc[1, "log_name"] = "Privacy Case"
    log.loc[1, "employee_name"] = "Secret, Sally"
    # even a log_name left with the real name by mistake is not printed for a privacy case
    log.loc[2, "privacy"] = True
    log.loc[2, "employee_name"] = log.loc[2, "log_name"] = "Hidden, Harry"
    path = tmp_path / "form300.pdf"
    render_form300(log, path, summary_row(), year=YEAR)
    text = "".join(p.extract_text() for p in pypdf.PdfReader(path).pages)
    assert "Secret" not in text and "Sally" not in text and "Hidden" not in text
    rows = read_log(path)[0].rows
    assert [r["B"] for r in rows] == ["Name0, Person", "Privacy Case", "Privacy Case"]


def test_long_description_wraps_inside_its_cell_and_is_marked(tmp_path):
    log = log_rows(2)
    words = [f"w{i:03d}xyz" for i in range(260)]
    long_text = " ".join(words)
    assert len(long_text) >= 2000
    log.loc[0, "description"] = long_text
    path = tmp_path / "form300.pdf"
    render_form300(log, path, summary_row(), year=YEAR)
    page = read_log(path)[0]
    x0, x1 = page.bounds["F"]
    row = page.rows[0]
    with pdfplumber.open(path) as pdf:
        found = [w for w in pdf.pages[0].extract_words(x_tolerance=1.5)
                 if w["text"].startswith("w") and w["text"].endswith("xyz")]
    assert len(found) > 20  # wrapped over several lines, not one clipped line
    for w in found:
        assert x0 < w["x0"] and w["x1"] < x1, w
        assert row["_top"] < w["top"] and w["bottom"] < row["_bottom"], w
    assert "(continued on Form 301)" in row["F"]
    # the next row is untouched
    assert page.rows[1]["F"] == log.loc[1, "description"]


def test_thousand_cases_paginate(tmp_path):
    path = tmp_path / "form300.pdf"
    n_pages = math.ceil(1000 / 13)
    assert render_form300(log_rows(1000), path, summary_row(), year=YEAR) == n_pages
    reader = pypdf.PdfReader(path)
    assert len(reader.pages) == n_pages == 77
    for i, page in enumerate(reader.pages, start=1):
        assert f"Page {i} of {n_pages}" in page.extract_text()
    with pdfplumber.open(path) as pdf:
        last = read_log_page(pdf.pages[-1])
    assert len(last.rows) == 1000 - 76 * 13
    assert int(last.running_totals["G"]) == 250 and int(last.running_totals["M1"]) == 167


def test_estimated_days_are_marked_with_a_footnote(tmp_path):
    log = log_rows(2)
    log.loc[1, "days_estimated"] = True
    path = tmp_path / "form300.pdf"
    render_form300(log, path, summary_row(), year=YEAR, as_of="2024-12-31")
    page = read_log(path)[0]
    assert page.rows[1]["K"] == "4*" and page.rows[1]["L"] == "1*"
    assert page.rows[0]["K"] == ""
    assert int(page.page_totals["K"]) == 4
    assert "* estimated: the case is still open" in page.text


def test_unicode_names_are_embedded_and_extractable(tmp_path):
    log = log_rows(1)
    log.loc[0, "log_name"] = "Żółć, Łukasz"
    log.loc[0, "location"] = "Straße 5 – Müller"
    path = tmp_path / "form300.pdf"
    render_form300(log, path, summary_row(city="Kraków"), year=YEAR)
    reader = pypdf.PdfReader(path)
    text = reader.pages[0].extract_text()
    assert "Żółć, Łukasz" in text and "Straße 5 – Müller" in text and "Kraków" in text
    fonts = {f["/BaseFont"] for f in reader.pages[0]["/Resources"]["/Font"].values()}
    assert all("DejaVuSans" in str(f) for f in fonts), fonts


def test_same_input_same_bytes(tmp_path, log20):
    a, b = tmp_path / "a.pdf", tmp_path / "b.pdf"
    render_form300(log20, a, summary_row(), year=YEAR)
    render_form300(log20, b, summary_row(), year=YEAR)
    assert a.read_bytes() == b.read_bytes()


def test_letter_paper_scales_the_same_log(tmp_path, log20):
    path = tmp_path / "letter.pdf"
    render_form300(log20, path, summary_row(), year=YEAR, paper="letter")
    pages = read_log(path)
    assert pypdf.PdfReader(path).pages[0].mediabox.width == 792
    assert [r["A"] for p in pages for r in p.rows] == list(log20["case_number"])
    assert pages[-1].running_totals["K"] == "60"


def test_empty_log_still_has_a_page_with_zero_totals(tmp_path):
    path = tmp_path / "form300.pdf"
    assert render_form300(log_rows(1).iloc[:0], path, summary_row(), year=YEAR) == 1
    page = read_log(path)[0]
    assert page.rows == []
    assert set(page.running_totals.values()) == {"0"}
    assert "Page 1 of 1" in page.text


def test_columns_follow_osha_order(pages20):
    bounds = pages20[0].bounds
    assert list(bounds) == list(COLUMN_KEYS)
    assert all(bounds[a][1] == bounds[b][0] for a, b in zip(COLUMN_KEYS, COLUMN_KEYS[1:],
                                                              strict=False))
