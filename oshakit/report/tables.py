"""Report tables: what the notebooks show, formatted for a person who must trust every number.

Every function takes a :class:`~oshakit.result.Result` (or a slice of one from
``Result.select``) and returns something Jupyter displays: a table rendered by pandas'
``Styler`` with a plain-text twin (numbers with thousands separators, rates with two
decimals, dates as ``YYYY-MM-DD``, empty cells as "—", every cell and header
HTML-escaped, no row or column cut) or, for an empty section, one "None found" line.
Nothing here computes a filed number: the Result holds them all.

    from oshakit import report
    display(report.headline(result))      # cases, 300A totals G–M, rates, exceptions, duty
    display(report.exceptions(result))    # or "None found: no exception."
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any

import pandas as pd
from pandas.io.formats.style import Styler

from oshakit.outputs import withhold
from oshakit.problems import SEVERITIES, severity_order
from oshakit.report.html import DASH, Html, bullets, esc, heading, join, note
from oshakit.result import Result

if TYPE_CHECKING:  # imported only for the types: GX and the ITA gates load lazily
    from oshakit.ita.gates import GateReport
    from oshakit.validate.run import Validation

#: Form 300A columns of the summary table, G..M, with the letter and what OSHA calls them.
FORM_300A = {
    "total_deaths": ("G", "Deaths"),
    "total_dafw_cases": ("H", "Days away from work"),
    "total_djtr_cases": ("I", "Job transfer or restriction"),
    "total_other_cases": ("J", "Other recordable cases"),
    "total_dafw_days": ("K", "Days away from work (days)"),
    "total_djtr_days": ("L", "Days of job transfer or restriction (days)"),
    "total_injuries": ("M1", "Injuries"),
    "total_skin_disorders": ("M2", "Skin disorders"),
    "total_respiratory_conditions": ("M3", "Respiratory conditions"),
    "total_poisonings": ("M4", "Poisonings"),
    "total_hearing_loss": ("M5", "Hearing loss"),
    "total_other_illnesses": ("M6", "All other illnesses"),
}
#: The establishment part of the 300A, in the form's order.
ESTABLISHMENT_300A = {
    "establishment_name": "Establishment name",
    "company_name": "Company name",
    "street_address": "Street",
    "city": "City",
    "state": "State",
    "zip": "ZIP",
    "industry_description": "Industry description",
    "naics_code": "NAICS code",
    "ein": "EIN",
    "annual_average_employees": "Annual average number of employees",
    "total_hours_worked": "Total hours worked by all employees last year",
}
#: Outcome columns G..J of the log.
OUTCOMES = {"G": "death", "H": "days away", "I": "job transfer or restriction",
            "J": "other recordable"}
_SEVERITY_WORDS = {"error": ("error", "errors"), "warning": ("warning", "warnings"),
                   "info": ("info", "info")}
#: Rows shown of a long table before "the rest is in the CSV".
MAX_ROWS = 500
_NOWRAP_COLUMNS = ("case_number", "date_of_injury", "code", "establishment_code", "due_date",
                   "ttm_start", "ttm_end", "severity", "file")
_TEXT_COLUMNS = ("description", "message", "reasons", "explanation", "log_reason", "location",
                 "top_values", "note", "ttm_note", "what", "value")
_STYLES = [
    {"selector": "", "props": "border-collapse: collapse; margin: 0.3em 0 1em 0; "
                              "font-size: 0.92em;"},
    {"selector": "caption", "props": "caption-side: top; text-align: left; font-weight: bold; "
                                     "padding: 0.2em 0;"},
    {"selector": "th", "props": "text-align: left; vertical-align: bottom; padding: 3px 8px; "
                                "background: #eef1f5; border-bottom: 1px solid #8a94a6;"},
    {"selector": "td", "props": "text-align: left; vertical-align: top; padding: 3px 8px; "
                                "border-bottom: 1px solid #dde1e7;"},
]


# --- formatting ------------------------------------------------------------------------

def _is_int(s: pd.Series) -> bool:
    return pd.api.types.is_integer_dtype(s) and not pd.api.types.is_bool_dtype(s)


#: Whole numbers that are codes, not quantities: no thousands separator.
_PLAIN = {"year", "line", "naics_code", "zip", "ein"}


def _formatter(s: pd.Series, decimals: int) -> Callable[[Any], str] | None:
    if str(s.name).lower() in _PLAIN and pd.api.types.is_numeric_dtype(s):
        return lambda v: str(int(v))
    if pd.api.types.is_bool_dtype(s):
        return lambda v: "yes" if v else "no"
    if _is_int(s):
        return lambda v: f"{int(v):,}"
    if pd.api.types.is_float_dtype(s):
        return lambda v: f"{float(v):,.{decimals}f}"
    if pd.api.types.is_datetime64_any_dtype(s):
        return lambda v: v.strftime("%Y-%m-%d")
    if s.dtype == object:  # mixed cells (a transposed table): each by its own type
        return _cell
    return None


def _cell(v: Any) -> str:
    if isinstance(v, bool):
        return "yes" if v else "no"
    if isinstance(v, int):
        return f"{v:,}"
    if isinstance(v, float):
        return f"{v:,.2f}"
    if isinstance(v, pd.Timestamp):
        return v.strftime("%Y-%m-%d")
    return str(v)


def table(
    frame: pd.DataFrame,
    name: str,
    *,
    labels: Mapping[str, str] | None = None,
    empty: str = "None found.",
    caption: str | None = None,
    decimals: int = 2,
    max_rows: int | None = MAX_ROWS,
    rest: str | None = None,
) -> Html:
    """``frame`` as a styled table for people, or the line ``empty`` when it has no row.

    ``labels`` renames (and, when given, selects and orders) columns; ``decimals`` for
    floats; past ``max_rows`` rows only the first are shown, with a line saying how many
    and where the rest are (``rest``, e.g. ``"log.csv"``). Empty cells show "—"; every cell,
    header and the caption are HTML-escaped.
    """
    if frame is None or frame.empty:
        return note(empty, "none")
    shown = frame if labels is None else frame.reindex(columns=list(labels))
    more = 0
    if max_rows is not None and len(shown) > max_rows:
        more = len(shown) - max_rows
        shown = shown.head(max_rows)
    shown = shown.reset_index(drop=True)
    formats = {c: f for c in shown.columns if (f := _formatter(shown[c], decimals)) is not None}
    if labels is not None:
        shown = shown.rename(columns=dict(labels))
        formats = {labels.get(c, c): f for c, f in formats.items()}
    styler = (Styler(shown, uuid=f"oshakit_{name}", cell_ids=False)
              .format(formats, na_rep=DASH, escape="html")
              .format_index(escape="html", axis=1)
              .hide(axis="index")
              .set_table_styles(_STYLES)
              .set_table_attributes('class="oshakit-table"'))
    numeric = [c for c in shown.columns
               if pd.api.types.is_numeric_dtype(shown[c]) and not pd.api.types.is_bool_dtype(
                   shown[c])]
    text = [c for c in shown.columns if str(c).lower() in _TEXT_COLUMNS
            or (labels is not None and _source(labels, c) in _TEXT_COLUMNS)]
    column_styles: dict[Any, list[dict[str, str]]] = {}
    for c in numeric:
        column_styles[c] = [{"selector": "td", "props": "text-align: right; "
                                                       "font-variant-numeric: tabular-nums;"},
                            {"selector": "th", "props": "text-align: right;"}]
    for c in text:
        column_styles[c] = [{"selector": "td", "props": "min-width: 14em; max-width: 42em; "
                                                       "white-space: normal;"}]
    for c in shown.columns:
        if (_source(labels, c) if labels is not None else str(c)) in _NOWRAP_COLUMNS:
            column_styles.setdefault(c, []).append({"selector": "td",
                                                    "props": "white-space: nowrap;"})
    if column_styles:
        styler = styler.set_table_styles(column_styles, overwrite=False)
    if caption:
        styler = styler.set_caption(esc(caption))
    if more:
        where = f"; all of them are in {rest}" if rest else ""
        styler = styler.set_caption(esc(
            (caption + ": " if caption else "")
            + f"the first {max_rows:,} of {len(frame):,} rows{where}"))
    # Html, not the Styler: its plain-text twin is the table (a Styler's is its memory
    # address, which would differ from run to run in every executed notebook)
    return Html(styler.to_html(), styler.to_string(delimiter=" | "))


def _source(labels: Mapping[str, str], label: Any) -> str:
    for key, value in labels.items():
        if value == label:
            return key
    return str(label)


def text_of(shown: Html) -> str:
    """What a reader sees in a displayed table, as plain text (for tests and terminals)."""
    return shown.text


# --- the status of each establishment-year: the headline and the audit pack -----------

def status(result: Result) -> pd.DataFrame:
    """One row per establishment-year of ``result``: the filed numbers G–M, cases on the
    log, TCR and DART, exceptions by severity, failed ITA checks, rows that could not be
    read and the filing duty. What the headline and the audit pack show."""
    keys = ["establishment_code", "year"]
    s = result.summaries
    out = s.reindex(columns=[*keys, "establishment_name", "total_hours_worked",
                             *FORM_300A]).copy()
    out["cases"] = out[["total_deaths", "total_dafw_cases", "total_djtr_cases",
                        "total_other_cases"]].sum(axis=1).astype("int64")
    rates = result.rates.reindex(columns=[*keys, "tcr", "dart"])
    out = out.merge(rates, on=keys, how="left")
    for sev in SEVERITIES:
        out[sev] = _count(result.exceptions[result.exceptions["severity"] == sev], out, keys)
    failed = result.failed_checks
    out["checks_failed"] = _count(failed, out, keys)
    out["checks_stopping"] = _count(failed[failed["severity"] == "error"], out, keys)
    duty = result.duty.reindex(columns=[*keys, "duty", "form300a_due", "case_data_due",
                                        "due_date"])
    out = out.merge(duty, on=keys, how="left")
    out["filing"] = [duty_text(row) for row in out.itertuples(index=False)]
    out["unread"] = len(result.unread)
    return out.sort_values(keys, kind="stable").reset_index(drop=True)


def _count(frame: pd.DataFrame, rows: pd.DataFrame, keys: list[str]) -> pd.Series:
    if frame.empty or not set(keys) <= set(frame.columns):
        return pd.Series(0, index=rows.index, dtype="int64")
    year = pd.to_numeric(frame["year"], errors="coerce")
    counts = (frame.assign(year=year).dropna(subset=keys).groupby(keys).size())
    index = pd.MultiIndex.from_frame(rows[keys].astype({"year": "int64"}))
    counts.index = pd.MultiIndex.from_arrays(
        [counts.index.get_level_values(0).astype("str"),
         counts.index.get_level_values(1).astype("int64")])
    return pd.Series(counts.reindex(index, fill_value=0).to_numpy(), index=rows.index,
                     dtype="int64")


def duty_text(row: Any) -> str:
    """The filing duty of an establishment-year in a few words."""
    duty = getattr(row, "duty", None)
    if not isinstance(duty, str):
        return "not assessed"
    if duty == "submit":
        what = ["Form 300A"] if getattr(row, "form300a_due", False) is True else []
        if getattr(row, "case_data_due", False) is True:
            what.append("case data (Forms 300, 301)")
        due = getattr(row, "due_date", None)
        when = f" by {due:%Y-%m-%d}" if isinstance(due, pd.Timestamp) else ""
        return f"submit {' and '.join(what) or 'to ITA'}{when}"
    return {"keep_only": "keep the log and post the 300A; nothing to submit",
            "exempt": "exempt from keeping the log",
            "unknown": "cannot be decided from the data (see filing_duty.csv)"}.get(duty, duty)


def attention(result: Result) -> list[str]:
    """What needs a person's attention before anything is filed, most serious first."""
    items = []
    if (notice := result.notice()) is not None:
        items.append(notice)
    exc = result.exceptions
    for sev, what in (("error", "error"), ("warning", "warning")):
        rows = exc[exc["severity"] == sev]
        if len(rows):
            codes = rows["code"].value_counts()
            top = ", ".join(f"{code} ({n:,})" for code, n in codes.head(5).items())
            items.append(f"{len(rows):,} exception(s) of {what} severity: {top}"
                         + (" ..." if len(codes) > 5 else ""))
    failed = result.failed_checks
    if len(failed):
        stopping = int((failed["severity"] == "error").sum())
        items.append(f"{len(failed):,} ITA check(s) failed, {stopping:,} of which would stop "
                     "an upload to OSHA")
    rates = result.rates
    if "total_hours_worked" in rates:
        for row in rates[rates["total_hours_worked"].isna()].itertuples(index=False):
            items.append(f"{row.establishment_code} {row.year}: no hours worked in the "
                         "employment file, so no rates and an incomplete 300A")
    duty = result.duty
    for row in duty[duty["duty"] == "unknown"].itertuples(index=False):
        items.append(f"{row.establishment_code} {row.year}: the filing duty cannot be decided "
                     "from the data (see filing_duty.csv)")
    log = result.log
    if "days_estimated" in log and (n := int(log["days_estimated"].fillna(False).sum())):
        items.append(f"{n:,} case(s) on the log count days still running: estimated to the "
                     "as-of date")
    return items


