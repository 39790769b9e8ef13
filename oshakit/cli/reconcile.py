"""``oshakit log``, ``oshakit reconcile`` and ``oshakit export-ita``: the Form 300 log,
the reconciliation tables and the ITA files of a bundle, thin layers over
:mod:`oshakit.pipeline`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from oshakit.cli import EXIT_OK, EXIT_PROBLEMS
from oshakit.cli.options import add_filing_options, add_policy_options, compute

#: Failed ITA checks printed by export-ita (all of them are in ita_checks.csv).
MAX_SHOWN = 20


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "log",
        help="print or write the OSHA 300 log of a year",
        description="The Form 300 log rows of YEAR (columns A-M) with establishment_code, "
        "case_key and an explanation of every value. Prints a table; --out writes CSV.",
    )
    _common(p, year_required=True)
    p.add_argument("--establishment", metavar="CODE", help="only this establishment")
    p.add_argument("--out", metavar="FILE.csv", type=Path, help="write the log as CSV")
    p.set_defaults(handler=log_command)

    p = subparsers.add_parser(
        "reconcile",
        help="reconcile cases and write cases, exceptions, accounting, log, 300A and rates",
        description="Reconcile the bundle's cases and write cases.csv, exceptions.csv, "
        "accounting.csv, eh_diff.csv, log.csv, summary_300a.csv, rates.csv, ita_checks.csv, "
        "filing_duty.csv and unread.csv into DIR, the case table with names into "
        "DIR/confidential/, and DIR/README.txt (the run's fingerprint and policy). Exit 1 "
        "when an exception of error severity was found.",
    )
    _common(p, year_required=False)
    p.add_argument("--out", metavar="DIR", type=Path, required=True, help="output folder")
    p.set_defaults(handler=reconcile_command)

    p = subparsers.add_parser(
        "export-ita",
        help="write the OSHA ITA 300A and case data CSV files of a year",
        description="Write DIR/ita_300a.csv and DIR/confidential/ita_case_data.csv (OSHA ITA "
        "formats), DIR/exceptions.csv and DIR/ita_checks.csv. Exit 1 when an ITA check of error "
        "severity fails or the year has nothing to file.",
    )
    _common(p, year_required=True)
    p.add_argument("--out", metavar="DIR", type=Path, required=True, help="output folder")
    add_filing_options(p)
    p.set_defaults(handler=export_ita_command)


def _common(p: argparse.ArgumentParser, *, year_required: bool) -> None:
    p.add_argument("bundle", metavar="BUNDLE", help="folder of the case bundle's CSV files")
    p.add_argument(
        "--year",
        type=int,
        required=year_required,
        help="log year" + ("" if year_required else " (default: every year)"),
    )
    add_policy_options(p)


def log_command(args: argparse.Namespace) -> int:
    from oshakit.outputs import log_table, stamp, write_csv

    result = compute(args)
    log = log_table(result)
    where = f" at {args.establishment}" if args.establishment else ""
    if args.out:
        write_csv(log, args.out)
        stamp(args.out.parent, result, [args.out], name=f"{args.out.stem}.README.txt")
        print(f"{len(log):,} case(s) on the {args.year} log{where} written to {args.out}")
        return EXIT_OK
    print(f"OSHA 300 log {args.year}{where}: {len(log):,} case(s)")
    if len(log):
        print(_readable(log))
    return EXIT_OK


def _readable(log) -> str:
    """The log as a fixed-width table: long text shortened, explanations left out."""
    table = log.drop(columns=["explanation", "case_key", "year"]).copy()
    table["date_of_injury"] = table["date_of_injury"].dt.strftime("%Y-%m-%d")
    for col, width in (("log_name", 22), ("job_title", 18), ("location", 18), ("description", 36)):
        text = table[col].astype("str").fillna("")
        table[col] = text.where(text.str.len() <= width, text.str.slice(0, width - 1) + "…")
    return table.fillna("").to_string(index=False)


def reconcile_command(args: argparse.Namespace) -> int:
    from oshakit.outputs import write_tables
    from oshakit.problems import counts_by_severity

    result = compute(args)
    paths = write_tables(result, args.out)
    rec = result.rec
    years = f"{args.year}" if args.year else "every year"
    print(
        f"{len(rec.cases):,} case(s), {len(rec.log):,} on the log ({years}), "
        f"{len(result.summaries):,} establishment-year summaries; files in {args.out}:"
    )
    for name in paths:
        print(f"  {name}")
    counts = counts_by_severity(rec.exceptions)
    if len(counts):
        print("exceptions:")
        print(counts.to_string(index=False))
    errors = int((rec.exceptions["severity"] == "error").sum())
    return EXIT_PROBLEMS if errors else EXIT_OK


def export_ita_command(args: argparse.Namespace) -> int:
    from oshakit.ita.export import form300a_frame, write_ita_files

    result = compute(args, filing=True)
    paths = write_ita_files(result, args.out)
    n300a = len(form300a_frame(result.summaries, args.year))
    n_cases = int((result.log["year"] == args.year).sum())
    print(
        f"ITA files for {args.year}: {n300a:,} establishment(s) in {paths['ita_300a']}, "
        f"{n_cases:,} case(s) in {paths['ita_case_data']}"
    )
    if n300a == 0 and n_cases == 0:
        print(
            f"nothing to file: no establishment has employment data for {args.year} and no "
            f"case is on its log",
            file=sys.stderr,
        )
        return EXIT_PROBLEMS
    failed = result.failed_checks
    failed = failed[failed["year"] == args.year]
    errors = failed[failed["severity"] == "error"]
    for message in errors["message"].head(MAX_SHOWN):
        print(f"ITA check failed: {message}", file=sys.stderr)
    if len(errors) > MAX_SHOWN:
        print(f"... and {len(errors) - MAX_SHOWN:,} more", file=sys.stderr)
    if len(warnings := failed[failed["severity"] != "error"]):
        print(f"{len(warnings):,} ITA warning(s); see {paths['ita_checks']}", file=sys.stderr)
    if len(errors):
        print(
            f"{len(errors):,} ITA check(s) failed; see {paths['ita_checks']}. "
            "Fix the data before uploading to OSHA.",
            file=sys.stderr,
        )
        return EXIT_PROBLEMS
    return EXIT_OK
