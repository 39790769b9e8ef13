"""``notebooks/03_trends.ipynb``: committed clean, and runs on the shipped sample the way the
batch runner calls it (one establishment, one year)."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pandas as pd
import pytest

from oshakit import pipeline

NOTEBOOK = Path(__file__).parents[1] / "notebooks" / "03_trends.ipynb"
CHARTS = [
    "cases_per_month",
    "rates_by_year",
    "days_by_year",
    "pareto_body_parts",
    "pareto_natures",
    "by_illness_type",
]



def test_notebook_runs_for_one_establishment_year(tmp_path):
    papermill = pytest.importorskip("papermill")
    out = tmp_path / "out"
    papermill.execute_notebook(
        str(NOTEBOOK),
        str(tmp_path / "run.ipynb"),
        kernel_name="python3",
        progress_bar=False,
        cwd=str(tmp_path),
        parameters={"years": [2024], "establishments": ["PLT02"], "out_dir": str(out)},
    )
    for name in CHARTS:
        for kind in ("png", "svg"):
            assert (out / "charts" / f"{name}.{kind}").stat().st_size > 0

    table = pd.read_csv(out / "rates_table.csv")
    rates = pipeline.run(None, 2024).rates
    expected = rates[rates["establishment_code"] == "PLT02"].reset_index(drop=True)
    assert table[["establishment_code", "year"]].values.tolist() == [["PLT02", 2024]]
    for col in ("total_hours_worked", "tcr", "tcr_with_deaths", "dart", "dafw"):
        assert table[col].tolist() == pytest.approx(expected[col].astype(float).tolist())

    run = nbformat.read(tmp_path / "run.ipynb", as_version=4)
    images = [
        c
        for c in run.cells
        if c.cell_type == "code" and any("image/png" in o.get("data", {}) for o in c.outputs)
    ]
    assert len(images) == len(CHARTS)