def headline(result: Result) -> Html:
    """The first thing a report shows: the notice of an incomplete bundle, the cases on the
    log by outcome, the Form 300A totals G–M, TCR and DART, exceptions by severity, the
    filing duty and what needs attention, with the computation's fingerprint."""
    rows = status(result)
    parts = []
    if (notice := result.notice()) is not None:
        parts.append(note(notice, "notice"))
    scope = _scope_text(result, rows)
    parts.append(heading(scope, 2))
    log = result.log
    by = log["outcome"].value_counts() if "outcome" in log else pd.Series(dtype="int64")
    outcome = ", ".join(f"{k} {v} {int(by.get(k, 0)):,}" for k, v in OUTCOMES.items())
    sentences = [f"Cases on the log: {len(log):,} ({outcome})."]
    if len(rows) == 1:
        r = rows.iloc[0]
        hours = r["total_hours_worked"]
        if pd.isna(hours):
            sentences.append("No hours worked recorded: no rates.")
        else:
            sentences.append(f"Per 200,000 hours ({int(hours):,} hours worked): TCR "
                             f"{_rate(r['tcr'])}, DART {_rate(r['dart'])}.")
        sentences.append(f"Filing duty: {r['filing']}.")
    exc = result.exceptions["severity"].value_counts()
    sentences.append("Exceptions: " + ", ".join(
        f"{int(exc.get(s, 0)):,} {_SEVERITY_WORDS[s][int(exc.get(s, 0)) != 1]}"
        for s in SEVERITIES) + ".")
    checks = result.checks
    sentences.append(f"ITA checks: {len(checks):,} run, {len(result.failed_checks):,} failed.")
    parts.append(note(" ".join(sentences)))
    parts.append(_totals_html(rows))
    items = attention(result)
    parts.append(heading("Needs attention", 3))
    parts.append(bullets(items) if items else note("Nothing needs attention.", "none"))
    parts.append(note(f"Computation {result.fingerprint} (bundle {result.source or DASH}; "
                      f"policy: {result.policy.describe()}).", "fingerprint"))
    block = join(parts)
    return Html(f'<div class="oshakit-headline">{block.html}</div>', block.text)


