"""The notebook runner on tiny fixture notebooks (tests/fixtures/notebooks/) and a tiny
bundle: 01_profile lists the bundle's files, 02_reconcile counts an establishment's log
rows in the batch's saved result and fails for codes starting with BAD, 03_trends takes
lists of years and establishments."""

from __future__ import annotations

import hashlib
import json
import socket
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from jupyter_client.kernelspec import NoSuchKernel
from run_support import NOTEBOOKS, YEAR, batch, case_row, make_bundle_dir, statuses

from oshakit.cases import Policy
from oshakit.cli import main
from oshakit.errors import KernelError
from oshakit.run import kernel
from oshakit.run.html import write_html


def result(tmp: Path, code: str) -> dict:
    return json.loads((tmp / "reports" / str(YEAR) / code / "02_reconcile" / "result.json")
                      .read_text())


@pytest.fixture(scope="module")
def failed_run(tmp_path_factory):
    """One batch through the default process pool where BAD2 fails."""
    tmp = tmp_path_factory.mktemp("run")
    make_bundle_dir(tmp / "bundle")
    manifest = batch(tmp, codes=("GOOD1", "BAD2", "GOOD2"), jobs=2)
    return tmp, manifest


def test_one_failure_does_not_stop_the_others(failed_run):
    tmp, manifest = failed_run
    assert statuses(manifest) == {"_bundle": "ok", "GOOD1": "ok", "BAD2": "failed",
                                  "GOOD2": "ok"}
    fingerprint = json.loads((tmp / "reports/2024/manifest.json").read_text())["fingerprint"]
    assert result(tmp, "GOOD1") == {"establishment": "GOOD1", "year": 2024, "as_of": "None",
                                    "fingerprint": fingerprint, "rows": 2}
    assert result(tmp, "GOOD2")["rows"] == 1
    # list parameters get the one establishment of the unit
    trend = tmp / "reports/2024/GOOD1/03_trends/charts/trend.txt"
    # the trends get the bundle's years up to the run's: the encounters file has a 2023 injury
    assert trend.read_text() == "['GOOD1'] [2023, 2024]"
    # the bundle-level notebook ran once, not per establishment
    files = tmp / "reports/2024/_bundle/01_profile/files.txt"
    assert files.read_text().splitlines() == ["employment.csv", "encounters_incidents.csv"]
    assert not (tmp / "reports/2024/GOOD1/01_profile.ipynb").exists()


def test_manifest_records_the_failing_notebook_cell_and_error(failed_run):
    tmp, manifest = failed_run
    on_disk = json.loads((tmp / "reports/2024/manifest.json").read_text())
    bad = {e["unit"]: e for e in on_disk["entries"]}["BAD2"]
    assert bad["status"] == "failed"
    # cells: title (markdown), parameters [1], injected parameters [2], imports [3],
    # the raise [4]: execution count 4 (a fresh session in the reused kernel), index 4
    assert bad["error"] == {"notebook": "02_reconcile.ipynb", "cell": 4, "cell_index": 4,
                            "ename": "ValueError", "evalue": "no data for BAD2"}
    paths = {o["path"] for o in bad["outputs"]}
    assert {"BAD2/02_reconcile.ipynb", "BAD2/02_reconcile.html"} <= paths
    assert not any(p.startswith("BAD2/03_trends") for p in paths)  # stopped at the failure
    assert manifest.failed == [manifest.entries["BAD2"]] and not manifest.ok


