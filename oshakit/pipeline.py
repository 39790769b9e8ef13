"""One call from a bundle to the log, the 300A summaries, rates and ITA checks, and the
tables and files the CLI and notebooks show: load -> reconcile -> summarise -> write.

The CLI commands ``log``, ``reconcile`` and ``export-ita`` and ``notebooks/02_reconcile``
are thin layers over this module.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from oshakit.errors import OshakitError

#: Form 300 columns A..M of the log CSV, framed by what an auditor needs to trace a row.
LOG_COLUMNS = [
    "establishment_code",
    "year",
    "case_key",
    "case_number",  # A
    "log_name",  # B ("Privacy Case" for a privacy case)
    "job_title",  # C
    "date_of_injury",  # D
    "location",  # E
    "description",  # F
    "outcome",  # G..J
    "days_away",  # K
    "days_restricted",  # L
    "days_estimated",
    "itype",  # M1..M6
    "privacy",
    "explanation",
]
#: File name -> what ``write_outputs`` puts in it.
OUTPUT_FILES = (
    "cases.csv",
    "exceptions.csv",
    "accounting.csv",
    "eh_diff.csv",
    "log.csv",
    "summary_300a.csv",
    "rates.csv",
    "ita_checks.csv",
)


@dataclass
class Result:
    """Everything one run computed."""

    bundle: Any
    rec: Any
    year: int | None
    summaries: pd.DataFrame
    checks: pd.DataFrame
    rates: pd.DataFrame

    def for_establishment(self, code: str) -> Result:
        """The same run restricted to one establishment (its log, exceptions, 300A, checks
        and rates); the bundle and the row accounting stay whole."""
        return Result(
            self.bundle, self.rec.for_establishment(code), self.year,
            for_establishment(self.summaries, code), for_establishment(self.checks, code),
            for_establishment(self.rates, code))

    @property
    def failed_checks(self) -> pd.DataFrame:
        return self.checks[~self.checks["passed"]]

    @property
    def check_errors(self) -> pd.DataFrame:
        """ITA checks of error severity that failed: these stop an ITA upload."""
        failed = self.failed_checks
        return failed[failed["severity"] == "error"]


def run(
    bundle: Any = None,
    year: int | None = None,
    *,
    cap: str = "combined",
    as_of: Any = None,
    privacy_auto: bool = False,
    eh_compat: bool = False,
    establishment: str | None = None,
) -> Result:
    """Load ``bundle`` (a path, a loaded Bundle, or None for the shipped sample), reconcile
    it under the given policy, and compute the summaries, ITA checks and rates; with
    ``establishment``, restrict the result to that (known) establishment."""
    from oshakit.bundle import Bundle, load_bundle
    from oshakit.cases import Policy, reconcile
    from oshakit.ita.rules import ita_checks
    from oshakit.rates import rates
    from oshakit.summary import summarize

    policy = Policy(cap=cap, privacy_auto=privacy_auto, as_of=as_of, eh_compat=eh_compat)
    if not isinstance(bundle, Bundle):
        bundle = load_bundle(bundle)
    rec = reconcile(bundle, policy=policy, year=year)
    summaries = summarize(rec, bundle, year=year)
    result = Result(bundle, rec, year, summaries, ita_checks(summaries), rates(summaries))
    if establishment is None:
        return result
    check_establishment(result, establishment)
    return result.for_establishment(establishment)


def log_table(rec: Any, establishment: str | None = None) -> pd.DataFrame:
    """The log rows (Form 300 columns A..M) with establishment, case key and explanation."""
    return for_establishment(rec.log, establishment).reindex(columns=LOG_COLUMNS)


def known_establishments(result: Result) -> list[str]:
    """Establishment codes the bundle knows of: establishments, employment and cases."""
    codes = set(result.rec.cases["establishment_code"].dropna())
    for kind in ("establishments", "employment"):
        frame = result.bundle.get(kind)
        if frame is not None:
            codes |= set(frame[f"{kind}.establishment_code"].dropna())
    return sorted(codes)


def check_establishment(result: Result, establishment: str | None) -> None:
    """Raise a clear error when ``establishment`` is not a code the bundle knows."""
    if establishment is None:
        return
    known = known_establishments(result)
    if establishment not in known:
        shown = ", ".join(known[:20]) + (" ..." if len(known) > 20 else "")
        raise OshakitError(f"no establishment {establishment!r} in the bundle; known: {shown}")


def exceptions_by_severity(exceptions: pd.DataFrame) -> pd.DataFrame:
    """Counts of exceptions per severity and code, errors first."""
    order = {"error": 0, "warning": 1}
    counts = exceptions.groupby(["severity", "code"], dropna=False).size().rename("count")
    counts = counts.reset_index()
    counts["_o"] = counts["severity"].map(order).fillna(9)
    counts = counts.sort_values(["_o", "count"], ascending=[True, False])
    return counts.drop(columns="_o").reset_index(drop=True)


def find_case(rec: Any, case: str) -> pd.Series:
    """The case (row of ``rec.cases``) whose case number or case key is ``case``."""
    cases = rec.cases
    hit = cases[(cases["case_number"] == case) | (cases["case_key"] == case)]
    if hit.empty:
        raise OshakitError(f"no case {case!r} in this run (give a case number or case key)")
    return hit.iloc[0]


def explain(rec: Any, case: str | None = None) -> str:
    """How every value of one case was derived, as plain text; with no ``case``, the
    first case on the log."""
    if case is None:
        if rec.log.empty:
            return "No case on the log."
        case = str(rec.log["case_key"].iloc[0])
    return str(find_case(rec, case)["explanation"])


def for_establishment(frame: pd.DataFrame, establishment: str | None) -> pd.DataFrame:
    """The rows of ``frame`` for one establishment code (all rows when None)."""
    if establishment is None:
        return frame
    return frame[frame["establishment_code"] == establishment].reset_index(drop=True)


def write_outputs(
    result: Result, out_dir: str | Path | None, *, ita: bool = False
) -> dict[str, Path]:
    """Write the reconciliation and summary tables as CSV into ``out_dir`` (nothing when
    None); with ``ita`` (and a year) also the ITA files into ``out_dir/ita/`` (their
    ``exceptions.csv`` is the year's exceptions plus ITA truncations, so it must not
    replace the reconciliation's own)."""
    if out_dir is None:
        return {}
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    rec = result.rec
    frames = dict(
        zip(
            OUTPUT_FILES,
            (
                rec.cases,
                rec.exceptions,
                rec.accounting,
                rec.eh_diff,
                log_table(rec),
                result.summaries,
                result.rates,
                result.checks,
            ),
            strict=True,
        )
    )
    paths = {}
    for name, frame in frames.items():
        paths[name.removesuffix(".csv")] = path = out_dir / name
        frame.to_csv(path, index=False, date_format="%Y-%m-%d")
    if ita and result.year is not None:
        from oshakit.ita.export import write_ita_files

        ita_dir = out_dir / "ita"
        files = write_ita_files(rec, result.summaries, result.checks, ita_dir, result.year)
        paths |= {f"ita/{name}": path for name, path in files.items()}
    return paths
