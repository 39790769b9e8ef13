"""Chart functions on hand-made frames: the numbers drawn are the numbers counted by hand."""

from __future__ import annotations

import math
import subprocess
import sys

import pandas as pd
import pytest

from oshakit import charts
from oshakit.errors import OshakitError


def make_log(rows: list[tuple]) -> pd.DataFrame:
    """Log rows: (case_key, date, outcome, days_away, days_restricted, itype, parts, natures)."""
    frame = pd.DataFrame(
        rows,
        columns=[
            "case_key",
            "date_of_injury",
            "outcome",
            "days_away",
            "days_restricted",
            "itype",
            "body_parts",
            "natures",
        ],
    )
    frame["date_of_injury"] = pd.to_datetime(frame["date_of_injury"])
    frame["year"] = frame["date_of_injury"].dt.year
    frame["establishment_code"] = "E1"
    for col in ("days_away", "days_restricted"):
        frame[col] = frame[col].astype("Int64")
    return frame


LOG = make_log(
    [
        ("c1", "2023-01-10", "H", 5, 0, "M1", "Hand; Wrist", "Laceration"),
        ("c2", "2023-01-20", "J", 0, 0, "M1", "Hand", "Contusion"),
        ("c3", "2023-03-05", "I", 0, 12, "M2", "Back", "Strain"),
        ("c4", "2024-03-15", "H", 30, 4, "M1", "Back", "Strain"),
        ("c5", "2024-03-16", "G", 0, 0, "M6", None, "Strain"),
        ("c6", "2024-12-31", "J", None, None, None, "Hand; Hand", "Laceration; Contusion"),
    ]
)


def stacked_heights(ax) -> dict[str, list[float]]:
    """Bar heights per legend label, read back from the Axes."""
    return {c.get_label(): [p.get_height() for p in c.patches] for c in ax.containers}


def test_cases_per_month_counts_each_outcome_in_its_month():
    chart = charts.cases_per_month(LOG)
    assert len(chart.data) == 24  # Jan 2023 .. Dec 2024, empty months included
    assert chart.data.loc["2023-01"].to_dict() == {"G": 0, "H": 1, "I": 0, "J": 1}
    assert chart.data.loc["2024-03"].to_dict() == {"G": 1, "H": 1, "I": 0, "J": 0}
    assert chart.data.loc["2024-12", "J"] == 1
    assert chart.data.to_numpy().sum() == 6
    heights = stacked_heights(chart.figure.axes[0])
    assert heights["H: Days away from work"][0] == 1  # Jan 2023
    assert heights["I: Job transfer or restriction"][2] == 1  # Mar 2023
    assert heights["G: Death"][14] == 1  # Mar 2024
    assert sum(sum(h) for h in heights.values()) == 6


def test_cases_per_month_stacks_bars_on_each_other():
    ax = charts.cases_per_month(LOG).figure.axes[0]
    bars = {c.get_label()[0]: c.patches for c in ax.containers}
    # March 2024 (index 14): G at the bottom, H on top of it.
    assert bars["G"][14].get_y() == 0
    assert bars["H"][14].get_y() == 1


def test_cases_per_month_limited_to_given_years():
    chart = charts.cases_per_month(LOG, years=[2024])
    assert list(chart.data.index[[0, -1]]) == ["2024-01", "2024-12"]
    assert chart.data.to_numpy().sum() == 3


def test_days_by_year_sums_columns_k_and_l():
    chart = charts.days_by_year(LOG)
    assert chart.data.loc[2023].to_dict() == {"days_away": 5, "days_restricted": 12}
    assert chart.data.loc[2024].to_dict() == {"days_away": 30, "days_restricted": 4}
    heights = stacked_heights(chart.figure.axes[0])
    assert heights["Days away (K)"] == [5, 30]
    assert heights["Days restricted or transferred (L)"] == [12, 4]
    labels = [t.get_text() for t in chart.figure.axes[0].texts]
    assert labels == ["5", "30", "12", "4"]


