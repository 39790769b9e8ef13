"""The year-end batch: the year's result computed once, then every notebook of the pipeline,
per establishment-year, in parallel, as views of that one result.

``run_batch`` loads the bundle and reconciles it once under one :class:`Policy`, saves the
:class:`~oshakit.result.Result` under ``<out>/<year>/confidential/result/`` (it holds names),
and hands each unit only the path to it: notebooks that declare an ``establishment`` /
``establishments`` parameter run once per establishment into ``<out>/<year>/<code>/``; the
others (``01_profile`` validates the whole bundle) once per year into
``<out>/<year>/_bundle/``. Each notebook ``NN_name.ipynb`` is executed to
``<unit>/NN_name.ipynb`` with an HTML copy ``<unit>/NN_name.html`` and writes its artifacts
into ``<unit>/NN_name/`` (its ``out_dir``). Paths handed to notebooks and recorded in the
manifest are relative, so a zipped report folder still opens. A unit whose result,
notebooks and parameters are unchanged and whose recorded outputs are intact is skipped
unless ``force``.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import logging
import multiprocessing
import os
import shutil
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Executor, Future, ProcessPoolExecutor, as_completed
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from oshakit.cases.policy import Policy
from oshakit.errors import BundleError, OshakitError
from oshakit.result import RESULT_JSON, Result, computation_fingerprint
from oshakit.run.manifest import BUNDLE_UNIT, MANIFEST, Entry, Manifest, sha256_file

#: Under ``<out>/<year>/``: per-run records of executed units (removed when the run ends).
RUNS = ".runs"

#: The pipeline, in order; 05_submit (ITA) is deliberately not part of the batch.
BATCH_NOTEBOOKS = ("01_profile", "02_reconcile", "03_trends", "04_forms")
NOTEBOOKS_DIR = Path(__file__).resolve().parents[2] / "notebooks"
#: Where the year's saved result lives, under ``<out>/<year>/``.
RESULT_DIR = Path("confidential") / "result"
_PER_ESTABLISHMENT = {"establishment", "establishments"}


class Incomplete(OshakitError):
    """The batch refused: rows that feed the year's log could not be read."""


@dataclass
class Unit:
    """One establishment-year (or the year's ``_bundle`` unit): what a worker executes."""

    name: str
    year: int
    root: Path  # <out>/<year>
    notebooks: list[tuple[Path, dict[str, Any]]]  # (source notebook, parameters)
    input_hash: str
    run_id: str = ""  # the run_batch call this unit belongs to

    @property
    def marker(self) -> Path:
        """Where the unit's entry is kept once executed in this run (see execute_unit)."""
        return self.root / RUNS / self.run_id / f"{self.name}.json"