def test_manifest_checksums_and_parameters(failed_run):
    tmp, manifest = failed_run
    root = tmp / "reports" / "2024"
    good = manifest.entries["GOOD1"]
    paths = [o["path"] for o in good.outputs]
    assert paths == ["GOOD1/02_reconcile.ipynb", "GOOD1/02_reconcile.html",
                     "GOOD1/02_reconcile/result.json", "GOOD1/03_trends.ipynb",
                     "GOOD1/03_trends.html", "GOOD1/03_trends/charts/trend.txt",
                     "GOOD1/README.txt", "GOOD1/run.json"]  # the unit's stamp last
    for entry in manifest.run_entries():
        for o in entry.outputs:
            data = (root / o["path"]).read_bytes()
            assert o["sha256"] == hashlib.sha256(data).hexdigest()
            assert o["bytes"] == len(data)
    # paths relative to each notebook's folder <out>/2024/<unit>/<notebook>/: a zipped
    # report folder still opens; the bundle is recorded by its folder's name (the path it
    # ran with climbs out of --out)
    assert good.parameters["02_reconcile.ipynb"] == {
        "bundle": "bundle", "year": 2024, "establishment": "GOOD1",
        "result_dir": "../../confidential/result", "out_dir": "."}
    assert good.parameters["03_trends.ipynb"]["establishments"] == ["GOOD1"]
    # 01 declares `bundle` on a line whose comment holds "=": still passed
    assert manifest.entries["_bundle"].parameters["01_profile.ipynb"] == {
        "bundle": "bundle", "year": 2024, "out_dir": "."}
    assert manifest.bundle == "bundle"
    assert good.duration > 0 and [n["notebook"] for n in good.notebooks] == [
        "02_reconcile.ipynb", "03_trends.ipynb"]


def test_html_copy_needs_no_network(failed_run, monkeypatch):
    tmp, _ = failed_run
    html = (tmp / "reports/2024/GOOD1/02_reconcile.html").read_text()
    assert "<style" in html and "no data for" in html  # the cell source is shown
    assert 'src="http' not in html and 'href="http' not in html

    def refuse(*args, **kwargs):
        raise OSError("network used")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    copy = write_html(tmp / "reports/2024/GOOD1/02_reconcile.ipynb", tmp / "copy.html")
    assert "result.json" in copy.read_text()


def test_second_run_skips_and_force_reruns(tmp_path):
    make_bundle_dir(tmp_path / "bundle")
    first = batch(tmp_path, codes=("GOOD1", "BAD2"))
    ran_at = first.entries["GOOD1"].ran_at
    second = batch(tmp_path, codes=("GOOD1", "BAD2"))
    # a failed unit is never skipped
    assert statuses(second) == {"_bundle": "skipped", "GOOD1": "skipped", "BAD2": "failed"}
    assert second.entries["GOOD1"].ran_at == ran_at
    assert second.entries["GOOD1"].outputs == first.entries["GOOD1"].outputs
    forced = batch(tmp_path, codes=("GOOD1", "BAD2"), force=True)
    assert statuses(forced) == {"_bundle": "ok", "GOOD1": "ok", "BAD2": "failed"}


def test_changed_policy_input_or_output_reruns(tmp_path):
    make_bundle_dir(tmp_path / "bundle")
    batch(tmp_path)
    # a policy changes the result the establishments' notebooks read, not the input files
    # the bundle-level notebook reads: it stays skipped
    as_of = Policy(as_of="2025-01-31")
    m = batch(tmp_path, policy=as_of)
    assert statuses(m) == {"_bundle": "skipped", "GOOD1": "ok", "GOOD2": "ok"}
    assert result(tmp_path, "GOOD1")["as_of"] == "2025-01-31"
    # a changed input file reruns everything
    with open(tmp_path / "bundle" / "encounters_incidents.csv", "a") as f:
        f.write(case_row("E5", "GOOD2", "2024-05-01"))
    m = batch(tmp_path, policy=as_of)
    assert statuses(m) == {"_bundle": "ok", "GOOD1": "ok", "GOOD2": "ok"}
    assert result(tmp_path, "GOOD2")["rows"] == 2
    # a deleted output reruns that establishment only; so does an edited one
    (tmp_path / "reports/2024/GOOD2/02_reconcile/result.json").unlink()
    m = batch(tmp_path, policy=as_of)
    assert statuses(m) == {"_bundle": "skipped", "GOOD1": "skipped", "GOOD2": "ok"}
    (tmp_path / "reports/2024/GOOD1/03_trends/charts/trend.txt").write_text("edited")
    m = batch(tmp_path, policy=as_of)
    assert statuses(m) == {"_bundle": "skipped", "GOOD1": "ok", "GOOD2": "skipped"}
    assert (tmp_path / "reports/2024/GOOD1/03_trends/charts/trend.txt").read_text() != "edited"