def test_pareto_counts_each_case_once():
    chart = charts.pareto(LOG, by="body_parts")
    # By hand: c1 names Hand then Wrist -> Hand (its first); c2 Hand; c6 names Hand twice
    # -> Hand; c3, c4 Back; c5 none -> "Not recorded". 6 cases, 6 in the bars.
    assert chart.data["value"].tolist() == ["Hand", "Back", "Not recorded"]
    assert chart.data["cases"].tolist() == [3, 2, 1]
    assert chart.data["cumulative_pct"].tolist() == pytest.approx([50.0, 5 / 6 * 100, 100.0])
    ax = chart.figure.axes[0]
    assert [p.get_height() for p in ax.patches] == [3, 2, 1]
    assert [t.get_text() for t in ax.texts] == ["3", "2", "1"]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["Hand", "Back", "Not recorded"]
    assert list(ax.lines[0].get_ydata()) == pytest.approx([50.0, 5 / 6 * 100, 100.0])
    assert ax.get_ylabel() == "Cases"
    assert chart.figure.axes[1].get_ylabel() == "Cumulative share of cases (%)"
    assert chart.figure.get_supxlabel() == (
        "Each case counts once, under the first part of body recorded for it; "
        "1 case(s) record more than one.")


def test_pareto_bars_add_up_to_the_cases_on_the_log(sample_result):
    log = sample_result.select(year=2025).log
    for by in ("body_parts", "natures"):
        assert charts.pareto(log, by=by).data["cases"].sum() == len(log)


def test_pareto_counts_spellings_of_one_nature_as_one():
    log = make_log(
        [
            ("c1", "2024-01-01", "J", 0, 0, "M1", "Back", "Strain"),
            ("c2", "2024-01-02", "J", 0, 0, "M1", "Back", "Sprain/strain"),
            ("c3", "2024-01-03", "J", 0, 0, "M1", "Back", "sprain"),
            ("c4", "2024-01-04", "J", 0, 0, "M1", "Back", "Strain; Sprain"),  # one nature
            ("c5", "2024-01-05", "J", 0, 0, "M1", "Hand", "Laceration"),
        ]
    )
    chart = charts.pareto(log, by="natures")
    assert dict(zip(chart.data["value"], chart.data["cases"], strict=True)) == {
        "Sprain or strain": 4, "Laceration": 1}
    assert chart.figure.get_supxlabel() == ""  # no case names two natures


def test_pareto_folds_the_tail_into_all_other():
    log = make_log(
        [(f"c{i}", "2024-01-01", "J", 0, 0, "M1", f"Part{i:02d}", "X") for i in range(15)]
    )
    data = charts.pareto_counts(log, "body_parts", top=10)
    assert len(data) == 11
    assert data["value"].iloc[-1] == "All other"
    assert data["cases"].iloc[-1] == 5


def test_pareto_by_nature():
    data = charts.pareto(LOG, by="natures").data
    # c3, c4, c5 Strain; c2 Contusion; c1 Laceration; c6 Laceration then Contusion.
    assert dict(zip(data["value"], data["cases"], strict=True)) == {
        "Sprain or strain": 3,
        "Laceration": 2,
        "Contusion": 1,
    }


def test_pareto_rejects_other_columns():
    with pytest.raises(ValueError):
        charts.pareto(LOG, by="job_title")


def test_by_illness_type_shows_all_six_types_and_the_blank():
    chart = charts.by_illness_type(LOG)
    assert chart.data["code"].tolist() == ["M1", "M2", "M3", "M4", "M5", "M6", ""]
    assert chart.data["cases"].tolist() == [3, 1, 0, 0, 0, 1, 1]
    assert chart.data["label"].iloc[-1] == "Not classified"
    widths = [p.get_width() for p in chart.figure.axes[0].patches]
    assert widths == [3, 1, 0, 0, 0, 1, 1]


RATES = pd.DataFrame(
    {
        "establishment_code": ["A", "A", "B", "B"],
        "year": [2023, 2024, 2023, 2024],
        "total_hours_worked": [200_000.0, 100_000.0, 400_000.0, None],
        # TCR = (H+I+J) x 200,000 / hours: A 2023 had 3 cases, A 2024 2 cases, B 2023 5 cases.
        "tcr": [3.0, 4.0, 2.5, None],
        "dart": [1.0, 2.0, 0.5, None],
    }
).astype({"tcr": "Float64", "dart": "Float64"})