def run_batch(
    bundle: str | Path | None,
    year: int,
    out: str | Path,
    establishments: Iterable[str] | None = None,
    jobs: int | None = None,
    policy: Policy | None = None,
    force: bool = False,
    executor: Executor | None = None,
    notebooks_dir: str | Path | None = None,
    progress: bool = True,
    accept_rejects: bool = False,
) -> Manifest:
    """Run the notebook pipeline for ``year`` on ``bundle`` (None: the shipped sample).

    The bundle is reconciled once under ``policy`` (default ``Policy()``) and the result
    saved; every notebook opens it. ``establishments``: codes to run (default: the
    establishments file and every establishment with employment in ``year``). ``jobs``:
    size of the local process pool (1 runs in this process); ignored when an ``executor``
    (any ``concurrent.futures.Executor``, e.g. a Dask client's ``client.get_executor()``)
    is given. Refuses (:class:`Incomplete`) when rows that feed the year's log could not be
    read, unless ``accept_rejects``. One unit's failure never stops the others: it is
    recorded in the returned manifest (also saved as ``<out>/<year>/manifest.json``).
    """
    from oshakit.outputs import safe_name
    from oshakit.pipeline import input_fingerprint_of
    from oshakit.run.kernel import ensure_kernel

    ensure_kernel()
    year = int(year)
    policy = policy or Policy()
    bundle_path = _bundle_path(bundle)
    notebooks = batch_notebooks(notebooks_dir)
    declared = {nb: _declared(nb) for nb in notebooks}
    per_est = [nb for nb in notebooks if declared[nb] & _PER_ESTABLISHMENT]
    once = [nb for nb in notebooks if nb not in per_est]

    if establishments is not None:  # refuse a path-shaped code before writing anything
        establishments = [safe_name(c) for c in dict.fromkeys(establishments)]
    root = Path(out).resolve() / str(year)
    wanted = computation_fingerprint(input_fingerprint_of(bundle_path), policy)
    # When the result must be computed, the workers start (and warm their kernels) meanwhile.
    with _workers(executor, jobs, warm=_saved(root) != wanted) as executor:
        result = year_result(bundle_path, year, policy, root / RESULT_DIR, wanted)
        this_year = result.select(year=year)
        if not this_year.complete and not accept_rejects:
            raise Incomplete(
                f"{len(this_year.unread):,} row(s) or cell(s) that feed the {year} log could not "
                f"be read (see {RESULT_DIR.as_posix()}/unread.parquet or `oshakit inspect`); "
                "nothing was run. Fix the files, or accept them knowingly (--accept-rejects).")
        codes = _scope(result, year) if establishments is None else list(establishments)
        if per_est and not codes:
            raise OshakitError(f"no establishment to run for {year}: pass --establishment CODE")
        codes = [safe_name(c) for c in dict.fromkeys(codes)]

        manifest = Manifest.load(root / MANIFEST, year)
        manifest.bundle = bundle_path.resolve().name  # by its name: no path out of --out
        manifest.fingerprint = result.fingerprint
        manifest.policy = policy.to_dict()
        # Trends look back over the bundle's years up to this one; every other notebook is
        # about this year alone. Paths are relative to each notebook's artifacts folder.
        # The reports show PNG charts; SVG would double the cost of the trends notebook.
        values = {"bundle": os.path.relpath(bundle_path, root / "unit" / "nb"),
                  "result_dir": (Path("..") / ".." / RESULT_DIR).as_posix(),
                  "year": year, "years": [y for y in result.years if y <= year],
                  "chart_formats": ["png"]}
        # The whole-bundle notebooks look at the input files; the others at the result too.
        units = ([_unit(BUNDLE_UNIT, once, declared, values, root, result.input_fingerprint)]
                 if once else [])
        units += [
            _unit(code, per_est, declared,
                  values | {"establishment": code, "establishments": [code]}, root,
                  result.fingerprint)
            for code in codes
        ] if per_est else []
        manifest.current = [u.name for u in units]

        todo = []
        for unit in units:
            old = manifest.entries.get(unit.name)
            if (not force and old is not None and old.status in ("ok", "skipped")
                    and old.input_hash == unit.input_hash and old.outputs_intact(root)):
                old.status, old.duration = "skipped", 0.0
            else:
                todo.append(unit)
        manifest.save()

        from tqdm.auto import tqdm

        bar = tqdm(total=len(units), desc=f"oshakit run {year}", unit="est-yr",
                   disable=not progress, initial=len(units) - len(todo))

        year_view = result.select(year=year)

        def done(entry: Entry) -> None:
            entry.outputs += _stamp_unit(root, entry, year_view)
            manifest.entries[entry.unit] = entry
            manifest.save()
            bar.set_postfix_str(f"{entry.unit} {entry.status}")
            bar.update()

        run_id = uuid.uuid4().hex
        for unit in todo:
            unit.run_id = run_id
        try:
            _execute(todo, done, jobs, executor)
        finally:
            bar.close()
            shutil.rmtree(root / RUNS / run_id, ignore_errors=True)
            with contextlib.suppress(OSError):  # only when no other run is going on
                (root / RUNS).rmdir()
        from oshakit.report.pack import write_pack

        write_pack(this_year, manifest)  # <out>/<year>/index.html: the year's audit pack
        return manifest


def year_result(bundle: Path, year: int, policy: Policy, folder: Path,
                wanted: str | None = None) -> Result:
    """The bundle's result under ``policy`` (every year, so trends can look back), saved in
    ``folder``; reopened instead of recomputed when the saved one has the same fingerprint
    (``wanted``: same kit version, input files and policy)."""
    from oshakit.bundle import load_bundle
    from oshakit.pipeline import bundle_years, input_fingerprint_of, run
    from oshakit.result import check_year

    if wanted is None:
        wanted = computation_fingerprint(input_fingerprint_of(bundle), policy)
    result = None
    if _saved(folder.parent.parent) == wanted:
        with contextlib.suppress(OshakitError):  # saved in another layout: computed again
            result = Result.open(folder)
    if result is None:
        loaded = load_bundle(bundle)
        check_year(year, bundle_years(loaded))  # refused before the reconciliation
        result = run(loaded, None, policy)
        shutil.rmtree(folder, ignore_errors=True)
        result.save(folder)
    check_year(year, result.years)
    return result


