"""Injury-trend charts (matplotlib, Agg canvas): each returns the figure and its numbers.

>>> from oshakit import charts
>>> t = charts.trends(None, years=[2024], out_dir="reports/trends")  # every chart, saved
>>> chart = charts.cases_per_month(rec.log)      # Chart(name, figure, data)
>>> chart.data                                    # the numbers drawn
>>> charts.save(chart, out_dir / "charts")        # charts/cases_per_month.png + .svg
"""

from oshakit.charts.figure import Chart, save
from oshakit.charts.log import by_illness_type, cases_per_month, days_by_year, pareto, pareto_counts
from oshakit.charts.rates import rates_by_year, rates_table
from oshakit.charts.trends import Trends, trends

__all__ = [
    "Chart",
    "Trends",
    "by_illness_type",
    "cases_per_month",
    "days_by_year",
    "pareto",
    "pareto_counts",
    "rates_by_year",
    "rates_table",
    "save",
    "trends",
]
