"""``notebooks/05_submit.ipynb`` runs on the shipped sample: a rehearsal against the fake server."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from oshakit.bundle import SAMPLE_BUNDLE
from oshakit.ita.fake_server import FakeITAServer
from oshakit.ita.ledger import Ledger

NOTEBOOK = Path(__file__).parents[1] / "notebooks" / "05_submit.ipynb"
TOKEN = "notebook-rehearsal-token"



def test_notebook_rehearsal_on_the_sample(tmp_path, monkeypatch):
    papermill = pytest.importorskip("papermill")
    monkeypatch.setenv("OSHAKIT_ITA_TOKEN", TOKEN)  # inherited by the kernel
    out = tmp_path / "ita"
    with FakeITAServer(token=TOKEN) as server:
        papermill.execute_notebook(
            str(NOTEBOOK), str(tmp_path / "run.ipynb"), kernel_name="python3",
            parameters={"mode": "rehearsal", "base_url": server.base_url, "out_dir": str(out),
                        "year": 2024},
            progress_bar=False)
        names = sorted(e["establishment_name"] for e in server.store.establishments.values())
        submissions = len(server.store.submissions)
    assert len(names) == 3 and submissions == 3
    held = {e["establishment"] for e in Ledger(out).entries() if e["phase"] == "done"}
    assert sorted(held) == names
    text = (tmp_path / "run.ipynb").read_text()
    assert TOKEN not in text and "every gate passed" in text
    # the case data it files holds dates of birth (MM/DD/YYYY): the notebook shows none
    births = pd.read_csv(SAMPLE_BUNDLE / "employees.csv", dtype=str)["employees.birth_date"]
    shown = [d for d in births.dropna() if f"{d[5:7]}/{d[8:10]}/{d[:4]}" in text or d in text]
    assert shown == []
    assert all(TOKEN not in p.read_text() for p in out.rglob("*") if p.is_file())
    assert json.loads((out / "confidential" / "gates.json").read_text())["ok"] is True