def batch_notebooks(notebooks_dir: str | Path | None = None) -> list[Path]:
    """The pipeline notebooks (01–04) present in ``notebooks_dir``, in order."""
    folder = Path(notebooks_dir) if notebooks_dir is not None else NOTEBOOKS_DIR
    found = [folder / f"{name}.ipynb" for name in BATCH_NOTEBOOKS]
    found = [nb for nb in found if nb.is_file()]
    if not found:
        raise OshakitError(f"no pipeline notebook ({', '.join(BATCH_NOTEBOOKS)}) in {folder}")
    return found


def execute_unit(unit: Unit) -> Entry:
    """Execute one unit's notebooks in order (stopping at the first failure), write their
    HTML copies, and return its manifest entry (a failing notebook is recorded in it,
    not raised). This is the task sent to the executor.

    Executed at most once per run: a distributed executor may run a task again (Dask
    recomputes a finished task whose result was held by a worker that died), and a second
    execution would rewrite outputs the manifest already has checksums of; so the entry is
    kept in ``<root>/.runs/<run_id>/`` and returned as is when the task comes again."""
    if unit.run_id and unit.marker.is_file():
        return Entry(**json.loads(unit.marker.read_text(encoding="utf-8")))
    entry = _execute_notebooks(unit)
    if unit.run_id:
        unit.marker.parent.mkdir(parents=True, exist_ok=True)
        tmp = unit.marker.with_suffix(".tmp")
        tmp.write_text(json.dumps(asdict(entry)), encoding="utf-8")
        os.replace(tmp, unit.marker)
    return entry


def _execute_notebooks(unit: Unit) -> Entry:
    import papermill as pm

    from oshakit.outputs import CONFIDENTIAL, mark_unit
    from oshakit.run.html import write_html
    from oshakit.run.kernel import NoSuchKernel, engine_options, kernel_error

    _quiet_papermill()
    start = time.perf_counter()
    ran_at = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    unit_dir = unit.root / unit.name
    mark_unit(unit_dir, unit.year, None if unit.name == BUNDLE_UNIT else unit.name)
    written: list[Path] = []
    timings: list[dict[str, Any]] = []
    error = None
    for source, params in unit.notebooks:
        target = unit_dir / source.name
        artifacts = unit_dir / source.stem
        for stale in (target, target.with_suffix(".html")):
            stale.unlink(missing_ok=True)
        shutil.rmtree(artifacts, ignore_errors=True)
        artifacts.mkdir(parents=True)
        t0 = time.perf_counter()
        try:
            pm.execute_notebook(source, target, parameters=params,
                                kernel_cwd=str(artifacts), **engine_options())
        except pm.PapermillExecutionError as exc:
            error = {"notebook": source.name, "cell": exc.exec_count,
                     "cell_index": exc.cell_index, "ename": exc.ename, "evalue": exc.evalue}
        except NoSuchKernel as exc:
            error = {"notebook": source.name, "cell": None, "cell_index": None,
                     "ename": "KernelError", "evalue": str(kernel_error(exc))}
        except Exception as exc:  # a dead kernel, a timeout...: recorded, never raised
            error = {"notebook": source.name, "cell": None, "cell_index": None,
                     "ename": type(exc).__name__, "evalue": str(exc)}
        timings.append({"notebook": source.name, "duration": round(time.perf_counter() - t0, 3),
                        "cells": round(_cell_seconds(target), 3)})
        if target.is_file():
            written.append(target)
            try:
                _clean_record(target, recorded(params, artifacts))
                written.append(write_html(target))
            except Exception as exc:
                error = error or {"notebook": source.name, "cell": None, "cell_index": None,
                                  "ename": type(exc).__name__, "evalue": f"HTML copy: {exc}"}
        written += sorted(p for p in artifacts.rglob("*") if p.is_file())
        if error:
            break
    written += sorted(p for p in (unit_dir / CONFIDENTIAL).rglob("*") if p.is_file())
    return Entry(
        unit=unit.name,
        year=unit.year,
        status="failed" if error else "ok",
        duration=round(time.perf_counter() - start, 3),
        ran_at=ran_at,
        input_hash=unit.input_hash,
        parameters={source.name: recorded(params, unit_dir / source.stem)
                    for source, params in unit.notebooks},
        notebooks=timings,
        outputs=[_output(p, unit.root) for p in written],
        error=error,
    )


