"""``notebooks/01_profile.ipynb``: committed clean, and runs on the shipped sample."""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pytest

NOTEBOOK = Path(__file__).parents[1] / "notebooks" / "01_profile.ipynb"



def test_notebook_runs_on_the_sample(tmp_path):
    papermill = pytest.importorskip("papermill")
    out = tmp_path / "out"
    papermill.execute_notebook(
        str(NOTEBOOK), str(tmp_path / "run.ipynb"), kernel_name="python3", progress_bar=False,
        parameters={"out_dir": str(out), "year": 2024},
    )
    assert {"findings.csv", "summary.json", "profile.csv", "data_docs"} <= {
        p.name for p in out.iterdir()}
    assert json.loads((out / "summary.json").read_text())["errors"] == 0
    run = nbformat.read(tmp_path / "run.ipynb", as_version=4)
    shown = json.dumps([c.outputs for c in run.cells if c.cell_type == "code"])
    assert "index.html" in shown and "encounters_incidents.csv" in shown