def _scope_text(result: Result, rows: pd.DataFrame) -> str:
    years = sorted({int(y) for y in rows["year"]}) or list(
        [result.year] if result.year is not None else [])
    year = ", ".join(str(y) for y in years) or "every year"
    if len(rows) == 1:
        r = rows.iloc[0]
        name = r["establishment_name"] if isinstance(r["establishment_name"], str) else ""
        parts = [str(r["establishment_code"]), name, f"{year} log"]
        return " \u00b7 ".join(p for p in parts if p)
    return f"{len(set(rows['establishment_code'])):,} establishment(s) \u00b7 {year} logs"


def _rate(value: Any) -> str:
    return DASH if pd.isna(value) else f"{float(value):.2f}"


def _totals_html(rows: pd.DataFrame) -> Html:
    """The 300A totals G–M, one row per establishment-year (a plain escaped HTML table)."""
    if rows.empty:
        return note("No Form 300A for this scope: no employment data and no case on a log.",
                    "none")
    head = (["Establishment", "Year"] + [k for k, _ in FORM_300A.values()]
            + ["TCR", "DART", "Filing duty"])
    titles = ["", ""] + [v for _, v in FORM_300A.values()] + [
        "Total recordable case rate", "Days away, restricted or transferred rate",
        "29 CFR 1904.1, 1904.2, 1904.41"]
    cells = []
    for r in rows.itertuples(index=False):
        values = [r.establishment_code, str(r.year)] + [
            f"{int(getattr(r, c)):,}" for c in FORM_300A] + [_rate(r.tcr), _rate(r.dart),
                                                              r.filing]
        cells.append(values)
    th = "".join(f'<th title="{esc(t)}">{esc(h)}</th>' for h, t in zip(head, titles,
                                                                       strict=True))
    body = "".join("<tr>" + "".join(
        f'<td class="{"num" if 1 < i < len(row) - 1 else "key"}">{esc(v)}</td>'
        for i, v in enumerate(row))
        + "</tr>" for row in cells)
    html = (f'<table class="oshakit-table oshakit-totals"><caption>Form 300A totals '
            f"(G\u2013J cases, K\u2013L days, M1\u2013M6 types) and rates per 200,000 hours"
            f"</caption><thead><tr>{th}</tr></thead><tbody>{body}</tbody></table>"
            "<style>.oshakit-totals{border-collapse:collapse;margin:.3em 0 1em}"
            ".oshakit-totals th,.oshakit-totals td{padding:3px 8px;"
            "border-bottom:1px solid #dde1e7}.oshakit-totals th{background:#eef1f5;"
            "text-align:right}.oshakit-totals td.num{text-align:right;"
            "font-variant-numeric:tabular-nums}.oshakit-totals td.key{text-align:left}"
            ".oshakit-totals th:first-child,.oshakit-totals th:nth-child(2),"
            ".oshakit-totals th:last-child{text-align:left}"
            ".oshakit-totals caption{text-align:left;"
            "font-weight:bold}</style>")
    text = "\n".join(" ".join(row) for row in [head, *cells])
    return Html(html, text)


