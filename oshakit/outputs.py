"""Every file a run writes goes through here: one CSV writer, one rule for what is
confidential, one rule for paths, one stamp that ties a folder to its computation.

- **Confidential by design** (29 CFR 1904.29(b)(6)-(10), 1904.35): two audiences. The
  *shareable* set (Form 300, 300A, the representative copy of the 301s, log.csv, rates,
  charts, ITA files, notebook reports) never holds a privacy case's name or the employee
  PII of :data:`PII_COLUMNS`; what only the recordkeeper may see (Form 301 with names,
  addresses and dates of birth, the privacy case list, the case table with names, the
  validation tables with raw employee values) is written under the ``confidential/``
  folder that :func:`confidential_dir` names: one per establishment-year in the batch
  (``<out>/<year>/<code>/confidential/``), else ``confidential/`` of the output folder.
- **Inert text**: a cell a spreadsheet would run as a formula (``=``, ``+``, ``-``, ``@``,
  tab, CR, LF or NUL first, or their full-width forms) gets a leading ``'`` (OWASP's
  advice) in every CSV a person opens; the ITA upload files keep OSHA's text exactly
  (``exact=True``): they are read by OSHA's system, not opened in a spreadsheet.
- **Paths from data stay inside ``--out``**: an establishment code or case number that is
  not a safe file name is refused (:func:`safe_name`), and :func:`inside` checks a path;
  paths recorded in stamps are relative to the folder they describe.
- **One fingerprint**: :func:`stamp` writes ``README.txt`` into an output folder with the
  result's fingerprint, policy and, when the bundle was incomplete, the notice.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import Any

import pandas as pd

from oshakit.errors import OshakitError
from oshakit.result import Result

#: Sub-folder for what only the recordkeeper may see.
CONFIDENTIAL = "confidential"
#: The file that marks a folder as one establishment-year of the batch (its ``confidential/``
#: is the one every writer inside it uses).
UNIT_MARK = ".oshakit-unit.json"
#: Input columns that identify an employee or their health care provider: their values are
#: never shown in a shareable table (validation findings and profiles show them only under
#: ``confidential/``). Names, home address, date of birth, physician and treatment facility
#: (the PII OSHA's ITA specification asks to keep out; 1904.41(b)(10)).
PII_COLUMNS = frozenset({
    "employees.first_name", "employees.last_name", "employees.birth_date",
    "employees.street", "employees.city", "employees.zip",
    "incidents.primary_physician", "incidents.hospital_name", "incidents.hospital_address",
    "incidents.hospital_city", "incidents.hospital_zip",
    # free text typed about the employee may hold their name
    "incidents.comment_activity", "incidents.comment_explanation", "incidents.comment_cause",
    "incidents.loc_description", "incident_nibp.comment", "accommodations.comments",
    "employees.termination_reason",
    # who treated the employee: clinician user names (dr.okonkwo) or NPI numbers
    "encounters.performing_user_id",
})
#: What a shareable table shows instead of a withheld value.
WITHHELD = "(withheld: see confidential/)"
#: The companion file of every output folder.
STAMP = "README.txt"
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
_FORMULA = re.compile(r"^[=+\-@\t\r\n\x00\uff1d\uff0b\uff0d\uff20]")
_SAFE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._ -]{0,99}$")


def neutralise(frame: pd.DataFrame) -> pd.DataFrame:
    """Text cells (and column names) that a spreadsheet would run as a formula, prefixed
    with ``'``."""
    out = frame.copy()
    out.columns = [inert(c) if isinstance(c, str) else c for c in out.columns]
    for i in range(out.shape[1]):
        s = out.iloc[:, i]
        if not (pd.api.types.is_string_dtype(s) or s.dtype == object
                or isinstance(s.dtype, pd.CategoricalDtype)):
            continue
        present = s.notna()
        text = s.astype(object).where(present, "").map(str)
        risky = (text.str.match(_FORMULA) & present).astype(bool)
        if risky.any():
            out.isetitem(i, s.astype(object).where(~risky, "'" + text))
    return out


def inert(value: Any) -> Any:
    """One cell made inert: text a spreadsheet would run as a formula gets a leading ``'``."""
    if isinstance(value, str) and _FORMULA.match(value):
        return "'" + value
    return value


