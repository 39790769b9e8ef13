"""All forms of a year through ``render_forms`` and the ``oshakit forms`` CLI; 300A, 301,
privacy list, reproducibility and a PNG layout check against a committed reference."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import numpy as np
import pandas as pd
import pypdf
import pytest
from forms_support import TOTAL_KEYS, YEAR, log_rows, read_300a, read_log, summary_row
from PIL import Image

from oshakit.cli import main
from oshakit.forms import preview_png, render_form300, render_form300a, render_form301
from oshakit.forms.render import render_forms

FIXTURES = Path(__file__).parent / "fixtures" / "forms"
#: summaries column of each 300A total.
SUMMARY_KEYS = {
    "G": "total_deaths", "H": "total_dafw_cases", "I": "total_djtr_cases",
    "J": "total_other_cases", "K": "total_dafw_days", "L": "total_djtr_days",
    "M1": "total_injuries", "M2": "total_skin_disorders", "M3": "total_respiratory_conditions",
    "M4": "total_poisonings", "M5": "total_hearing_loss", "M6": "total_other_illnesses",
}


def pdf_text(path: Path) -> str:
    return "\n".join(p.extract_text() for p in pypdf.PdfReader(path).pages)


def test_cli_renders_one_establishment_year_of_the_sample(sample_dir, tmp_path, capsys,
                                                          sample_result):
    out = tmp_path / "forms"
    code = main(["forms", str(sample_dir), "--year", "2024", "--out", str(out),
                 "--establishment", "PLT02", "--certifier-name", "Łukasz Żółć",
                 "--certifier-title", "Plant Manager"])
    assert code == 0
    printed = capsys.readouterr().out
    folder = out / "PLT02"
    secret_folder = folder / "confidential"
    names = ("form300.pdf", "form300a.pdf", "confidential/form301.pdf",
             "confidential/privacy_cases.pdf", "confidential/privacy_cases.csv")
    for name in names:
        assert (folder / name).is_file() and str(folder / name) in printed
    assert sorted(p.name for p in out.iterdir()) == ["PLT02"]

    log = sample_result.rec.log
    log = log[(log["establishment_code"] == "PLT02") & (log["year"] == 2024)]
    summary = sample_result.summaries.set_index(["establishment_code", "year"]).loc[("PLT02",
                                                                                   2024)]
    pages = read_log(folder / "form300.pdf")
    assert sorted(r["A"] for p in pages for r in p.rows) == sorted(log["case_number"])
    running = {k: int(v) for k, v in pages[-1].running_totals.items()}
    from_300a = read_300a(folder / "form300a.pdf")
    assert running == from_300a == {k: int(summary[c]) for k, c in SUMMARY_KEYS.items()}
    assert "Łukasz Żółć" in pdf_text(folder / "form300a.pdf")

    # privacy: the names of privacy cases are nowhere in the log, only in the privacy list
    private = log[log["privacy"]]
    assert len(private) > 0
    others = set(log.loc[~log["privacy"], "employee_name"])
    secret = [n for n in private["employee_name"] if n not in others]
    assert secret
    text300 = pdf_text(folder / "form300.pdf")
    for name in secret:
        assert name not in text300
        assert name.split(",")[0] not in text300  # not even the family name
    assert text300.count("Privacy Case") == len(private)
    with open(secret_folder / "privacy_cases.csv", encoding="utf-8") as f:
        listed = {r["case_number"]: r["employee_name"] for r in csv.DictReader(f)}
    assert listed == dict(zip(private["case_number"], private["employee_name"], strict=True))
    assert all(n in pdf_text(secret_folder / "privacy_cases.pdf")
               for n in private["employee_name"])

    assert len(pypdf.PdfReader(secret_folder / "form301.pdf").pages) >= len(log)


def test_all_zero_year_gets_a_300a_of_zeros_and_no_privacy_list(sample_result, tmp_path):
    written = render_forms(sample_result.select(year=2023), tmp_path, establishment="PLT03")
    files = written["PLT03"]
    assert set(files) == {"form300", "form300a", "form301"}
    assert read_300a(files["form300a"]) == dict.fromkeys(TOTAL_KEYS, 0)
    pages = read_log(files["form300"])
    assert len(pages) == 1 and pages[0].rows == []
    assert "No recordable case" in pdf_text(files["form301"])


def test_unknown_establishment_is_a_user_error(sample_dir, tmp_path, capsys):
    code = main(["forms", str(sample_dir), "--year", "2024", "--out", str(tmp_path),
                 "--establishment", "NOPE"])
    assert code == 2
    assert "NOPE" in capsys.readouterr().err


def test_300a_labels_missing_fields_and_blank_certification(tmp_path):
    path = tmp_path / "form300a.pdf"
    render_form300a(summary_row(zip=None, naics_code=float("nan"), total_dafw_cases=2,
                                total_dafw_days=1500, total_injuries=2), path)
    text = pdf_text(path)
    flat = " ".join(text.split())
    assert flat.count("(missing)") == 2
    for s in ("Summary of Work-Related Injuries and Illnesses", "OSHA's Form 300A",
              "Year 2024", "North Plant", "1 Mill Rd", "Albany", "NY", "Machine shops",
              "Total number of deaths", "Total number of cases with days away from work",
              "Total number of days away from work", "Injuries", "Skin disorders",
              "Respiratory conditions", "Poisonings", "Hearing loss", "All other illnesses",
              "Annual average number of employees", "Total hours worked by all employees",
              "240,000", "Company executive", "Title", "Phone", "Date",
              "Post this Summary page from February 1 to April 30 of the year following the "
              "year covered by the form."):
        assert s in flat, s
    assert read_300a(path) == {**dict.fromkeys(TOTAL_KEYS, 0), "H": 2, "K": 1500, "M1": 2}


def test_300a_certifier_is_filled_from_parameters(tmp_path):
    path = tmp_path / "form300a.pdf"
    certifier = {"name": "Ana Souza", "title": "Plant Manager", "phone": "555-0100",
                 "date": "2025-01-31"}
    render_form300a(summary_row(), path, certifier=certifier)
    text = pdf_text(path)
    for s in ("Ana Souza", "Plant Manager", "555-0100", "01/31/2025"):
        assert s in text


def test_301_one_page_per_case_with_items_1_to_18(tmp_path):
    log = log_rows(3)
    log.loc[2, "time_of_event"] = None
    log.loc[2, "time_unknown"] = True
    log.loc[1, "date_of_death"] = pd.Timestamp(2024, 3, 4)
    path = tmp_path / "form301.pdf"
    assert render_form301(log, path, completed_by={"name": "Ana Souza"}) == 3
    pages = [p.extract_text() for p in pypdf.PdfReader(path).pages]
    for i, text in enumerate(pages):
        flat = " ".join(text.split())
        for s in (f"2024-{i + 1:04d}", f"Name{i}, Person", "1 Main St", "Albany, NY 12207",
                  "06/23/1980", "03/15/2015", "Dr. Who", "City Clinic", "Albany, NY 12208",
                  f"Before{i}", f"Happened{i}", f"Injury{i}", f"Object{i}", "7:00 AM",
                  "Ana Souza", "Check if time cannot be determined",
                  "Was employee treated in an emergency room?",
                  "Was employee hospitalized overnight as an in-patient?",
                  "If the employee died, when did death occur?", "Completed by"):
            assert s in flat, (i, s)
        for n in range(1, 19):
            assert f"{n})" in flat
    assert "9:30 AM" in pages[0] and "9:30 AM" not in pages[2]
    assert "03/04/2024" in pages[1] and "03/04/2024" not in pages[0]


def test_301_puts_a_long_narrative_in_full_on_a_continuation_page(tmp_path):
    log = log_rows(2)
    long_text = " ".join(f"step{i}" for i in range(400)) + " THE-END"
    log.loc[0, "nar_what_happened"] = long_text
    path = tmp_path / "form301.pdf"
    assert render_form301(log, path) == 3
    pages = [p.extract_text() for p in pypdf.PdfReader(path).pages]
    assert "(continued on the next page)" in pages[0]
    assert " ".join(pages[1].split()).endswith("THE-END") or "THE-END" in pages[1]
    assert all(f"step{i}" in pages[1].split() for i in range(400))
    assert "Name1, Person" in pages[2]


def test_same_input_same_bytes(sample_result, tmp_path):
    one = sample_result.select(year=2024)
    a = render_forms(one, tmp_path / "a", establishment="PLT02")["PLT02"]
    b = render_forms(one, tmp_path / "b", establishment="PLT02")["PLT02"]
    for key in a:
        assert a[key].read_bytes() == b[key].read_bytes(), key


def _pixels(png: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(png)).convert("L"), dtype=float)


@pytest.mark.parametrize("form", ["form300", "form300a", "form301"])
def test_pages_render_like_the_reference_images(form, tmp_path):
    path = tmp_path / f"{form}.pdf"
    if form == "form300":
        render_form300(log_rows(5), path, summary_row(), year=YEAR)
    elif form == "form300a":
        render_form300a(summary_row(total_injuries=3), path)
    else:
        render_form301(log_rows(1), path)
    got = _pixels(preview_png(path, dpi=30))
    ref = _pixels((FIXTURES / f"{form}.png").read_bytes())
    assert got.shape == ref.shape
    assert np.abs(got - ref).mean() < 2.0
    assert got.min() < 100  # something dark was drawn, not a blank page
