"""Reports for people: the tables the notebooks show and the audit pack of a year.

- :mod:`oshakit.report.tables` — headline, log, 300A, rates, exceptions... as styled tables
  (no ``NaN``, no cut rows or columns, "None found" for an empty section, escaped HTML).
- :mod:`oshakit.report.pack` — ``reports/<year>/index.html``: every establishment's status
  and every file of the run, linked relatively; opens from disk with no network.
- :mod:`oshakit.report.where` — notebook defaults: ``out_dir`` under the project's
  ``reports/``, the latest year when none is given, links that survive a move.

Everything takes a :class:`~oshakit.result.Result`; nothing here recomputes a number.
"""

from oshakit.report.html import Html, bullets, heading, link, note
from oshakit.report.tables import (
    accounting,
    attention,
    case_funnel,
    checks,
    duty,
    exception_counts,
    exceptions,
    findings,
    form300a,
    forms_table,
    gates,
    headline,
    log,
    pii_found,
    profile,
    rates,
    status,
    table,
    text_of,
    trend_table,
    trends_headline,
    validation_files,
    validation_headline,
    worst_columns,
)
from oshakit.report.where import (
    check_years,
    for_year,
    notebook_href,
    out_dir,
    project_root,
    reports_dir,
)

__all__ = [
    "Html",
    "accounting",
    "attention",
    "bullets",
    "case_funnel",
    "check_years",
    "checks",
    "duty",
    "exception_counts",
    "exceptions",
    "findings",
    "for_year",
    "form300a",
    "forms_table",
    "gates",
    "heading",
    "headline",
    "link",
    "log",
    "note",
    "notebook_href",
    "out_dir",
    "pii_found",
    "profile",
    "project_root",
    "rates",
    "reports_dir",
    "status",
    "table",
    "text_of",
    "trend_table",
    "trends_headline",
    "validation_files",
    "validation_headline",
    "worst_columns",
]
