"""Benchmark: the papermill batch (``oshakit run``) against the CLI's own filing commands.

    .venv/bin/python bench/bench_run.py            # the sample; 40 establishments x 1 year
    .venv/bin/python bench/bench_run.py --full     # the sample; 200 establishments x 1 year

Two measurements, each in this one run and side by side:

1. **The sample, one year**: ``oshakit run SAMPLE --year Y`` (every notebook, HTML copies,
   the audit pack) against ``oshakit export-ita`` + ``oshakit forms`` for the same year,
   each a fresh process as a user runs it. Target: the batch at most 3x the CLI time.
2. **Many establishment-years**: a generated bundle of N establishments, one year, run with
   ``--jobs 2``: worker-seconds per establishment-year (wall time x workers / units).
   Target: under 3 s per establishment-year per worker on a 2-core machine.

Every run uses ``--force`` into a fresh folder (nothing skipped). Prints the machine's load
average so a busy machine shows.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OSHAKIT = [sys.executable, "-m", "oshakit"]


def timed(*args: str) -> float:
    """Wall seconds of one ``oshakit`` command in a fresh process (it must succeed)."""
    t = time.perf_counter()
    done = subprocess.run([*OSHAKIT, *args], capture_output=True, text=True)
    seconds = time.perf_counter() - t
    if done.returncode not in (0, 1):  # 1: ITA checks or exceptions found, still written
        sys.exit(f"oshakit {' '.join(args)} failed:\n{done.stderr}")
    return seconds


def best(n: int, fn) -> float:
    return min(fn() for _ in range(n))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--full", action="store_true", help="200 establishment-years")
    ap.add_argument("--establishments", type=int, default=None)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--repeat", type=int, default=2, help="best of N (default 2)")
    args = ap.parse_args()
    n_est = args.establishments or (200 if args.full else 40)

    from oshakit.bundle import SAMPLE_BUNDLE
    from oshakit.sample import generate

    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f} at start")
    year = "2025"
    with tempfile.TemporaryDirectory(prefix="oshakit-bench-") as tmp:
        tmp = Path(tmp)
        sample = str(SAMPLE_BUNDLE)

        def cli() -> float:
            return (timed("export-ita", sample, "--year", year, "--out", str(tmp / "ita"))
                    + timed("forms", sample, "--year", year, "--out", str(tmp / "forms")))

        runs = iter(range(1000))

        def batch(bundle: str, jobs: int) -> float:
            out = tmp / f"reports{next(runs)}"
            return timed("run", bundle, "--year", year, "--out", str(out), "--force",
                         "--jobs", str(jobs), "--no-progress")

        t_cli = best(args.repeat, cli)
        t_batch = best(args.repeat, lambda: batch(sample, args.jobs))
        print(f"sample {year}, 3 establishments: export-ita + forms {t_cli:6.1f} s | "
              f"oshakit run {t_batch:6.1f} s = {t_batch / t_cli:.1f}x the CLI (target <= 3x)")

        t = time.perf_counter()
        many = generate(tmp / "many", establishments=n_est, years=(int(year),))
        print(f"generated {n_est} establishments x 1 year in {time.perf_counter() - t:.0f} s "
              "(not counted)")
        wall = batch(str(many), args.jobs)
        per = wall * args.jobs / n_est
        print(f"{n_est} establishment-years, --jobs {args.jobs}: {wall:6.1f} s wall = "
              f"{per:.2f} s per establishment-year per worker (target < 3 s)")
    print(f"load average {os.getloadavg()[0]:.2f} at the end")


if __name__ == "__main__":
    main()
