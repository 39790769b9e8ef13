"""The Form 301 copy for an authorized employee representative (29 CFR 1904.35(b)(2)(v)(B)):
only "Information about the case" (items 10-18); and where each form goes (who may see it)."""

from __future__ import annotations

import pandas as pd
import pypdf
from forms_support import log_rows

from oshakit.cli import main
from oshakit.forms.form301 import render_form301
from oshakit.outputs import mark_unit


def pages(path) -> list[str]:
    return [p.extract_text() for p in pypdf.PdfReader(path).pages]


def test_representative_copy_has_the_case_section_only(tmp_path):
    log = log_rows(2)
    log.loc[1, "date_of_death"] = pd.Timestamp(2024, 3, 4)
    full, copy = tmp_path / "full.pdf", tmp_path / "copy.pdf"
    certifier = {"name": "Pat Signer", "title": "Safety Manager", "phone": "518-555-0100",
                 "date": "2025-01-15"}
    render_form301(log, full, completed_by=certifier)
    assert render_form301(log, copy, completed_by=certifier, representative=True) == 2
    for i, (whole, shared) in enumerate(zip(pages(full), pages(copy), strict=True)):
        # items 10-18 as on the employer's copy
        for value in (f"2024-{i + 1:04d}", f"Before{i}", f"Happened{i}", f"Injury{i}",
                      f"Object{i}", "9:30 AM", "7:00 AM"):
            assert value in whole and value in shared, value
        # items 1-9 and the completed-by block are not printed at all
        for value in (f"Name{i}, Person", "1 Main St", "Albany", "06/23/1980", "03/15/2015",
                      "Dr. Who", "City Clinic", "2 Elm", "Pat Signer", "518-555-0100"):
            assert value in whole and value not in shared, value
        for label in ("Full name", "Date of birth", "Date hired", "Name of physician or",
                      "Was employee treated in", "Was employee hospitalized", "Completed by"):
            assert label not in shared, label
        assert "1904.35(b)(2)(v)(B)" in shared and "Information about the case" in shared
    assert "03/04/2024" in pages(copy)[1]  # item 18, date of death


def test_representative_copy_leaves_out_the_log_text_overflow(tmp_path):
    log = log_rows(1)
    log.loc[0, "description"] = "x" * 300 + "…"  # shortened on the log: a continuation page
    log.loc[0, "nar_what_happened"] = "Long narrative. " * 120
    render_form301(log, tmp_path / "copy.pdf", representative=True)
    text = "\n".join(pages(tmp_path / "copy.pdf"))
    assert "Long narrative." in text and "Form 300 column (F)" not in text


def test_cli_writes_the_copy_beside_the_300_and_the_301_under_confidential(
        sample_dir, tmp_path, capsys):
    out = tmp_path / "forms"
    assert main(["forms", str(sample_dir), "--year", "2025", "--establishment", "PLT02",
                 "--out", str(out), "--representative-copy"]) == 0
    folder = out / "PLT02"
    assert sorted(p.name for p in folder.iterdir() if p.is_file()) == [
        "README.txt", "form300.pdf", "form300a.pdf", "form301_representative.pdf", "run.json"]
    assert sorted(p.name for p in (folder / "confidential").iterdir()) == [
        "form301.pdf", "privacy_cases.csv", "privacy_cases.pdf"]
    printed = capsys.readouterr().out
    assert "confidential/form301.pdf  (confidential: names)" in printed
    assert "form301_representative.pdf\n" in printed
    copy = "\n".join(pages(folder / "form301_representative.pdf"))
    secret = "\n".join(pages(folder / "confidential" / "form301.pdf"))
    from oshakit import pipeline

    log = pipeline.run(sample_dir, 2025, establishment="PLT02").log
    for row in log.to_dict("records"):
        last, first = row["employee_name"].split(", ")
        assert f"{last}, {first}" in secret
        assert f"{last}, {first}" not in copy and row["employee_street"] not in copy
        assert row["case_number"] in copy
    # without the option no copy is written (and an old one is removed)
    assert main(["forms", str(sample_dir), "--year", "2025", "--establishment", "PLT02",
                 "--out", str(out)]) == 0
    assert not (folder / "form301_representative.pdf").exists()


def test_in_the_batch_the_301_goes_to_the_establishment_years_confidential(
        sample_result, tmp_path):
    from oshakit.forms import render_forms

    unit = tmp_path / "2025" / "PLT02"
    mark_unit(unit, 2025, "PLT02")
    files = render_forms(sample_result.select(year=2025, establishment="PLT02"),
                         unit / "04_forms")["PLT02"]
    assert files["form300"] == unit / "04_forms" / "PLT02" / "form300.pdf"
    for key in ("form301", "privacy_pdf", "privacy_csv"):
        assert files[key].parent == unit / "confidential" and files[key].is_file(), key
    assert not (unit / "04_forms" / "PLT02" / "confidential").exists()