def test_rates_by_year_draws_every_rate_and_labels_it():
    chart = charts.rates_by_year(RATES)
    tcr_ax, dart_ax = chart.figure.axes
    tcr = {c.get_label(): [p.get_height() for p in c.patches] for c in tcr_ax.containers}
    assert tcr == {"A": [3.0, 4.0], "B": [2.5, 0.0]}
    dart = {c.get_label(): [p.get_height() for p in c.patches] for c in dart_ax.containers}
    assert dart == {"A": [1.0, 2.0], "B": [0.5, 0.0]}
    labels = [t.get_text() for t in tcr_ax.texts]
    assert labels == ["3.00", "4.00", "2.50", "n/a"]
    assert len(chart.data) == 4


def test_rates_table_joins_counts_and_rates():
    summaries = pd.DataFrame(
        {
            "establishment_code": ["A"],
            "year": [2023],
            "establishment_name": ["Plant A"],
            "annual_average_employees": [100],
            "total_hours_worked": [200_000.0],
            "total_deaths": [0],
            "total_dafw_cases": [1],
            "total_djtr_cases": [0],
            "total_other_cases": [2],
            "total_dafw_days": [5],
            "total_djtr_days": [0],
        }
    )
    table = charts.rates_table(summaries, RATES)
    assert len(table) == 1
    row = table.iloc[0]
    assert row["establishment_name"] == "Plant A"
    assert row["tcr"] == 3.0
    assert row["total_hours_worked"] == 200_000.0


EMPTY = LOG.iloc[0:0]


def notes(chart) -> list[str]:
    return [t.get_text() for ax in chart.figure.axes for t in ax.texts]


@pytest.mark.parametrize(
    "build",
    [
        lambda: charts.cases_per_month(EMPTY, years=[2024]),
        lambda: charts.cases_per_month(EMPTY),
        lambda: charts.days_by_year(EMPTY, years=[2024]),
        lambda: charts.days_by_year(LOG, years=[2022]),  # cases, but none in the year shown
        lambda: charts.pareto(EMPTY, "body_parts"),
        lambda: charts.pareto(EMPTY, "natures"),
        lambda: charts.by_illness_type(EMPTY),
    ],
)
def test_empty_log_gives_a_chart_saying_so(build, tmp_path):
    chart = build()
    assert "No recordable cases" in notes(chart)
    assert chart.save(tmp_path)["png"].stat().st_size > 0


def test_empty_log_plots_zeros():
    assert charts.cases_per_month(EMPTY, years=[2024]).data.to_numpy().sum() == 0
    assert charts.days_by_year(EMPTY, years=[2024]).data.loc[2024].tolist() == [0, 0]
    assert charts.pareto(EMPTY).data.empty
    assert charts.by_illness_type(EMPTY).data["cases"].sum() == 0


def test_charts_with_cases_do_not_say_there_are_none():
    for chart in (
        charts.cases_per_month(LOG),
        charts.days_by_year(LOG),
        charts.pareto(LOG),
        charts.by_illness_type(LOG),
    ):
        assert "No recordable cases" not in notes(chart)


def test_rates_without_establishment_years_say_so():
    chart = charts.rates_by_year(RATES.iloc[0:0])
    assert "No establishment-years" in notes(chart)
    assert chart.data.empty


@pytest.mark.parametrize(
    "build",
    [
        lambda: charts.cases_per_month(LOG),
        lambda: charts.days_by_year(LOG),
        lambda: charts.pareto(LOG, "natures"),
        lambda: charts.by_illness_type(LOG),
        lambda: charts.rates_by_year(RATES),
    ],
)
def test_save_writes_identical_png_and_svg_bytes(build, tmp_path):
    first = charts.save(build(), tmp_path / "a")
    second = build().save(tmp_path / "b")
    name = build().name
    for kind in ("png", "svg"):
        assert first[kind] == tmp_path / "a" / f"{name}.{kind}"
        assert first[kind].read_bytes() == second[kind].read_bytes()
    png = first["png"].read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and b"Matplotlib version" not in png
    svg = first["svg"].read_text()
    assert "<dc:date>" not in svg and "Matplotlib v" not in svg


def test_save_names_a_bare_figure(tmp_path):
    figure = charts.pareto(LOG).figure
    assert charts.save(figure, tmp_path, "mine")["svg"].name == "mine.svg"
    with pytest.raises(ValueError):
        charts.save(figure, tmp_path)