def recorded(params: dict[str, Any], artifacts: Path) -> dict[str, Any]:
    """A notebook's parameters as the run records them (manifest, executed notebook, its
    HTML copy): the bundle by its folder's name, not the path (relative to the notebook's
    folder) it was given to run with, which climbs out of ``--out``. The bundle's
    fingerprint is in every stamp."""
    if params.get("bundle") is None:
        return dict(params)
    return params | {"bundle": (artifacts / str(params["bundle"])).resolve().name}


def _clean_record(notebook: Path, params: dict[str, Any]) -> None:
    """Rewrite an executed notebook as it is recorded: papermill's ``input_path`` and
    ``output_path`` (absolute paths of this machine) dropped, and its parameters (the
    metadata and the injected cell) as :func:`recorded` gives them."""
    import nbformat
    from papermill.translators import translate_parameters

    nb = nbformat.read(notebook, as_version=4)
    meta = nb.metadata.get("papermill")
    if meta is not None:
        meta.pop("input_path", None)
        meta.pop("output_path", None)
        meta["parameters"] = params
    for cell in nb.cells:
        if "injected-parameters" in cell.metadata.get("tags", []):
            kernel = nb.metadata.get("kernelspec", {}).get("name", "python3")
            language = nb.metadata.get("kernelspec", {}).get("language", "python")
            cell.source = translate_parameters(
                kernel, language, params,
                "Parameters (as recorded: the bundle by its folder's name)").rstrip("\n")
    nbformat.write(nb, notebook)


def _output(path: Path, root: Path) -> dict[str, Any]:
    """A file a unit wrote, as its manifest entry lists it."""
    return {"path": path.relative_to(root).as_posix(), "sha256": sha256_file(path),
            "bytes": path.stat().st_size}


def _stamp_unit(root: Path, entry: Entry, result: Result) -> list[dict[str, Any]]:
    """Stamp a unit's folder (``README.txt``, ``run.json``) with the year's computation
    (``result``, which the run holds: no worker reopens it), listing every file its
    notebooks wrote: the executed notebooks, their HTML copies and artifacts (the
    whole-bundle profile has no stamp of its own), the confidential ones. Nothing for a unit
    that wrote nothing (its execution crashed). Returns the stamp's manifest outputs."""
    from oshakit.outputs import stamp

    if not entry.outputs:
        return []
    unit_dir = root / entry.unit
    written = [root / o["path"] for o in entry.outputs]
    return [_output(p, root) for p in (stamp(unit_dir, result, written), unit_dir / "run.json")]


def _saved(root: Path) -> str | None:
    """The fingerprint of the result saved under a year's folder ``root`` (None: none)."""
    try:
        return json.loads((root / RESULT_DIR / RESULT_JSON).read_text(encoding="utf-8")).get(
            "fingerprint")
    except (OSError, ValueError, AttributeError):
        return None


def _default_jobs() -> int:
    return min(os.cpu_count() or 1, 4)


@contextlib.contextmanager
def _workers(executor: Executor | None, jobs: int | None,
             warm: bool) -> Iterator[Executor | None]:
    """The executor to run units on: the caller's; with ``warm`` and no executor, a process
    pool whose workers start now and warm their kernels (start one, import what the
    notebooks need) while the year's result is computed; else None (:func:`_execute`
    decides)."""
    jobs = jobs or _default_jobs()
    if executor is not None or not warm or jobs <= 1:
        yield executor
        return
    from oshakit.run.kernel import warm as warm_kernel

    pool = ProcessPoolExecutor(max_workers=jobs, mp_context=_context(),
                               initializer=warm_kernel)
    for _ in range(jobs):
        pool.submit(int)  # a no-op: the pool starts its workers on demand
    try:
        yield pool
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _execute(units: list[Unit], done: Callable[[Entry], None], jobs: int | None,
             executor: Executor | None) -> None:
    """Run ``units`` on ``executor`` (or a process pool of ``jobs``, or in-process)."""
    if not units:
        return
    jobs = jobs or _default_jobs()
    if executor is None and (jobs <= 1 or len(units) == 1):
        for unit in units:
            try:
                entry = execute_unit(unit)
            except Exception as exc:  # e.g. the reports folder is not writable
                entry = _crashed(unit, exc)
            done(entry)
        return
    own = executor is None
    if own:
        executor = ProcessPoolExecutor(max_workers=min(jobs, len(units)), mp_context=_context())
    try:
        futures: dict[Future, Unit] = {executor.submit(execute_unit, u): u for u in units}
        for future in as_completed(futures):
            try:
                entry = future.result()
            except Exception as exc:  # the worker itself died
                entry = _crashed(futures[future], exc)
            done(entry)
    finally:
        if own:
            executor.shutdown(wait=True, cancel_futures=True)


