"""Time the ITA workflow against the rehearsal server on 127.0.0.1.

    .venv/bin/python bench/bench_ita.py          # 20 establishments x 10 cases
    .venv/bin/python bench/bench_ita.py --full   # 300 establishments x 20 cases

Prints: dry run (gates + payloads), first submission, an unchanged re-run, and a re-run
after one case changed in every establishment; requests sent and seconds for each.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path[:0] = [str(Path(__file__).parents[1]), str(Path(__file__).parents[1] / "tests")]

from ita_support import TOKEN, case_rows, client, form300a_rows  # noqa: E402

from oshakit.ita.fake_server import FakeITAServer  # noqa: E402


def make_inputs(n_est: int, n_cases: int, changed: bool = False):
    import pandas as pd

    from oshakit.ita.export import CASE_DATA_COLUMNS, FORM300A_COLUMNS
    from oshakit.ita.submit import ITAInputs

    base, case = form300a_rows()[0], case_rows()[0]
    rows, cases, codes = [], [], {}
    for i in range(n_est):
        name = f"Plant {i:04d}"
        codes[name] = f"P{i:04d}"
        rows.append({**base, "establishment_name": name, "annual_average_employees": 500,
                     "total_hours_worked": 1_000_000, "total_dafw_cases": n_cases,
                     "total_djtr_cases": 0, "total_dafw_days": 5 * n_cases,
                     "total_djtr_days": 0, "total_injuries": n_cases})
        for j in range(n_cases):
            days = 6 if (changed and j == 0) else 5
            cases.append({**case, "establishment_name": name, "case_number": f"{i}-{j}",
                          "incident_outcome": 2, "dafw_num_away": days, "djtr_num_tr": 0})
    return ITAInputs(2024, pd.DataFrame(rows, columns=FORM300A_COLUMNS),
                     pd.DataFrame(cases, columns=CASE_DATA_COLUMNS), codes=codes)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--full", action="store_true")
    args = ap.parse_args()
    n_est, n_cases = (300, 20) if args.full else (20, 10)
    from oshakit.ita.submit import submit

    print(f"{n_est} establishments x {n_cases} cases")
    with FakeITAServer(token=TOKEN) as server, tempfile.TemporaryDirectory() as out:
        for label, inp, send, reason in [
            ("dry run", make_inputs(n_est, n_cases), False, None),
            ("first submission", make_inputs(n_est, n_cases), True, None),
            ("unchanged re-run", make_inputs(n_est, n_cases), True, None),
            ("one case changed per establishment", make_inputs(n_est, n_cases, True), True,
             "days corrected"),
        ]:
            c = client(server, timeout=(5, 30)) if send else None
            t = time.perf_counter()
            result = submit(inp, out, client=c, change_reason=reason)
            dt = time.perf_counter() - t
            assert result.ok, result.table()
            sent = c.requests_sent if c else 0
            print(f"{label:38s} {dt:7.2f} s  {sent:6d} requests")
        print(f"server holds {len(server.store.cases)} cases, "
              f"{len(server.store.submissions)} submissions")


if __name__ == "__main__":
    main()
