"""The batch on a real distributed engine: a ``dask.distributed.LocalCluster`` with two
worker processes, through the ``concurrent.futures`` executor its client gives.

Marked ``dask`` so a developer can skip it (``pytest -m "not dask"``); ``make test`` and CI
run it (the ``dask`` extra is installed by ``make``).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import dask
import nbformat
import pytest
from distributed import Client, LocalCluster
from run_support import batch, make_bundle_dir, statuses

from oshakit.run import run_batch

pytestmark = pytest.mark.dask
ROOT = Path(__file__).resolve().parents[1]


def cluster() -> LocalCluster:
    return LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                        dashboard_address=None)


def files(root: Path) -> dict[str, bytes]:
    """Every file of a report folder, by path (executed notebooks, the manifest and the
    audit pack aside: they record when the notebooks ran and for how long)."""
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file() and p.suffix != ".ipynb"
            and p.relative_to(root).as_posix() not in ("manifest.json", "index.html")}


def outputs(notebook: Path) -> list:
    """The outputs of an executed notebook's cells, without their timing metadata."""
    nb = nbformat.read(notebook, as_version=4)
    return [c.get("outputs", []) for c in nb.cells]


def test_the_batch_on_dask_writes_what_the_local_process_pool_writes(tmp_path):
    notebooks = tmp_path / "notebooks"  # the per-establishment notebooks (no GX import)
    notebooks.mkdir()
    for name in ("02_reconcile", "03_trends", "04_forms"):
        shutil.copy(ROOT / "notebooks" / f"{name}.ipynb", notebooks)
    options = {"establishments": ["PLT01", "PLT02"], "notebooks_dir": notebooks,
               "progress": False}
    with cluster() as c, Client(c) as client:
        on_dask = run_batch(None, 2024, tmp_path / "dask", executor=client.get_executor(),
                            **options)
    local = run_batch(None, 2024, tmp_path / "local", jobs=2, **options)

    assert statuses(on_dask) == statuses(local) == {"PLT01": "ok", "PLT02": "ok"}
    assert on_dask.fingerprint == local.fingerprint
    for unit in ("PLT01", "PLT02"):
        assert ([o["path"] for o in on_dask.entries[unit].outputs]
                == [o["path"] for o in local.entries[unit].outputs])
    a, b = files(tmp_path / "dask" / "2024"), files(tmp_path / "local" / "2024")
    assert a.keys() == b.keys()
    assert any(k.endswith("form300.pdf") for k in a) and any(k.endswith(".png") for k in a)
    assert [k for k in a if a[k] != b[k]] == []  # byte for byte
    for nb in sorted((tmp_path / "dask" / "2024").glob("PLT*/*.ipynb")):
        twin = tmp_path / "local" / nb.relative_to(tmp_path / "dask")
        assert outputs(nb) == outputs(twin), nb.name


def test_a_worker_that_dies_mid_notebook_fails_only_its_unit_which_reruns(
        tmp_path, monkeypatch):
    make_bundle_dir(tmp_path / "bundle")
    monkeypatch.setenv("OSHAKIT_TEST_KILL", "1")  # workers and their kernels inherit it
    with dask.config.set({"distributed.scheduler.allowed-failures": 0}), \
            cluster() as c, Client(c) as client:
        first = batch(tmp_path, codes=("GOOD1", "KILL1", "GOOD2"),
                      executor=client.get_executor())
        assert statuses(first) == {"_bundle": "ok", "GOOD1": "ok", "KILL1": "failed",
                                   "GOOD2": "ok"}
        assert first.entries["KILL1"].error["ename"] == "KilledWorker"
        on_disk = json.loads((tmp_path / "reports/2024/manifest.json").read_text())
        assert {e["unit"]: e["status"] for e in on_disk["entries"]}["KILL1"] == "failed"
        # nothing else is lost: the next run reruns the failed unit only
        again = batch(tmp_path, codes=("GOOD1", "KILL1", "GOOD2"),
                      executor=client.get_executor())
    assert statuses(again) == {"_bundle": "skipped", "GOOD1": "skipped", "KILL1": "failed",
                               "GOOD2": "skipped"}
