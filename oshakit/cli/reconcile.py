"""``oshakit log``, ``oshakit reconcile`` and ``oshakit export-ita``: the Form 300 log,
the reconciliation tables and the ITA files of a bundle, thin layers over
:mod:`oshakit.pipeline`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from oshakit.cli.options import add_policy_options, policy_from_args

EXIT_OK, EXIT_PROBLEMS = 0, 1
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
        "accounting.csv, eh_diff.csv, log.csv, summary_300a.csv, rates.csv and "
        "ita_checks.csv into DIR. Exit 1 when an exception of error severity was found.",
    )
    _common(p, year_required=False)
    p.add_argument("--out", metavar="DIR", type=Path, required=True, help="output folder")
    p.set_defaults(handler=reconcile_command)

    p = subparsers.add_parser(
        "export-ita",
        help="write the OSHA ITA 300A and case data CSV files of a year",
        description="Write DIR/ita_300a.csv and DIR/ita_case_data.csv (OSHA ITA formats), "
        "DIR/exceptions.csv and DIR/ita_checks.csv. Exit 1 when an ITA check of error "
        "severity fails or the year has nothing to file.",
    )
    _common(p, year_required=True)
    p.add_argument("--out", metavar="DIR", type=Path, required=True, help="output folder")
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


def _run(args: argparse.Namespace):
    from oshakit.errors import BundleError
    from oshakit.pipeline import run

    path = Path(args.bundle)
    if not path.is_dir():
        raise BundleError(f"bundle folder not found: {path}")
    return run(path, args.year, policy_from_args(args))


def log_command(args: argparse.Namespace) -> int:
    from oshakit.pipeline import check_establishment, log_table

    result = _run(args)
    check_establishment(result, args.establishment)
    log = log_table(result.rec, args.establishment)
    where = f" at {args.establishment}" if args.establishment else ""
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        log.to_csv(args.out, index=False, date_format="%Y-%m-%d")
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
    from oshakit.pipeline import exceptions_by_severity, write_outputs

    result = _run(args)
    paths = write_outputs(result, args.out)
    rec = result.rec
    years = f"{args.year}" if args.year else "every year"
    print(
        f"{len(rec.cases):,} case(s), {len(rec.log):,} on the log ({years}), "
        f"{len(result.summaries):,} establishment-year summaries; files in {args.out}:"
    )
    for path in paths.values():
        print(f"  {path.name}")
    counts = exceptions_by_severity(rec.exceptions)
    if len(counts):
        print("exceptions:")
        print(counts.to_string(index=False))
    errors = int((rec.exceptions["severity"] == "error").sum())
    return EXIT_PROBLEMS if errors else EXIT_OK


def export_ita_command(args: argparse.Namespace) -> int:
    from oshakit.ita.export import form300a_frame, write_ita_files

    result = _run(args)
    paths = write_ita_files(result.rec, result.summaries, result.checks, args.out, args.year)
    n300a = len(form300a_frame(result.summaries, args.year))
    n_cases = int((result.rec.log["year"] == args.year).sum())
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
