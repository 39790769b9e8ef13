"""Benchmark: load -> reconcile -> summarise -> write the ITA files.

    .venv/bin/python bench/bench_reconcile.py            # small bundle (scale 10)
    .venv/bin/python bench/bench_reconcile.py --full     # scale 1000: ~1M encounters

The bundle is generated in a temporary folder by a separate process, so the peak memory
printed (getrusage max RSS) is the pipeline's own. Target for --full: under 30 s.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # run from a checkout without installing the package


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--full", action="store_true", help="scale 1000 (~1M encounters)")
    ap.add_argument("--scale", type=int, default=None, help="generator scale (default 10)")
    ap.add_argument("--year", type=int, default=None, help="ITA year (default: busiest)")
    args = ap.parse_args()
    scale = args.scale or (1000 if args.full else 10)

    with tempfile.TemporaryDirectory(prefix="oshakit-bench-") as tmp:
        bundle_dir = Path(tmp) / "bundle"
        t = time.perf_counter()
        subprocess.run(
            [sys.executable, "-c",
             f"from oshakit.sample import generate; generate({str(bundle_dir)!r}, scale={scale})"],
            check=True,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
        )
        print(f"generated scale {scale} in {time.perf_counter() - t:.1f} s (not counted)")

        from oshakit.bundle import load_bundle
        from oshakit.cases import Policy, reconcile
        from oshakit.ita.export import write_ita_files
        from oshakit.ita.rules import ita_checks
        from oshakit.rates import rates
        from oshakit.summary import summarize

        base = _rss_mb()
        stages: dict[str, float] = {}

        def stage(name, fn, *a, **kw):
            t0 = time.perf_counter()
            out = fn(*a, **kw)
            stages[name] = time.perf_counter() - t0
            return out

        t_all = time.perf_counter()
        bundle = stage("load", load_bundle, bundle_dir)
        rec = stage("reconcile", reconcile, bundle, policy=Policy(), year=None)
        year = args.year or int(rec.log["year"].mode().iloc[0])
        summaries = stage("summarize", summarize, rec, bundle)
        checks = stage("ita_checks", ita_checks, summaries)
        stage("rates", rates, summaries)
        stage("write_ita", write_ita_files, rec, summaries, checks, Path(tmp) / "ita", year)
        wall = time.perf_counter() - t_all

    n_enc = len(bundle["encounters"])
    print(f"encounters {n_enc:,}; cases {len(rec.cases):,}; on a log {len(rec.log):,}; "
          f"establishment-years {len(summaries):,}; ITA year {year}")
    for name, secs in stages.items():
        print(f"  {name:<10} {secs:7.2f} s")
    print(f"wall {wall:.2f} s; peak RSS {_rss_mb():,.0f} MB (after imports {base:,.0f} MB)")


if __name__ == "__main__":
    main()
