"""Every file a run writes goes through here: one CSV writer, one rule for what is
confidential, one rule for paths, one stamp that ties a folder to its computation.

- **Confidential by design**: tables that hold names or employee PII (the case table with
  names, the privacy case list, Form 301) are written under ``confidential/`` of the output
  folder; everything else is shareable and never holds a privacy case's name.
- **Inert text**: a cell a spreadsheet would run as a formula (``=``, ``+``, ``-``, ``@``,
  tab, CR first) gets a leading ``'`` (OWASP's advice) in every CSV a person opens; the ITA
  upload files keep OSHA's text exactly (``exact=True``).
- **Paths from data stay inside ``--out``**: an establishment code or case number that is
  not a safe file name is refused (:func:`safe_name`), and :func:`inside` checks a path.
- **One fingerprint**: :func:`stamp` writes ``README.txt`` into an output folder with the
  result's fingerprint, policy and, when the bundle was incomplete, the notice.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from oshakit.errors import OshakitError
from oshakit.result import Result

#: Sub-folder for what only the recordkeeper may see.
CONFIDENTIAL = "confidential"
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
_FORMULA = re.compile(r"^[=+\-@\t\r]")
_SAFE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._ -]{0,99}$")


def neutralise(frame: pd.DataFrame) -> pd.DataFrame:
    """Text cells that a spreadsheet would run as a formula, prefixed with ``'``."""
    out = frame.copy()
    for col in out.columns:
        s = out[col]
        if not (pd.api.types.is_string_dtype(s) or s.dtype == object):
            continue
        text = s.astype("str")
        risky = text.str.match(_FORMULA).fillna(False).astype(bool)
        if risky.any():
            out[col] = s.astype(object).where(~risky, "'" + text)
    return out


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
    """``root/parts...``, refusing any path that would leave ``root``."""
    root = Path(root).resolve()
    path = root.joinpath(*parts).resolve()
    if path != root and root not in path.parents:
        raise OshakitError(f"refusing to write {path}: outside the output folder {root}")
    return path


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
    case table with names into ``out_dir/confidential/``) and stamp the folder."""
    out_dir = Path(out_dir)
    paths = {name: write_csv(get(result), out_dir / name) for name, get in TABLES.items()}
    for name, get in CONFIDENTIAL_TABLES.items():
        paths[f"{CONFIDENTIAL}/{name}"] = write_csv(get(result), out_dir / CONFIDENTIAL / name)
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
        "Made by oshakit from one computation; every file listed here carries its fingerprint.",
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
    listed = sorted(p.resolve().relative_to(folder.resolve()).as_posix()
                    for p in map(Path, files)
                    if p.resolve().is_relative_to(folder.resolve()) and p.name != name)
    if listed:
        lines += ["", "files:"] + [f"  {n}" for n in listed]
    path = folder / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    json_name = "run.json" if name == STAMP else f"{Path(name).stem.split('.')[0]}.run.json"
    (folder / json_name).write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
    return path
