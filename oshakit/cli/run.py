"""``oshakit run``: the year-end notebook batch, per establishment-year."""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

from oshakit.cli import EXIT_OK, EXIT_PROBLEMS
from oshakit.cli.options import Refused, add_filing_options, add_policy_options, policy_from_args


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "run",
        help="execute the notebook pipeline per establishment-year (papermill batch)",
        description="Execute notebooks 01_profile (once per year, whole bundle), 02_reconcile, "
        "03_trends and 04_forms (per establishment; whichever exist) with papermill. Writes "
        "OUT/YEAR/<code>/ (executed notebooks, HTML copies, artifacts) and "
        "OUT/YEAR/manifest.json. Unchanged establishment-years are skipped unless --force. "
        "Exit code 1 when any establishment-year failed.",
    )
    p.add_argument("bundle", help="folder of the case bundle")
    p.add_argument("--year", type=int, required=True, help="log year to run")
    p.add_argument("--out", default="reports", metavar="DIR", help="reports folder (reports/)")
    p.add_argument("--establishment", action="append", metavar="CODE",
                   help="establishment code to run (repeatable; default: all in the bundle)")
    p.add_argument("--jobs", type=int, default=None, metavar="N",
                   help="parallel notebook workers (default: CPU count, at most 4; 1: in-process)")
    p.add_argument("--force", action="store_true", help="rerun unchanged establishment-years")
    p.add_argument("--notebooks", default=None, metavar="DIR",
                   help="folder of the pipeline notebooks (default: the kit's notebooks/)")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    add_policy_options(p)
    add_filing_options(p)
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from oshakit.run import run_batch
    from oshakit.run.batch import Incomplete

    start = time.perf_counter()
    try:
        manifest = run_batch(args.bundle, args.year, args.out,
                             establishments=args.establishment, jobs=args.jobs,
                             policy=policy_from_args(args), force=args.force,
                             notebooks_dir=args.notebooks, progress=not args.no_progress,
                             accept_rejects=args.accept_rejects)
    except Incomplete as exc:
        raise Refused(str(exc)) from None
    entries = manifest.run_entries()
    for e in entries:
        line = f"  {e.unit:<12} {e.status:<8} {e.duration:7.1f} s  {_shown(manifest.root / e.unit)}"
        if e.error:
            err = e.error
            cell = f" cell [{err['cell']}]" if err.get("cell") is not None else ""
            line += f"\n      {err['notebook']}{cell}: {err['ename']}: {err['evalue']}"
        print(line)
    counts = {s: len(manifest.with_status(s)) for s in ("ok", "failed", "skipped")}
    print(f"{args.year}: {counts['ok']} ok, {counts['failed']} failed, {counts['skipped']} "
          f"skipped (unchanged; --force reruns) in {time.perf_counter() - start:.1f} s")
    print(f"reports: {_shown(manifest.root)}/  manifest: {_shown(manifest.path)}")
    print(f"audit pack (opens offline): {_shown(manifest.root / 'index.html')}")
    return EXIT_PROBLEMS if counts["failed"] else EXIT_OK


def _shown(path: Path) -> str:
    """``path`` relative to the working directory when it is inside it."""
    rel = os.path.relpath(path)
    return path.as_posix() if rel.startswith("..") else rel