def _crashed(unit: Unit, exc: BaseException) -> Entry:
    """The entry of a unit whose execution itself failed (not one of its notebooks)."""
    return Entry(unit=unit.name, year=unit.year, status="failed", input_hash=unit.input_hash,
                 parameters={s.name: p for s, p in unit.notebooks},
                 error={"notebook": None, "cell": None, "cell_index": None,
                        "ename": type(exc).__name__, "evalue": str(exc)})


def _context() -> multiprocessing.context.BaseContext:
    """A forkserver whose server has imported papermill and nbconvert once (~2 s), so
    workers start as fast as forks; unlike a plain fork it is safe in a process that
    already ran kernels (zmq and event-loop state do not survive a fork)."""
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(["oshakit.run.batch", "oshakit.run.html", "oshakit.run.kernel",
                                "papermill", "nbconvert", "nbformat"])
    return ctx


def _unit(name: str, notebooks: list[Path], declared: dict[Path, set[str]],
          values: dict[str, Any], root: Path, fingerprint: str) -> Unit:
    """A unit whose skip hash covers ``fingerprint`` (of what its notebooks read), the kit
    version, and each notebook's bytes and parameters."""
    from oshakit import __version__

    plan = []
    for nb in notebooks:
        params = {k: v for k, v in values.items() if k in declared[nb]}
        if "out_dir" in declared[nb]:
            params["out_dir"] = "."  # each notebook runs in its own artifacts folder
        plan.append((nb, params))
    key = {"kit": __version__, "reads": fingerprint,
           "notebooks": [[nb.name, sha256_file(nb), p] for nb, p in plan]}
    digest = hashlib.sha256(json.dumps(key, sort_keys=True, default=str).encode()).hexdigest()
    return Unit(name, int(values["year"]), root, plan, digest)


def _quiet_papermill() -> None:
    # papermill warns "Unable to parse line" / "Passed unknown parameter" for parameter
    # lines with an "=" in their comment; notebook_parameters() reads those correctly.
    logging.getLogger("papermill").setLevel(logging.ERROR)


def _declared(notebook: Path) -> set[str]:
    return set(notebook_parameters(notebook))


def notebook_parameters(notebook: str | Path) -> list[str]:
    """Names the notebook's ``parameters`` cell assigns. Parsed with ``ast``:
    ``papermill.inspect_notebook`` drops lines whose comment holds an ``=``."""
    import ast

    import nbformat

    nb = nbformat.read(notebook, as_version=4)
    names: list[str] = []
    for cell in nb.cells:
        if cell.cell_type == "code" and "parameters" in cell.metadata.get("tags", []):
            for node in ast.parse(cell.source).body:
                targets = node.targets if isinstance(node, ast.Assign) else (
                    [node.target] if isinstance(node, ast.AnnAssign) else [])
                names += [t.id for t in targets if isinstance(t, ast.Name)]
    return names


def _cell_seconds(notebook: Path) -> float:
    """Seconds spent inside cells (papermill's per-cell durations) of an executed notebook."""
    if not notebook.is_file():
        return 0.0
    import nbformat

    nb = nbformat.read(notebook, as_version=4)
    return sum(c.metadata.get("papermill", {}).get("duration") or 0.0 for c in nb.cells)


def _bundle_path(bundle: str | Path | None) -> Path:
    from oshakit.bundle import SAMPLE_BUNDLE

    path = Path(bundle) if bundle is not None else SAMPLE_BUNDLE
    if not path.is_dir():
        raise BundleError(f"no bundle folder {path}")
    return path.resolve()


def _scope(result: Result, year: int) -> list[str]:
    """The establishment codes to run for ``year``: every establishment with a Form 300A
    that year (employment data or cases on its log)."""
    summaries = result.summaries
    return sorted(set(summaries.loc[summaries["year"] == year, "establishment_code"]
                      .dropna().astype("str")))
