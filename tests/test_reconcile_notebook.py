"""``notebooks/02_reconcile.ipynb``: committed clean, and runs on the shipped sample."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pandas as pd
import pytest

NOTEBOOK = Path(__file__).parents[1] / "notebooks" / "02_reconcile.ipynb"



def test_notebook_runs_on_the_sample(tmp_path):
    papermill = pytest.importorskip("papermill")
    out = tmp_path / "out"
    papermill.execute_notebook(
        str(NOTEBOOK), str(tmp_path / "run.ipynb"), kernel_name="python3", progress_bar=False,
        parameters={"year": 2024, "out_dir": str(out), "establishment": "PLT03",
                    "case": "2024-PLT03-0008"},
    )
    written = {p.relative_to(out).as_posix() for p in out.rglob("*.csv")}
    assert {"log.csv", "exceptions.csv", "summary_300a.csv", "ita/ita_300a.csv",
            "ita/confidential/ita_case_data.csv", "ita/exceptions.csv",
            "ita/ita_checks.csv"} <= written
    log = pd.read_csv(out / "log.csv")
    assert (log.year == 2024).all()
    cases = pd.read_csv(out / "confidential" / "cases.csv").set_index("case_number")
    run = nbformat.read(tmp_path / "run.ipynb", as_version=4)
    last = [c for c in run.cells if c.cell_type == "code"][-1]
    printed = "".join(o.get("text", "") for o in last.outputs)
    assert printed.strip() == cases.loc["2024-PLT03-0008", "explanation"].strip()
