"""Benchmark: the papermill batch (``oshakit run``) over many establishment-years, --jobs 2.

    .venv/bin/python bench/bench_run.py            # 2 establishments x 2 years = 4 est-years
    .venv/bin/python bench/bench_run.py --full     # 17 establishments x 3 years = 51 est-years

A sample bundle is generated in a temporary folder; each year is one ``run_batch`` call
(its ``_bundle`` unit validates the whole bundle once, then 02/03/04 run per
establishment). Prints wall time, wall time per establishment-year, how the cumulative time
grows with the number of establishment-years, and the share of worker time spent outside
notebook cells (kernel start and shutdown, papermill I/O) and on kernel starts alone
(measured on a trivial notebook). Target: under 10 s per establishment-year.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # run from a checkout without installing the package


def trivial_notebook_seconds(folder: Path, runs: int = 3) -> float:
    """Median time of a one-cell notebook through papermill: kernel start + stop."""
    import nbformat
    import papermill as pm

    from oshakit.run.kernel import engine_options

    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x = 1")])
    nb.metadata.kernelspec = {"name": "python3", "display_name": "Python 3",
                              "language": "python"}
    src = folder / "trivial.ipynb"
    nbformat.write(nb, src)
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        pm.execute_notebook(src, folder / "trivial-out.ipynb", **engine_options())
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--full", action="store_true", help="17 establishments x 3 years")
    ap.add_argument("--jobs", type=int, default=2)
    args = ap.parse_args()
    n_est, years = (17, (2023, 2024, 2025)) if args.full else (2, (2024, 2025))

    from oshakit.run import run_batch
    from oshakit.sample import generate

    with tempfile.TemporaryDirectory(prefix="oshakit-bench-") as tmp:
        tmp = Path(tmp)
        bundle = generate(tmp / "bundle", establishments=n_est, years=years)
        kernel_s = trivial_notebook_seconds(tmp)
        print(f"bundle: {n_est} establishments x {len(years)} years; jobs={args.jobs}; "
              f"trivial notebook (kernel start+stop) {kernel_s:.2f} s")
        total_wall = worker = outside = 0.0
        est_years = notebooks = 0
        for year in years:
            t = time.perf_counter()
            m = run_batch(bundle, year, tmp / "reports", jobs=args.jobs, progress=False)
            wall = time.perf_counter() - t
            entries = m.run_entries()
            per_est = [e for e in entries if e.unit != "_bundle"]
            failed = [e.unit for e in entries if e.status == "failed"]
            total_wall += wall
            est_years += len(per_est)
            for e in entries:
                worker += e.duration
                notebooks += len(e.notebooks)
                outside += sum(n["duration"] - n["cells"] for n in e.notebooks)
            unit_s = statistics.mean(e.duration for e in per_est)
            print(f"{year}: {len(per_est)} est-years in {wall:6.1f} s wall "
                  f"({wall / len(per_est):.2f} s/est-yr; one establishment {unit_s:.1f} s, "
                  f"_bundle {m.entries['_bundle'].duration:.1f} s)"
                  f" | cumulative {est_years} est-years {total_wall:6.1f} s "
                  f"= {total_wall / est_years:.2f} s/est-yr" + (f" FAILED {failed}" if failed
                                                                 else ""))
        print(f"total: {est_years} establishment-years in {total_wall:.1f} s wall = "
              f"{total_wall / est_years:.2f} s per establishment-year (target < 10 s)")
        print(f"worker time {worker:.1f} s over {notebooks} notebooks: outside cells "
              f"(kernel start/stop, papermill I/O) {outside:.1f} s = {outside / worker:.0%}; "
              f"kernel starts alone ~{notebooks * kernel_s:.1f} s = "
              f"{notebooks * kernel_s / worker:.0%}")


if __name__ == "__main__":
    main()
