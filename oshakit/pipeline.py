"""The one place that composes the stages: load -> reconcile -> summarise -> Result.

``run(bundle, year, policy)`` is what the CLI, the notebooks and the batch call; forms,
ITA, charts and reports take the :class:`~oshakit.result.Result` it returns and never call
back here.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from oshakit.bundle import Bundle, data_files, load_bundle
from oshakit.cases import Reconciliation, reconcile
from oshakit.cases.policy import Policy
from oshakit.errors import OshakitError
from oshakit.result import Result, check_year, fingerprint_files, unknown_establishment


def run(
    bundle: Bundle | str | Path | None = None,
    year: int | None = None,
    policy: Policy | None = None,
    *,
    establishment: str | None = None,
) -> Result:
    """Load ``bundle`` (a folder, a loaded :class:`Bundle`, or None for the shipped sample),
    reconcile it under ``policy`` (default ``Policy()``) and compute the 300A summaries,
    ITA checks, rates and filing duty of ``year`` (None: every year). ``year`` must be a
    year the bundle covers; with ``establishment``, the result is that establishment's."""
    from oshakit.duty import filing_duty
    from oshakit.ita.rules import ita_checks
    from oshakit.rates import rates
    from oshakit.summary import summarize

    policy = policy or Policy()
    if not isinstance(bundle, Bundle):
        bundle = load_bundle(bundle)
    years = bundle_years(bundle)
    establishments = bundle_establishments(bundle)
    check_year(year, years)
    if establishment is not None and establishment not in establishments:
        raise OshakitError(unknown_establishment(establishment, establishments))
    # with an as-of date the rates' trailing 12 months reach into the year before: compute
    # every year and select, so a one-year run shows the numbers of the batch's result
    span = None if policy.as_of is not None else year
    rec = reconcile(bundle, policy=policy, year=span)
    summaries = summarize(rec, bundle, year=span)
    result = Result(
        policy=policy,
        input_fingerprint=input_fingerprint(bundle),
        rec=rec,
        summaries=summaries,
        checks=ita_checks(summaries),
        rates=rates(summaries, rec.log, hours=bundle.get("employment"), as_of=policy.as_of),
        duty=filing_duty(summaries, bundle.get("employment"), bundle.get("establishments")),
        rejects=bundle.rejects,
        unread=unread(bundle, rec, span, years),
        years=years,
        establishments=establishments,
        people=people(bundle),
        source=bundle.path.name,
        year=span,
        bundle=bundle,
    )
    return result.select(year=year if span is None else None, establishment=establishment)


def input_fingerprint(bundle: Bundle) -> str:
    """SHA-256 of the bundle's data files (what the loader looked at)."""
    return input_fingerprint_of(bundle.path)


def input_fingerprint_of(folder: str | Path) -> str:
    """SHA-256 of the files the loader reads in a bundle folder, without loading them."""
    folder = Path(folder)
    return fingerprint_files(data_files(folder) if folder.is_dir() else [])


def result_for(
    bundle: Bundle | str | Path | None = None,
    year: int | None = None,
    *,
    result_dir: str | Path | None = None,
    establishment: str | None = None,
    **policy_options: object,
) -> Result:
    """What a notebook shows: the result saved in ``result_dir`` by the batch (restricted
    to ``year`` and ``establishment``), or, with no ``result_dir``, :func:`run` on
    ``bundle`` under ``Policy.parse(**policy_options)`` (options left None take their
    default). A saved result carries the policy it was computed with, so policy options
    cannot be given with it."""
    given = {k: v for k, v in policy_options.items() if v is not None}
    if result_dir is None:
        return run(bundle, year, Policy.parse(**given), establishment=establishment)
    if given:
        raise OshakitError(f"a saved result carries its own policy: drop {', '.join(given)} "
                           "or result_dir")
    return Result.open(result_dir).select(year=year, establishment=establishment)


def bundle_years(bundle: Bundle) -> tuple[int, ...]:
    """The years a bundle covers: years of injury (case openings) and of employment."""
    years: set[int] = set()
    enc = bundle.get("encounters")
    if enc is not None and "incidents.inc_datetime" in enc:
        years |= {int(y) for y in enc["incidents.inc_datetime"].dt.year.dropna().unique()}
    emp = bundle.get("employment")
    if emp is not None and "employment.year" in emp:
        years |= {int(y) for y in pd.to_numeric(emp["employment.year"], errors="coerce")
                  .dropna().unique()}
    return tuple(sorted(years))


def bundle_establishments(bundle: Bundle) -> tuple[str, ...]:
    """Establishment codes the bundle knows: establishments, employment, facility codes and
    the employees' establishments."""
    codes: set[str] = set()
    for kind, col in (("establishments", "establishments.establishment_code"),
                      ("employment", "employment.establishment_code"),
                      ("encounters", "incidents.facility_code"),
                      ("employees", "employees.establishment_code")):
        frame = bundle.get(kind)
        if frame is not None and col in frame:
            values = frame[col].dropna().astype("str").str.strip()
            codes |= set(values[values != ""])
    return tuple(sorted(codes))


def people(bundle: Bundle) -> pd.DataFrame:
    """Employee names (confidential): what the PII gate looks for in text sent to OSHA."""
    cols = ["employees.pat_id", "employees.first_name", "employees.last_name"]
    emp = bundle.get("employees")
    if emp is None:
        return pd.DataFrame({c.split(".", 1)[1]: pd.Series(dtype="str") for c in cols})
    out = emp.reindex(columns=cols).astype("str")
    return out.rename(columns=lambda c: c.split(".", 1)[1]).reset_index(drop=True)


def unread(bundle: Bundle, rec: Reconciliation, year: int | None,
           years: tuple[int, ...]) -> pd.DataFrame:
    """What the loader could not read that feeds the log of ``year`` (every year covered
    when None), with what it affects and the ``year`` it feeds (:mod:`oshakit.completeness`
    decides)."""
    from oshakit import completeness

    tables = [completeness.unread(bundle, rec, y).assign(year=y)
              for y in ([year] if year is not None else years)]
    tables = [t for t in tables if len(t)]
    if not tables:
        return completeness.empty().assign(year=pd.Series(dtype="Int64"))
    return pd.concat(tables, ignore_index=True).astype({"year": "Int64"})
