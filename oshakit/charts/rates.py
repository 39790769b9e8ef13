"""Charts and tables of injury rates (TCR, DART) per establishment and year."""

from __future__ import annotations

import matplotlib
import pandas as pd

from oshakit.charts.figure import PALETTE, Chart, new_figure, title

RATE_LABELS = {
    "tcr": "TCR: total recordable case rate",
    "dart": "DART: days away, restricted or transferred rate",
}
#: Columns of :func:`rates_table`, in order: the rates and every number behind them.
TABLE_COLUMNS = [
    "establishment_code",
    "establishment_name",
    "year",
    "annual_average_employees",
    "total_hours_worked",
    "total_deaths",
    "total_dafw_cases",
    "total_djtr_cases",
    "total_other_cases",
    "total_dafw_days",
    "total_djtr_days",
    "tcr",
    "tcr_with_deaths",
    "dart",
    "dafw",
]


def _label(value: float) -> str:
    return "n/a" if pd.isna(value) else f"{value:.2f}"


def rates_by_year(rates_df: pd.DataFrame, years: list[int] | None = None,
                  scope: str | None = None) -> Chart:
    """TCR and DART per year, one bar per establishment, every bar labelled.

    ``rates_df`` is ``oshakit.rates.rates(summaries)``. A rate with no hours
    worked has no bar and is labelled ``n/a``. ``data``: ``establishment_code``,
    ``year``, ``tcr``, ``dart`` (the plotted values, sorted). ``years``: the years the
    title names (None: the years of ``rates_df``).
    """
    data = (
        rates_df[["establishment_code", "year", "tcr", "dart"]]
        .sort_values(["year", "establishment_code"], kind="stable")
        .reset_index(drop=True)
    )
    named = years
    years = sorted(data["year"].unique().tolist())
    codes = sorted(data["establishment_code"].unique().tolist())
    n = max(len(codes), 1)
    width = min(0.8 / n, 0.4)

    fig_width = min(16.0, max(7.0, len(years) * (0.45 * n + 0.6) + 2))
    # Labels turn upright when a bar is narrower than "12.34" (axes ~ figure - 2.5 in).
    bar_inches = (fig_width - 2.5) / (max(len(years), 1) + 0.2) * width
    rotation = 90 if bar_inches < 0.4 else 0
    colors = PALETTE if n <= len(PALETTE) else matplotlib.colormaps["tab20"].colors
    fig = new_figure(fig_width, 6.5)
    axes = fig.subplots(2, 1, sharex=True)
    for ax, rate in zip(axes, RATE_LABELS, strict=True):
        table = data.pivot(index="year", columns="establishment_code", values=rate)
        table = table.reindex(index=years, columns=codes)
        for i, code in enumerate(codes):
            values = table[code].astype("Float64").tolist()
            heights = [0.0 if pd.isna(v) else float(v) for v in values]
            pos = [k + (i - (n - 1) / 2) * width for k in range(len(years))]
            color = colors[i % len(colors)]
            bars = ax.bar(pos, heights, width * 0.92, label=code, color=color)
            ax.bar_label(
                bars, labels=[_label(v) for v in values], fontsize=8, padding=2, rotation=rotation
            )
        ax.set_title(RATE_LABELS[rate], fontsize=10)
        ax.set_ylabel("Cases per 200,000 h")
        ax.margins(y=0.3 if rotation else 0.18)
        ax.set_ylim(bottom=0)
        if not (table.fillna(0) > 0).any().any():  # nothing above zero: a readable 0..1 scale
            ax.set_ylim(0, 1)
        ax.spines[["top", "right"]].set_visible(False)
        if data.empty:
            ax.text(
                0.5,
                0.5,
                "No establishment-years",
                ha="center",
                va="center",
                transform=ax.transAxes,
                color="0.4",
            )
    axes[-1].set_xticks(range(len(years)), [str(y) for y in years])
    axes[-1].set_xlim(-0.6, max(len(years), 1) - 0.4)
    if codes:
        axes[0].legend(
            title="Establishment",
            fontsize=8,
            title_fontsize=8,
            frameon=False,
            loc="upper left",
            bbox_to_anchor=(1.0, 1.0),
        )
    fig.suptitle(title("Injury and illness rates per year (N \u00d7 200,000 / hours worked)",
                       named if named is not None else years, scope))
    return Chart("rates_by_year", fig, data)


def rates_table(summaries: pd.DataFrame, rates_df: pd.DataFrame) -> pd.DataFrame:
    """One row per establishment-year: the 300A counts, hours and every rate charted."""
    merged = summaries.drop(columns=["total_hours_worked"]).merge(
        rates_df, on=["establishment_code", "year"], how="inner", validate="one_to_one"
    )
    cols = [c for c in TABLE_COLUMNS if c in merged.columns]
    return merged[cols].sort_values(["establishment_code", "year"]).reset_index(drop=True)
