"""Benchmark: ``load_bundle`` against a bare pyarrow parse and plain ``pandas.read_csv``.

    python bench/bench_load.py                    # scale 50   (~50,000 encounters)
    python bench/bench_load.py --scale 200        # ~200,000 encounters
    python bench/bench_load.py --full             # scale 1000 (~1,000,000 encounters)
    python bench/bench_load.py --bundle DIR       # an existing bundle (generate once, reuse)

Three readers of the same files, each in a fresh process so that peak memory (VmHWM from
/proc/self/status) is its own, each keeping what it read in memory as the loader does:

- ``pyarrow``: ``pyarrow.csv.read_csv(file)`` per file, default options except
  ``newlines_in_values=True`` (narratives hold newlines; without it pyarrow refuses the
  files). Type inference on, no typing of ours: the bare parse.
- ``pandas``: ``pandas.read_csv(file, dtype=str, keep_default_na=False)`` per file.
- ``oshakit``: ``load_bundle(folder)``: encodings, header, quote damage, typing, keys,
  row accounting.

Each reader runs ``--repeat`` times (a fresh process each time, the readers taking turns so
that other jobs on a shared machine weigh on all of them alike); the best wall time, the
best CPU time (user + system, all threads) and the lowest peak are kept. Targets (issue 10):
load at most 3x the bare pyarrow parse, peak memory at most 1.5x.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TIME_TARGET, MEMORY_TARGET = 3.0, 1.5


def peak_rss_mb() -> float:
    """This process's peak resident memory (VmHWM; unlike ru_maxrss it is not inherited
    from the parent across fork/exec)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def data_files(folder: str) -> list[Path]:
    return [f for f in sorted(Path(folder).glob("*.csv")) if f.name != "defects.csv"]


def measure(what: str, folder: str) -> None:
    """Child process: time one way of reading the bundle, print JSON."""
    import pandas as pd
    import pyarrow as pa
    from pyarrow import csv as pacsv

    from oshakit.bundle import load_bundle

    kept: list = []
    cpu0 = _cpu()
    t0 = time.perf_counter()
    if what == "oshakit":
        bundle = load_bundle(folder)
        rows = int(bundle.accounting["rows_read"].sum())
        kept.append(bundle)
    elif what == "pyarrow":
        rows = 0
        options = pacsv.ParseOptions(newlines_in_values=True)
        for f in data_files(folder):
            table = pacsv.read_csv(f, parse_options=options)
            rows += table.num_rows
            kept.append(table)
    else:
        rows = 0
        for f in data_files(folder):
            frame = pd.read_csv(f, dtype=str, keep_default_na=False)
            rows += len(frame)
            kept.append(frame)
    seconds = time.perf_counter() - t0
    cpu = _cpu() - cpu0
    print(json.dumps({"seconds": seconds, "cpu": cpu, "rows": rows, "peak_mb": peak_rss_mb(),
                      "pyarrow": pa.__version__, "pandas": pd.__version__}))


def run_child(what: str, folder: Path) -> dict:
    out = subprocess.run([sys.executable, __file__, "--measure", what, str(folder)],
                         check=True, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def best_of(readers: tuple[str, ...], folder: Path, repeat: int) -> dict[str, dict]:
    """Each reader ``repeat`` times, taking turns (so that other jobs on the machine weigh on
    all of them alike); the best time, best CPU time and lowest peak of each."""
    runs: dict[str, list[dict]] = {what: [] for what in readers}
    for _ in range(repeat):
        for what in readers:
            runs[what].append(run_child(what, folder))
    out = {}
    for what, rs in runs.items():
        best = min(rs, key=lambda r: r["seconds"])
        out[what] = {**best, "peak_mb": min(r["peak_mb"] for r in rs),
                     "cpu": min(r["cpu"] for r in rs),
                     "all": [round(r["seconds"], 2) for r in rs]}
    return out


def load_average() -> str:
    try:
        return Path("/proc/loadavg").read_text().split()[0]
    except OSError:
        return "?"


def report(folder: Path, scale: str, repeat: int) -> dict:
    size_mb = sum(f.stat().st_size for f in data_files(str(folder))) / 1e6
    before = load_average()
    results = best_of(("pyarrow", "pandas", "oshakit"), folder, repeat)
    kit, arrow, plain = results["oshakit"], results["pyarrow"], results["pandas"]
    print(f"bundle: {scale}, {kit['rows']:,} rows, {size_mb:,.0f} MB of CSV; "
          f"pyarrow {arrow['pyarrow']}, pandas {arrow['pandas']}; best of {repeat}; "
          f"load average {before} -> {load_average()}")
    print(f"{'reader':<24} {'seconds':>8} {'x pyarrow':>9} {'x pandas':>9}   {'cpu s':>6} "
          f"{'x pyarrow':>9}   {'peak MB':>8} {'x pyarrow':>9} {'x pandas':>9}")
    for name, label in (("pyarrow", "pyarrow.csv.read_csv"), ("pandas", "pandas.read_csv"),
                        ("oshakit", "oshakit.load_bundle")):
        r = results[name]
        print(f"{label:<24} {r['seconds']:>8.2f} {r['seconds'] / arrow['seconds']:>8.2f}x "
              f"{r['seconds'] / plain['seconds']:>8.2f}x   {r['cpu']:>6.2f} "
              f"{r['cpu'] / arrow['cpu']:>8.2f}x   {r['peak_mb']:>8,.0f} "
              f"{r['peak_mb'] / arrow['peak_mb']:>8.2f}x {r['peak_mb'] / plain['peak_mb']:>8.2f}x")
    t_ratio = kit["seconds"] / arrow["seconds"]
    m_ratio = kit["peak_mb"] / arrow["peak_mb"]
    print(f"load / bare pyarrow: time {t_ratio:.2f}x (target <= {TIME_TARGET:g}x), "
          f"peak memory {m_ratio:.2f}x (target <= {MEMORY_TARGET:g}x)  "
          f"{'OK' if t_ratio <= TIME_TARGET and m_ratio <= MEMORY_TARGET else 'MISSED'}; "
          f"{kit['rows'] / kit['seconds']:,.0f} rows/s; runs {kit['all']} s")
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--full", action="store_true", help="scale 1000 (about 1M encounters)")
    parser.add_argument("--scale", type=float, default=None)
    parser.add_argument("--bundle", type=Path, help="measure this bundle (no generation)")
    parser.add_argument("--repeat", type=int, default=1, help="runs per reader (best kept)")
    parser.add_argument("--measure", nargs=2, metavar=("WHAT", "DIR"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        measure(*args.measure)
        return
    if args.bundle:
        report(args.bundle, f"{args.bundle}", args.repeat)
        return
    from oshakit.sample import generate

    scale = args.scale or (1000.0 if args.full else 50.0)
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        folder = Path(generate(Path(tmp) / "bundle", scale=scale))
        print(f"generated scale {scale:g} in {time.perf_counter() - t0:.1f} s")
        report(folder, f"scale {scale:g}", args.repeat)


if __name__ == "__main__":
    main()
