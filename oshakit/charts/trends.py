"""Every trend chart of a result in one call: what ``notebooks/03_trends.ipynb`` shows.

Takes a :class:`~oshakit.result.Result` (never recomputes), keeps the years and
establishments asked for, builds each chart and the rates table, and (with ``out_dir``)
writes ``charts/<name>.png|.svg`` and ``rates_table.csv``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from oshakit.charts.figure import FORMATS, Chart, footnote, save, years_label
from oshakit.charts.log import by_illness_type, cases_per_month, days_by_year, pareto
from oshakit.charts.rates import rates_by_year, rates_table
from oshakit.errors import OshakitError
from oshakit.outputs import STAMP, stamp, write_csv
from oshakit.result import Result, unknown_establishment

#: File (in ``out_dir``) of the rates table behind the charts.
RATES_TABLE_FILE = "rates_table.csv"


@dataclass
class Trends:
    """The charts (by name, in display order), the rates table and the run behind them."""

    charts: dict[str, Chart]
    rates: pd.DataFrame
    years: list[int]
    establishments: list[str] | None
    result: Result = field(repr=False)
    files: dict[str, Path] = field(default_factory=dict)

    def __getitem__(self, name: str) -> Chart:
        return self.charts[name]

    def save(self, out_dir: str | Path, formats: tuple[str, ...] = FORMATS) -> dict[str, Path]:
        """Write every chart and the rates table into ``out_dir`` (see :func:`write`)."""
        self.files = write(self, out_dir, formats)
        return self.files


def _as_list(value: Any) -> list | None:
    if value is None:
        return None
    if isinstance(value, str) or not isinstance(value, Iterable):
        return [value]
    return list(value)


def _years(value: Iterable[int] | int | None) -> list[int] | None:
    years = _as_list(value)
    if years is None:
        return None
    try:
        return sorted({int(y) for y in years})
    except (TypeError, ValueError):
        raise OshakitError(f"years must be whole numbers, not {value!r}") from None


def trends(
    result: Result,
    years: Iterable[int] | int | None = None,
    establishments: Iterable[str] | str | None = None,
    out_dir: str | Path | None = None,
    log_year: int | None = None,
    formats: Iterable[str] = FORMATS,
) -> Trends:
    """Build every trend chart of ``result``.

    ``years``: the years to show (None: every year the result covers); ``establishments``:
    the codes to keep (None: all; an unknown code is an error). ``log_year``: the year of
    the log shown beside the charts (the batch's report year); when the charts cover more
    years than that, each says so in a note under it. ``formats``: the files of each chart
    in ``out_dir`` (``png``, ``svg``).
    """
    wanted = _years(years)
    codes = _as_list(establishments)
    for code in codes or []:
        if code not in result.establishments:
            raise OshakitError(unknown_establishment(code, result.establishments))

    def keep(frame: pd.DataFrame) -> pd.DataFrame:
        mask = pd.Series(True, index=frame.index)
        if wanted is not None:
            mask &= frame["year"].isin(wanted)
        if codes is not None:
            mask &= frame["establishment_code"].isin(codes)
        return frame[mask].reset_index(drop=True)

    log, summaries, rates_df = keep(result.rec.log), keep(result.summaries), keep(result.rates)
    found = {int(y) for y in (*summaries["year"], *log["year"])}
    shown = (
        wanted if wanted is not None else list(range(min(found), max(found) + 1) if found else [])
    )
    scope = _scope(codes)
    built = [
        cases_per_month(log, shown, scope=scope),
        rates_by_year(rates_df, shown, scope=scope),
        days_by_year(log, shown, scope=scope),
        pareto(log, "body_parts", years=shown, scope=scope),
        pareto(log, "natures", years=shown, scope=scope),
        by_illness_type(log, shown, scope=scope),
    ]
    if log_year is not None and [int(log_year)] != list(shown):
        beside = int((log["year"] == int(log_year)).sum())
        note = (f"Note: this chart covers {years_label(shown)} ({len(log):,} case(s) on those "
                f"logs); the {int(log_year)} log in this report has {beside:,}.")
        for chart in built:
            footnote(chart.figure, note)
    out = Trends(
        charts={chart.name: chart for chart in built},
        rates=rates_table(summaries, rates_df),
        years=shown,
        establishments=codes,
        result=result,
    )
    if out_dir is not None:
        out.save(out_dir, tuple(formats))
    return out


def _scope(codes: list[str] | None) -> str | None:
    """The establishments a chart covers, for its title (None: every establishment)."""
    if not codes:
        return None
    return ", ".join(codes) if len(codes) <= 3 else f"{len(codes)} establishments"


def write(trends: Trends, out_dir: str | Path,
          formats: tuple[str, ...] = FORMATS) -> dict[str, Path]:
    """Write ``out_dir/charts/<name>.png`` and ``.svg`` (those of ``formats``, each carrying
    the computation's fingerprint) for every chart,
    ``out_dir/rates_table.csv``, and stamp the folder (``README.txt`` and ``run.json``: the
    computation's fingerprint and policy); returns the paths keyed by their path under
    ``out_dir``."""

    out_dir = Path(out_dir)
    files: dict[str, Path] = {}
    codes = trends.establishments or []
    scoped = trends.result.select(establishment=codes[0]) if len(codes) == 1 else trends.result
    for name, chart in trends.charts.items():
        for kind, path in save(chart, out_dir / "charts", name, formats,
                               fingerprint=scoped.fingerprint).items():
            files[f"charts/{name}.{kind}"] = path
    files[RATES_TABLE_FILE] = write_csv(trends.rates, out_dir / RATES_TABLE_FILE)
    files[STAMP] = stamp(out_dir, scoped, files.values())
    return files