# --- the sections of 02_reconcile ------------------------------------------------------

def accounting(result: Result) -> Html:
    """Every input row followed through the pipeline. The row accounting is bundle-wide:
    shown whole only for a result that is not one establishment's; an establishment's
    report shows its own cases' funnel (:func:`case_funnel`) instead."""
    if result.establishment is not None:
        return case_funnel(result)
    acc = result.rec.accounting
    return table(acc, "accounting", labels={
        "stage": "Stage", "kind": "File kind", "item": "What", "rows": "Rows",
        "establishment_code": "Establishment", "year": "Year"},
        empty="None found: no input row was accounted for.")


def case_funnel(result: Result) -> Html:
    """The cases of the result's establishment(s) and year: how many were opened, how many
    are on the log, and why the others are not (a case can have several reasons)."""
    cases = result.rec.cases
    if cases.empty:
        return note("None found: no case was opened in this scope.", "none")
    rows = [("Cases opened (by date of injury)", len(cases)),
            ("On the log", int(cases["on_log"].sum())),
            ("Not on the log", int((~cases["on_log"]).sum()))]
    off = cases.loc[~cases["on_log"], "log_reason"].fillna("").astype("str")
    reasons = (off.str.replace(r"^not on the log:\s*", "", regex=True).str.split(";")
               .explode().str.strip())
    for reason, n in reasons[reasons != ""].value_counts().items():
        rows.append((f"\u2003not on the log: {reason}", int(n)))
    frame = pd.DataFrame(rows, columns=["what", "cases"])
    return table(frame, "case_funnel", labels={"what": "Cases", "cases": "Number"},
                 caption="Cases of this scope (a case off the log can have several reasons)")