def write_csv(frame: pd.DataFrame, path: str | Path, *, exact: bool = False) -> Path:
    """Write ``frame`` as RFC 4180 CSV (CRLF, dates ``YYYY-MM-DD``, missing values empty);
    formulas are neutralised unless ``exact`` (the ITA upload files keep OSHA's text)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    # CRLF line ends (RFC 4180) also make the writer quote a cell holding a lone CR.
    (frame if exact else neutralise(frame)).to_csv(
        path, index=False, date_format="%Y-%m-%d", na_rep="", lineterminator="\r\n")
    return path


def safe_name(value: object, what: str = "establishment code") -> str:
    """``value`` as a file or folder name, or an error saying why it cannot be one."""
    text = str(value).strip()
    if not _SAFE.match(text) or text in (".", "..") or text.endswith((".", " ")):
        raise OshakitError(
            f"{what} {text!r} cannot be used as a file name (letters, digits, '.', '_', "
            f"'-' and spaces only, starting with a letter or digit); rename it in the bundle")
    return text


def inside(root: str | Path, *parts: str) -> Path:
    """``root/parts...`` as given (relative stays relative, so what is printed or recorded
    holds no machine's folder), refusing any path that would leave ``root``."""
    base = Path(root).resolve()
    path = Path(root).joinpath(*parts)
    real = path.resolve()
    if real != base and base not in real.parents:
        raise OshakitError(f"refusing to write {Path(*parts)}: outside the output folder "
                           f"{root}")
    return path


def relative(path: str | Path, start: str | Path) -> str:
    """``path`` relative to the folder ``start`` (POSIX separators), for what is recorded."""
    return Path(os.path.relpath(Path(path).resolve(), Path(start).resolve())).as_posix()


# --- who may see what ------------------------------------------------------------------

def mark_unit(folder: str | Path, year: int, establishment: str | None) -> Path:
    """Mark ``folder`` as one establishment-year of the batch (``establishment`` None: the
    year's whole-bundle unit): every writer inside it puts confidential files into
    ``folder/confidential/``."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / UNIT_MARK
    path.write_text(json.dumps({"year": int(year), "establishment": establishment}) + "\n",
                    encoding="utf-8")
    return path


def unit_of(folder: str | Path) -> tuple[Path, dict[str, Any]] | None:
    """The marked establishment-year folder ``folder`` is in (itself or an ancestor) and
    its mark, or None."""
    here = Path(folder).resolve()
    for d in (here, *here.parents):
        mark = d / UNIT_MARK
        if mark.is_file():
            try:
                return d, json.loads(mark.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                return None
    return None


def confidential_dir(folder: str | Path, *, establishment: str | None = None,
                     year: int | None = None) -> Path:
    """Where the confidential files of output written into ``folder`` go: the
    ``confidential/`` of the batch's establishment-year that ``folder`` is in (when it is
    the same establishment and year), else ``folder/confidential/``. Returned relative to
    ``folder`` when ``folder`` is relative."""
    unit = unit_of(folder)
    if unit is not None:
        root, mark = unit
        same = ((establishment is None or mark.get("establishment") in (None, establishment))
                and (year is None or mark.get("year") in (None, year)))
        if same:
            rel = os.path.relpath(root, Path(folder).resolve())
            return (Path(folder) / rel / CONFIDENTIAL) if not Path(folder).is_absolute() \
                else (root / CONFIDENTIAL)
    return Path(folder) / CONFIDENTIAL


def withhold(frame: pd.DataFrame, column: str = "column",
             values: Iterable[str] = ("value",)) -> pd.DataFrame:
    """The shareable copy of a table about input values (validation findings, profiles):
    the ``values`` cells of rows about a :data:`PII_COLUMNS` column, of rows of a check that
    involves one anywhere in its parameters or message fields (:func:`protected_checks`:
    e.g. "hired on ..., before the birth date ..." quotes the date of birth), or about a
    whole input row (no ``column``) that quote it, read :data:`WITHHELD`."""
    if column not in frame or not len(frame):
        return frame
    out = frame.copy()
    values = [v for v in values if v in out]
    named = out[column].astype("str").isin(PII_COLUMNS)
    if "expectation" in out:
        named |= out["expectation"].astype("str").isin(protected_checks())
    blank = out[column].isna() | out[column].astype("str").str.strip().isin(["", "nan"])
    quoted = pd.Series(False, index=out.index)
    for v in values[:1]:  # the first is the quoted value itself
        quoted = out[v].notna() & (out[v].astype("str").str.strip() != "")
    pii = (named | (blank & quoted)).to_numpy()
    for v in values:
        if pii.any():
            had = out[v].notna().to_numpy() & pii
            out[v] = out[v].astype(object).where(~had, WITHHELD)
    return out


def mentions_pii(value: Any) -> bool:
    """Whether ``value`` (an expectation's arguments or meta: text, dicts, lists) names a
    :data:`PII_COLUMNS` column anywhere."""
    if isinstance(value, str):
        return value in PII_COLUMNS
    if isinstance(value, dict):
        return any(map(mentions_pii, value.values()))
    if isinstance(value, (list, tuple)):
        return any(map(mentions_pii, value))
    return False


@cache
def protected_checks() -> frozenset[str]:
    """Ids of the expectations (``expectations/*.json``) that name a :data:`PII_COLUMNS`
    column in any parameter or in their meta (the quoted value, message fields): their
    findings are withheld whole from a shareable table, whatever column they are filed
    under. A suite that cannot be read adds nothing (validation reports it)."""
    from oshakit.schema import KINDS
    from oshakit.validate.suites import read_suite

    ids = set()
    for kind in KINDS:
        try:
            doc = read_suite(kind)
        except OshakitError:
            continue
        for e in doc.get("expectations", []):
            meta = e.get("meta") or {}
            if mentions_pii(e.get("kwargs") or {}) or mentions_pii(
                    {k: v for k, v in meta.items() if k not in ("id", "message")}):
                ids.add(meta.get("id"))
    return frozenset(i for i in ids if i)


def log_table(result: Result) -> pd.DataFrame:
    """The log rows (Form 300 columns A..M) with establishment, case key and explanation."""
    return result.log.reindex(columns=LOG_COLUMNS)


#: Shareable reconciliation tables: file name -> how to get it from a result.
TABLES = {
    "log.csv": log_table,
    "exceptions.csv": lambda r: r.exceptions,
    "accounting.csv": lambda r: r.rec.accounting,
    "eh_diff.csv": lambda r: r.rec.eh_diff,
    "summary_300a.csv": lambda r: r.summaries,
    "rates.csv": lambda r: r.rates,
    "ita_checks.csv": lambda r: r.checks,
    "filing_duty.csv": lambda r: r.duty,
    "unread.csv": lambda r: r.unread,
}
#: Confidential tables (they hold names): file name -> how to get it.
CONFIDENTIAL_TABLES = {"cases.csv": lambda r: r.rec.cases}


def write_tables(result: Result, out_dir: str | Path) -> dict[str, Path]:
    """Write the reconciliation and summary tables of ``result`` into ``out_dir`` (the
    case table with names into :func:`confidential_dir`) and stamp the folder."""
    out_dir = Path(out_dir)
    secret = confidential_dir(out_dir, establishment=result.establishment, year=result.year)
    paths = {name: write_csv(get(result), out_dir / name) for name, get in TABLES.items()}
    for name, get in CONFIDENTIAL_TABLES.items():
        paths[f"{CONFIDENTIAL}/{name}"] = write_csv(get(result), secret / name)
    paths[STAMP] = stamp(out_dir, result, paths.values())
    return paths


def stamp(folder: str | Path, result: Result, files: Iterable[Path] = (),
          name: str = STAMP) -> Path:
    """Write ``folder/README.txt`` (or ``name``) and ``run.json`` beside it: which
    computation made the files beside it (fingerprint, policy, bundle, year) and, for an
    incomplete bundle, the notice first."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    meta = result.metadata()
    lines = []
    if (notice := result.notice()) is not None:
        lines += [f"NOTICE: {notice}", ""]
    lines += [
        "Made by oshakit from one computation: every file listed here was made by the "
        "computation with the fingerprint below.",
        "",
        f"fingerprint:       {meta['fingerprint']}",
        f"input fingerprint: {meta['input_fingerprint']}",
        f"bundle:            {meta['source']}",
        f"year:              {meta['year'] if meta['year'] is not None else 'every year'}",
        f"policy:            {result.policy.describe()}",
        f"kit version:       {meta['kit_version']}",
        "",
        "Files in confidential/ hold employee names: for the recordkeeper only "
        "(29 CFR 1904.29(b)(6)-(10), 1904.35).",
    ]
    listed = sorted(relative(p, folder) for p in map(Path, files)
                    if not (p.parent.resolve() == folder.resolve() and p.name == name))
    if listed:
        lines += ["", "files:"] + [f"  {n}" for n in listed]
    path = folder / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    json_name = "run.json" if name == STAMP else f"{Path(name).stem.split('.')[0]}.run.json"
    (folder / json_name).write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
    return path
