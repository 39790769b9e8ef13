"""Charts of the OSHA 300 log: cases per month, days per year, Pareto, illness type.

Each function takes ``rec.log`` (the reconciliation's log rows) and returns a
:class:`~oshakit.charts.figure.Chart` whose ``data`` holds exactly the numbers drawn.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
from matplotlib.transforms import blended_transform_factory

from oshakit.charts.figure import PALETTE, Chart, footnote, new_figure, title
from oshakit.schema import ITYPE_LABELS, nature_label

#: Form 300 outcome columns, most serious first.
OUTCOMES = {
    "G": "Death",
    "H": "Days away from work",
    "I": "Job transfer or restriction",
    "J": "Other recordable case",
}
OUTCOME_COLORS = {"G": PALETTE[7], "H": PALETTE[3], "I": PALETTE[1], "J": PALETTE[5]}
NOT_RECORDED = "Not recorded"
NOT_CLASSIFIED = "Not classified"
ALL_OTHER = "All other"
#: What each Pareto counts cases by.
WHAT = {"body_parts": "part of body", "natures": "nature of injury or illness"}


def _in_years(log: pd.DataFrame, years: Sequence[int] | None) -> pd.DataFrame:
    return log if years is None else log[log["year"].isin(list(years))]


def _years(log: pd.DataFrame, years: Sequence[int] | None) -> list[int]:
    if years is not None:
        return sorted({int(y) for y in years})
    found = log["year"].dropna()
    # A year between two years with cases had none: it is shown, as zeros.
    return list(range(int(found.min()), int(found.max()) + 1)) if len(found) else []


def _empty_note(ax, axis: str = "y", text: str = "No recordable cases") -> None:
    """Say so in the middle of an empty chart, on a 0..1 count scale (not -0.04..0.04)."""
    ax.text(0.5, 0.5, text, ha="center", va="center", transform=ax.transAxes, color="0.4")
    (ax.set_ylim if axis == "y" else ax.set_xlim)(0, 1)


def _legend_right(ax) -> None:
    """Legend outside the plot, on the right: it never hides a bar."""
    ax.legend(fontsize=8, frameon=False, loc="upper left", bbox_to_anchor=(1.0, 1.0))


def _legend_below(ax, ncols: int) -> None:
    """Legend in a row under the x labels, for narrow charts."""
    ax.legend(
        fontsize=8, frameon=False, loc="upper center", bbox_to_anchor=(0.5, -0.08), ncols=ncols
    )


def _month_labels(months: pd.Index) -> list[str]:
    """``Jan\\n2024``, ``Feb``, ...; past four years only January, as the year."""
    many = len(months) > 48
    labels = []
    for m in months:
        january = m.endswith("-01")
        if many:
            labels.append(m[:4] if january else "")
        else:
            labels.append(pd.Period(m).strftime("%b\n%Y" if january else "%b"))
    return labels


def cases_per_month(log: pd.DataFrame, years: Sequence[int] | None = None,
                    scope: str | None = None) -> Chart:
    """Recordable cases per month of injury, stacked by outcome (Form 300 G-J).

    Every month of every year shown appears, with zeros where nothing happened; a
    case without a date of injury has no month and is not counted here.
    ``data``: index ``YYYY-MM``, one column per outcome code G, H, I, J.
    """
    ys = _years(log, years)
    keys = [y * 100 + m for y in ys for m in range(1, 13)]  # YYYYMM: cheap to count on
    date = log["date_of_injury"]
    data = (
        pd.crosstab(date.dt.year * 100 + date.dt.month, log["outcome"])
        .reindex(index=keys, columns=list(OUTCOMES), fill_value=0)
        .fillna(0)
        .astype(int)
    )
    index = pd.Index([f"{k // 100}-{k % 100:02d}" for k in keys], name="month")
    data.index, data.columns.name = index, None

    fig = new_figure(min(16.0, max(8.0, 0.28 * len(index) + 3.5)), 4.5)
    ax = fig.add_subplot()
    x = range(len(index))
    bottom = [0] * len(index)
    for code, label in OUTCOMES.items():
        heights = data[code].tolist()
        ax.bar(
            x,
            heights,
            bottom=bottom,
            label=f"{code}: {label}",
            color=OUTCOME_COLORS[code],
            width=0.8,
        )
        bottom = [b + h for b, h in zip(bottom, heights, strict=True)]
    ax.set_xticks(list(x), _month_labels(index), fontsize=8)
    ax.set_ylabel("Recordable cases")
    ax.set_title(title("Recordable cases per month, by outcome", ys, scope))
    ax.yaxis.get_major_locator().set_params(integer=True)
    _legend_right(ax)
    if not data.to_numpy().any():
        _empty_note(ax)
    ax.margins(x=0.01)
    ax.spines[["top", "right"]].set_visible(False)
    return Chart("cases_per_month", fig, data)


def days_by_year(log: pd.DataFrame, years: Sequence[int] | None = None,
                 scope: str | None = None) -> Chart:
    """Days away from work (K) and days of job transfer or restriction (L) per year.

    ``data``: index ``year``, columns ``days_away`` and ``days_restricted`` (sums).
    """
    ys = _years(log, years)
    sums = log.groupby("year")[["days_away", "days_restricted"]].sum(min_count=0)
    data = sums.reindex(pd.Index(ys, name="year"), fill_value=0).fillna(0).astype(int)

    fig = new_figure(max(6.0, 1.2 * len(ys) + 3), 4.5)
    ax = fig.add_subplot()
    width = 0.38
    series = {
        "days_away": ("Days away (K)", OUTCOME_COLORS["H"]),
        "days_restricted": ("Days restricted or transferred (L)", OUTCOME_COLORS["I"]),
    }
    for i, (col, (label, color)) in enumerate(series.items()):
        pos = [k + (i - 0.5) * width for k in range(len(ys))]
        bars = ax.bar(pos, data[col].tolist(), width, label=label, color=color)
        ax.bar_label(bars, fontsize=8, padding=2)
    ax.set_xticks(range(len(ys)), [str(y) for y in ys])
    ax.set_xlim(-0.75, max(len(ys), 1) - 0.25)
    ax.set_ylabel("Days")
    ax.set_title(title("Days away and days restricted, per year", ys, scope))
    ax.yaxis.get_major_locator().set_params(integer=True)
    _legend_below(ax, ncols=2)
    ax.margins(y=0.12)
    ax.spines[["top", "right"]].set_visible(False)
    if not log["year"].isin(ys).any():
        _empty_note(ax)
    return Chart("days_by_year", fig, data)


def case_labels(log: pd.DataFrame, by: str) -> pd.DataFrame:
    """One label per case (row of ``log``) for a Pareto by ``by`` ("; "-joined lists, in
    the order the input file records them): the first value recorded for the case (natures
    through :func:`oshakit.schema.nature_label`, so "Strain" and "Sprain/strain" are one),
    ``Not recorded`` when it names none. Columns ``value`` and ``named`` (how many distinct
    values the case names)."""
    values = log[by].reset_index(drop=True).fillna("").astype("str").str.split(";").explode()
    values = values.str.strip()
    values = values[values != ""]
    if by == "natures":
        values = values.map(nature_label)
    pairs = pd.DataFrame({"row": values.index.to_numpy(), "value": values.to_numpy(dtype=object)})
    pairs = pairs.drop_duplicates()
    first = pairs.drop_duplicates("row")
    out = pd.DataFrame({"value": pd.Series(NOT_RECORDED, index=pd.RangeIndex(len(log)),
                                           dtype=object), "named": 0})
    out.loc[first["row"].to_numpy(), "value"] = first["value"].to_numpy()
    named = pairs.groupby("row").size()
    out.loc[named.index.to_numpy(), "named"] = named.to_numpy()
    return out


def pareto_counts(log: pd.DataFrame, by: str, top: int = 10) -> pd.DataFrame:
    """Cases per value of ``by``, most frequent first: every case counts once, under the
    first value recorded for it (see :func:`case_labels`), so the counts add up to the
    cases of ``log``.

    Values past ``top`` are summed into ``All other`` (last row). Columns: ``value``,
    ``cases``, ``cumulative_pct`` (share of the cases, in percent).
    """
    if by not in WHAT:
        raise ValueError(f"pareto by must be 'body_parts' or 'natures', not {by!r}")
    labels = case_labels(log, by)["value"]
    counts = labels.value_counts().rename_axis("value").rename("cases").reset_index()
    counts = counts.sort_values(["cases", "value"], ascending=[False, True], kind="stable")
    if len(counts) > top + 1:
        rest = pd.DataFrame(
            {"value": [ALL_OTHER], "cases": [int(counts["cases"].iloc[top:].sum())]}
        )
        counts = pd.concat([counts.iloc[:top], rest])
    counts = counts.reset_index(drop=True)
    counts["cases"] = counts["cases"].astype(int)
    total = counts["cases"].sum()
    counts["cumulative_pct"] = counts["cases"].cumsum() * 100.0 / total if total else 0.0
    return counts


def pareto(log: pd.DataFrame, by: str = "body_parts", top: int = 10,
           years: Sequence[int] | None = None, scope: str | None = None) -> Chart:
    """Pareto chart of cases by ``body_parts`` or ``natures``: bars (each case once, under
    the first value recorded for it) and the cumulative share of cases; a note under the
    chart says how many cases record more than one. ``years``: keep the cases of those
    years (None: all)."""
    if by not in WHAT:
        raise ValueError(f"pareto by must be 'body_parts' or 'natures', not {by!r}")
    ys = _years(log, years)
    log = _in_years(log, years)
    data = pareto_counts(log, by, top)
    what = WHAT[by]
    several = int((case_labels(log, by)["named"] > 1).sum())

    fig = new_figure(8.0, 4.8)
    ax = fig.add_subplot()
    x = range(len(data))
    share = ax.twinx()  # carries the right-hand % scale only; everything is drawn on ax
    share.set_ylim(0, 110)
    share.set_yticks(range(0, 101, 20))
    share.set_ylabel("Cumulative share of cases (%)", color=PALETTE[3])
    share.tick_params(axis="y", colors=PALETTE[3])
    bars = ax.bar(x, data["cases"].tolist(), color=PALETTE[0], width=0.7)
    # The line in % (y on the right axis), drawn on ax so the count labels sit above it.
    ax.plot(
        list(x),
        data["cumulative_pct"].tolist(),
        color=PALETTE[3],
        marker="o",
        markersize=4,
        transform=blended_transform_factory(ax.transData, share.transData),
        label="Cumulative share",
    )
    ax.bar_label(
        bars,
        fontsize=8,
        padding=2,
        zorder=3,
        bbox={"facecolor": "white", "edgecolor": "none", "pad": 0.5, "alpha": 0.8},
    )
    ax.set_xticks(list(x), data["value"].tolist(), rotation=35, ha="right", fontsize=8)
    ax.set_xlim(-0.6, max(len(data), 1) - 0.4)
    ax.set_ylabel("Cases")
    ax.set_title(title(f"Recordable cases by {what} (Pareto)", ys, scope))
    ax.yaxis.get_major_locator().set_params(integer=True)
    # Bars up to 80% of the height, the 100% point above them.
    tallest = int(data["cases"].max()) if len(data) else 0
    ax.set_ylim(0, max(tallest, 1) * 1.25)
    ax.set_zorder(share.get_zorder() + 1)  # ax (bars, line, labels) over the twin
    ax.patch.set_visible(False)
    if data.empty:
        _empty_note(ax)
    for a in (ax, share):
        a.spines[["top"]].set_visible(False)
    if several:
        footnote(fig, f"Each case counts once, under the first {what} recorded for it; "
                      f"{several:,} case(s) record more than one.")
    return Chart(f"pareto_{by}", fig, data)


def by_illness_type(log: pd.DataFrame, years: Sequence[int] | None = None,
                    scope: str | None = None) -> Chart:
    """Cases by injury or illness type (Form 300 column M), all six types shown.

    A case with no type (an exception) shows as ``Not classified`` when present.
    ``years``: keep the cases of those years (None: all).
    ``data``: columns ``code``, ``label``, ``cases``.
    """
    ys = _years(log, years)
    log = _in_years(log, years)
    counts = log["itype"].value_counts()
    rows = [(code, label, int(counts.get(code, 0))) for code, label in ITYPE_LABELS.items()]
    blank = int(log["itype"].isna().sum())
    if blank:
        rows.append(("", NOT_CLASSIFIED, blank))
    data = pd.DataFrame(rows, columns=["code", "label", "cases"])

    fig = new_figure(7.0, 3.8)
    ax = fig.add_subplot()
    y = list(range(len(data)))[::-1]  # first type on top
    bars = ax.barh(y, data["cases"].tolist(), color=PALETTE[2], height=0.6)
    ax.bar_label(bars, fontsize=8, padding=3)
    names = [f"{c} {lab}".strip() for c, lab in zip(data["code"], data["label"], strict=True)]
    ax.set_yticks(y, names, fontsize=9)
    ax.set_xlabel("Cases")
    ax.set_title(title("Recordable cases by injury or illness type (column M)", ys, scope))
    ax.xaxis.get_major_locator().set_params(integer=True)
    ax.margins(x=0.1)
    ax.spines[["top", "right"]].set_visible(False)
    if log.empty:
        _empty_note(ax, "x")
    return Chart("by_illness_type", fig, data)