def test_custom_executor(tmp_path):
    make_bundle_dir(tmp_path / "bundle")
    with ThreadPoolExecutor(max_workers=2) as pool:
        m = batch(tmp_path, codes=("GOOD1", "BAD2"), executor=pool)
        assert statuses(m) == {"_bundle": "ok", "GOOD1": "ok", "BAD2": "failed"}, [
            e.error for e in m.run_entries()]
        assert pool.submit(sum, [1, 2]).result() == 3  # the caller's executor stays open


def test_cli_exit_codes(tmp_path, capsys):
    bundle = make_bundle_dir(tmp_path / "bundle")
    args = ["run", str(bundle), "--year", "2024", "--out", str(tmp_path / "reports"),
            "--notebooks", str(NOTEBOOKS), "--no-progress", "--jobs", "1"]
    assert main([*args, "--establishment", "GOOD1"]) == 0
    out = capsys.readouterr().out
    assert "GOOD1" in out and "2 ok, 0 failed, 0 skipped" in out
    assert str(tmp_path / "reports" / "2024" / "manifest.json") in out

    assert main([*args, "--establishment", "GOOD1", "--establishment", "BAD2"]) == 1
    out = capsys.readouterr().out
    assert "02_reconcile.ipynb cell [4]: ValueError: no data for BAD2" in out
    assert "0 ok, 1 failed, 2 skipped" in out

    assert main([*args, "--as-of", "31/01/2025"]) == 2
    assert "as_of must be a date written YYYY-MM-DD" in capsys.readouterr().err
    assert main([*args, "--year", "2019"]) == 2
    assert "no data for 2019; it covers 2023, 2024" in capsys.readouterr().err
    assert main([*args[:1], str(tmp_path / "nope"), *args[2:]]) == 2


def test_establishments_and_trend_years_come_from_the_result(tmp_path):
    make_bundle_dir(tmp_path / "bundle")
    manifest = batch(tmp_path, codes=None)  # every establishment with a 2024 Form 300A
    assert statuses(manifest) == {"_bundle": "ok", "GOOD1": "ok", "GOOD2": "ok"}
    # the bundle has data for 2023 and 2024: a 2024 run's trends look back to 2023
    trend = tmp_path / "reports/2024/GOOD2/03_trends/charts/trend.txt"
    assert trend.read_text() == "['GOOD2'] [2023, 2024]"


def test_missing_ipykernel_is_a_kernel_error(tmp_path, monkeypatch, capsys):
    make_bundle_dir(tmp_path / "bundle")
    real = kernel.importlib.util.find_spec
    monkeypatch.setattr(kernel.importlib.util, "find_spec",
                        lambda name, *a: None if name == "ipykernel" else real(name, *a))
    with pytest.raises(KernelError, match="ipykernel is not installed"):
        batch(tmp_path)
    assert main(["run", str(tmp_path / "bundle"), "--year", "2024", "--out",
                 str(tmp_path / "r"), "--notebooks", str(NOTEBOOKS)]) == 2
    assert "ipykernel is not installed" in capsys.readouterr().err


def test_no_such_kernel_is_recorded_as_a_kernel_error(tmp_path, monkeypatch):
    make_bundle_dir(tmp_path / "bundle")

    def missing(self, name):
        raise NoSuchKernel(name)

    monkeypatch.setattr(kernel.InterpreterSpecs, "get_kernel_spec", missing)
    kernel.shutdown_worker_kernels()  # the next notebook needs a new kernel
    m = batch(tmp_path, codes=("GOOD1",))
    err = m.entries["GOOD1"].error
    assert m.entries["GOOD1"].status == "failed"
    assert err["ename"] == "KernelError" and "python3" in err["evalue"]


def test_python3_kernel_is_this_interpreter():
    spec = kernel.InterpreterSpecs().get_kernel_spec("python3")
    assert spec.argv[0] == sys.executable


def test_establishment_code_that_is_not_a_folder_name_is_refused(tmp_path):
    from oshakit.errors import OshakitError

    make_bundle_dir(tmp_path / "bundle")
    with pytest.raises(OshakitError, match="cannot be used as a file name"):
        batch(tmp_path, codes=("GOOD1", "../up"))
    assert not (tmp_path / "reports").exists()