def test_chart_displays_as_png_in_jupyter():
    png = charts.by_illness_type(LOG)._repr_png_()
    assert png.startswith(b"\x89PNG")


def test_rates_bar_heights_follow_the_formula():
    # Known answer: 3 cases over 150,000 h -> 3 x 200,000 / 150,000 = 4.0.
    rates = pd.DataFrame(
        {"establishment_code": ["A"], "year": [2024], "tcr": [3 * 200_000 / 150_000], "dart": [0.0]}
    )
    bar = charts.rates_by_year(rates).figure.axes[0].patches[0]
    assert math.isclose(bar.get_height(), 4.0)


def test_cases_per_month_labels_only_years_past_four_years():
    log = make_log(
        [
            ("c1", "2018-05-01", "J", 0, 0, "M1", "Hand", "Cut"),
            ("c2", "2024-05-01", "J", 0, 0, "M1", "Hand", "Cut"),
        ]
    )
    ax = charts.cases_per_month(log).figure.axes[0]
    labels = [t.get_text() for t in ax.get_xticklabels()]
    assert len(labels) == 7 * 12
    assert [label for label in labels if label] == [str(y) for y in range(2018, 2025)]


def test_charts_do_not_import_pyplot():
    code = "import sys, oshakit.charts; print('matplotlib.pyplot' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


# trends(): the pipeline on the shipped sample (PLT01..PLT03, 2023..2025), filtered.

CHART_NAMES = [
    "cases_per_month",
    "rates_by_year",
    "days_by_year",
    "pareto_body_parts",
    "pareto_natures",
    "by_illness_type",
]


def test_trends_for_one_establishment_year_builds_and_saves_every_chart(tmp_path,
                                                                       sample_result):
    trends = charts.trends(sample_result, years=[2024], establishments=["PLT01"],
                           out_dir=tmp_path)
    assert list(trends.charts) == CHART_NAMES
    assert trends["cases_per_month"].figure.axes[0].get_title() == (
        "Recordable cases per month, by outcome\nPLT01, 2024")
    assert trends["rates_by_year"].figure.get_suptitle().endswith("\nPLT01, 2024")
    for name in CHART_NAMES:
        assert (tmp_path / "charts" / f"{name}.png").stat().st_size > 0
        assert (tmp_path / "charts" / f"{name}.svg").stat().st_size > 0

    result = sample_result.select(year=2024)
    log = result.rec.log[result.rec.log["establishment_code"] == "PLT01"]
    assert trends["cases_per_month"].data.to_numpy().sum() == len(log)
    assert trends["days_by_year"].data.loc[2024].tolist() == [
        int(log["days_away"].sum()),
        int(log["days_restricted"].sum()),
    ]
    expected = result.rates[result.rates["establishment_code"] == "PLT01"].iloc[0]
    tcr_ax, dart_ax = trends["rates_by_year"].figure.axes
    assert [p.get_height() for p in tcr_ax.patches] == pytest.approx([expected["tcr"]])
    assert [p.get_height() for p in dart_ax.patches] == pytest.approx([expected["dart"]])
    assert [t.get_text() for t in tcr_ax.texts] == [f"{expected['tcr']:.2f}"]

    table = pd.read_csv(tmp_path / "rates_table.csv")
    assert table[["establishment_code", "year"]].values.tolist() == [["PLT01", 2024]]
    for rate in ("tcr", "tcr_with_deaths", "dart", "dafw"):
        assert table[rate].iloc[0] == pytest.approx(expected[rate])


def test_trends_defaults_to_every_year_and_establishment(sample_result):
    trends = charts.trends(sample_result)
    result = sample_result
    assert trends.years == sorted(set(result.summaries["year"]))
    assert len(trends["cases_per_month"].data) == 12 * len(trends.years)
    assert trends["cases_per_month"].data.to_numpy().sum() == len(result.rec.log)
    assert len(trends.rates) == len(result.rates)
    assert trends["by_illness_type"].data["cases"].sum() == len(result.rec.log)


def test_trends_for_a_year_without_data_draws_empty_charts(sample_result):
    trends = charts.trends(sample_result, years=1999)
    assert trends.rates.empty
    assert "No recordable cases" in notes(trends["cases_per_month"])


