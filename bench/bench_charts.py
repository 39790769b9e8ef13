"""Time the trend charts: the shipped sample end to end, and the chart functions on a big log.

    .venv/bin/python bench/bench_charts.py          # sample + a synthetic log of 20,000 cases
    .venv/bin/python bench/bench_charts.py --full   # sample + 200,000 cases

Prints seconds for: importing oshakit.charts (matplotlib), the pipeline, building the six
charts, saving them (PNG + SVG), displaying them after the save (the saved bytes) and
rendering them again, and each chart function
on the synthetic log (10 years, 50 establishments).
"""

from __future__ import annotations

import argparse
import tempfile
import time


def clock() -> float:
    return time.perf_counter()


def synthetic_log(n: int):
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(0)
    parts = np.array(["Back, lower", "Hand, left", "Finger(s), right", "Knee, left", "Eye", "Head"])
    natures = np.array(["Strain", "Laceration", "Contusion", "Fracture", "Burn (thermal)"])
    dates = pd.Timestamp("2016-01-01") + pd.to_timedelta(rng.integers(0, 3650, n), unit="D")
    return pd.DataFrame(
        {
            "case_key": [f"k{i}" for i in range(n)],
            "establishment_code": [f"E{i:02d}" for i in rng.integers(0, 50, n)],
            "date_of_injury": dates,
            "year": dates.year,
            "outcome": rng.choice(list("GHIJ"), n, p=[0.01, 0.3, 0.3, 0.39]),
            "days_away": pd.array(rng.integers(0, 60, n), dtype="Int64"),
            "days_restricted": pd.array(rng.integers(0, 60, n), dtype="Int64"),
            "itype": rng.choice([f"M{i}" for i in range(1, 7)], n),
            "body_parts": [
                f"{a}; {b}" for a, b in zip(rng.choice(parts, n), rng.choice(parts, n), strict=True)
            ],
            "natures": rng.choice(natures, n),
        }
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--full", action="store_true", help="200,000 synthetic cases")
    n = 200_000 if parser.parse_args().full else 20_000

    t = clock()
    from oshakit import charts, pipeline

    print(f"import oshakit.charts           {clock() - t:6.2f} s")
    for years, codes in ((None, None), ([2024], ["PLT01"])):
        what = "sample, every year, 3 est." if years is None else "sample, 2024, PLT01     "
        t = clock()
        result = pipeline.run(None)
        t_pipe = clock() - t
        t = clock()
        trends = charts.trends(result, years, codes)
        t_build = clock() - t
        with tempfile.TemporaryDirectory() as tmp:
            t = clock()
            trends.save(tmp)
            t_save = clock() - t
        t = clock()
        for chart in trends.charts.values():
            chart._repr_png_()  # after save: the saved bytes
        t_show = clock() - t
        t = clock()
        for chart in trends.charts.values():
            chart.png()
        t_render = clock() - t
        print(
            f"{what}   pipeline {t_pipe:5.2f} s  build 6 charts {t_build:5.2f} s  "
            f"save png+svg {t_save:5.2f} s  display {t_show:5.2f} s  "
            f"re-render png {t_render:5.2f} s"
        )

    log = synthetic_log(n)
    print(f"synthetic log: {n:,} cases, 10 years")
    for name, build in (
        ("cases_per_month", lambda: charts.cases_per_month(log)),
        ("days_by_year", lambda: charts.days_by_year(log)),
        ("pareto body_parts", lambda: charts.pareto(log, "body_parts")),
        ("pareto natures", lambda: charts.pareto(log, "natures")),
        ("by_illness_type", lambda: charts.by_illness_type(log)),
    ):
        t = clock()
        build()
        print(f"  {name:18s} {clock() - t:6.2f} s")


if __name__ == "__main__":
    main()
