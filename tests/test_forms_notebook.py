"""``notebooks/04_forms.ipynb``: committed clean, and renders the forms of the sample."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

NOTEBOOK = Path(__file__).parents[1] / "notebooks" / "04_forms.ipynb"



def test_notebook_renders_and_shows_the_forms(tmp_path):
    papermill = pytest.importorskip("papermill")
    out = tmp_path / "forms"
    papermill.execute_notebook(
        str(NOTEBOOK), str(tmp_path / "run.ipynb"), kernel_name="python3", progress_bar=False,
        parameters={"out_dir": str(out), "establishment": "PLT01",
                    "certifier_name": "Ana Souza"},
    )
    assert {p.name for p in (out / "PLT01").iterdir()} >= {"form300.pdf", "form300a.pdf"}
    assert (out / "PLT01" / "confidential" / "form301.pdf").is_file()
    run = nbformat.read(tmp_path / "run.ipynb", as_version=4)
    images = [o for c in run.cells if c.cell_type == "code" for o in c.outputs
              if "image/png" in o.get("data", {})]
    assert len(images) == 2  # the log and the summary; the 301 holds names: not shown
