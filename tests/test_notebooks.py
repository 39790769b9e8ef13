"""Every notebook in notebooks/ is committed clean and parameterized; the real pipeline
runs end to end through ``oshakit run`` on the shipped sample (one year, one establishment)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import nbformat
import pandas as pd
import pytest

from oshakit.run import BATCH_NOTEBOOKS
from oshakit.run.batch import notebook_parameters

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"
ALL = sorted(NOTEBOOKS.glob("*.ipynb"))
SECRET = re.compile(r"token|secret|password|passwd|api_?key|credential", re.IGNORECASE)


def present(name: str) -> bool:
    return (NOTEBOOKS / f"{name}.ipynb").is_file()


@pytest.mark.parametrize("path", ALL, ids=[p.name for p in ALL])
def test_notebook_is_committed_clean(path):
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    tagged = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1 and tagged[0].cell_type == "code"
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(c.outputs == [] and c.execution_count is None for c in code)
    assert nb.metadata.kernelspec.name == "python3"


#: The parameters each notebook declares: the contract the runner and users rely on.
PARAMETERS = {
    "01_profile": ["bundle", "out_dir", "year"],
    "02_reconcile": ["bundle", "year", "establishment", "result_dir", "out_dir", "as_of",
                     "cap", "case"],
    "03_trends": ["bundle", "years", "year", "establishments", "result_dir", "out_dir",
                  "chart_formats", "as_of"],
    "04_forms": ["bundle", "year", "establishment", "result_dir", "out_dir", "as_of",
                 "certifier_name", "certifier_title", "certifier_phone"],
    "05_submit": ["bundle", "year", "establishment", "result_dir", "mode", "out_dir",
                  "base_url", "change_reason"],
}
#: What a notebook may import: the kit, and what displays its results.
ALLOWED_IMPORTS = re.compile(r"^(import pandas as pd|from IPython\.display import .+|"
                             r"from oshakit(\.[\w.]+)? import .+)$")


def test_every_notebook_has_its_documented_parameters():
    assert {p.stem: notebook_parameters(p) for p in ALL} == PARAMETERS


@pytest.mark.parametrize("path", ALL, ids=[p.name for p in ALL])
def test_notebooks_import_only_the_kit_and_display(path):
    nb = nbformat.read(path, as_version=4)
    imports = [line for c in nb.cells if c.cell_type == "code"
               for line in c.source.splitlines() if line.startswith(("import ", "from "))]
    assert imports and all(ALLOWED_IMPORTS.match(line) for line in imports), imports


@pytest.mark.parametrize("path", ALL, ids=[p.name for p in ALL])
def test_no_secret_is_a_parameter(path):
    names = notebook_parameters(path)
    assert names and not [name for name in names if SECRET.search(name)]


def test_the_pipeline_notebooks_are_there():
    assert present("01_profile") and present("02_reconcile")


@pytest.fixture(scope="module")
def reports(sample_reports) -> Path:
    return sample_reports


def test_every_pipeline_notebook_ran_with_an_html_copy(reports):
    manifest = json.loads((reports / "manifest.json").read_text())
    assert {e["unit"]: e["status"] for e in manifest["entries"]} == {
        "_bundle": "ok", "PLT01": "ok"}
    for name in (n for n in BATCH_NOTEBOOKS if present(n)):
        unit = "_bundle" if name == "01_profile" else "PLT01"
        nb = nbformat.read(reports / unit / f"{name}.ipynb", as_version=4)
        outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
        assert not [o for o in outputs if o.output_type == "error"]
        params = nb.metadata.papermill.parameters
        # trends look back over the bundle's years up to the run's year (2023 and 2024 here)
        assert params.get("year") == 2024 or params.get("years") == [2023, 2024]
        if unit == "PLT01":
            assert "PLT01" in (params.get("establishment"), *params.get("establishments", []))
        html = (reports / unit / f"{name}.html").read_text()
        assert html.startswith("<!DOCTYPE html>") and "<style" in html


def test_profile_outputs(reports):
    out = reports / "_bundle" / "01_profile"
    findings = pd.read_csv(out / "findings.csv")
    assert {"file", "line", "column", "severity", "message"} <= set(findings.columns)
    summary = json.loads((out / "summary.json").read_text())
    assert summary
    assert not pd.read_csv(out / "profile.csv").empty


def test_reconcile_outputs(reports):
    out = reports / "PLT01" / "02_reconcile"
    log = pd.read_csv(out / "log.csv")
    assert not log.empty and set(log["year"]) == {2024}
    assert set(log["establishment_code"]) == {"PLT01"}
    summary = pd.read_csv(out / "summary_300a.csv")
    plt01 = summary[summary["establishment_code"] == "PLT01"]
    on_log = log[log["establishment_code"] == "PLT01"]
    # the 300A totals count the log's rows by outcome column G..J
    for col, outcome in (("total_deaths", "G"), ("total_dafw_cases", "H"),
                         ("total_djtr_cases", "I"), ("total_other_cases", "J")):
        assert int(plt01[col].iloc[0]) == int((on_log["outcome"] == outcome).sum())


def test_trends_outputs(reports):
    charts = reports / "PLT01" / "03_trends" / "charts"
    # the batch writes PNG only (chart_formats); the six charts, each once
    pngs = sorted(charts.glob("*.png"))
    assert [p.stem for p in pngs] == sorted(["cases_per_month", "rates_by_year", "days_by_year",
                                             "pareto_body_parts", "pareto_natures",
                                             "by_illness_type"])
    assert not list(charts.glob("*.svg"))
    assert all(p.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" for p in pngs)
    # the rates behind the charts: the one establishment, over the years up to the run's
    table = pd.read_csv(reports / "PLT01" / "03_trends" / "rates_table.csv")
    assert set(table["establishment_code"]) == {"PLT01"} and set(table["year"]) == {2023, 2024}


def test_forms_outputs(reports):
    from pypdf import PdfReader

    pdfs = sorted((reports / "PLT01" / "04_forms").rglob("*.pdf"))
    assert pdfs and all(p.read_bytes()[:5] == b"%PDF-" for p in pdfs)
    # the 300A names the establishment run (from the shipped establishments.csv)
    summary = next(p for p in pdfs if "300a" in p.name.lower())
    text = " ".join(page.extract_text() for page in PdfReader(summary).pages)
    assert "Great Plains Trailer Works" in text and "2024" in text


@pytest.mark.parametrize("path", ALL, ids=[p.name for p in ALL])
def test_notebook_is_stored_as_jupyterlab_saves_it(path):
    """JupyterLab 4 marks a notebook modified on open when connecting the kernel changes its
    metadata (it sets ``kernelspec`` and ``language_info`` from the kernel and skips equal
    values), and saves through nbformat (indent 1, sorted keys, a final newline, cell ids
    from format 4.5). Stored that way, opening it changes nothing."""
    from ipykernel.ipkernel import IPythonKernel
    from ipykernel.kernelspec import get_kernel_dict

    raw = path.read_text(encoding="utf-8")
    nb = nbformat.reads(raw, as_version=4)
    assert raw == nbformat.writes(nb) + "\n"
    assert (nb.nbformat, nb.nbformat_minor) == (4, 5)
    assert all(cell.get("id") for cell in nb.cells)
    spec = get_kernel_dict()
    assert nb.metadata.kernelspec == {"display_name": spec["display_name"],
                                      "language": spec["language"], "name": "python3"}
    stored = dict(nb.metadata.language_info)
    kernel = dict(IPythonKernel.language_info)
    # the Python version is the one this project develops with; another is a change on open
    assert re.fullmatch(r"3\.\d+\.\d+", stored.pop("version"))
    kernel.pop("version")
    assert stored == kernel
