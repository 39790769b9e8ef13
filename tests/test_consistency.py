"""One run, one answer: every output ``oshakit run`` writes for an establishment-year shows
the same numbers and carries the same fingerprint — with and without ``--as-of``.

Read back from the files an auditor compares: the Form 300A PDF, every page of the Form 300
PDF (each page's totals and the running totals), ``log.csv``, ``summary_300a.csv`` and the
ITA upload ``ita_300a.csv``; the fingerprint from the manifest, every folder's ``run.json``,
the PDFs' keywords and the executed notebooks.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import nbformat
import pandas as pd
import pypdf
import pytest
from forms_support import ITYPES, OUTCOMES, TOTAL_KEYS, counts, read_300a, read_log

from oshakit.bundle import SAMPLE_BUNDLE
from oshakit.cli import main

ROOT = Path(__file__).resolve().parents[1]
CODES = ("PLT01", "PLT02", "PLT03")
#: The 300A / ITA column of each Form 300 total.
TOTALS = {"G": "total_deaths", "H": "total_dafw_cases", "I": "total_djtr_cases",
          "J": "total_other_cases", "K": "total_dafw_days", "L": "total_djtr_days",
          "M1": "total_injuries", "M2": "total_skin_disorders",
          "M3": "total_respiratory_conditions", "M4": "total_poisonings",
          "M5": "total_hearing_loss", "M6": "total_other_illnesses"}
AS_OF = "2024-06-30"


@pytest.fixture(scope="module", params=[None, AS_OF], ids=["year-end", "as-of"])
def run(request, tmp_path_factory) -> tuple[Path, str | None]:
    """The batch on the sample for 2024 with the notebooks that write the log, the 300A,
    the ITA files and the forms (02 and 04)."""
    tmp = tmp_path_factory.mktemp("consistency")
    notebooks = tmp / "notebooks"
    notebooks.mkdir()
    for name in ("02_reconcile", "04_forms"):
        shutil.copy(ROOT / "notebooks" / f"{name}.ipynb", notebooks)
    extra = ["--as-of", request.param] if request.param else []
    code = main(["run", str(SAMPLE_BUNDLE), "--year", "2024", "--out", str(tmp / "out"),
                 "--notebooks", str(notebooks), "--jobs", "2", "--no-progress", *extra])
    assert code == 0
    return tmp / "out" / "2024", request.param


def from_log(log: pd.DataFrame) -> dict[str, int]:
    """The Form 300 totals of log rows, by the rule: a case per outcome and type, the days."""
    out = {k: int((log["outcome"] == k).sum()) for k in OUTCOMES}
    out |= {k: int((log["itype"] == k).sum()) for k in ITYPES}
    out["K"], out["L"] = int(log["days_away"].sum()), int(log["days_restricted"].sum())
    return out


@pytest.mark.parametrize("code", CODES)
def test_every_output_shows_the_same_numbers(run, code):
    root, as_of = run
    rec = root / code / "02_reconcile"
    log = pd.read_csv(rec / "log.csv")
    log = log[log["year"] == 2024]
    if as_of:  # the records as they stood: no case injured after the as-of date
        assert (log["date_of_injury"] <= as_of).all()
    expected = from_log(log)
    assert sum(expected[k] for k in OUTCOMES) == len(log) > 0

    summary = pd.read_csv(rec / "summary_300a.csv").set_index("establishment_code").loc[code]
    assert {k: int(summary[c]) for k, c in TOTALS.items()} == expected
    ita = pd.read_csv(rec / "ita" / "ita_300a.csv")
    ita = ita[ita["establishment_name"] == summary["establishment_name"]].iloc[0]
    assert {k: int(ita[c]) for k, c in TOTALS.items()} == expected

    forms = root / code / "04_forms" / code
    assert read_300a(forms / "form300a.pdf") == expected
    pages = read_log(forms / "form300.pdf")
    running = dict.fromkeys(TOTAL_KEYS, 0)
    for page in pages:  # each page's totals are the sum of its rows; the running totals add up
        from_rows = dict.fromkeys(TOTAL_KEYS, 0)
        for row in page.rows:
            for k, v in counts(row).items():
                from_rows[k] += v
        assert {k: int(v) for k, v in page.page_totals.items()} == from_rows
        running = {k: running[k] + from_rows[k] for k in TOTAL_KEYS}
        assert {k: int(v) for k, v in page.running_totals.items()} == running
    assert running == expected


def test_every_output_carries_the_one_fingerprint(run):
    root, as_of = run
    manifest = json.loads((root / "manifest.json").read_text())
    fingerprint = manifest["fingerprint"]
    assert manifest["policy"]["as_of"] == as_of
    stamps = sorted(root.rglob("run.json"))
    assert len(stamps) >= 1 + 3 * 3  # the year, and per establishment: 02, its ita/, forms
    for path in stamps:
        assert json.loads(path.read_text())["fingerprint"] == fingerprint, path
    pdfs = sorted(root.rglob("*.pdf"))
    assert len(pdfs) >= 3 * 3  # form300, form300a, form301 per establishment
    for path in pdfs:
        keywords = pypdf.PdfReader(path).metadata["/Keywords"]
        assert keywords == f"oshakit fingerprint {fingerprint}", path
    for path in sorted(root.glob("PLT*/*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        shown = json.dumps([c.get("outputs", []) for c in nb.cells])
        assert fingerprint in shown, path
