"""The one thing stages exchange: a :class:`Result`, what one computation produced from one
bundle under one :class:`~oshakit.cases.Policy` — and how it is saved and opened again.

``oshakit.pipeline.run`` makes it; forms, ITA files and submission, charts and report
tables take it (or a slice from :meth:`Result.select`) and never reload or recompute.
Its :attr:`~Result.fingerprint` — kit version, input files, policy — is recorded in every
output, so any PDF or CSV can be traced to the computation that made it. A saved result
is a folder of Parquet tables plus ``result.json`` (policy, fingerprints, scope); it holds
employee names and so lives under a ``confidential/`` folder.
"""

from __future__ import annotations

import hashlib
import json
import numbers
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from oshakit.cases.policy import Policy
from oshakit.cases.reconciliation import Reconciliation
from oshakit.errors import OshakitError

if TYPE_CHECKING:
    from oshakit.bundle import Bundle

#: File of a saved result with everything that is not a table.
RESULT_JSON = "result.json"
#: Tables of a saved result: file stem -> where it lives on the Result.
TABLES = ("cases", "exceptions", "accounting", "eh_diff", "summaries", "checks", "rates",
          "duty", "rejects", "unread", "people")
#: Form version of saved results; bump when the layout changes.
FORMAT = 1


def fingerprint_files(paths: list[Path]) -> str:
    """SHA-256 over the names and bytes of ``paths`` (sorted by name); an entry that cannot
    be read as a file (a folder, a broken link, no permission) counts by its name alone."""
    h = hashlib.sha256()
    for path in sorted(paths, key=lambda p: p.name):
        h.update(path.name.encode() + b"\0")
        try:
            with open(path, "rb") as f:
                for chunk in iter(lambda: f.read(1 << 20), b""):
                    h.update(chunk)
        except OSError:
            h.update(b"\0unreadable")
        h.update(b"\n")
    return h.hexdigest()


def computation_fingerprint(input_fingerprint: str, policy: Policy) -> str:
    """The fingerprint of a computation: kit version, inputs and policy (16 hex digits)."""
    from oshakit import __version__

    key = {"kit": __version__, "input": input_fingerprint, "policy": policy.to_dict()}
    return hashlib.sha256(json.dumps(key, sort_keys=True).encode()).hexdigest()[:16]


def _only(frame: pd.DataFrame, year: int | None, establishment: str | None) -> pd.DataFrame:
    mask = pd.Series(True, index=frame.index)
    if year is not None and "year" in frame:
        y = pd.to_numeric(frame["year"], errors="coerce")
        mask &= (y == year).fillna(False) | y.isna()  # bundle-wide rows stay
    if establishment is not None and "establishment_code" in frame:
        code = frame["establishment_code"]
        mask &= (code == establishment).fillna(False)
    return frame[mask].reset_index(drop=True)