def exception_counts(result: Result) -> Html:
    """Exceptions per severity and code, errors first."""
    exc = result.exceptions
    if exc.empty:
        return note("None found: no exception (contradiction or gap) in this scope.", "none")
    counts = exc.groupby(["severity", "code"], dropna=False).size().rename("count")
    counts = counts.reset_index()
    counts = (counts.assign(_o=severity_order(counts["severity"]))
              .sort_values(["_o", "count"], ascending=[True, False], kind="stable")
              .drop(columns="_o"))
    return table(counts, "exception_counts",
                 labels={"severity": "Severity", "code": "Code", "count": "Exceptions"})


def exceptions(result: Result, max_rows: int = 200) -> Html:
    """Every exception, errors first, with its file, line and case."""
    exc = result.exceptions
    if exc.empty:
        return note("None found: no exception (contradiction or gap) in this scope.", "none")
    exc = exc.assign(_o=severity_order(exc["severity"])).sort_values(
        ["_o", "code"], kind="stable")
    labels = {"severity": "Severity", "code": "Code", "case_number": "Case",
              "establishment_code": "Establishment", "year": "Year", "file": "File",
              "line": "Line", "message": "Message"}
    if result.establishment is not None:
        labels.pop("establishment_code")
    return table(exc, "exceptions", labels=labels, max_rows=max_rows, rest="exceptions.csv")


LOG_LABELS = {
    "establishment_code": "Establishment",
    "case_number": "(A) Case no.",
    "log_name": "(B) Employee",
    "job_title": "(C) Job title",
    "date_of_injury": "(D) Date of injury",
    "location": "(E) Where",
    "description": "(F) Description",
    "outcome": "(G\u2013J) Outcome",
    "days_away": "(K) Days away",
    "days_restricted": "(L) Days restricted",
    "estimated": "Days estimated",
    "itype": "(M) Type",
}


