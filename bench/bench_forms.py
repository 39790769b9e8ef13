"""Benchmark: Form 300 log and Form 301 pages drawn per second, and peak memory.

    .venv/bin/python bench/bench_forms.py            # 1,300 cases (100 log pages)
    .venv/bin/python bench/bench_forms.py --full     # 10,000 cases (770 log pages, 10,000 301s)

Each form is rendered in its own child process so the peak memory printed (getrusage max
RSS of that process) is that form's own. Targets for --full on 2 cores: 300 log >= 250
pages/s, 301 >= 1,000 pages/s.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # run from a checkout without installing the package

JOBS = ("Assembler", "Welder", "CNC Machinist", "Registered Nurse", "Material Handler")
PLACES = ("Weld Line 2", "Loading dock north end", "ICU 4 East", "Paint Booth")
DESCRIPTIONS = (
    "Laceration, Hand, left; Box cutter",
    "Fracture, Finger(s), right; Abrasion, Finger(s), right; Trailer rear door",
    "Strain, Back, lower; Patient handling while repositioning a patient in bed without a "
    "lift; Swelling, Back, lower",
)


def cases(n: int):
    """``n`` log cases with realistic text lengths and every outcome and type."""
    import pandas as pd

    rows = []
    for i in range(n):
        outcome = "GHIJ"[i % 4]
        rows.append({
            "case_number": f"2024-PLT01-{i + 1:05d}", "establishment_code": "PLT01",
            "year": 2024, "privacy": i % 17 == 0, "employee_name": f"Żółć{i}, Łukasz",
            "log_name": "Privacy Case" if i % 17 == 0 else f"Żółć{i}, Łukasz",
            "job_title": JOBS[i % 5], "date_of_injury": pd.Timestamp(2024, 1 + i % 12, 1),
            "location": PLACES[i % 4], "description": DESCRIPTIONS[i % 3],
            "outcome": outcome, "days_away": 10 if outcome == "H" else 0,
            "days_restricted": 5 if outcome in "HI" else 0, "days_estimated": i % 50 == 0,
            "itype": f"M{1 + i % 6}", "time_of_event": "09:30", "time_unknown": False,
            "employee_street": "4100 Industrial Avenue", "employee_city": "Lincoln",
            "employee_state": "NE", "employee_zip": "68504",
            "date_of_birth": pd.Timestamp(1980, 6, 23), "date_of_hire": pd.Timestamp(2015, 3, 1),
            "sex": "MF"[i % 2], "physician": "Dr. A. Okonkwo, MD",
            "facility_name": "Bryan Medical Center", "facility_street": "1600 S 48th St",
            "facility_city": "Lincoln", "facility_state": "NE", "facility_zip": "68506",
            "emergency_room": i % 3 == 0, "hospitalized": False, "time_started_work": "07:00",
            "nar_before_incident": "Repetitive riveting on side panels with a pneumatic gun",
            "nar_what_happened": "Numbness and tingling in the right hand over several weeks "
                                 "of riveting; reported to the nurse on the second shift",
            "nar_injury_illness": DESCRIPTIONS[i % 3],
            "nar_object_substance": "Pneumatic rivet gun", "date_of_death": pd.NaT,
        })
    return pd.DataFrame(rows)


def _render(form: str, n: int, out: str, queue: mp.Queue) -> None:
    from oshakit.forms import render_form300, render_form301

    log = cases(n)
    info = {"establishment_name": "Great Plains Trailer Works", "city": "Lincoln",
            "state": "NE", "year": 2024}
    t0 = time.perf_counter()
    render = render_form300 if form == "300" else render_form301
    pages = render(log, out, info, year=2024) if form == "300" else render(log, out)
    seconds = time.perf_counter() - t0
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    queue.put((pages, seconds, rss, Path(out).stat().st_size))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--full", action="store_true", help="10,000 cases")
    ap.add_argument("--cases", type=int, help="number of cases (overrides --full)")
    args = ap.parse_args()
    n = args.cases or (10_000 if args.full else 1_300)
    ctx = mp.get_context("spawn")
    with tempfile.TemporaryDirectory() as tmp:
        for form, target in (("300", 250), ("301", 1000)):
            queue = ctx.Queue()
            out = str(Path(tmp) / f"form{form}.pdf")
            proc = ctx.Process(target=_render, args=(form, n, out, queue))
            proc.start()
            pages, seconds, rss, size = queue.get()
            proc.join()
            print(f"Form {form}: {n:,} cases -> {pages:,} pages in {seconds:.2f} s = "
                  f"{pages / seconds:,.0f} pages/s (target >= {target:,}); peak RSS "
                  f"{rss:,.0f} MB; PDF {size / 1e6:.1f} MB")


if __name__ == "__main__":
    main()