@dataclass(frozen=True)
class Result:
    """Everything one computation produced.

    ``rec``: the reconciliation (cases, log, exceptions, accounting, EH comparison);
    ``summaries``: Form 300A per establishment-year; ``checks``: ITA checks; ``rates``;
    ``duty``: who must keep and submit what; ``rejects``: every problem the loader found;
    ``unread``: the rejects that feed the log of the years covered (a filing computed while
    this is not empty is incomplete); ``years`` and ``establishments``: what the bundle
    covers; ``people``: employee names (for the PII gate; confidential); ``source``: the
    bundle folder's name. ``year``/``establishment``: the slice this result is (None: all).
    """

    policy: Policy
    input_fingerprint: str
    rec: Reconciliation
    summaries: pd.DataFrame
    checks: pd.DataFrame
    rates: pd.DataFrame
    duty: pd.DataFrame
    rejects: pd.DataFrame
    unread: pd.DataFrame
    years: tuple[int, ...]
    establishments: tuple[str, ...]
    people: pd.DataFrame
    source: str = ""
    year: int | None = None
    establishment: str | None = None
    bundle: Bundle | None = field(default=None, repr=False, compare=False)

    @property
    def fingerprint(self) -> str:
        return computation_fingerprint(self.input_fingerprint, self.policy)

    @property
    def log(self) -> pd.DataFrame:
        return self.rec.log

    @property
    def exceptions(self) -> pd.DataFrame:
        return self.rec.exceptions

    @property
    def failed_checks(self) -> pd.DataFrame:
        return self.checks[~self.checks["passed"].astype(bool)]

    @property
    def check_errors(self) -> pd.DataFrame:
        """ITA checks of error severity that failed: these stop an ITA upload."""
        failed = self.failed_checks
        return failed[failed["severity"] == "error"]

    @property
    def complete(self) -> bool:
        """True when nothing that feeds the log could not be read."""
        return self.unread.empty

    def notice(self) -> str | None:
        """The notice every output carries when the result is incomplete (else None)."""
        from oshakit.completeness import notice

        text = notice(self.unread.drop_duplicates(["file", "line", "column"]))
        if text is None:
            return None
        return f"{text[0].upper()}{text[1:]}; listed in unread.csv. The figures may be wrong."

    def select(self, year: int | None = None, establishment: str | None = None) -> Result:
        """The same computation restricted to one year and/or one establishment: its cases,
        log, exceptions, 300A, checks, rates, duty and unread rows, and the row accounting
        without other establishments' rows. The loader's rejects stay the bundle's."""
        if year is None and establishment is None:
            return self
        if year is not None and self.year is not None and year != self.year:
            raise OshakitError(f"this result covers {self.year} only, not {year}")
        check_year(year, self.years)
        if establishment is not None and establishment not in self.establishments:
            raise OshakitError(unknown_establishment(establishment, self.establishments))
        rec = self.rec

        def cut(frame: pd.DataFrame) -> pd.DataFrame:
            return _only(frame, year, establishment)

        cases = cut(rec.cases)
        accounting = rec.accounting
        if establishment is not None and "establishment_code" in accounting:
            # the bundle-wide rows (input files, encounters) stay; other establishments' go
            code = accounting["establishment_code"]
            accounting = accounting[code.isna() | (code == establishment).fillna(False)]
            accounting = accounting.reset_index(drop=True)
        rec = replace(rec, cases=cases, log=cases[cases["on_log"]].reset_index(drop=True),
                      exceptions=cut(rec.exceptions), eh_diff=cut(rec.eh_diff),
                      accounting=accounting, year=year if year is not None else rec.year)
        return replace(
            self, rec=rec, summaries=cut(self.summaries), checks=cut(self.checks),
            rates=cut(self.rates), duty=cut(self.duty), unread=cut(self.unread),
            year=year if year is not None else self.year,
            establishment=establishment if establishment is not None else self.establishment)

    def metadata(self) -> dict[str, object]:
        """What every output records about the computation behind it."""
        from oshakit import __version__

        return {
            "fingerprint": self.fingerprint,
            "input_fingerprint": self.input_fingerprint,
            "kit_version": __version__,
            "policy": self.policy.to_dict(),
            "source": self.source,
            "year": self.year,
            "establishment": self.establishment,
            "unread": len(self.unread),
        }

    # --- saving and opening ---------------------------------------------------------

    def save(self, folder: str | Path) -> Path:
        """Write the result into ``folder`` (Parquet tables + ``result.json``)."""
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        for name in TABLES:
            _table(self, name).to_parquet(folder / f"{name}.parquet", index=False)
        meta = {**self.metadata(), "format": FORMAT, "years": list(self.years),
                "establishments": list(self.establishments),
                "rec_year": self.rec.year}
        (folder / RESULT_JSON).write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
        return folder

    @classmethod
    def open(cls, folder: str | Path) -> Result:
        """A result saved by :meth:`save`."""
        folder = Path(folder)
        try:
            meta = json.loads((folder / RESULT_JSON).read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise OshakitError(f"no saved result in {folder}: {exc}") from None
        if meta.get("format") != FORMAT:
            raise OshakitError(f"the result in {folder} was saved in another format "
                               f"({meta.get('format')!r}); run again")
        t = {name: pd.read_parquet(folder / f"{name}.parquet") for name in TABLES}
        policy = Policy.from_dict(meta["policy"])
        cases = t["cases"]
        rec = Reconciliation(cases, cases[cases["on_log"]].reset_index(drop=True),
                             t["exceptions"], t["accounting"], t["eh_diff"], policy,
                             meta.get("rec_year"))
        result = cls(policy, meta["input_fingerprint"], rec, t["summaries"], t["checks"],
                     t["rates"], t["duty"], t["rejects"], t["unread"],
                     tuple(int(y) for y in meta["years"]), tuple(meta["establishments"]),
                     t["people"], meta.get("source", ""), meta.get("year"),
                     meta.get("establishment"))
        if result.fingerprint != meta["fingerprint"]:
            raise OshakitError(f"the result in {folder} was made by another kit version "
                               f"({meta.get('kit_version')}); run again")
        return result


def _table(result: Result, name: str) -> pd.DataFrame:
    holder = result.rec if name in ("cases", "exceptions", "accounting", "eh_diff") else result
    return getattr(holder, name)


def check_year(year: int | None, years: tuple[int, ...]) -> None:
    """Refuse at once a year the bundle does not cover, naming the years it does."""
    if year is None:
        return
    if isinstance(year, bool) or not isinstance(year, numbers.Integral):
        raise OshakitError(f"year must be a whole number such as 2024, not {year!r}")
    if int(year) not in years:
        covered = ", ".join(str(y) for y in years) or "no year (no case and no employment)"
        raise OshakitError(f"the bundle has no data for {year}; it covers {covered}")


def unknown_establishment(code: str, known: tuple[str, ...] | list[str]) -> str:
    shown = ", ".join(known[:20]) + (" ..." if len(known) > 20 else "")
    return f"no establishment {code!r} in the bundle; known: {shown or 'none'}"