def log(result: Result, max_rows: int = MAX_ROWS) -> Html:
    """The Form 300 log rows, columns A–M (explanations are in ``log.csv``)."""
    rows = result.log
    if rows.empty:
        return note("None found: no case on the log in this scope.", "none")
    labels = dict(LOG_LABELS)
    if result.establishment is not None:
        labels.pop("establishment_code")
    shown = rows.assign(
        estimated=rows["days_estimated"].map(lambda v: "estimated" if v is True else ""),
        outcome=rows["outcome"].map(lambda v: f"{v} {OUTCOMES[v]}" if v in OUTCOMES else v))
    shown = shown.sort_values(["establishment_code", "date_of_injury", "case_number"],
                              kind="stable")
    return table(shown, "log", labels=labels, max_rows=max_rows, rest="log.csv")


def form300a(result: Result) -> Html:
    """The Form 300A of each establishment-year, whole: one column per establishment-year,
    one row per field of the form (establishment, employment, G–M)."""
    s = result.summaries
    if s.empty:
        return note("None found: no Form 300A in this scope (no employment data and no "
                    "case on a log).", "none")
    fields = {**ESTABLISHMENT_300A,
              **{c: f"({k}) {v}" for c, (k, v) in FORM_300A.items()}}
    columns = {}
    for _, row in s.sort_values(["establishment_code", "year"]).iterrows():
        header = f"{row['establishment_code']} {row['year']}"
        columns[header] = [_value(row.get(c)) for c in fields]
    frame = pd.DataFrame(columns, dtype=object)
    frame.insert(0, "Form 300A", list(fields.values()))
    return table(frame, "form300a", max_rows=None)


def _value(v: Any) -> Any:
    if v is None or (not isinstance(v, str) and pd.isna(v)):
        return None
    if hasattr(v, "item"):  # numpy scalar -> int/float
        v = v.item()
    return v


RATE_LABELS = {
    "establishment_code": "Establishment",
    "year": "Year",
    "total_hours_worked": "Hours worked",
    "tcr": "TCR (H+I+J)",
    "tcr_with_deaths": "TCR with deaths (G\u2013J)",
    "dart": "DART (H+I)",
    "dafw": "DAFW (H)",
    "dart_days_rate": "Days rate (K+L)",
    "dafw_days_rate": "Days away rate (K)",
    "ttm_start": "12 months from",
    "ttm_end": "12 months to",
    "ttm_tcr": "12-month TCR",
    "ttm_dart": "12-month DART",
    "ttm_note": "12-month note",
}


def rates(result: Result) -> Html:
    """TCR, DART, DAFW and severity rates per establishment-year (per 200,000 hours), and
    the trailing 12 months ending on the as-of date."""
    return table(result.rates, "rates", labels=RATE_LABELS,
                 empty="None found: no establishment-year in this scope.")


def checks(result: Result) -> Html:
    """The ITA checks that failed (errors stop an upload); a line when all passed."""
    failed = result.failed_checks
    if result.checks.empty:
        return note("None found: no Form 300A to check in this scope.", "none")
    if failed.empty:
        return note(f"All {len(result.checks):,} ITA checks passed.", "none")
    failed = failed.assign(_o=severity_order(failed["severity"])).sort_values(
        ["_o", "code"], kind="stable")
    return table(failed, "checks", labels={
        "severity": "Severity", "code": "Check", "establishment_code": "Establishment",
        "year": "Year", "message": "Message"})


def duty(result: Result) -> Html:
    """Who must keep the log and what must be submitted, with the rule's reasons."""
    d = result.duty
    return table(d, "duty", labels={
        "establishment_code": "Establishment", "year": "Year",
        "peak_employees": "Peak employees", "naics_code": "NAICS", "duty": "Duty",
        "log_required": "Log required", "form300a_due": "300A due",
        "case_data_due": "Case data due", "due_date": "Due", "reasons": "Reasons"},
        empty="None found: no establishment-year in this scope.")


# --- 03_trends and 04_forms ------------------------------------------------------------

