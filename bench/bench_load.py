"""Benchmark: load a large case bundle against plain ``pandas.read_csv`` of the same files.

    python bench/bench_load.py            # scale 50   (~50,000 encounters)
    python bench/bench_load.py --full     # scale 1000 (~1,000,000 encounters)

Each measurement runs in a fresh process so peak memory (max RSS) is its own.
Targets (issue 2): load time at most 2x the plain read, peak memory under 4 GB.
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


def peak_rss_mb() -> float:
    """This process's peak resident memory (VmHWM; unlike ru_maxrss it is not inherited
    from the parent across fork/exec)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure(what: str, folder: str) -> None:
    """Child process: time one way of reading the bundle, print JSON."""
    import pandas as pd

    from oshakit.bundle import load_bundle

    t0 = time.perf_counter()
    if what == "oshakit":
        bundle = load_bundle(folder)
        rows = int(bundle.accounting["rows_read"].sum())
    else:
        rows = 0
        for f in sorted(Path(folder).glob("*.csv")):
            if f.name != "defects.csv":
                rows += len(pd.read_csv(f, dtype=str, keep_default_na=False))
    seconds = time.perf_counter() - t0
    peak_mb = peak_rss_mb()
    print(json.dumps({"seconds": seconds, "rows": rows, "peak_mb": peak_mb}))


def run_child(what: str, folder: Path) -> dict:
    out = subprocess.run([sys.executable, __file__, "--measure", what, str(folder)],
                         check=True, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--full", action="store_true", help="scale 1000 (about 1M encounters)")
    parser.add_argument("--scale", type=float, default=None)
    parser.add_argument("--measure", nargs=2, metavar=("WHAT", "DIR"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        measure(*args.measure)
        return
    from oshakit.sample import generate

    scale = args.scale or (1000.0 if args.full else 50.0)
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        folder = Path(generate(Path(tmp) / "bundle", scale=scale))
        gen = time.perf_counter() - t0
        size_mb = sum(f.stat().st_size for f in folder.glob("*.csv")) / 1e6
        plain = run_child("pandas", folder)
        kit = run_child("oshakit", folder)
    print(f"bundle: scale {scale:g}, {kit['rows']:,} rows, {size_mb:,.0f} MB "
          f"(generated in {gen:.1f} s)")
    print(f"plain pandas.read_csv : {plain['seconds']:6.2f} s  peak {plain['peak_mb']:7,.0f} MB")
    print(f"oshakit.load_bundle   : {kit['seconds']:6.2f} s  peak {kit['peak_mb']:7,.0f} MB  "
          f"{kit['rows'] / kit['seconds']:,.0f} rows/s")
    ratio = kit["seconds"] / plain["seconds"]
    print(f"ratio load/plain      : {ratio:.2f}x  (target <= 2x; peak target < 4,096 MB)")


if __name__ == "__main__":
    main()
