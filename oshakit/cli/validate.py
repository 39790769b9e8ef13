"""``oshakit validate``: profile and validate a bundle with Great Expectations."""

from __future__ import annotations

import argparse

from oshakit.cli import EXIT_OK, EXIT_PROBLEMS


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "validate",
        help="validate a bundle: findings.csv, summary.json, profile.csv, Data Docs",
        description="Validate every file of a case bundle against the expectation suites "
        "(expectations/*.json) and cross-file recordkeeping rules. Writes DIR/findings.csv "
        "(one row per failing value, with file and line), DIR/summary.json, DIR/profile.csv "
        "and static Data Docs under DIR/data_docs/. Exit code 1 when any error-severity "
        "finding exists, 2 on input errors.",
    )
    p.add_argument("bundle", help="folder of the case bundle")
    p.add_argument("--out", required=True, metavar="DIR", help="folder for the outputs")
    p.add_argument("--strict", action="store_true",
                   help="load strictly: any loader problem is an input error (exit 2)")
    p.add_argument("--no-docs", action="store_true", help="skip the Data Docs HTML")
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from oshakit.bundle import load_bundle
    from oshakit.validate import validate

    bundle = load_bundle(args.bundle, strict=args.strict)
    v = validate(bundle, args.out, docs=not args.no_docs)
    for row in v.summary.itertuples(index=False):
        print(f"{row.file:<36} rows {row.rows:>9,}  checks {row.run:>3} "
              f"failed {row.failed + row.errored:>3}  errors {row.errors:>7,}  "
              f"warnings {row.warnings:>7,}  score {row.score}")
    print(f"{v.errors:,} error(s), {v.warnings:,} warning(s); findings in {args.out}/findings.csv")
    if v.docs_index is not None:
        print(f"Data Docs: {v.docs_index}")
    return EXIT_PROBLEMS if v.errors else EXIT_OK