def trend_table(result: Result, years: Iterable[int] | None = None,
                establishments: Iterable[str] | None = None) -> Html:
    """Per establishment and year: cases on the log by outcome, days, hours, TCR and DART
    (the numbers the trend charts draw)."""
    rows = status(result)
    if years is not None:
        rows = rows[rows["year"].isin([int(y) for y in years])]
    if establishments is not None:
        rows = rows[rows["establishment_code"].isin(list(establishments))]
    labels = {"establishment_code": "Establishment", "year": "Year", "cases": "Cases",
              **{c: f"({k}) {v}" for c, (k, v) in list(FORM_300A.items())[:6]},
              "total_hours_worked": "Hours worked", "tcr": "TCR", "dart": "DART"}
    return table(rows, "trends", labels=labels,
                 empty="None found: no establishment-year in the years shown.")


def trends_headline(result: Result, years: Iterable[int],
                    establishments: Iterable[str] | None = None,
                    log_year: int | None = None) -> Html:
    """What the trend charts cover (years, establishments, cases), the table of the numbers
    they draw, and the computation's fingerprint."""
    years = [int(y) for y in years]
    codes = list(establishments) if establishments is not None else None
    log = result.rec.log
    log = log[log["year"].isin(years)]
    if codes is not None:
        log = log[log["establishment_code"].isin(codes)]
    span = (f"{years[0]}\u2013{years[-1]}" if len(years) > 1 and years == list(
        range(years[0], years[-1] + 1)) else ", ".join(map(str, years))) or "no year"
    who = ", ".join(codes) if codes else "every establishment"
    parts = [heading(f"Trends \u00b7 {who} \u00b7 {span}", 2),
             note(f"The charts cover {span} ({len(log):,} case(s) on those logs) for {who}."
                  + (f" The log of this report is {log_year}'s; charts covering more years "
                     "say so under them." if log_year is not None and years != [log_year]
                     else ""))]
    shown = trend_table(result, years, codes)
    table_html = shown.html
    parts.append(Html(table_html, text_of(shown)))
    parts.append(note(f"Computation {result.fingerprint} (bundle {result.source or DASH}; "
                      f"policy: {result.policy.describe()}).", "fingerprint"))
    block = join(parts)
    return Html(f'<div class="oshakit-headline">{block.html}</div>', block.text)


def forms_table(written: Mapping[str, Mapping[str, Any]],
                notebook: str | None = None) -> Html:
    """The PDFs written per establishment (``render_forms``' answer), paths relative to the
    notebook's folder (see :func:`oshakit.report.where.notebook_href`)."""
    from pathlib import Path

    from oshakit.report.where import notebook_href

    rows = []
    for code, files in written.items():
        for form, path in files.items():
            path = Path(path)
            rows.append({"establishment": code, "form": form,
                         "file": notebook_href(path, notebook or ""),
                         "bytes": path.stat().st_size if path.is_file() else None,
                         "confidential": "confidential" in path.parts})
    return table(pd.DataFrame(rows), "forms", labels={
        "establishment": "Establishment", "form": "Form", "file": "File",
        "bytes": "Bytes", "confidential": "Confidential (names)"},
        empty="None found: no form was written.")


# --- 01_profile -------------------------------------------------------------------------

def validation_headline(validation: Validation, year: int | None = None,
                        fingerprint: str | None = None) -> Html:
    """Errors and warnings found by the validation, and where they are; ``fingerprint``:
    the input fingerprint of the bundle validated."""
    summary = validation.summary
    findings = validation.for_year(year)
    errors = int((findings["severity"] == "error").sum())
    warnings = int((findings["severity"] == "warning").sum())
    scope = f"cases injured in {year} and findings tied to no case" if year else "every year"
    failing = summary[(summary["errors"] > 0) | (summary["warnings"] > 0)]
    parts = [heading(f"Validation of {len(summary):,} file(s) ({scope})", 2),
             note(f"{errors:,} error(s), {warnings:,} warning(s); "
                  f"{int(summary['run'].sum()):,} expectations run, "
                  f"{int((summary['failed'] + summary['errored']).sum()):,} failed or could "
                  "not run.")]
    if errors:
        parts.append(note("Errors must be fixed in the bundle before any form is filed.",
                          "attention"))
    parts.append(note("Files with findings: " + (", ".join(
        f"{r.file} ({int(r.errors):,} errors, {int(r.warnings):,} warnings)"
        for r in failing.itertuples(index=False)) or "none") + "."))
    if fingerprint:
        parts.append(note(f"Input fingerprint (SHA-256 of the bundle's files): {fingerprint}.",
                          "fingerprint"))
    block = join(parts)
    return Html(f'<div class="oshakit-headline">{block.html}</div>', block.text)