def test_trends_rejects_unknown_establishments_and_bad_years(sample_result):
    with pytest.raises(OshakitError, match="NOPE"):
        charts.trends(sample_result, years=[2024], establishments=["NOPE"])
    with pytest.raises(OshakitError, match="years"):
        charts.trends(sample_result, years=["last"])


def test_cases_per_month_shows_only_the_years_asked():
    chart = charts.cases_per_month(LOG, years=[2023, 2025])  # the 2024 cases are left out
    assert list(chart.data.index[[0, 11, 12, -1]]) == ["2023-01", "2023-12", "2025-01", "2025-12"]
    assert chart.data.to_numpy().sum() == 3  # c1, c2, c3


def test_a_year_without_cases_between_years_with_cases_shows_as_zero():
    log = make_log(
        [
            ("c1", "2021-02-01", "H", 3, 0, "M1", "Hand", "Cut"),
            ("c2", "2023-02-01", "I", 0, 4, "M1", "Hand", "Cut"),
        ]
    )
    days = charts.days_by_year(log).data
    assert days.index.tolist() == [2021, 2022, 2023]
    assert days.loc[2022].tolist() == [0, 0]
    assert len(charts.cases_per_month(log).data) == 36


def test_a_saved_chart_displays_the_saved_png(tmp_path):
    chart = charts.by_illness_type(LOG)
    paths = chart.save(tmp_path)
    assert chart._repr_png_() == paths["png"].read_bytes() == chart.png()


def chart_title(chart) -> str:
    fig = chart.figure
    return fig.get_suptitle() or fig.axes[0].get_title()


def test_every_chart_title_names_the_years_its_data_covers(sample_result):
    # the sample's logs run 2023..2025
    for name, chart in charts.trends(sample_result).charts.items():
        assert chart_title(chart).endswith("\n2023\u20132025"), name
    for name, chart in charts.trends(sample_result, years=[2023, 2025]).charts.items():
        assert chart_title(chart).endswith("\n2023, 2025"), name
    chart = charts.pareto(LOG, by="natures", years=[2024])  # c4, c5, c6 only
    assert chart_title(chart) == "Recordable cases by nature of injury or illness (Pareto)\n2024"
    assert chart.data["cases"].sum() == 3


def test_a_chart_covering_more_years_than_the_log_beside_it_says_so(sample_result):
    log = sample_result.select(year=2025, establishment="PLT02").log
    trends = charts.trends(sample_result, years=[2023, 2024, 2025], establishments=["PLT02"],
                           log_year=2025)
    all_years = sample_result.select(establishment="PLT02").log
    for name, chart in trends.charts.items():
        note = chart.figure.get_supxlabel().splitlines()[-1]
        assert note == (f"Note: this chart covers 2023\u20132025 ({len(all_years):,} case(s) on "
                        f"those logs); the 2025 log in this report has {len(log):,}."), name
    same = charts.trends(sample_result, years=[2025], establishments=["PLT02"], log_year=2025)
    assert not [c for c in same.charts.values() if "Note:" in c.figure.get_supxlabel()]


def test_years_label():
    from oshakit.charts.figure import years_label

    assert years_label([2025]) == "2025"
    assert years_label([2025, 2023, 2024]) == "2023\u20132025"
    assert years_label([2021, 2023]) == "2021, 2023"
    assert years_label([]) == "no year"


def test_a_chart_is_saved_in_the_formats_asked(tmp_path):
    chart = charts.by_illness_type(LOG)
    assert set(chart.save(tmp_path / "png", formats=("png",))) == {"png"}
    assert [p.name for p in (tmp_path / "png").iterdir()] == ["by_illness_type.png"]
    with pytest.raises(ValueError, match="chart formats are png, svg"):
        chart.save(tmp_path / "x", formats=("jpeg",))


def test_a_saved_chart_carries_the_fingerprint_it_is_given(tmp_path):
    from PIL import Image

    paths = charts.pareto(LOG).save(tmp_path, fingerprint="0123456789abcdef")
    with Image.open(paths["png"]) as im:
        assert im.text.get("Comment") == "Made by oshakit; fingerprint: 0123456789abcdef"
    assert "Made by oshakit; fingerprint: 0123456789abcdef" in paths["svg"].read_text()
    again = charts.pareto(LOG).save(tmp_path / "again", fingerprint="0123456789abcdef")
    assert again["png"].read_bytes() == paths["png"].read_bytes()  # still byte-stable