def validation_files(validation: Validation) -> Html:
    return table(validation.summary, "validation_files", labels={
        "file": "File", "kind": "Kind", "rows": "Rows", "expectations": "Expectations",
        "run": "Run", "skipped": "Skipped", "passed": "Passed", "failed": "Failed",
        "errored": "Could not run", "errors": "Error findings",
        "warnings": "Warning findings", "score": "Score (% passed)"},
        decimals=1, empty="None found: no file was validated.")


def worst_columns(validation: Validation, n: int = 10) -> Html:
    worst = validation.worst_columns(n)
    worst = worst[(worst["errors"] > 0) | (worst["warnings"] > 0)]
    return table(worst, "worst_columns", labels={
        "file": "File", "column": "Column", "errors": "Errors", "warnings": "Warnings"},
        empty="None found: no column has a finding.")


def findings(validation: Validation, year: int | None = None,
             max_rows: int = MAX_ROWS) -> Html:
    """The findings as a shareable report shows them: values (and messages quoting them)
    of the employee PII columns read "withheld", as in the shareable findings.csv."""
    rows = withhold(validation.for_year(year), values=("value", "message"))
    rows = rows.assign(_o=severity_order(rows["severity"])).sort_values(
        ["_o", "file", "line"], kind="stable")
    return table(rows, "findings", labels={
        "severity": "Severity", "file": "File", "line": "Line", "column": "Column",
        "value": "Value", "message": "Message"}, max_rows=max_rows, rest="findings.csv",
        empty="None found: every expectation passed.")


def profile(validation: Validation, max_rows: int = MAX_ROWS) -> Html:
    """The column profile as a shareable report shows it: min, max and top values of the
    employee PII columns read "withheld", as in the shareable profile.csv."""
    shown = validation.profile
    if shown is not None:
        shown = withhold(shown, values=("min", "max", "top_values"))
    return table(shown, "profile", labels={
        "file": "File", "column": "Column", "type": "Type", "rows": "Rows",
        "nulls": "Empty", "null_pct": "Empty %", "distinct": "Distinct", "min": "Min",
        "max": "Max", "top_values": "Top values"}, decimals=1, max_rows=max_rows,
        rest="profile.csv", empty="None found: no column was profiled.")


# --- ITA gates (notebook 05) -------------------------------------------------------------

#: Where the matched text of the PII scan is (the gates write it for the recordkeeper).
PII_REPORT = "confidential/pii_report.csv"


def _pii_reason(hit: Mapping[str, Any]) -> str:
    return (f"case {hit.get('case_number')} {hit.get('field')}: {hit.get('kind')} found "
            f"(PII must not be sent; what matched is in {PII_REPORT})")


def gates(gate_report: GateReport) -> Html:
    """The gates' verdict per establishment and reason, as a shareable report shows it: a
    refusal by the PII scan names the case, the field and the kind of PII, never the text
    that matched (that is in ``confidential/pii_report.csv``)."""
    from oshakit.ita.pii import refusal

    rows = gate_report.table()
    hits = gate_report.pii.to_dict("records") if gate_report.pii is not None else []
    quoted = {refusal(h): _pii_reason(h) for h in hits}
    if len(rows):
        rows = rows.assign(reason=rows["reason"].map(lambda r: quoted.get(r, r)))
    return table(rows, "gates", labels={
        "establishment_name": "Establishment", "verdict": "Verdict", "reason": "Reason"},
        empty="None found: no establishment to file.")


def pii_found(gate_report: GateReport) -> Html:
    """What the PII scan found, counted by establishment, case, field and kind; the matched
    text and why it counts (which quotes the bundle's names) stay in
    ``confidential/pii_report.csv``."""
    keys = ["establishment_name", "case_number", "field", "kind"]
    hits = gate_report.pii
    if hits is None or not len(hits):
        counts = pd.DataFrame(columns=[*keys, "found"])
    else:
        counts = hits.reindex(columns=keys).astype("str").groupby(
            keys, sort=True).size().rename("found").reset_index()
    return table(counts, "pii_found", labels={
        "establishment_name": "Establishment", "case_number": "Case", "field": "Field",
        "kind": "Kind of PII", "found": "Found (times)"},
        caption=f"Counts only; what matched is in {PII_REPORT}." if len(counts) else None,
        empty="None found: no PII in what would be sent.")
